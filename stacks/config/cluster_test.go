package config_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/flowmart/platform/stacks/config"
)

func TestClusterPerEnvironment(t *testing.T) {
	for env, want := range map[string]struct {
		public  bool
		upgrade string
		groups  int
	}{"dev": {true, "STANDARD", 1}, "staging": {true, "STANDARD", 1}, "production": {false, "EXTENDED", 2}} {
		c, err := parse(stackValues(t, env))
		if err != nil {
			t.Fatal(err)
		}
		a := c.ClusterArgs()
		if a.EndpointPublicAccess != want.public || a.UpgradePolicy != want.upgrade || len(a.NodeGroups) != want.groups || a.Protect != (env == "production") {
			t.Errorf("%s: public %v upgrade %s groups %d protect %v", env, a.EndpointPublicAccess, a.UpgradePolicy, len(a.NodeGroups), a.Protect)
		}
		// the deploying role is an explicit cluster-admin entry
		if a.AccessEntries[0].PrincipalARN != c.AssumeRoleARN || a.AccessEntries[0].AccessPolicies[0].PolicyARN != config.AdminPolicyARN {
			t.Errorf("%s: first access entry %+v", env, a.AccessEntries[0])
		}
	}
}

func TestClusterValidation(t *testing.T) {
	const key = "flowmart-platform:cluster"
	good := `"version":"1.33","nodeGroups":[{"name":"g","kind":"Managed","instanceTypes":["m6i.large"],"minSize":1,"maxSize":3,"releaseVersion":"1.33.5-20261015"}]`
	cases := []struct {
		env, value, key, substr string
	}{
		{"dev", `{"nodeGroups":[]}`, "cluster.version", "required key is missing"},
		{"dev", `{"version":"1.20","nodeGroups":[]}`, "cluster.version", `"1.20" is not a supported Kubernetes version`},
		{"dev", `{"version":"1.33","nodeGroups":[]}`, "cluster.nodeGroups", "at least one node group"},
		// rules the Cluster owns, reported under the key the user wrote
		{"dev", `{` + good + `,"addonVersions":{"corends":"v1.12.4-eksbuild.1"}}`, "cluster.addonVersions.corends", `"corends" is not a core add-on of the cluster`},
		{"dev", `{` + good + `,"addonVersions":{"kube-proxy":"v1.31.3-eksbuild.2"}}`, "cluster.addonVersions.kube-proxy", "is kube-proxy for another Kubernetes version than version 1.33"},
		{"dev", `{"version":"1.33","nodeGroups":[{"name":"g","kind":"Managed","instanceTypes":["m6i.large"],"minSize":1,"maxSize":3,"releaseVersion":"1.31.7-20250620"}]}`, "cluster.nodeGroups[0].releaseVersion", `"1.31.7-20250620" is not a release for Kubernetes 1.33`},
		{"dev", `{` + good + `,"logRetentionDays":31}`, "cluster.logRetentionDays", "31 is not a CloudWatch Logs retention (allowed: 1, 3, 5"},
		{"dev", `{` + good + `,"accessEntries":[{"principalArn":"arn:aws:iam::111122223333:role/x"},{"principalArn":"bob"}]}`, "cluster.accessEntries[1].principalArn", `"bob" is not an IAM role or user ARN`},
		{"production", `{` + good + `,"endpointPublicAccess":true,"publicAccessCidrs":["0.0.0.0/0"]}`, "cluster.publicAccessCidrs[0]", "opens the production API endpoint to the internet"},
		{"dev", `{` + good + `,"endpointPublicAccess":true}`, "cluster.publicAccessCidrs", "required when endpointPublicAccess is true"},
		{"dev", `{` + good + `,"endpointPublicAccess":true,"publicAccessCidrs":["nope"]}`, "cluster.publicAccessCidrs[0]", `"nope" is not a CIDR`},
		{"dev", `{` + good + `,"upgradePolicy":"LTS"}`, "cluster.upgradePolicy", `"LTS" is not an upgrade policy`},
		{"dev", `{"version":"1.33","nodeGroups":[{"name":"g","kind":"Fargate","instanceTypes":["m"],"minSize":1,"maxSize":2}]}`, "cluster.nodeGroups[0].kind", `"Fargate" is not a node group kind`},
		{"dev", `{"version":"1.33","nodeGroups":[{"name":"g","kind":"Managed","instanceTypes":["m"],"minSize":3,"maxSize":2,"releaseVersion":"1.33.5-20261015"}]}`, "cluster.nodeGroups[0].minSize", "must be between 0 and maxSize 2"},
		{"dev", `{"version":"1.33","nodeGroups":[{"name":"g","kind":"SelfManaged","instanceTypes":["m"],"minSize":1,"maxSize":2}]}`, "cluster.nodeGroups[0].amiId", `"" is not an AMI id`},
		{"dev", `{"version":"1.33","nodeGroups":[{"name":"g","kind":"SelfManaged","instanceTypes":["m"],"minSize":1,"maxSize":2,"amiId":"ami-1"}]}`, "cluster.nodeGroups[0].amiId", `"ami-1" is not an AMI id`},
		{"dev", `{"version":"1.33","nodeGroups":[{"name":"g","kind":"Managed","instanceTypes":["m"],"minSize":1,"maxSize":2}]}`, "cluster.nodeGroups[0].releaseVersion", "required for a Managed group"},
		{"dev", `{` + good + `,"nodeGropus":[]}`, "cluster", `unknown field "nodeGropus"`},
		{"dev", `{"version":"1.33","nodeGroups":[{"name":"g","kind":"Managed","instanceTypes":["m"],"minSize":1,"maxSize":2,"releaseVersion":"1.33.5-20261015"},{"name":"g","kind":"Managed","instanceTypes":["m"],"minSize":1,"maxSize":2,"releaseVersion":"1.33.5-20261015"}]}`, "cluster.nodeGroups[1].name", `"g" is used by another node group`},
		{"dev", `{"version":"1.33","nodeGroups":[{"name":"g","kind":"Managed","instanceTypes":["m"],"minSize":1,"maxSize":2,"desiredSize":5,"releaseVersion":"1.33.5-20261015"}]}`, "cluster.nodeGroups[0].desiredSize", "5 is outside minSize 1 to maxSize 2"},
		{"dev", `{"version":"1.33","nodeGroups":[{"name":"g","kind":"Managed","instanceTypes":[],"minSize":1,"maxSize":2,"releaseVersion":"1.33.5-20261015"}]}`, "cluster.nodeGroups[0].instanceTypes", "at least one instance type"},
		{"dev", `{"version":"1.33","nodeGroups":[{"name":"g","kind":"Managed","instanceTypes":["m"],"minSize":1,"maxSize":2,"releaseVersion":"1.33.5-20261015","metadataHopLimit":3}]}`, "cluster.nodeGroups[0].metadataHopLimit", "3 must be 1 or 2"},
		{"staging", `{` + good + `,"logRetentionDays":45}`, "cluster.logRetentionDays", "45 is not a CloudWatch Logs retention"},
		{"dev", `{` + good + `,"accessEntries":[{"principalArn":"alice"}]}`, "cluster.accessEntries[0].principalArn", `"alice" is not an IAM role or user ARN`},
		{"dev", `{` + good + `,"accessEntries":[{"principalArn":"arn:aws:iam::111122223333:role/x","accessPolicies":[{"policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}]}]}`, "cluster.accessEntries[0].accessPolicies[0].policyArn", "is not an EKS access policy"},
		{"dev", `{` + good + `,"accessEntries":[{"principalArn":"arn:aws:iam::111122223333:role/x","accessPolicies":[{"policyArn":"arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy","scopeType":"namespace"}]}]}`, "cluster.accessEntries[0].accessPolicies[0].namespaces", "the namespace scope needs at least one namespace"},
		{"production", `{` + good + `,"endpointPublicAccess":true,"publicAccessCidrs":["203.0.113.0/24","::/0"]}`, "cluster.publicAccessCidrs[1]", "opens the production API endpoint to the internet"},
	}
	for _, c := range cases {
		v := maps.Clone(stackValues(t, c.env))
		v[key] = c.value
		_, err := parse(v)
		var cerr *config.Error
		if !errors.As(err, &cerr) || cerr.Key != c.key || !strings.Contains(err.Error(), c.substr) {
			t.Errorf("%s %s: err = %v, want key %s and %q", c.env, c.value, err, c.key, c.substr)
		}
	}
}

