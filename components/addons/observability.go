package addons

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/kmskey"
	"github.com/flowmart/platform/pkg/protect"
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
	deps := []pulumi.Resource{admin}
	if sec := c.sso.consoleSecret(grafanaClient); sec != nil {
		deps = append(deps, sec)
	}
	alertValues, alertDeps, err := c.alertmanager(ctx)
	if err != nil {
		return err
	}
	rel, err := c.install(ctx, release{
		key: "monitoring", chart: chartPrometheusStack, namespace: nsMonitoring, name: "kube-prometheus-stack",
		values: MergeValues(map[string]any{
			"fullnameOverride": "kps",
			// the stack's own crds/ (installed once, never upgraded) are off: prometheus-operator-crds
			"crds": map[string]any{"enabled": false},
			"grafana": MergeValues(map[string]any{
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
			}, c.grafanaSSOValues()),
			"prometheus": map[string]any{"prometheusSpec": map[string]any{
				"replicas":  ad.Replicas,
				"retention": fmt.Sprintf("%dd", ad.RetentionDays),
				"storageSpec": map[string]any{"volumeClaimTemplate": map[string]any{"spec": map[string]any{
					"accessModes": []any{"ReadWriteOnce"},
					"resources":   map[string]any{"requests": map[string]any{"storage": fmt.Sprintf("%dGi", ad.StorageGiB)}},
				}}},
			}},
			"alertmanager": map[string]any{"alertmanagerSpec": map[string]any{"replicas": ad.Replicas}},
		}, alertValues),
		override:  ad.Values,
		timeout:   900,
		dependsOn: c.volumeDeps(append(alertDeps, append(deps, crds)...)...),
	})
	if err != nil {
		return err
	}
	c.urls["monitoring"] = pulumi.String("https://" + host).ToStringOutput()
	c.passwords["monitoring"] = pw
	// An admin console: on the internal load balancer only (reached over the VPN).
	return c.exposeOn(ctx, internalEdge, c.name+"-grafana-ingress", nsMonitoring, "grafana", host, "grafana", 80, []string{"/"}, rel)
}

const fluentBitServiceAccount = "aws-for-fluent-bit"

// logging creates the container log group, encrypted with a customer managed key, and installs
// Fluent Bit shipping to it through Pod Identity, with write access to that group only.
func (c *PlatformAddons) logging(ctx *pulumi.Context) error {
	ad := c.args.Logging
	if !ad.On() {
		return nil
	}
	lgName := c.name + "-logs"
	key, err := c.logKey(ctx, lgName)
	if err != nil {
		return err
	}
	lg, err := cloudwatch.NewLogGroup(ctx, lgName, &cloudwatch.LogGroupArgs{
		Name:            pulumi.Sprintf("/aws/eks/%s/containers", c.args.ClusterName),
		RetentionInDays: pulumi.Int(ad.RetentionDays),
		KmsKeyId:        key,
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

// logKey returns Logging.KMSKeyARN, or creates the key that encrypts the container log group: the
// platform's key policy plus the statement that lets CloudWatch Logs of Region use it
// (kmskey.LogsStatement). The group's name holds ClusterName, which may be known only once the
// cluster is, so the statement names the pattern /aws/eks/*/containers: the container log groups
// of the account's clusters in Region. The certificate's ARN (ACM, the cluster's account) names
// the account. Writers need no KMS permission: CloudWatch Logs encrypts as itself (CloudWatch
// Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management Service",
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
func (c *PlatformAddons) logKey(ctx *pulumi.Context, name string) (pulumi.StringOutput, error) {
	if c.args.Logging.KMSKeyARN != nil {
		return c.args.Logging.KMSKeyARN.ToStringPtrOutput().Elem(), nil
	}
	key, err := kmskey.New(ctx, name, kmskey.Args{
		Description: "Encrypts the container log group of platform add-ons " + c.name,
		AccountARN:  c.args.CertificateARN,
		Region:      pulumi.String(c.args.Region),
		ServiceStatementsFor: func(s kmskey.Scope) []iampolicy.Statement {
			return []iampolicy.Statement{kmskey.LogsStatement(s, "/aws/eks/*/containers")}
		},
		Tags: c.tags(name),
	}, protect.Options(c.args.Protect, c.awsOpts), nil)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return key.Arn, nil
}
