package config_test

import (
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/flowmart/platform/stacks/config"
)

const (
	keyCluster   = "flowmart-platform:cluster"
	keyNAT       = "flowmart-platform:natStrategy"
	keyEndpoints = "flowmart-platform:interfaceEndpoints"
	keyDBEgress  = "flowmart-platform:databaseEgress"
	managedOnly  = `"version":"1.33","nodeGroups":[{"name":"g","kind":"Managed","instanceTypes":["m6i.large"],"minSize":1,"maxSize":3,"releaseVersion":"1.33.5-20261015"}]`
)

func wantKeyError(t *testing.T, err error, key, substr string) {
	t.Helper()
	var cerr *config.Error
	if !errors.As(err, &cerr) || cerr.Key != key || !strings.Contains(err.Error(), substr) || strings.Contains(err.Error(), "\n") {
		t.Errorf("err = %v, want key %s and %q on one line", err, key, substr)
	}
}

// natStrategy None is refused while the network lacks an endpoint a NAT-less cluster needs, and
// the message names what is missing (the self-managed groups' termination handler adds two).
func TestNATStrategyNoneNeedsTheEndpoints(t *testing.T) {
	v := maps.Clone(stackValues(t, "dev"))
	v[keyNAT], v[keyDBEgress] = "None", "false"
	_, err := parse(v)
	wantKeyError(t, err, "natStrategy", "None leaves the EKS cluster no path to AWS APIs: interfaceEndpoints lacks ec2, eks-auth, elasticloadbalancing, logs (")

	v = maps.Clone(stackValues(t, "production"))
	v[keyNAT], v[keyDBEgress] = "None", "false"
	_, err = parse(v)
	wantKeyError(t, err, "natStrategy", "interfaceEndpoints lacks ec2, eks-auth, elasticloadbalancing, autoscaling, sqs (")

	// NAT gateways give the cluster its path: the same endpoints are then not required
	v = maps.Clone(stackValues(t, "dev"))
	v[keyNAT] = "Single"
	if _, err := parse(v); err != nil {
		t.Errorf("Single: %v", err)
	}
}

func TestAddonConfigurationFromTheStackFile(t *testing.T) {
	v := maps.Clone(stackValues(t, "dev"))
	v[keyCluster] = `{` + managedOnly + `,"addonConfiguration":{"coredns":{"replicaCount":1},"vpc-cni":"{\"env\":{\"WARM_PREFIX_TARGET\":\"2\"}}"}}`
	c, err := parse(v)
	if err != nil {
		t.Fatal(err)
	}
	a := c.ClusterArgs()
	var coredns map[string]any
	if err := json.Unmarshal([]byte(a.AddonConfiguration["coredns"]), &coredns); err != nil || coredns["replicaCount"] != 1.0 {
		t.Errorf("coredns configuration %q (%v)", a.AddonConfiguration["coredns"], err)
	}
	if a.AddonConfiguration["vpc-cni"] != `{"env":{"WARM_PREFIX_TARGET":"2"}}` {
		t.Errorf("vpc-cni configuration given as JSON text: %q", a.AddonConfiguration["vpc-cni"])
	}

	cases := []struct{ env, value, key, substr string }{
		{"dev", `{` + managedOnly + `,"addonConfiguration":{"coredns":[1]}}`, "cluster.addonConfiguration.coredns", `"[1]" is not a JSON object`},
		{"dev", `{` + managedOnly + `,"addonConfiguration":{"coredns":"replicaCount: 2"}}`, "cluster.addonConfiguration.coredns", `is not JSON`},
		{"dev", `{` + managedOnly + `,"addonConfiguration":{"corends":{}}}`, "cluster.addonConfiguration.corends", `"corends" is not a core add-on of the cluster`},
		{"production", `{` + managedOnly + `,"addonConfiguration":{"coredns":{"replicaCount":1}}}`, "cluster.addonConfiguration.coredns.replicaCount", "1 is fewer than the 2 CoreDNS replicas production runs with"},
	}
	for _, c := range cases {
		v := maps.Clone(stackValues(t, c.env))
		v[keyCluster] = c.value
		_, err := parse(v)
		wantKeyError(t, err, c.key, c.substr)
	}
	v = maps.Clone(stackValues(t, "production"))
	v[keyCluster] = `{` + managedOnly + `,"addonConfiguration":{"coredns":{"replicaCount":2}}}`
	if _, err := parse(v); err != nil {
		t.Errorf("production with 2 CoreDNS replicas: %v", err)
	}
}

// The node groups get the standard tags the provider applies elsewhere (the stack file's Owner
// and CostCenter included), and the termination handler is installed where self-managed nodes run.
func TestNodeTagsAndTerminationHandlerPerEnvironment(t *testing.T) {
	for env, nth := range map[string]bool{"dev": false, "staging": false, "production": true} {
		c, err := parse(stackValues(t, env))
		if err != nil {
			t.Fatal(err)
		}
		tags := c.ClusterArgs().DefaultTags
		for k, want := range map[string]string{"Environment": env, "Project": "flowmart-platform", "ManagedBy": "pulumi", "Owner": c.Tags["Owner"], "CostCenter": c.Tags["CostCenter"]} {
			if tags[k] != want || want == "" {
				t.Errorf("%s: DefaultTags[%s] = %q, want %q", env, k, tags[k], want)
			}
		}
		if got := c.AddonsArgs().NodeTerminationHandler.Enabled; got != nth {
			t.Errorf("%s: termination handler enabled %v, want %v", env, got, nth)
		}
	}
}