// Dev may open its endpoint to the internet (an explicit choice); production may not, and the
// stack files keep production private.
func TestClusterEndpointPerEnvironment(t *testing.T) {
	v := maps.Clone(stackValues(t, "dev"))
	v["flowmart-platform:cluster"] = `{"version":"1.33","endpointPublicAccess":true,"publicAccessCidrs":["0.0.0.0/0"],"nodeGroups":[{"name":"g","kind":"Managed","instanceTypes":["t3.large"],"minSize":1,"maxSize":3,"releaseVersion":"1.33.5-20261015"}]}`
	if _, err := parse(v); err != nil {
		t.Errorf("dev with a public endpoint: %v", err)
	}
	c, err := parse(stackValues(t, "production"))
	if err != nil {
		t.Fatal(err)
	}
	a := c.ClusterArgs()
	if a.EndpointPublicAccess || len(a.PublicAccessCIDRs) != 0 || a.VPCCIDR != pulumi.String(c.Network.VPCCIDR.String()) || a.LogRetentionDays != 365 {
		t.Errorf("production cluster args: public %v %v vpc %s retention %d", a.EndpointPublicAccess, a.PublicAccessCIDRs, a.VPCCIDR, a.LogRetentionDays)
	}
	kinds := map[string]string{}
	for _, g := range a.NodeGroups {
		kinds[g.Name] = string(g.Kind)
	}
	if kinds["system"] != "SelfManaged" || kinds["workload"] != "Managed" {
		t.Errorf("production node groups %v", kinds)
	}
}
