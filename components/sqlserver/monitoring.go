package sqlserver

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/alarmtopic"
	"github.com/flowmart/platform/pkg/arn"
)

// CloudWatch agent metrics (Windows performance counters, named "<object> <counter>", with the
// dimensions objectname and, for disks, instance; the agent appends InstanceId).
const (
	AgentNamespace   = "CWAgent"
	MemoryObject     = "Memory"
	MemoryCounter    = "% Committed Bytes In Use"
	MemoryMetric     = MemoryObject + " " + MemoryCounter
	AvailableCounter = "Available MBytes"
	AvailableMetric  = MemoryObject + " " + AvailableCounter
	DiskObject       = "LogicalDisk"
	DiskCounter      = "% Free Space"
	DiskMetric       = DiskObject + " " + DiskCounter
	agentPackage     = "AmazonCloudWatchAgent"
	installDocument  = "AWS-ConfigureAWSPackage"
	configDocument   = "AmazonCloudWatch-ManageAgent"
	metricsInterval  = 60
	agentConfigStart = "AmazonCloudWatch-" // CloudWatchAgentServerPolicy reads only parameters named so

	agentInstallTimeoutSeconds = 1200

	// AgentConfigSchedule re-applies the agent's configuration (with a restart of the agent):
	// the configure association reads the SSM parameter only when it runs, so a changed
	// configuration reaches the host at the next run.
	AgentConfigSchedule = "rate(1 day)"
)

// DefaultCloudWatchAgentVersion is the AmazonCloudWatchAgent package version the install
// association pins (AWS-ConfigureAWSPackage's version parameter; without one the package floats
// to the newest). It is release 1.300057.1 of the agent (tag v1.300057.1 of aws/amazon-cloudwatch-agent,
// commit de987cd83f7a, 2025-06-20), written as AWS writes its build versions ("1.300057.1b1168",
// aws/amazon-cloudwatch-agent .github/workflows/test-artifacts.yml at ab55b8daa204). To bump it,
// list the versions SSM Distributor publishes in the stack's region:
//
//	aws ssm describe-document --name AmazonCloudWatchAgent --query Document.VersionName
//	aws ssm list-document-versions --name AmazonCloudWatchAgent --query 'DocumentVersions[].VersionName'
//
// and set SQLServerHostArgs.CloudWatchAgentVersion (or change this default) to one of them; the
// association is updated in place and installs that version on its next run.
const DefaultCloudWatchAgentVersion = "1.300057.1b1168"

// Alarm thresholds.
const (
	CPUThresholdPercent        = 80
	FreeDiskThresholdPercent   = 15
	cpuPeriodSeconds           = 300
	cpuEvaluationPeriods       = 3 // 15 minutes
	statusCheckPeriodSeconds   = 60
	statusCheckEvaluationCount = 2
	agentPeriodSeconds         = 300
	agentEvaluationPeriods     = 2
)

// agentConfigName is the SSM parameter holding the agent's configuration.
func (h *SQLServerHost) agentConfigName() string { return agentConfigStart + h.physicalName() }

// AgentConfig is the CloudWatch agent configuration for a host with the given drive letters
// ("C", "D", ...): memory committed and available, and free space per drive, every minute, with the instance id
// appended as a dimension and no host name dimension.
func AgentConfig(letters []string) string {
	disks := make([]string, len(letters))
	for i, l := range letters {
		disks[i] = l + ":"
	}
	cfg := map[string]any{
		"agent": map[string]any{"metrics_collection_interval": metricsInterval, "omit_hostname": true},
		"metrics": map[string]any{
			"namespace":         AgentNamespace,
			"append_dimensions": map[string]string{"InstanceId": "${aws:InstanceId}"},
			"metrics_collected": map[string]any{
				MemoryObject: map[string]any{"measurement": []string{MemoryCounter, AvailableCounter}, "metrics_collection_interval": metricsInterval},
				DiskObject:   map[string]any{"measurement": []string{DiskCounter}, "resources": disks, "metrics_collection_interval": metricsInterval},
			},
		},
	}
	b, _ := json.Marshal(cfg) // maps of strings and numbers always marshal
	return string(b)
}

