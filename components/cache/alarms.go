package cache

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Namespace is the CloudWatch namespace of ElastiCache's metrics.
const Namespace = "AWS/ElastiCache"

// Alarm periods: five-minute datapoints, three in a row (15 minutes) for the sustained ones.
const (
	alarmPeriodSeconds = 300
	sustainedPeriods   = 3
)

// Alarm is one alarm every node of a cache gets.
type Alarm struct {
	// Suffix names the alarm: <id>-<Suffix>-<node>.
	Suffix string
	// Metric is the ElastiCache metric (host-level or Valkey's), per node (dimension
	// CacheClusterId): Amazon ElastiCache User Guide, "Host-Level Metrics" and "Metrics for
	// Valkey and Redis OSS" (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.html).
	Metric, Statistic string
	Threshold         int
	Periods           int
	// Missing is how missing data counts: a primary reports no ReplicationLag.
	Missing     string
	Description string
}

// Alarms are the alarms of each node of a cache with the given Args (defaults applied):
// ReplicationLag only with replicas.
func (a *CacheArgs) Alarms() []Alarm {
	c := a.withDefaults()
	out := []Alarm{
		{"cpu", "CPUUtilization", "Average", c.CPUThresholdPercent, sustainedPeriods, "missing", fmt.Sprintf("host CPU above %d%% for 15 minutes", c.CPUThresholdPercent)},
		{"engine-cpu", "EngineCPUUtilization", "Average", c.EngineCPUThresholdPercent, sustainedPeriods, "missing", fmt.Sprintf("Valkey's thread CPU above %d%% for 15 minutes", c.EngineCPUThresholdPercent)},
		{"memory", "DatabaseMemoryUsagePercentage", "Average", c.MemoryThresholdPercent, sustainedPeriods, "missing", fmt.Sprintf("memory used above %d%% of maxmemory for 15 minutes", c.MemoryThresholdPercent)},
		{"evictions", "Evictions", "Sum", c.EvictionsThreshold, 1, "notBreaching", fmt.Sprintf("more than %d keys evicted in 5 minutes", c.EvictionsThreshold)},
		{"connections", "CurrConnections", "Maximum", c.ConnectionsThreshold, sustainedPeriods, "missing", fmt.Sprintf("more than %d client connections for 15 minutes", c.ConnectionsThreshold)},
	}
	if c.Replicas > 0 {
		out = append(out, Alarm{"replication-lag", "ReplicationLag", "Maximum", c.ReplicationLagThresholdSeconds, sustainedPeriods, "notBreaching", fmt.Sprintf("a replica more than %d seconds behind the primary for 15 minutes", c.ReplicationLagThresholdSeconds)})
	}
	return out
}

// NodeID is the id of node i (1-based) of a replication group: ElastiCache names the member
// clusters of a cluster-mode-disabled group <group id>-001, -002, ... (the MemberClusters of the
// AWS CLI's create-replication-group example, "mygroup-001"), the CacheClusterId dimension of its
// metrics.
func NodeID(groupID string, i int) string { return fmt.Sprintf("%s-%03d", groupID, i) }

// alarms creates each node's alarms, with the owning team's topic as alarm and OK action.
func (c *Cache) alarms(ctx *pulumi.Context) error {
	actions := pulumi.Array{c.args.AlarmTopicARN}
	for i := 1; i <= 1+c.args.Replicas; i++ {
		node := NodeID(c.id, i)
		for _, al := range c.args.Alarms() {
			child := fmt.Sprintf("%s-%s-%03d", c.name, al.Suffix, i)
			if _, err := cloudwatch.NewMetricAlarm(ctx, child, &cloudwatch.MetricAlarmArgs{
				Name:               pulumi.String(fmt.Sprintf("%s-%s-%03d", c.id, al.Suffix, i)),
				AlarmDescription:   pulumi.String("Cache " + c.id + " node " + node + ": " + al.Description + " (owner " + c.args.Owner + ")"),
				Namespace:          pulumi.String(Namespace),
				MetricName:         pulumi.String(al.Metric),
				Statistic:          pulumi.String(al.Statistic),
				ComparisonOperator: pulumi.String("GreaterThanThreshold"),
				Threshold:          pulumi.Float64(float64(al.Threshold)),
				Period:             pulumi.Int(alarmPeriodSeconds),
				EvaluationPeriods:  pulumi.Int(al.Periods),
				Dimensions:         pulumi.StringMap{"CacheClusterId": pulumi.String(node)},
				TreatMissingData:   pulumi.String(al.Missing),
				AlarmActions:       actions,
				OkActions:          actions,
				Tags:               c.tags(child),
			}, c.with(pulumi.DependsOn([]pulumi.Resource{c.ReplicationGroup}))...); err != nil {
				return err
			}
		}
	}
	return nil
}
