package addons

import (
	"net"
	"net/mail"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
)

// AlertingArgs gives Alertmanager its receivers, routed by severity: critical alerts page
// (PagerDuty) and also reach chat, warnings go to chat (Slack, e-mail, a webhook). Without a pager
// critical alerts go to chat; without chat warnings page. The keys and URLs are secret inputs:
// they are written to a Kubernetes Secret that Alertmanager mounts, and the Helm values only name
// the files (prometheus/alertmanager v0.28.1, the version kube-prometheus-stack 77.0.0 runs,
// docs/configuration.md: routing_key_file, api_url_file, url_file, auth_password_file).
// Defaults to no receivers: the chart's own configuration, where alerts reach nobody.
type AlertingArgs struct {
	// PagerDutyRoutingKey is the integration key of the pager's PagerDuty service (integration
	// type Events API v2), secret. Defaults to none: no pager.
	PagerDutyRoutingKey pulumi.StringInput
	// Slack posts to a Slack incoming webhook. Defaults to none.
	Slack *SlackReceiver
	// Email sends mail through an SMTP server. Defaults to none.
	Email *EmailReceiver
	// Webhook posts Alertmanager's webhook JSON to a URL. Defaults to none.
	Webhook *WebhookReceiver
}

// SlackReceiver is a Slack incoming webhook.
type SlackReceiver struct {
	// WebhookURL is the incoming webhook's URL, secret. Required.
	WebhookURL pulumi.StringInput
	// Channel overrides the webhook's channel (#name or @user). Defaults to the webhook's own.
	Channel string
}

// EmailReceiver sends alerts by e-mail.
type EmailReceiver struct {
	// To are the recipients' addresses. Required.
	To []string
	// From is the sender's address. Required.
	From string
	// SmartHost is the SMTP server as host:port (STARTTLS is required). Required.
	SmartHost string
	// Username is the SMTP user. Defaults to none: no authentication.
	Username string
	// Password is the SMTP user's password, secret; required with Username.
	Password pulumi.StringInput
}

// WebhookReceiver posts to a URL.
type WebhookReceiver struct {
	// URL is the endpoint, secret (it often carries a token). Required.
	URL pulumi.StringInput
}

// Configured reports whether any receiver is set.
func (a AlertingArgs) Configured() bool {
	return a.PagerDutyRoutingKey != nil || a.Slack != nil || a.Email != nil || a.Webhook != nil
}

func (a AlertingArgs) hasChat() bool { return a.Slack != nil || a.Email != nil || a.Webhook != nil }

// validate checks the receivers; field paths are under Monitoring.Alerts.
func (a AlertingArgs) validate(monitoringOn bool) error {
	f := func(field string) string { return "Monitoring.Alerts." + field }
	if !a.Configured() {
		return nil
	}
	if !monitoringOn {
		return fielderr.New("Monitoring.Enabled", "false but Monitoring.Alerts sets receivers: Alertmanager is part of monitoring")
	}
	if s := a.Slack; s != nil {
		if s.WebhookURL == nil {
			return fielderr.New(f("Slack.WebhookURL"), "is required (the Slack incoming webhook's URL, a secret)")
		}
		if s.Channel != "" && (strings.ContainsAny(s.Channel, " \t\n") || !strings.HasPrefix(s.Channel, "#") && !strings.HasPrefix(s.Channel, "@")) {
			return fielderr.New(f("Slack.Channel"), "%q is not a channel (#name) or user (@name)", s.Channel)
		}
	}
	if e := a.Email; e != nil {
		if len(e.To) == 0 {
			return fielderr.New(f("Email.To"), "is required (at least one recipient address)")
		}
		for i, to := range e.To {
			if !isAddress(to) {
				return fielderr.New(fielderr.Index(f("Email.To"), i), "%q is not an e-mail address", to)
			}
		}
		if !isAddress(e.From) {
			return fielderr.New(f("Email.From"), "%q is not an e-mail address", e.From)
		}
		host, port, err := net.SplitHostPort(e.SmartHost)
		if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			return fielderr.New(f("Email.SmartHost"), "%q is not host:port (such as email-smtp.eu-west-1.amazonaws.com:587)", e.SmartHost)
		}
		if e.Username != "" && e.Password == nil {
			return fielderr.New(f("Email.Password"), "is required with Username %q (the SMTP password, a secret)", e.Username)
		}
		if e.Username == "" && e.Password != nil {
			return fielderr.New(f("Email.Username"), "is required with Password (the SMTP user)")
		}
	}
	if w := a.Webhook; w != nil && w.URL == nil {
		return fielderr.New(f("Webhook.URL"), "is required (the endpoint's URL, a secret)")
	}
	return nil
}

func isAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

// alertmanagerSecret is the Secret holding the receivers' keys and URLs, mounted by Alertmanager
// under secretsDir (prometheus-operator mounts each of AlertmanagerSpec.secrets at
// /etc/alertmanager/secrets/<name>; kube-prometheus-stack 77.0.0 values.yaml,
// alertmanager.alertmanagerSpec.secrets).
const (
	alertmanagerSecret = "alertmanager-receivers"
	secretsDir         = "/etc/alertmanager/secrets/" + alertmanagerSecret + "/"
)

// Keys of the receivers' Secret.
const (
	keyPagerDuty = "pagerduty-routing-key"
	keySlack     = "slack-api-url"
	keyWebhook   = "webhook-url"
	keySMTP      = "smtp-password"
)

// Receiver names.
const (
	receiverNull  = "null"
	receiverPager = "pager"
	receiverChat  = "chat"
)

// alertmanager returns the kube-prometheus-stack values of the receivers and the Secret they
// read, or nothing when no receiver is set.
func (c *PlatformAddons) alertmanager(ctx *pulumi.Context) (map[string]any, []pulumi.Resource, error) {
	a := c.args.Monitoring.Alerts
	if !a.Configured() {
		return nil, nil, nil
	}
	data := pulumi.StringMap{}
	secret := func(key string, v pulumi.StringInput) string {
		data[key] = pulumi.ToSecret(v).(pulumi.StringOutput)
		return secretsDir + key
	}
	var pager, chat map[string]any
	if a.PagerDutyRoutingKey != nil {
		pager = map[string]any{"name": receiverPager, "pagerduty_configs": []any{map[string]any{
			"routing_key_file": secret(keyPagerDuty, a.PagerDutyRoutingKey),
			"send_resolved":    true,
		}}}
	}
	if a.hasChat() {
		chat = map[string]any{"name": receiverChat}
		if s := a.Slack; s != nil {
			cfg := map[string]any{"api_url_file": secret(keySlack, s.WebhookURL), "send_resolved": true}
			if s.Channel != "" {
				cfg["channel"] = s.Channel
			}
			chat["slack_configs"] = []any{cfg}
		}
		if e := a.Email; e != nil {
			cfg := map[string]any{
				"to": strings.Join(e.To, ", "), "from": e.From, "smarthost": e.SmartHost,
				"require_tls": true, "send_resolved": true,
			}
			if e.Username != "" {
				cfg["auth_username"] = e.Username
				cfg["auth_password_file"] = secret(keySMTP, e.Password)
			}
			chat["email_configs"] = []any{cfg}
		}
		if w := a.Webhook; w != nil {
			chat["webhook_configs"] = []any{map[string]any{"url_file": secret(keyWebhook, w.URL), "send_resolved": true}}
		}
	}
	sec, err := c.secret(ctx, "alertmanager", nsMonitoring, alertmanagerSecret, data)
	if err != nil {
		return nil, nil, err
	}
	receivers := []any{map[string]any{"name": receiverNull}}
	// The chart's Watchdog route stays first: it fires always, to prove the pipeline, and reaches
	// nobody.
	routes := []any{map[string]any{"receiver": receiverNull, "matchers": []any{`alertname = "Watchdog"`}}}
	switch {
	case pager != nil && chat != nil:
		receivers = append(receivers, pager, chat)
		routes = append(routes,
			map[string]any{"receiver": receiverPager, "matchers": []any{`severity = "critical"`}, "continue": true},
			map[string]any{"receiver": receiverChat, "matchers": []any{`severity =~ "critical|warning"`}})
	case pager != nil:
		receivers = append(receivers, pager)
		routes = append(routes, map[string]any{"receiver": receiverPager, "matchers": []any{`severity =~ "critical|warning"`}})
	default:
		receivers = append(receivers, chat)
		routes = append(routes, map[string]any{"receiver": receiverChat, "matchers": []any{`severity =~ "critical|warning"`}})
	}
	values := map[string]any{"alertmanager": map[string]any{
		"config": map[string]any{
			"route":     map[string]any{"receiver": receiverNull, "routes": routes},
			"receivers": receivers,
		},
		"alertmanagerSpec": map[string]any{"secrets": []any{alertmanagerSecret}},
	}}
	return values, []pulumi.Resource{sec}, nil
}
