package config

import (
	"encoding/json"
	"strings"
)

// Alerting keys: the `alerting` object says which receivers exist, the secrets hold their keys
// and URLs (set with `pulumi config set --secret`, never in the stack file).
const (
	KeyAlerting                    = "alerting"
	KeyAlertingPagerDutyRoutingKey = "alertingPagerDutyRoutingKey"    // secret
	KeyAlertingPagerDutyAlarmsURL  = "alertingPagerDutyCloudWatchUrl" // secret
	KeyAlertingSlackWebhookURL     = "alertingSlackWebhookUrl"        // secret
	KeyAlertingSMTPPassword        = "alertingSmtpPassword"           // secret
	KeyAlertingWebhookURL          = "alertingWebhookUrl"             // secret
)

// read only as secrets; optional, so not typed secret (the CLI would require them)
var alertingKeys = []keySpec{
	{KeyAlerting, typeObject, false},
	{KeyAlertingPagerDutyRoutingKey, typeString, false},
	{KeyAlertingPagerDutyAlarmsURL, typeString, false},
	{KeyAlertingSlackWebhookURL, typeString, false},
	{KeyAlertingSMTPPassword, typeString, false},
	{KeyAlertingWebhookURL, typeString, false},
}

// AlertingConfig is the `alerting` object: where the cluster's alerts and the environment's
// CloudWatch alarms go. Critical alerts page, warnings go to chat (components/addons AlertingArgs).
type AlertingConfig struct {
	// PagerDuty pages through one PagerDuty service with two integrations: Events API v2 for
	// Alertmanager (alertingPagerDutyRoutingKey) and Amazon CloudWatch for the SQL Server alarms'
	// SNS topic (alertingPagerDutyCloudWatchUrl).
	PagerDuty bool `json:"pagerDuty,omitempty"`
	// Slack posts to the incoming webhook alertingSlackWebhookUrl.
	Slack *SlackConfig `json:"slack,omitempty"`
	// Email sends mail; the password is alertingSmtpPassword.
	Email *EmailConfig `json:"email,omitempty"`
	// Webhook posts to alertingWebhookUrl.
	Webhook bool `json:"webhook,omitempty"`

	// Has* say which secrets are set; their values are only ever read as secret outputs.
	HasPagerDutyRoutingKey bool `json:"-"`
	HasPagerDutyAlarmsURL  bool `json:"-"`
	HasSlackWebhookURL     bool `json:"-"`
	HasSMTPPassword        bool `json:"-"`
	HasWebhookURL          bool `json:"-"`
}

// SlackConfig is alerting.slack.
type SlackConfig struct {
	Channel string `json:"channel,omitempty"`
}

// EmailConfig is alerting.email.
type EmailConfig struct {
	To        []string `json:"to"`
	From      string   `json:"from"`
	SmartHost string   `json:"smartHost"`
	Username  string   `json:"username,omitempty"`
}

func readAlerting(r *reader) AlertingConfig {
	var a AlertingConfig
	r.object(KeyAlerting, &a)
	a.HasPagerDutyRoutingKey = r.isSet(KeyAlertingPagerDutyRoutingKey)
	a.HasPagerDutyAlarmsURL = r.isSet(KeyAlertingPagerDutyAlarmsURL)
	a.HasSlackWebhookURL = r.isSet(KeyAlertingSlackWebhookURL)
	a.HasSMTPPassword = r.isSet(KeyAlertingSMTPPassword)
	a.HasWebhookURL = r.isSet(KeyAlertingWebhookURL)
	return a
}

// requiredSecrets are the secret keys the receivers need.
func (a AlertingConfig) requiredSecrets() []string {
	var keys []string
	if a.PagerDuty {
		keys = append(keys, KeyAlertingPagerDutyRoutingKey, KeyAlertingPagerDutyAlarmsURL)
	}
	if a.Slack != nil {
		keys = append(keys, KeyAlertingSlackWebhookURL)
	}
	if a.Email != nil && a.Email.Username != "" {
		keys = append(keys, KeyAlertingSMTPPassword)
	}
	if a.Webhook {
		keys = append(keys, KeyAlertingWebhookURL)
	}
	return keys
}

func (a AlertingConfig) has(key string) bool {
	switch key {
	case KeyAlertingPagerDutyRoutingKey:
		return a.HasPagerDutyRoutingKey
	case KeyAlertingPagerDutyAlarmsURL:
		return a.HasPagerDutyAlarmsURL
	case KeyAlertingSlackWebhookURL:
		return a.HasSlackWebhookURL
	case KeyAlertingSMTPPassword:
		return a.HasSMTPPassword
	case KeyAlertingWebhookURL:
		return a.HasWebhookURL
	}
	return false
}

// validateAlerting checks the stack's rules: every receiver has its secret, and receivers are
// only set where Alertmanager runs.
// The receivers' own rules are PlatformAddons' (validateComponents).
func (c *Config) validateAlerting() error {
	a := c.Alerting
	for _, key := range a.requiredSecrets() {
		if !a.has(key) {
			return errorf(key, "required key is missing with %s (set it with `pulumi config set --secret %s <value>`)", KeyAlerting, key)
		}
	}
	if a.configured() && (c.Addons.Monitoring.Enabled != nil && !*c.Addons.Monitoring.Enabled) {
		return errorf(KeyAlerting, "sets receivers but addons.monitoring.enabled is false: Alertmanager is part of monitoring")
	}
	if a.configured() && alertmanagerDisabled(c.Addons.Monitoring.Values) {
		return errorf(KeyAlerting, "sets receivers but addons.monitoring.values disables alertmanager")
	}
	return nil
}

func (a AlertingConfig) configured() bool {
	return a.PagerDuty || a.Slack != nil || a.Email != nil || a.Webhook
}

// alertmanagerDisabled reports whether Helm values turn kube-prometheus-stack's Alertmanager off.
func alertmanagerDisabled(values map[string]any) bool {
	am, _ := values["alertmanager"].(map[string]any)
	on, set := am["enabled"].(bool)
	return set && !on
}

// conditionalSecrets are the secret keys the raw configuration requires beyond RequiredSecrets.
func conditionalSecrets(project string, values map[string]string) []string {
	var a AlertingConfig
	var keys []string
	if lenientDecode(values[project+":"+KeyAlerting], &a) {
		keys = append(keys, a.requiredSecrets()...)
	}
	return append(keys, gitOpsSecrets(values[project+":"+KeyGitOps])...)
}

// lenientDecode decodes raw JSON into v, reporting whether it could; errors are the loader's to
// report with the key named.
func lenientDecode(raw string, v any) bool {
	return strings.TrimSpace(raw) != "" && json.Unmarshal([]byte(raw), v) == nil
}
