package mocks

import (
	"fmt"
	"strconv"
)

// sqlserverUUID formats a resource hash as the UUID-style ids AWS gives backup plans, selections,
// maintenance window targets and tasks, and SSM associations.
func sqlserverUUID(h string) string {
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// sqlserverOutputs are the computed outputs of the sqlserver component's own resource types (the instance,
// secrets, parameters and Route 53 records are in hostOutputs).
var sqlserverOutputs = map[string]outputFunc{
	"aws:ebs/volume:Volume": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := "vol-" + h[:17]
		out := map[string]any{
			"arn":        fmt.Sprintf("arn:aws:ec2:%s:%s:volume/%s", m.region, m.account, id),
			"outpostArn": "",
			"snapshotId": "",
		}
		if r.Inputs["kmsKeyId"] == nil { // the account's default EBS key
			out["kmsKeyId"] = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", m.region, m.account, sqlserverUUID(h[32:]))
		}
		return id, out
	},
	"aws:ec2/volumeAttachment:VolumeAttachment": func(m *Mocks, r *target, h string) (string, map[string]any) {
		n, _ := strconv.ParseUint(h[:8], 16, 32)
		return fmt.Sprintf("vai-%d", n), nil
	},
	"aws:backup/vault:Vault": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		return name, map[string]any{
			"name":           name,
			"arn":            fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:%s", m.region, m.account, name),
			"recoveryPoints": 0,
		}
	},
	"aws:backup/plan:Plan": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := sqlserverUUID(h)
		return id, map[string]any{
			"arn":     fmt.Sprintf("arn:aws:backup:%s:%s:backup-plan:%s", m.region, m.account, id),
			"version": "ZjM" + h[32:56],
		}
	},
	"aws:backup/selection:Selection": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return sqlserverUUID(h), nil
	},
	"aws:ssm/patchBaseline:PatchBaseline": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := "pb-" + h[:17]
		return id, map[string]any{"arn": fmt.Sprintf("arn:aws:ssm:%s:%s:patchbaseline/%s", m.region, m.account, id)}
	},
	"aws:ssm/patchGroup:PatchGroup": func(m *Mocks, r *target, h string) (string, map[string]any) {
		group, _ := r.Inputs["patchGroup"].(string)
		baseline, _ := r.Inputs["baselineId"].(string)
		return group + "," + baseline, nil
	},
	"aws:ssm/maintenanceWindow:MaintenanceWindow": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return "mw-" + h[:17], nil
	},
	"aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return sqlserverUUID(h), nil
	},
	"aws:ssm/maintenanceWindowTask:MaintenanceWindowTask": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := sqlserverUUID(h)
		window, _ := r.Inputs["windowId"].(string)
		return id, map[string]any{
			"windowTaskId": id,
			"arn":          fmt.Sprintf("arn:aws:ssm:%s:%s:windowtask/%s/%s", m.region, m.account, window, id),
		}
	},
	"aws:ssm/association:Association": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := sqlserverUUID(h)
		return id, map[string]any{
			"associationId": id,
			"arn":           fmt.Sprintf("arn:aws:ssm:%s:%s:association/%s", m.region, m.account, id),
		}
	},
	"aws:sns/topic:Topic": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", m.region, m.account, name)
		return arn, map[string]any{"arn": arn, "name": name, "owner": m.account, "beginningArchiveTime": ""}
	},
	"aws:sns/topicSubscription:TopicSubscription": func(m *Mocks, r *target, h string) (string, map[string]any) {
		topic, _ := r.Inputs["topic"].(string)
		arn := topic + ":" + sqlserverUUID(h)
		protocol, _ := r.Inputs["protocol"].(string)
		return arn, map[string]any{
			"arn":                          arn,
			"ownerId":                      m.account,
			"confirmationWasAuthenticated": false,
			// e-mail and https endpoints confirm the subscription themselves, later
			"pendingConfirmation": protocol == "email" || protocol == "https" || protocol == "http",
		}
	},
	"aws:cloudwatch/metricAlarm:MetricAlarm": func(m *Mocks, r *target, h string) (string, map[string]any) {
		name := autoName(r, h)
		return name, map[string]any{"arn": fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", m.region, m.account, name)}
	},
}