// monitoringAgent stores the CloudWatch agent's configuration in SSM and associates the instance
// with two SSM documents: one installs the agent at the pinned CloudWatchAgentVersion (the update
// waits up to 20 minutes for it to succeed), the next applies the configuration, then daily.
func (h *SQLServerHost) monitoringAgent(ctx *pulumi.Context) error {
	letters := []string{"C"}
	for _, d := range h.args.drives() {
		letters = append(letters, d.letter)
	}
	param, err := ssm.NewParameter(ctx, h.name+"-cwagent-config", &ssm.ParameterArgs{
		Name:        pulumi.String(h.agentConfigName()),
		Description: pulumi.String("CloudWatch agent configuration of SQL Server host " + h.name),
		Type:        pulumi.String("String"),
		Tier:        pulumi.String("Standard"),
		// not sensitive: InsecureValue keeps it readable in previews (Value is always a secret)
		InsecureValue: pulumi.String(AgentConfig(letters)),
		Tags:          h.tags(h.name + "-cwagent-config"),
	}, h.opts...)
	if err != nil {
		return err
	}
	targets := h.instanceTarget()
	install, err := ssm.NewAssociation(ctx, h.name+"-cwagent-install", &ssm.AssociationArgs{
		AssociationName: pulumi.String(h.physicalName() + "-cwagent-install"),
		Name:            pulumi.String(installDocument),
		Parameters: pulumi.StringMap{
			"action":  pulumi.String("Install"),
			"name":    pulumi.String(agentPackage),
			"version": pulumi.String(h.args.CloudWatchAgentVersion),
		},
		Targets: targets,
		// the configuration is applied only once the agent is installed (first boot included)
		WaitForSuccessTimeoutSeconds: pulumi.Int(agentInstallTimeoutSeconds),
	}, h.opts...)
	if err != nil {
		return err
	}
	_, err = ssm.NewAssociation(ctx, h.name+"-cwagent-configure", &ssm.AssociationArgs{
		AssociationName: pulumi.String(h.physicalName() + "-cwagent-configure"),
		Name:            pulumi.String(configDocument),
		Parameters: pulumi.StringMap{
			"action":                        pulumi.String("configure"),
			"mode":                          pulumi.String("ec2"),
			"optionalConfigurationSource":   pulumi.String("ssm"),
			"optionalConfigurationLocation": param.Name,
			"optionalRestart":               pulumi.String("yes"),
		},
		Targets:            targets,
		ScheduleExpression: pulumi.String(AgentConfigSchedule),
	}, h.with(pulumi.DependsOn([]pulumi.Resource{install, param}))...)
	return err
}

// subscriptionName names a subscription by its protocol and a hash of its endpoint, so the list can
// be reordered without replacing subscriptions (alarmtopic.Subscription.ChildName, less the
// topic's name).
func subscriptionName(s AlarmSubscription) string {
	return strings.TrimPrefix(alarmtopic.Subscription(s).ChildName(""), "-")
}

// alarm is one CloudWatch alarm of the host.
type alarm struct {
	suffix, description string
	namespace, metric   string
	statistic           string
	comparison          string
	threshold           float64
	period, periods     int
	dimensions          pulumi.StringMap
	recover             bool // the EC2 recover action as well as the topic
}

