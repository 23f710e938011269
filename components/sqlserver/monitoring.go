package sqlserver

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// CloudWatch agent metrics (Windows performance counters, named "<object> <counter>", with the
// dimensions objectname and, for disks, instance; the agent appends InstanceId).
const (
	AgentNamespace   = "CWAgent"
	MemoryObject     = "Memory"
	MemoryCounter    = "% Committed Bytes In Use"
	MemoryMetric     = MemoryObject + " " + MemoryCounter
	DiskObject       = "LogicalDisk"
	DiskCounter      = "% Free Space"
	DiskMetric       = DiskObject + " " + DiskCounter
	agentPackage     = "AmazonCloudWatchAgent"
	installDocument  = "AWS-ConfigureAWSPackage"
	configDocument   = "AmazonCloudWatch-ManageAgent"
	metricsInterval  = 60
	agentConfigStart = "AmazonCloudWatch-" // CloudWatchAgentServerPolicy reads only parameters named so

	agentInstallTimeoutSeconds = 1200
)

// Alarm thresholds.
const (
	CPUThresholdPercent        = 80
	MemoryThresholdPercent     = 90
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
// ("C", "D", ...): memory committed and free space per drive, every minute, with the instance id
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
				MemoryObject: map[string]any{"measurement": []string{MemoryCounter}, "metrics_collection_interval": metricsInterval},
				DiskObject:   map[string]any{"measurement": []string{DiskCounter}, "resources": disks, "metrics_collection_interval": metricsInterval},
			},
		},
	}
	b, _ := json.Marshal(cfg) // maps of strings and numbers always marshal
	return string(b)
}

// monitoringAgent stores the CloudWatch agent's configuration in SSM and associates the instance
// with two SSM documents: one installs the agent (the update waits up to 20 minutes for it to
// succeed), the next applies the configuration.
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
	targets := ssm.AssociationTargetArray{&ssm.AssociationTargetArgs{
		Key: pulumi.String("InstanceIds"), Values: pulumi.StringArray{h.Instance.ID()},
	}}
	install, err := ssm.NewAssociation(ctx, h.name+"-cwagent-install", &ssm.AssociationArgs{
		AssociationName: pulumi.String(h.physicalName() + "-cwagent-install"),
		Name:            pulumi.String(installDocument),
		Parameters:      pulumi.StringMap{"action": pulumi.String("Install"), "name": pulumi.String(agentPackage)},
		Targets:         targets,
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
		Targets: targets,
	}, h.with(pulumi.DependsOn([]pulumi.Resource{install, param}))...)
	return err
}

// subscriptionName names a subscription by its protocol and a hash of its endpoint, so the list can
// be reordered without replacing subscriptions.
func subscriptionName(s AlarmSubscription) string {
	sum := sha256.Sum256([]byte(s.Endpoint))
	return s.Protocol + "-" + hex.EncodeToString(sum[:])[:8]
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
}

// alarms creates the KMS-encrypted alarm topic, its subscriptions, and the alarms: CPU above 80%
// for 15 minutes, a failed status check, memory committed above 90%, and less than 15% free space
// on each SQL Server drive. Every alarm notifies the topic when it fires and when it recovers.
func (h *SQLServerHost) alarms(ctx *pulumi.Context) error {
	name := h.name + "-alarms"
	topic, err := sns.NewTopic(ctx, name, &sns.TopicArgs{
		Name:           pulumi.String(h.physicalName() + "-alarms"),
		DisplayName:    pulumi.String("SQL Server " + h.name),
		KmsMasterKeyId: h.keyARN,
		Tags:           h.tags(name),
	}, h.opts...)
	if err != nil {
		return err
	}
	h.topic = topic
	for _, s := range h.args.AlarmSubscriptions {
		if _, err := sns.NewTopicSubscription(ctx, name+"-"+subscriptionName(s), &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String(s.Protocol),
			Endpoint: pulumi.String(s.Endpoint),
		}, h.opts...); err != nil {
			return err
		}
	}
	id := h.Instance.ID().ToStringOutput()
	list := []alarm{
		{"cpu", "CPU above 80% for 15 minutes", "AWS/EC2", "CPUUtilization", "Average", "GreaterThanThreshold",
			CPUThresholdPercent, cpuPeriodSeconds, cpuEvaluationPeriods, pulumi.StringMap{"InstanceId": id}},
		{"status-check", "instance or system status check failed", "AWS/EC2", "StatusCheckFailed", "Maximum", "GreaterThanOrEqualToThreshold",
			1, statusCheckPeriodSeconds, statusCheckEvaluationCount, pulumi.StringMap{"InstanceId": id}},
		{"memory", "memory committed above 90%", AgentNamespace, MemoryMetric, "Average", "GreaterThanThreshold",
			MemoryThresholdPercent, agentPeriodSeconds, agentEvaluationPeriods,
			pulumi.StringMap{"InstanceId": id, "objectname": pulumi.String(MemoryObject)}},
	}
	for _, d := range h.args.drives() {
		list = append(list, alarm{"disk-" + d.key, "less than 15% free space on " + d.letter + ": (" + d.label + ")", AgentNamespace, DiskMetric, "Average", "LessThanThreshold",
			FreeDiskThresholdPercent, agentPeriodSeconds, agentEvaluationPeriods,
			pulumi.StringMap{"InstanceId": id, "objectname": pulumi.String(DiskObject), "instance": pulumi.String(d.letter + ":")}})
	}
	actions := pulumi.Array{topic.Arn}
	for _, a := range list {
		child := h.name + "-alarm-" + a.suffix
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
			AlarmActions:       actions,
			OkActions:          actions,
			Tags:               h.tags(child),
		}, h.opts...); err != nil {
			return err
		}
	}
	return nil
}
