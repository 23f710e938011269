package vpn

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/arn"
)

// The gateway is one instance, and it recovers by itself instead of being one of a group.
//
// EC2 instance recovery moves the instance to healthy hardware as it is: "A recovered instance is
// identical to the original instance, including the instance ID, private IP addresses, Elastic IP
// addresses, and all instance metadata"; it reboots on the new host, in-memory data is lost
// (Amazon EC2 User Guide, "Recover your instance" / "Automatic instance recovery",
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-recover.html). It needs
// EBS-only storage, which the gateway has, and keeps its EBS root volume. Everything the gateway
// is wired by therefore stays valid: the routes to ClientCIDR name its primary network interface,
// the DNS record its private address, the Elastic IP association its instance id; and wg0.conf
// is on the root volume, with wg-quick@wg0, wg-peers and dnsmasq enabled at boot.
//
// A one-instance auto-scaling group would instead launch a new instance: a new id, a new network
// interface and private address, so every route to ClientCIDR and the vpn.<zone> record would
// point at nothing until something rewrote them, and the host would need rights to move the
// Elastic IP and to rewrite the routes of the VPC. Recovery needs none of that.
//
// Two mechanisms, both kept on:
//   - simplified automatic recovery, on by default for supported instances and set explicitly
//     (maintenanceOptions.autoRecovery "default", host.go) so that it shows in the preview and is
//     not turned off by accident ("Configure simplified automatic recovery",
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-configuration-recovery.html);
//   - a CloudWatch alarm on StatusCheckFailed_System with the recover action, which acts within
//     minutes ("Configure CloudWatch action based recovery",
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html).
//
// A failed instance status check (the operating system: exhausted memory, a hung kernel, a broken
// network configuration) is not recovered: the recover action is not allowed on
// StatusCheckFailed_Instance (Amazon CloudWatch User Guide, "Create alarms to stop, terminate,
// reboot, or recover an EC2 instance",
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/UsingAlarmActions.html). A
// reboot is what fixes those, and the gateway comes back from one by itself (its services start
// at boot, its key is on disk), so a second alarm reboots it. An alarm acts when it enters ALARM,
// not while it stays there, so a host that a reboot does not fix is rebooted once, not in a loop.
//
// The actions are the EC2 alarm actions arn:<partition>:automate:<region>:ec2:recover and
// :ec2:reboot (Amazon CloudWatch API Reference, PutMetricAlarm, AlarmActions:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
const (
	// statusPeriodSeconds is the status checks' period: EC2 reports them every minute.
	statusPeriodSeconds = 60
	// RecoverAfterMinutes is how long the system status check fails before recovery starts.
	RecoverAfterMinutes = 2
	// RebootAfterMinutes is how long the instance status check fails before a reboot: longer than
	// recovery's, so that a host failure (which fails both checks) is recovered, not rebooted.
	RebootAfterMinutes = 3
)

// statusAlarm is one of the gateway's status-check alarms.
type statusAlarm struct {
	suffix, metric, action, description string
	minutes                             int
}

var statusAlarms = []statusAlarm{
	{"recover", "StatusCheckFailed_System", "recover", "system status check failed (the host under it): recover the instance onto healthy hardware, keeping its id, addresses, Elastic IP and volumes", RecoverAfterMinutes},
	{"reboot", "StatusCheckFailed_Instance", "reboot", "instance status check failed (its operating system): reboot it", RebootAfterMinutes},
}

// alarmAction is the EC2 alarm action (recover, reboot) for an instance whose ARN is instanceARN.
func alarmAction(instanceARN, action string) (string, error) {
	p, err := arn.Parse(instanceARN)
	if err != nil || p.Region == "" {
		return "", fmt.Errorf("instance ARN %q names no region for the %s alarm action", instanceARN, action)
	}
	return "arn:" + p.Partition + ":automate:" + p.Region + ":ec2:" + action, nil
}

// recovery creates the status-check alarms <name>-recover and <name>-reboot on the host. Their
// names are left to Pulumi (a random suffix), so two gateways never collide.
func (g *VPNGateway) recovery(ctx *pulumi.Context) error {
	id := g.Instance.ID().ToStringOutput()
	for _, a := range statusAlarms {
		name := g.name + "-" + a.suffix
		action := g.Instance.Arn.ApplyT(func(instanceARN string) (string, error) {
			return alarmAction(instanceARN, a.action)
		}).(pulumi.StringOutput)
		if _, err := cloudwatch.NewMetricAlarm(ctx, name, &cloudwatch.MetricAlarmArgs{
			AlarmDescription:   pulumi.String(fmt.Sprintf("VPN gateway %s: %s for %d minutes: %s", g.name, a.metric, a.minutes, a.description)),
			Namespace:          pulumi.String("AWS/EC2"),
			MetricName:         pulumi.String(a.metric),
			Dimensions:         pulumi.StringMap{"InstanceId": id},
			Statistic:          pulumi.String("Maximum"),
			Period:             pulumi.Int(statusPeriodSeconds),
			EvaluationPeriods:  pulumi.Int(a.minutes),
			Threshold:          pulumi.Float64(1),
			ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
			TreatMissingData:   pulumi.String("missing"),
			AlarmActions:       pulumi.Array{action},
			Tags:               g.tags(name),
		}, g.opts...); err != nil {
			return err
		}
	}
	return nil
}