// alarms creates the KMS-encrypted alarm topic, its subscriptions, and the alarms: CPU above 80%
// for 15 minutes, a failed status check, a failed system status check (which also recovers the
// instance), available memory below MemoryAlarmAvailableMiB, and less than 15% free space on
// each SQL Server drive. Every alarm notifies the topic when it fires and when it recovers.
//
// The memory alarm follows max server memory (memory.go): SQL Server is capped at the RAM less
// OSReserveMiB and its worker stacks, so in normal operation Windows keeps about OSReserveMiB,
// less what Windows and the agents use, available; less than MemoryAlarmAvailableMiB means
// something outside SQL Server's cap is taking the operating system's share. (Committed bytes,
// the former metric, count SQL Server's own cap against a commit limit that depends on the page
// file, so a host at its cap could page in normal operation.)
//
// Recovery: "CloudWatch action based recovery works with the StatusCheckFailed_System metric"
// and moves the instance to another host, keeping its id, addresses and EBS volumes ("Configure
// CloudWatch action based recovery on an EC2 instance", Amazon EC2 User Guide,
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html); the action is
// arn:<partition>:automate:<region>:ec2:recover (RecoverActionARN). Simplified automatic
// recovery, the instance's maintenanceOptions.autoRecovery "default", is on by default for the
// supported instance types ("Configure simplified automatic recovery", instance-configuration-
// recovery.html) and is left as it is: the alarm adds to-the-minute recovery with a notification
// of every attempt.
func (h *SQLServerHost) alarms(ctx *pulumi.Context) error {
	name := h.name + "-alarms"
	subs := make([]alarmtopic.Subscription, len(h.args.AlarmSubscriptions))
	for i, s := range h.args.AlarmSubscriptions {
		subs[i] = alarmtopic.Subscription(s)
	}
	topic, err := alarmtopic.New(ctx, name, alarmtopic.Args{
		Name:          h.physicalName() + "-alarms",
		DisplayName:   "SQL Server " + h.name,
		KMSKeyARN:     h.keyARN,
		Tags:          h.tags(name),
		Subscriptions: subs,
	}, h.opts...)
	if err != nil {
		return err
	}
	h.topic = topic
	id := h.Instance.ID().ToStringOutput()
	list := []alarm{
		{"cpu", "CPU above 80% for 15 minutes", "AWS/EC2", "CPUUtilization", "Average", "GreaterThanThreshold",
			CPUThresholdPercent, cpuPeriodSeconds, cpuEvaluationPeriods, pulumi.StringMap{"InstanceId": id}, false},
		{"status-check", "instance or system status check failed", "AWS/EC2", "StatusCheckFailed", "Maximum", "GreaterThanOrEqualToThreshold",
			1, statusCheckPeriodSeconds, statusCheckEvaluationCount, pulumi.StringMap{"InstanceId": id}, false},
		{suffix: "system-recovery", description: "system status check failed: recovering the instance onto another host",
			namespace: "AWS/EC2", metric: "StatusCheckFailed_System", statistic: "Maximum", comparison: "GreaterThanOrEqualToThreshold",
			threshold: 1, period: statusCheckPeriodSeconds, periods: statusCheckEvaluationCount,
			dimensions: pulumi.StringMap{"InstanceId": id}, recover: true},
		{"memory", fmt.Sprintf("less than %d MiB of memory available (SQL Server leaves the operating system %d MiB)", MemoryAlarmAvailableMiB, OSReserveMiB),
			AgentNamespace, AvailableMetric, "Average", "LessThanThreshold",
			MemoryAlarmAvailableMiB, agentPeriodSeconds, agentEvaluationPeriods,
			pulumi.StringMap{"InstanceId": id, "objectname": pulumi.String(MemoryObject)}, false},
	}
	for _, d := range h.args.drives() {
		list = append(list, alarm{"disk-" + d.key, "less than 15% free space on " + d.letter + ": (" + d.label + ")", AgentNamespace, DiskMetric, "Average", "LessThanThreshold",
			FreeDiskThresholdPercent, agentPeriodSeconds, agentEvaluationPeriods,
			pulumi.StringMap{"InstanceId": id, "objectname": pulumi.String(DiskObject), "instance": pulumi.String(d.letter + ":")}, false})
	}
	actions := pulumi.Array{topic.Arn}
	// the topic's ARN names the partition and region the alarms are in (no lookup)
	recoverAction := topic.Arn.ApplyT(RecoverActionARN).(pulumi.StringOutput)
	for _, a := range list {
		child := h.name + "-alarm-" + a.suffix
		fire := actions
		if a.recover {
			fire = pulumi.Array{recoverAction, topic.Arn}
		}
		if _, err := cloudwatch.NewMetricAlarm(ctx, child, &cloudwatch.MetricAlarmArgs{
			Name:               pulumi.String(h.physicalName() + "-" + a.suffix),
			AlarmDescription:   pulumi.String("SQL Server host " + h.name + ": " + a.description),
			Namespace:          pulumi.String(a.namespace),
			MetricName:         pulumi.String(a.metric),
			Statistic:          pulumi.String(a.statistic),
			ComparisonOperator: pulumi.String(a.comparison),
			Threshold:          pulumi.Float64(a.threshold),
			Period:             pulumi.Int(a.period),
			EvaluationPeriods:  pulumi.Int(a.periods),
			Dimensions:         a.dimensions,
			TreatMissingData:   pulumi.String("missing"),
			AlarmActions:       fire,
			OkActions:          actions,
			Tags:               h.tags(child),
		}, h.opts...); err != nil {
			return err
		}
	}
	return nil
}

// RecoverActionARN is the EC2 recover alarm action in the partition and region of an ARN in the
// alarm's region: arn:<partition>:automate:<region>:ec2:recover, an ARN without an account field
// (Amazon CloudWatch API Reference, PutMetricAlarm, AlarmActions "Valid values: EC2 actions:
// arn:aws:automate:region:ec2:recover"; in another partition, such as aws-us-gov or aws-cn, the
// ARN takes that partition). It returns an error for a string that is not an ARN with a region.
func RecoverActionARN(inRegion string) (string, error) {
	a, err := arn.Parse(inRegion)
	if err != nil {
		return "", err
	}
	if a.Region == "" {
		return "", fmt.Errorf("ARN %q names no region for the recover action", inRegion)
	}
	return strings.Join([]string{"arn", a.Partition, "automate", a.Region, "ec2", "recover"}, ":"), nil
}
