package addons

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
)

// metricsServer installs metrics-server (resource metrics for kubectl top and autoscalers).
func (c *PlatformAddons) metricsServer(ctx *pulumi.Context) error {
	ad := c.args.MetricsServer
	if !ad.On() {
		return nil
	}
	_, err := c.install(ctx, release{
		key: "metrics-server", chart: chartMetricsServer, namespace: nsKubeSystem, name: "metrics-server",
		values: map[string]any{
			"replicas":            ad.Replicas,
			"podDisruptionBudget": map[string]any{"enabled": ad.Replicas > 1, "minAvailable": 1},
		},
		override: ad.Values,
	})
	return err
}

const grafanaAdminObj = "grafana-admin"

// monitoring installs kube-prometheus-stack, Grafana on grafana.<Domain> with a generated admin
// password kept in a Secret, and Prometheus with the configured retention and volume.
func (c *PlatformAddons) monitoring(ctx *pulumi.Context) error {
	ad := c.args.Monitoring
	if !ad.On() {
		return nil
	}
	host := c.host("grafana")
	if _, err := c.namespace(ctx, nsMonitoring); err != nil {
		return err
	}
	pw, err := c.password(ctx, "grafana-admin")
	if err != nil {
		return err
	}
	admin, err := c.secret(ctx, "grafana-admin", nsMonitoring, grafanaAdminObj, pulumi.StringMap{
		"admin-user":     pulumi.String("admin"),
		"admin-password": pw,
	})
	if err != nil {
		return err
	}
	// The Prometheus Operator's CRDs from their own chart, as templates, so a bump upgrades them;
	// kept when the release goes (deleting a CRD deletes every object of it).
	crds, err := c.install(ctx, release{
		key: "monitoring-crds", chart: chartPrometheusCRDs, namespace: nsMonitoring, name: "prometheus-operator-crds",
		values: map[string]any{"crds": map[string]any{"annotations": map[string]any{"helm.sh/resource-policy": "keep"}}},
	})
	if err != nil {
		return err
	}
	rel, err := c.install(ctx, release{
		key: "monitoring", chart: chartPrometheusStack, namespace: nsMonitoring, name: "kube-prometheus-stack",
		values: map[string]any{
			"fullnameOverride": "kps",
			// the stack's own crds/ (installed once, never upgraded) are off: prometheus-operator-crds
			"crds": map[string]any{"enabled": false},
			"grafana": map[string]any{
				"fullnameOverride": "grafana",
				"admin": map[string]any{
					"existingSecret": grafanaAdminObj,
					"userKey":        "admin-user",
					"passwordKey":    "admin-password",
				},
				"grafana.ini": map[string]any{"server": map[string]any{
					"domain":   host,
					"root_url": "https://" + host,
				}},
				"ingress": map[string]any{"enabled": false},
			},
			"prometheus": map[string]any{"prometheusSpec": map[string]any{
				"replicas":  ad.Replicas,
				"retention": fmt.Sprintf("%dd", ad.RetentionDays),
				"storageSpec": map[string]any{"volumeClaimTemplate": map[string]any{"spec": map[string]any{
					"accessModes": []any{"ReadWriteOnce"},
					"resources":   map[string]any{"requests": map[string]any{"storage": fmt.Sprintf("%dGi", ad.StorageGiB)}},
				}}},
			}},
			"alertmanager": map[string]any{"alertmanagerSpec": map[string]any{"replicas": ad.Replicas}},
		},
		override:  ad.Values,
		timeout:   900,
		dependsOn: []pulumi.Resource{admin, crds},
	})
	if err != nil {
		return err
	}
	c.urls["monitoring"] = pulumi.String("https://" + host).ToStringOutput()
	c.passwords["monitoring"] = pw
	return c.expose(ctx, c.name+"-grafana-ingress", nsMonitoring, "grafana", host, "grafana", 80, "/", rel)
}

const fluentBitServiceAccount = "aws-for-fluent-bit"

// logging creates the container log group and installs Fluent Bit shipping to it through Pod
// Identity, with write access to that group only.
func (c *PlatformAddons) logging(ctx *pulumi.Context) error {
	ad := c.args.Logging
	if !ad.On() {
		return nil
	}
	lgName := c.name + "-logs"
	lg, err := cloudwatch.NewLogGroup(ctx, lgName, &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/aws/eks/%s/containers", c.args.ClusterName),
		RetentionInDays: pulumi.Int(ad.RetentionDays),
		Tags:            c.tags(lgName),
	}, c.awsOpts...)
	if err != nil {
		return err
	}
	if _, err := c.namespace(ctx, nsLogging); err != nil {
		return err
	}
	policy := iampolicy.Render(func(v []string) iampolicy.Document { return logShippingPolicy(v[0]) }, lg.Arn)
	assoc, err := c.podIdentity(ctx, "fluent-bit", nsLogging, fluentBitServiceAccount, policy)
	if err != nil {
		return err
	}
	_, err = c.install(ctx, release{
		key: "fluent-bit", chart: chartFluentBit, namespace: nsLogging, name: "aws-for-fluent-bit",
		values: map[string]any{
			"serviceAccount": map[string]any{"create": true, "name": fluentBitServiceAccount},
			"cloudWatch":     map[string]any{"enabled": false},
			"cloudWatchLogs": map[string]any{
				"enabled":         true,
				"region":          c.args.Region,
				"logGroupName":    lg.Name,
				"logStreamPrefix": "fluent-bit-",
				"autoCreateGroup": false,
			},
			"firehose":      map[string]any{"enabled": false},
			"kinesis":       map[string]any{"enabled": false},
			"elasticsearch": map[string]any{"enabled": false},
		},
		override:  ad.Values,
		dependsOn: []pulumi.Resource{assoc, lg},
	})
	return err
}
