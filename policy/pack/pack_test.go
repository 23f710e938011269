package pack

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/flowmart/platform/pkg/policy"
)

type recorder struct{ got []string }

func (r *recorder) ReportViolation(message, urn string) { r.got = append(r.got, urn+" "+message) }

const prefix = "urn:pulumi:production::flowmart-platform::"

func str(s string) property.Value { return property.New(s) }

// Recorded analyzer inputs of a preview: ids not known yet are computed, the user data is secret.
func recorded() []policyx.AnalyzerResource {
	vpcURN := prefix + "flowmart:network:Network$aws:ec2/vpc:Vpc::production-vpc"
	return []policyx.AnalyzerResource{
		{Type: policy.TypeVPC, Name: "production-vpc", URN: vpcURN, Parent: prefix + "flowmart:network:Network::production",
			Properties: property.NewMap(map[string]property.Value{"cidrBlock": str("10.30.0.0/16")})},
		{Type: policy.TypeFlowLog, Name: "production-flow-logs", URN: prefix + "flowmart:network:Network$aws:ec2/flowLog:FlowLog::production-flow-logs",
			Parent: prefix + "flowmart:network:Network::production", Dependencies: []string{vpcURN},
			Properties: property.NewMap(map[string]property.Value{"vpcId": property.New(property.Computed), "trafficType": str("ALL")})},
		{Type: policy.TypeDefaultSecurityGroup, Name: "production-default-sg", URN: prefix + "flowmart:network:Network$aws:ec2/defaultSecurityGroup:DefaultSecurityGroup::production-default-sg",
			Parent: prefix + "flowmart:network:Network::production", Dependencies: []string{vpcURN},
			Properties: property.NewMap(map[string]property.Value{"vpcId": property.New(property.Computed)})},
		{Type: policy.TypeEKSCluster, Name: "production-eks", URN: prefix + "flowmart:cluster:Cluster$aws:eks/cluster:Cluster::production-eks",
			Options: pulumi.ResourceOptions{Protect: true},
			Properties: property.NewMap(map[string]property.Value{
				"version":                str("1.33"),
				"enabledClusterLogTypes": property.New([]property.Value{str("api"), str("audit"), str("authenticator"), str("controllerManager"), str("scheduler")}),
				"encryptionConfig": property.New(map[string]property.Value{
					"provider":  property.New(map[string]property.Value{"keyArn": property.New(property.Computed)}),
					"resources": property.New([]property.Value{str("secrets")}),
				}),
				"vpcConfig": property.New(map[string]property.Value{
					"endpointPrivateAccess": property.New(true),
					"endpointPublicAccess":  property.New(false),
					"subnetIds":             property.New(property.Computed),
				}),
			})},
		{Type: policy.TypeInstance, Name: "production-vpn", URN: prefix + "flowmart:vpn:VPNGateway$aws:ec2/instance:Instance::production-vpn",
			Properties: property.NewMap(map[string]property.Value{
				"associatePublicIpAddress": property.New(true),
				"monitoring":               property.New(true),
				"metadataOptions":          property.New(map[string]property.Value{"httpTokens": str("optional")}),
				"rootBlockDevice":          property.New(map[string]property.Value{"encrypted": property.New(true), "volumeSize": property.New(20.0)}),
				"userData":                 str("#!/bin/bash\nwg-quick up wg0\n").WithSecret(true),
			})},
	}
}

func TestAdapterPlaceholders(t *testing.T) {
	rs := toResources(recorded())
	if rs[1].Inputs["vpcId"] != policy.Unknown || rs[4].Inputs["userData"] != policy.Secret {
		t.Errorf("placeholders: vpcId %v userData %v", rs[1].Inputs["vpcId"], rs[4].Inputs["userData"])
	}
	if got := rs[3].Inputs["vpcConfig"].(map[string]any)["endpointPrivateAccess"]; got != true {
		t.Errorf("nested bool = %#v", got)
	}
	if got := rs[4].Inputs["rootBlockDevice"].(map[string]any)["volumeSize"]; got != 20.0 {
		t.Errorf("number = %#v", got)
	}
	if !rs[3].Protect || len(rs[1].Dependencies) != 1 || rs[0].Parent == "" {
		t.Errorf("options: %+v", rs[3])
	}
}

// The pack's policies, called as the engine calls them, report exactly what pkg/policy finds on
// the recorded inputs; a waiver from the stack file silences its finding.
func TestPackReportsViolations(t *testing.T) {
	run := func(pctx policy.Context) []string {
		p, err := New(pctx)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name() != Name || len(p.Policies()) != len(policy.Rules) {
			t.Fatalf("pack %s with %d policies", p.Name(), len(p.Policies()))
		}
		rec := &recorder{}
		for _, pol := range p.Policies() {
			sv, ok := pol.(policyx.StackValidationPolicy)
			if !ok {
				t.Fatalf("%s is not a stack validation policy", pol.Name())
			}
			rule, _ := policy.Lookup(pol.Name())
			if pol.Description() != rule.Description || (pol.EnforcementLevel() == policyx.EnforcementLevelMandatory) != (rule.Enforcement == policy.Mandatory) {
				t.Errorf("%s: description or enforcement differs from the rule", pol.Name())
			}
			if err := sv.Validate(context.Background(), policyx.StackValidationArgs{Manager: rec, Resources: recorded()}); err != nil {
				t.Fatal(err)
			}
		}
		sort.Strings(rec.got)
		return rec.got
	}
	got := run(policy.Context{Environment: policy.Production})
	want := []string{ // sorted like got: by URN, then message
		"associatePublicIpAddress is true",         // FM-EC2-003
		`metadataOptions.httpTokens is "optional"`, // FM-EC2-001
		"userData holds a secret value",            // FM-EC2-004, from a secret property
	}
	if len(got) != len(want) {
		t.Fatalf("reports %q, want %d", got, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], prefix+"flowmart:vpn:VPNGateway$aws:ec2/instance:Instance::production-vpn ") || !strings.Contains(got[i], w) {
			t.Errorf("report %d = %q, want the VPN instance and %q", i, got[i], w)
		}
	}

	dir := t.TempDir()
	stackFile := `config:
  flowmart-platform:environment: production
  flowmart-platform:policyWaivers:
    - policy: FM-EC2-003
      resource: production-vpn
      reason: the VPN gateway is the one host reachable from the internet
`
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod-eu.yaml"), []byte(stackFile), 0o600); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "policy")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	pctx, err := StackContext("prod-eu", sub)
	if err != nil || pctx.Environment != policy.Production || len(pctx.Waivers) != 1 {
		t.Fatalf("stack context %+v, %v", pctx, err)
	}
	waived := run(pctx)
	if len(waived) != 2 {
		t.Errorf("with the waiver: %q", waived)
	}
	for _, g := range waived {
		if strings.Contains(g, "associatePublicIpAddress") {
			t.Errorf("waived violation reported: %s", g)
		}
	}

	// A waiver without a reason stops the pack with the entry named.
	bad := strings.Replace(stackFile, "      reason: the VPN gateway is the one host reachable from the internet\n", "", 1)
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod-eu.yaml"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := StackContext("prod-eu", sub); err == nil || !strings.Contains(err.Error(), "policyWaivers[0].reason: is empty") {
		t.Errorf("waiver without reason: %v", err)
	}
}
