package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks/config"
)

// exampleServices are the shipped manifests (services/): who owns them and where they run.
var exampleServices = map[string]string{"orders": "orders-team", "catalog": "catalog-team", "checkout": "checkout-team"}

// Every stack previews the example services end to end: the discovery namespace, per service a
// paging topic with the manifest's subscription, a Pod Identity role and its association, a
// ConfigMap in the service's namespace with the AWS layer's entries; nothing mandatory fails.
func TestOfferingsEndToEnd(t *testing.T) {
	for _, env := range envs {
		t.Run(env, func(t *testing.T) {
			doc, _ := previewJSON(t, env)
			if doc.BlockingViolations() != 0 {
				t.Errorf("%d blocking violations: %+v", doc.BlockingViolations(), doc.Violations)
			}
			ns := layerGet(doc, AWSLayer, "aws:servicediscovery/httpNamespace:HttpNamespace", env+"-services")
			if ns == nil || ns.Inputs["name"] != env+"-services" {
				t.Fatalf("no Cloud Map namespace %s-services", env)
			}
			var entries map[string]map[string]string
			if b, err := json.Marshal(doc.Outputs[outOfferings]); err != nil || json.Unmarshal(b, &entries) != nil {
				t.Fatalf("offerings output %v", doc.Outputs[outOfferings])
			}
			for svc, owner := range exampleServices {
				prefix := env + "-" + svc
				topic := layerGet(doc, AWSLayer, "aws:sns/topic:Topic", prefix+"-paging")
				if topic == nil || topic.Inputs["name"] != prefix+"-paging" || topic.Inputs["kmsMasterKeyId"] == nil {
					t.Fatalf("%s: paging topic %+v", svc, topic)
				}
				if tags, _ := topic.Inputs["tags"].(map[string]any); tags["Owner"] != owner {
					t.Errorf("%s: topic tags %v", svc, tags)
				}
				var subs []string
				for _, s := range doc.Find("aws:sns/topicSubscription:TopicSubscription") {
					if strings.HasPrefix(s.Name, prefix+"-paging-") {
						subs = append(subs, s.Inputs["protocol"].(string)+":"+s.Inputs["endpoint"].(string))
					}
				}
				if len(subs) != 1 || subs[0] != "email:"+svc+"-oncall@shop.example.com" {
					t.Errorf("%s: subscriptions %v", svc, subs)
				}
				key := layerGet(doc, AWSLayer, "aws:kms/key:Key", prefix+"-key")
				if key == nil || key.Protect != (env == "production") {
					t.Errorf("%s: key %+v", svc, key)
				}
				role := layerGet(doc, AWSLayer, "aws:iam/role:Role", prefix+"-app")
				if role == nil || role.Inputs["name"] != prefix+"-app" {
					t.Fatalf("%s: no role %s-app", svc, prefix)
				}
				var trust iampolicy.Document
				if err := json.Unmarshal([]byte(role.Inputs["assumeRolePolicy"].(string)), &trust); err != nil || trust.Statement[0].Principal["Service"] != iampolicy.PodIdentityService {
					t.Errorf("%s: trust %v %v", svc, trust, err)
				}
				assoc := layerGet(doc, AWSLayer, "aws:eks/podIdentityAssociation:PodIdentityAssociation", prefix+"-app")
				if assoc == nil || assoc.Inputs["namespace"] != svc || assoc.Inputs["serviceAccount"] != svc || assoc.Inputs["clusterName"] != doc.Outputs["clusterName"] {
					t.Errorf("%s: association %+v", svc, assoc)
				}
				cm := layerGet(doc, ServicesLayer, "kubernetes:core/v1:ConfigMap", prefix+"-platform")
				if cm == nil {
					t.Fatalf("%s: no ConfigMap", svc)
				}
				meta, _ := cm.Inputs["metadata"].(map[string]any)
				data, _ := cm.Inputs["data"].(map[string]any)
				if meta["name"] != svc+"-platform" || meta["namespace"] != svc || data["owner"] != owner || data["service"] != svc {
					t.Errorf("%s: ConfigMap %v %v", svc, meta, data)
				}
				mine := entries[svc]
				if len(mine) == 0 || data["roleArn"] != mine["roleArn"] || !strings.HasSuffix(mine["roleArn"], ":role/"+prefix+"-app") {
					t.Errorf("%s: ConfigMap roleArn %v, AWS layer's entries %v", svc, data["roleArn"], mine)
				}
				for k, v := range mine {
					if data[k] != v {
						t.Errorf("%s: ConfigMap %s = %v, the AWS layer exports %v", svc, k, data[k], v)
					}
				}
			}
			// one discovery entry per resource, with what applications need
			wantEntries := map[string][]string{
				env + "-orders-database":           {"endpoint", "port", "arn", "readerEndpoint", "iamUsername", "resourceId"},
				env + "-orders-queue-order-events": {"endpoint", "arn", "url", "deadLetterUrl", "deadLetterArn"},
				env + "-catalog-cache":             {"endpoint", "port", "secretArn", "arn", "readerEndpoint"},
				env + "-checkout-queue-payments":   {"endpoint", "arn", "url", "deadLetterUrl", "deadLetterArn"},
			}
			for name, keys := range wantEntries {
				inst := layerGet(doc, AWSLayer, "aws:servicediscovery/instance:Instance", name)
				if inst == nil {
					t.Errorf("no discovery instance %s", name)
					continue
				}
				attrs, _ := inst.Inputs["attributes"].(map[string]any)
				for _, k := range keys {
					if v, ok := attrs[k].(string); !ok || v == "" {
						t.Errorf("%s: attribute %s = %v", name, k, attrs[k])
					}
				}
			}
			if n := len(doc.Find("aws:servicediscovery/instance:Instance")); n != len(wantEntries) {
				t.Errorf("%d discovery instances, want %d", n, len(wantEntries))
			}
			// every offering alarms to its team's paging topic
			alarms := 0
			for _, a := range doc.Find("aws:cloudwatch/metricAlarm:MetricAlarm") {
				for svc := range exampleServices {
					if strings.HasPrefix(a.Name, env+"-"+svc+"-") {
						alarms++
						actions, _ := a.Inputs["alarmActions"].([]any)
						if len(actions) != 1 || !strings.HasSuffix(fmt.Sprint(actions[0]), ":"+env+"-"+svc+"-paging") {
							t.Errorf("%s alarms to %v, want %s-%s-paging", a.Name, actions, env, svc)
						}
					}
				}
			}
			if alarms < 10 {
				t.Errorf("%d alarms of the example services", alarms)
			}
			// checkout's namespace is a route's (config routes): the add-ons own it; the others
			// are created once, retained when a manifest goes
			for _, n := range doc.Find("kubernetes:core/v1:Namespace") {
				if meta, _ := n.Inputs["metadata"].(map[string]any); meta["name"] == "checkout" && !strings.Contains(n.URN, "flowmart:addons:PlatformAddons$") {
					t.Errorf("the services layer creates checkout's namespace, which the add-ons own: %s", n.URN)
				}
			}
			for _, svc := range []string{"orders", "catalog"} {
				n := layerGet(doc, ServicesLayer, "kubernetes:core/v1:Namespace", env+"-ns-"+svc)
				if n == nil || !n.RetainOnDelete {
					t.Errorf("%s: namespace %+v, want one with retainOnDelete", svc, n)
				}
			}
		})
	}
}

