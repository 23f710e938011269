package database

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Alarm periods: every alarm looks at 5-minute statistics over 15 minutes.
const (
	alarmPeriodSeconds   = 300
	alarmEvaluationCount = 3
	mib                  = 1 << 20
	gib                  = 1 << 30
)

// Alarm is one CloudWatch alarm the offering defines, on the AWS/RDS metric Metric of an
// instance (the DBInstanceIdentifier dimension). The metrics and their units are those of
// "Amazon CloudWatch metrics for Amazon RDS" (Amazon RDS User Guide,
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html): CPUUtilization
// (percent), FreeableMemory and FreeStorageSpace (bytes), DatabaseConnections (count),
// ReplicaLag (seconds, on a read replica).
type Alarm struct {
	Suffix, Metric, Comparison, Description string
	Threshold                               float64
}

// Alarms lists the alarms of the primary (reader false) or of a reader, with the Args'
// thresholds after defaults.
func (a DatabaseArgs) Alarms(reader bool) []Alarm {
	a = a.withDefaults()
	cpu := Alarm{"cpu", "CPUUtilization", "GreaterThanThreshold", fmt.Sprintf("CPU above %d%% for 15 minutes", a.CPUAlarmPercent), float64(a.CPUAlarmPercent)}
	if reader {
		return []Alarm{cpu,
			{"replica-lag", "ReplicaLag", "GreaterThanThreshold", fmt.Sprintf("more than %d seconds behind the primary", a.ReplicaLagAlarmSeconds), float64(a.ReplicaLagAlarmSeconds)},
		}
	}
	return []Alarm{cpu,
		{"freeable-memory", "FreeableMemory", "LessThanThreshold", fmt.Sprintf("less than %d MiB of freeable memory", a.FreeableMemoryAlarmMiB), float64(a.FreeableMemoryAlarmMiB) * mib},
		{"free-storage", "FreeStorageSpace", "LessThanThreshold", fmt.Sprintf("less than %d GiB of free storage (autoscaling stops at %d GiB)", a.FreeStorageAlarmGiB, a.MaxAllocatedStorageGiB), float64(a.FreeStorageAlarmGiB) * gib},
		{"connections", "DatabaseConnections", "GreaterThanThreshold", fmt.Sprintf("more than %d connections", a.ConnectionsAlarm), float64(a.ConnectionsAlarm)},
	}
}

// alarms creates the alarms of the primary and of every reader, to AlarmTopicARN when they fire
// and when they recover. Missing data is not breaching: an instance being created or modified
// reports none.
func (d *Database) alarms(ctx *pulumi.Context) error {
	type target struct {
		child, identifier string
		instance          *rds.Instance
		reader            bool
	}
	targets := []target{{d.name, d.args.Identifier(), d.Instance, false}}
	for i, r := range d.Readers {
		targets = append(targets, target{d.name + fmt.Sprintf("-reader-%d", i+1), d.args.ReaderIdentifier(i + 1), r, true})
	}
	actions := pulumi.Array{d.args.AlarmTopicARN}
	for _, t := range targets {
		for _, al := range d.args.Alarms(t.reader) {
			child := t.child + "-alarm-" + al.Suffix
			if _, err := cloudwatch.NewMetricAlarm(ctx, child, &cloudwatch.MetricAlarmArgs{
				Name:               pulumi.String(t.identifier + "-" + al.Suffix),
				AlarmDescription:   pulumi.String("PostgreSQL " + t.identifier + " (" + d.args.Service + ", " + d.args.Owner + "): " + al.Description),
				Namespace:          pulumi.String("AWS/RDS"),
				MetricName:         pulumi.String(al.Metric),
				Statistic:          pulumi.String("Average"),
				ComparisonOperator: pulumi.String(al.Comparison),
				Threshold:          pulumi.Float64(al.Threshold),
				Period:             pulumi.Int(alarmPeriodSeconds),
				EvaluationPeriods:  pulumi.Int(alarmEvaluationCount),
				Dimensions:         pulumi.StringMap{"DBInstanceIdentifier": t.instance.Identifier},
				TreatMissingData:   pulumi.String("notBreaching"),
				AlarmActions:       actions,
				OkActions:          actions,
				Tags:               d.tags(child),
			}, d.opts...); err != nil {
				return err
			}
		}
	}
	return nil
}
