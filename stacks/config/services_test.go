package config_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/stacks/config"
)

// The add-ons' new Args fields report errors under the keys users write.
func TestServicesKeyPaths(t *testing.T) {
	p := config.Project + ":"
	cases := []struct {
		name  string
		stack string
		set   map[string]string
		want  string
	}{
		{"gitops path", "dev", map[string]string{p + "gitops": `{"repoUrl":"https://github.com/flowmart/deploy.git","path":"../x"}`},
			`gitops.path: "../x" is not a clean relative path`},
		{"gitops revision", "dev", map[string]string{p + "gitops": `{"repoUrl":"https://github.com/flowmart/deploy.git","revision":"a b"}`},
			`gitops.revision: "a b" is not a branch name`},
		{"gitops url", "dev", map[string]string{p + "gitops": `{"repoUrl":"http://github.com/flowmart/deploy.git"}`},
			`gitops.repoUrl: "http://github.com/flowmart/deploy.git" is not an HTTPS repository URL`},
		{"slack channel", "staging", map[string]string{p + "alerting": `{"slack":{"channel":"alerts"}}`, p + "alertingSlackWebhookUrl": "https://hooks.slack.com/x"},
			`alerting.slack.channel: "alerts" is not a channel (#name)`},
		{"smart host", "staging", map[string]string{p + "alerting": `{"email":{"to":["ops@example.com"],"from":"am@example.com","smartHost":"smtp"}}`},
			`alerting.email.smartHost: "smtp" is not host:port`},
		{"slack secret missing", "staging", map[string]string{p + "alerting": `{"slack":{}}`, p + "alertingSlackWebhookUrl": ""},
			"alertingSlackWebhookUrl: required key is missing with alerting"},
		{"smtp secret missing", "staging", map[string]string{p + "alerting": `{"email":{"to":["ops@example.com"],"from":"am@example.com","smartHost":"smtp.example.com:587","username":"u"}}`},
			"alertingSmtpPassword: required key is missing with alerting"},
		{"alerts without alertmanager", "dev", map[string]string{p + "alerting": `{"webhook":true}`, p + "alertingWebhookUrl": "https://x.example.com",
			p + "addons": `{"monitoring":{"values":{"alertmanager":{"enabled":false}}}}`},
			"alerting: sets receivers but addons.monitoring.values disables alertmanager"},
		{"no receivers", "dev", map[string]string{p + "alerting": `{}`}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			values := stackValues(t, c.stack)
			for k, v := range c.set {
				values[k] = v
			}
			_, err := parse(values)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("unexpected %v", err)
			case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want)):
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}

// The stack files map to Args: the root application's path per environment, the image
// repositories, the receivers' structure and CloudNativePG values.
func TestServicesArgs(t *testing.T) {
	for _, env := range []string{"dev", "staging", "production"} {
		c, err := parse(stackValues(t, env))
		if err != nil {
			t.Fatal(err)
		}
		a := c.AddonsArgs()
		if a.GitOps.Path != "environments/"+env || a.GitOps.RepositoryURL != "https://github.com/flowmart/deploy.git" {
			t.Errorf("%s: gitops %+v", env, a.GitOps)
		}
		if (env == "production") != (len(a.GitOps.ImageRepositories) == 0) {
			t.Errorf("%s: image repositories %v", env, a.GitOps.ImageRepositories)
		}
		if a.Logging.Replicas != 0 || a.ImageUpdater.Replicas != 1 {
			t.Errorf("%s: logging replicas %d image updater replicas %d", env, a.Logging.Replicas, a.ImageUpdater.Replicas)
		}
		c.AddonsSecrets(&a, func(key string) pulumi.StringInput { return pulumi.String(key) })
		al := a.Monitoring.Alerts
		switch env {
		case "dev":
			// chat only, no pager
			if al.PagerDutyRoutingKey != nil || al.Slack == nil || al.Slack.Channel != "#flowmart-dev-alerts" || al.Slack.WebhookURL == nil {
				t.Errorf("dev: receivers %+v", al)
			}
		case "staging":
			if al.PagerDutyRoutingKey != nil || al.Slack == nil || al.Slack.Channel != "#flowmart-staging-alerts" || al.Slack.WebhookURL == nil {
				t.Errorf("staging: receivers %+v", al)
			}
		case "production":
			if al.PagerDutyRoutingKey == nil || al.Slack == nil || a.GitOps.Password != nil {
				t.Errorf("production: receivers %+v token %v", al, a.GitOps.Password)
			}
		}
	}
	values := stackValues(t, "dev")
	values[config.Project+":addons"] = `{"cloudnativePg":{"values":{"replicaCount":2}},"storageClass":{"enabled":false}}`
	c, err := parse(values)
	if err != nil {
		t.Fatal(err)
	}
	a := c.AddonsArgs()
	if a.Keycloak.OperatorValues["replicaCount"] != 2.0 || a.StorageClass.On() {
		t.Errorf("operator values %v storage class on %v", a.Keycloak.OperatorValues, a.StorageClass.On())
	}
}