// repoWith makes a repository root with the stack files and one manifest in services/.
func repoWith(t *testing.T, name, text string) string {
	t.Helper()
	root := t.TempDir()
	for _, f := range []string{"Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "services"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "services", name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// A bad manifest stops the preview before any resource, on one line naming its file and key;
// each layer's program stops on it too.
func TestBadManifestFailsOnOneLine(t *testing.T) {
	cases := []struct{ file, text, stack, want string }{
		{"orders.yaml", "name: orders\nowner: orders-team\npaging: {email: [a@b.example]}\ndatabase: {sizes: {production: {instanceClass: db.x9.huge}}}\n", "production",
			`services/orders.yaml: database.sizes.production.instanceClass: "db.x9.huge" is not allowed in production (allowed: db.r6g.large, db.r6g.xlarge, db.r6g.2xlarge, db.r7g.large, db.r7g.xlarge, db.r7g.2xlarge)`},
		{"orders.yaml", "name: orders\nowner: orders-team\npaging: {email: [a@b.example]}\ndatabase: {size: {}}\n", "dev",
			`services/orders.yaml: database.size: unknown key (allowed: sizes)`},
		{"ops.yaml", "name: ops\nowner: ops\npaging: {email: [a@b.example]}\nnamespace: monitoring\n", "dev",
			`services/ops.yaml: namespace: "monitoring" is a namespace of the platform or of Kubernetes`},
	}
	for _, c := range cases {
		root := repoWith(t, c.file, c.text)
		_, err := Preview(root, c.stack, "")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want %q", c.stack, err, c.want)
		}
		o := offlineOptions(t, c.stack)
		if _, err := preview.Run(AWSLayer.ProgramWith(filepath.Join(root, "services")), o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: the AWS layer: err = %v", c.stack, err)
		}
	}
}

// The offerings output is optional for the services layer: an AWS layer deployed before the
// offerings still previews (empty entries); one of another shape fails on one line.
func TestServicesLayerWithoutOfferingsOutput(t *testing.T) {
	o := offlineOptions(t, "dev")
	aws, err := preview.Run(RunAWS, o)
	if err != nil {
		t.Fatal(err)
	}
	outs := aws.StackOutputs()
	delete(outs.Outputs, resource.PropertyKey(outOfferings))
	so := o
	so.Project = config.ServicesProject
	so.StackReferences = map[string]preview.StackOutputs{AWSLayerStack("dev"): outs}
	doc, err := preview.Run(RunServices, so)
	if err != nil {
		t.Fatalf("without the offerings output: %v", err)
	}
	cm := doc.Get("kubernetes:core/v1:ConfigMap", "dev-orders-platform")
	if data, _ := cm.Inputs["data"].(map[string]any); cm == nil || data["service"] != "orders" || data["roleArn"] != nil {
		t.Errorf("ConfigMap without entries: %+v", cm)
	}
	outs.Outputs[resource.PropertyKey(outOfferings)] = resource.NewStringProperty("x")
	want := "stack organization/flowmart-platform/dev: output offerings is a string, want a map of services: deploy the AWS layer of this program version first"
	if _, err := preview.Run(RunServices, so); err == nil || err.Error() != want {
		t.Errorf("a string for offerings: %v, want %q", err, want)
	}
}
