package stacks

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks/config"
)

// withSecrets returns the preview options of a stack whose secret keys hold known plaintexts.
func withSecrets(t *testing.T, stack string, secrets map[string]string) preview.Options {
	t.Helper()
	sf, err := preview.LoadStackFile("..", stack, "")
	if err != nil {
		t.Fatal(err)
	}
	values, secretKeys, _ := config.OfflineSecrets(sf.Project, sf.Config, sf.SecretKeys, preview.Secret)
	for k, v := range secrets {
		full := sf.Project + ":" + k
		values[full] = v
		secretKeys = append(secretKeys, full)
	}
	return preview.Options{Project: sf.Project, Stack: stack, Config: values, SecretKeys: secretKeys}
}

func inputPath(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// Every environment: one default StorageClass (encrypted gp3), the ingress namespace labeled for
// the load balancer controller's readiness gate, Argo CD bootstrapped from the stack's repository.
func TestClusterServicesPerEnvironment(t *testing.T) {
	for _, env := range envs {
		doc, _ := previewJSON(t, env)
		var defaults []string
		for _, typ := range []string{"kubernetes:storage.k8s.io/v1:StorageClass", "kubernetes:storage.k8s.io/v1:StorageClassPatch"} {
			for _, r := range doc.Find(typ) {
				if inputPath(r.Inputs, "metadata", "annotations", "storageclass.kubernetes.io/is-default-class") == "true" {
					defaults = append(defaults, inputPath(r.Inputs, "metadata", "name").(string)+"/"+inputPath(r.Inputs, "parameters", "encrypted").(string))
				}
			}
		}
		if !slices.Equal(defaults, []string{"gp3/true"}) {
			t.Errorf("%s: default storage classes %v, want one encrypted gp3", env, defaults)
		}
		ns := doc.Get("kubernetes:core/v1:Namespace", env+"-ns-ingress")
		if ns == nil || inputPath(ns.Inputs, "metadata", "labels", "elbv2.k8s.aws/pod-readiness-gate-inject") != "enabled" {
			t.Errorf("%s: ingress namespace without the readiness gate label", env)
		}
		root := doc.Get("kubernetes:argoproj.io/v1alpha1:Application", env+"-argocd-root")
		if root == nil || inputPath(root.Inputs, "spec", "source", "path") != "environments/"+env ||
			inputPath(root.Inputs, "spec", "source", "repoURL") != "https://github.com/flowmart/deploy.git" {
			t.Errorf("%s: root application %v", env, root)
		}
		repo := doc.Get("kubernetes:core/v1:Secret", env+"-argocd-repository")
		if repo == nil || inputPath(repo.Inputs, "metadata", "labels", "argocd.argoproj.io/secret-type") != "repository" {
			t.Errorf("%s: no Argo CD repository secret", env)
		}
		updates := doc.Get("kubernetes:argocd-image-updater.argoproj.io/v1alpha1:ImageUpdater", env+"-image-updater-images")
		if (env == "production") != (updates == nil) {
			t.Errorf("%s: image updates %v (production is promoted through Git, the others follow ECR)", env, updates != nil)
		}
		for _, ing := range doc.Find("kubernetes:networking.k8s.io/v1:Ingress") {
			if inputPath(ing.Inputs, "metadata", "annotations", "nginx.org/listen-ports") != "443" {
				t.Errorf("%s: %s does not listen where the load balancer's 443 arrives", env, ing.Name)
			}
		}
	}
}

// Production pages: Alertmanager's critical alerts go to PagerDuty (Events API v2), and the SQL
// Server alarm topic is subscribed to the same PagerDuty service's CloudWatch integration;
// no key or URL is ever in the graph.
func TestAlertsAndAlarmsReachThePager(t *testing.T) {
	secrets := map[string]string{
		config.KeyAlertingPagerDutyRoutingKey: "pd-routing-key-plain-do-not-print",
		config.KeyAlertingPagerDutyAlarmsURL:  "https://events.pagerduty.com/integration/plain-do-not-print/enqueue",
		config.KeyAlertingSlackWebhookURL:     "https://hooks.slack.com/services/plain-do-not-print",
		config.KeyGitOpsRepositoryToken:       "ghp-token-plain-do-not-print",
	}
	opts := withSecrets(t, "production", secrets)
	for _, deploy := range []bool{false, true} {
		opts.Deploy = deploy
		doc, err := Offline(opts)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := doc.JSON()
		for k, v := range secrets {
			if bytes.Contains(b, []byte(v)) {
				t.Fatalf("deploy=%v: %s appears in the preview JSON", deploy, k)
			}
		}
		sub := doc.Get("aws:sns/topicSubscription:TopicSubscription", "production-alarms-pager")
		topic := doc.Get("aws:sns/topic:Topic", "production-sqlserver-alarms")
		if sub == nil || topic == nil {
			t.Fatalf("deploy=%v: subscription %v topic %v", deploy, sub, topic)
		}
		if sub.Inputs["protocol"] != "https" || sub.Inputs["endpoint"] != preview.Secret || !slices.Contains(sub.Dependencies, topic.URN) {
			t.Errorf("deploy=%v: pager subscription %v deps %v", deploy, sub.Inputs, sub.Dependencies)
		}
		kps := doc.Get("kubernetes:helm.sh/v3:Release", "production-monitoring")
		routes := inputPath(kps.Inputs, "values", "alertmanager", "config", "route", "routes").([]any)
		var critical []string
		for _, r := range routes {
			if m := inputPath(r, "matchers").([]any); strings.Contains(m[0].(string), "critical") {
				critical = append(critical, inputPath(r, "receiver").(string))
			}
		}
		if !slices.Equal(critical, []string{"pager", "chat"}) {
			t.Errorf("deploy=%v: critical alerts go to %v", deploy, critical)
		}
		recv := inputPath(kps.Inputs, "values", "alertmanager", "config", "receivers").([]any)
		if inputPath(recv[1], "pagerduty_configs") == nil || inputPath(recv[2], "slack_configs") == nil {
			t.Errorf("deploy=%v: receivers %v", deploy, recv)
		}
		repo := doc.Get("kubernetes:core/v1:Secret", "production-argocd-repository")
		if repo.Inputs["stringData"] != preview.Secret {
			t.Errorf("deploy=%v: repository credentials not secret: %v", deploy, repo.Inputs["stringData"])
		}
	}
	// staging has no pager: no subscription, everything to chat
	doc, _ := previewJSON(t, "staging")
	if doc.Get("aws:sns/topicSubscription:TopicSubscription", "staging-alarms-pager") != nil {
		t.Error("staging subscribes a pager it does not configure")
	}
}

// A receiver without its secret is refused with the key named, and so is a write-back without
// the repository token.
func TestReceiverSecretsRequired(t *testing.T) {
	sf, err := preview.LoadStackFile("..", "production", "")
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for k, v := range sf.Config {
		values[k] = v
	}
	values[sf.Project+":cloudflareApiToken"] = "token"
	get := func(k string) (string, bool) { v, ok := values[k]; return v, ok }
	if _, err := config.Parse(sf.Project, "production", get, nil); err == nil || !strings.HasPrefix(err.Error(), "alertingPagerDutyRoutingKey: required key is missing") {
		t.Errorf("pager without its key: %v", err)
	}
	values[sf.Project+":"+config.KeyAlertingPagerDutyRoutingKey] = "k"
	values[sf.Project+":"+config.KeyAlertingPagerDutyAlarmsURL] = "https://events.pagerduty.com/integration/k/enqueue"
	values[sf.Project+":"+config.KeyAlertingSlackWebhookURL] = "https://hooks.slack.com/services/x"
	if _, err := config.Parse(sf.Project, "production", get, nil); err != nil {
		t.Errorf("with every secret: %v", err)
	}
	values[sf.Project+":gitops"] = `{"repoUrl":"https://github.com/flowmart/deploy.git","imageRepositories":["storefront"]}`
	if _, err := config.Parse(sf.Project, "production", get, nil); err == nil || !strings.HasPrefix(err.Error(), "gitopsRepositoryToken: required key is missing") {
		t.Errorf("write-back without the token: %v", err)
	}
	values[sf.Project+":gitops"] = `{"repoUrl":"https://github.com/flowmart/deploy.git","imageRepositories":["billing"]}`
	values[sf.Project+":"+config.KeyGitOpsRepositoryToken] = "t"
	if _, err := config.Parse(sf.Project, "production", get, nil); err == nil || !strings.HasPrefix(err.Error(), `gitops.imageRepositories[0]: "billing" is not one of the stack's repositories`) {
		t.Errorf("unknown image repository: %v", err)
	}
	values[sf.Project+":gitops"] = `{"repoUrl":"ssh://git@github.com/flowmart/deploy.git"}`
	if _, err := config.Parse(sf.Project, "production", get, nil); err == nil || !strings.HasPrefix(err.Error(), `gitops.repoUrl: "ssh://git@github.com/flowmart/deploy.git" is not an HTTPS repository URL`) {
		t.Errorf("ssh repository: %v", err)
	}
	values[sf.Project+":gitops"] = `{}`
	values[sf.Project+":alerting"] = `{"email":{"to":["ops"],"from":"am@example.com","smartHost":"smtp.example.com:587"}}`
	if _, err := config.Parse(sf.Project, "production", get, nil); err == nil || !strings.HasPrefix(err.Error(), `alerting.email.to[0]: "ops" is not an e-mail address`) {
		t.Errorf("bad recipient: %v", err)
	}
}
