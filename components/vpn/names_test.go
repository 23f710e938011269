package vpn

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
	"github.com/flowmart/platform/pkg/preview"
)

// physicalNameInputs are the inputs of the gateway's resources that hold a name AWS keeps unique
// in an account and region, by type.
var physicalNameInputs = map[string][]string{
	typeParameter: {"name"},
}

// scopedNameInputs are name inputs within a given scope: the DNS record, in the given zone.
var scopedNameInputs = map[string][]string{
	"aws:route53/record:Record": {"name"},
}

// physicalName is one recorded physical name.
type physicalName struct{ typ, resource, input, value string }

// physicalNames returns the recorded physical names of doc, and fails the test when a resource
// sets a name input neither table classifies.
func physicalNames(t *testing.T, doc *preview.Document) []physicalName {
	t.Helper()
	var out []physicalName
	for _, r := range doc.Resources {
		for _, in := range physicalNameInputs[r.Type] {
			if v, ok := r.Inputs[in].(string); ok {
				out = append(out, physicalName{r.Type, r.Name, in, v})
			}
		}
		if _, ok := r.Inputs["name"]; ok && !slices.Contains(physicalNameInputs[r.Type], "name") && !slices.Contains(scopedNameInputs[r.Type], "name") {
			t.Errorf("%s %s sets a name (%v) that the physical-name tables do not classify", r.Type, r.Name, r.Inputs["name"])
		}
	}
	return out
}

func runGateways(t *testing.T, args map[string]*VPNGatewayArgs, deploy bool) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		for _, name := range slices.Sorted(maps.Keys(args)) {
			if _, err := NewVPNGateway(ctx, name, args[name], provider); err != nil {
				return err
			}
		}
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "test", Region: "eu-west-1", Account: "111122223333", Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func zonedArgs() *VPNGatewayArgs {
	a := baseArgs()
	a.PrivateZoneID, a.PrivateZoneName = pulumi.String("Z0123456789ABCDEFGHIJ"), "production.internal"
	a.ClusterSecurityGroupID = pulumi.String("sg-0cluster012345678")
	return a
}

// With the default NamePrefix the parameter is the component name's, without any brand
// (production-vpn: /production-vpn/wireguard/peers).
func TestDefaultPhysicalNames(t *testing.T) {
	got := physicalNames(t, runGateways(t, map[string]*VPNGatewayArgs{"production-vpn": zonedArgs()}, false))
	want := []physicalName{{typeParameter, "production-vpn-peers", "name", "/production-vpn/wireguard/peers"}}
	if !slices.Equal(got, want) {
		t.Errorf("physical names %v, want %v", got, want)
	}
}

// PeersParameterName keeps the name a running gateway's parameter was created with (the FlowMart
// stacks pin /flowmart/<name>/wireguard/peers): the parameter, the host's script and the role's
// policy all use it, and a bad one is refused with one line.
func TestPeersParameterNameKeepsAnExistingParameter(t *testing.T) {
	a := zonedArgs()
	const param = "/flowmart/production-vpn/wireguard/peers"
	a.PeersParameterName = param
	doc := runGateways(t, map[string]*VPNGatewayArgs{"production-vpn": a}, true)
	if got := physicalNames(t, doc); len(got) != 1 || got[0].value != param {
		t.Errorf("physical names %v, want %s", got, param)
	}
	ud, _ := get(t, doc, typeInstance, "production-vpn-host").Inputs["userData"].(string)
	if !strings.Contains(ud, "--name '"+param+"'") {
		t.Errorf("the host does not read %s", param)
	}
	policy := get(t, doc, "aws:iam/rolePolicy:RolePolicy", "production-vpn-read-peers").Inputs["policy"].(string)
	if !strings.Contains(policy, "parameter"+param) {
		t.Errorf("the role may not read %s: %s", param, policy)
	}
	for _, bad := range []string{"flowmart/peers", "/a b", "/" + strings.Repeat("a/", 16) + "x"} {
		b := baseArgs()
		b.PeersParameterName = bad
		if path, _, ok := fielderr.Split(b.Validate()); !ok || path != "PeersParameterName" {
			t.Errorf("PeersParameterName %q: %v", bad, b.Validate())
		}
	}
}

// With a NamePrefix, the parameter is named by it (its first level), the host reads
// that parameter, and the role may read it; nothing carries the component name.
func TestNamePrefixNamesEveryPhysicalName(t *testing.T) {
	a := zonedArgs()
	a.NamePrefix = "acme-blue-vpn"
	doc := runGateways(t, map[string]*VPNGatewayArgs{"production-vpn": a}, true)
	got := physicalNames(t, doc)
	if len(got) != 1 {
		t.Fatalf("physical names %v, want the peers' parameter", got)
	}
	const param = "/acme-blue-vpn/wireguard/peers"
	if got[0].value != param {
		t.Errorf("peers' parameter %q, want %q", got[0].value, param)
	}
	ud, _ := get(t, doc, typeInstance, "production-vpn-host").Inputs["userData"].(string)
	if !strings.Contains(ud, "--name '"+param+"'") || strings.Contains(ud, "/production-vpn/") {
		t.Errorf("the host does not read %s:\n%s", param, ud)
	}
	policy := get(t, doc, "aws:iam/rolePolicy:RolePolicy", "production-vpn-read-peers").Inputs["policy"].(string)
	if !strings.Contains(policy, "parameter"+param) {
		t.Errorf("the role may not read %s: %s", param, policy)
	}
}

func TestBadNamePrefix(t *testing.T) {
	for _, c := range []struct{ prefix, want string }{
		{"acme/vpn", `NamePrefix: "acme/vpn" is not a name prefix (1-994 letters, digits, '.', '-' and '_': it names the SSM parameter /<NamePrefix>/wireguard/peers`},
		{"acme vpn", `NamePrefix: "acme vpn" is not a name prefix`},
		{"acme'vpn", `NamePrefix: "acme'vpn" is not a name prefix`},
		{strings.Repeat("a", 995), `is not a name prefix (1-994`},
	} {
		a := baseArgs()
		a.NamePrefix = c.prefix
		err := a.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Validate() = %v, want one line with %q", err, c.want)
			continue
		}
		if path, _, ok := fielderr.Split(err); !ok || path != "NamePrefix" {
			t.Errorf("Validate() = %v, want a *fielderr.Error for NamePrefix", err)
		}
		if _, err := preview.RunWithAWS(func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
			_, err := NewVPNGateway(ctx, "prod-vpn", a, p)
			return err
		}, preview.Options{Project: "p", Stack: "test", Region: "eu-west-1", Account: "111122223333"}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewVPNGateway = %v, want %q", err, c.want)
		}
	}
	longest := baseArgs()
	longest.NamePrefix = strings.Repeat("a", 985)
	if err := longest.Validate(); err != nil {
		t.Errorf("the longest NamePrefix is refused: %v", err)
	}
}

// Two gateways with different NamePrefix, in one program or in two stacks of one account under
// the same component name, share no physical name.
func TestNoPhysicalNameCollides(t *testing.T) {
	blue, green := zonedArgs(), zonedArgs()
	blue.NamePrefix, green.NamePrefix = "staging-vpn", "production-vpn"
	one := physicalNames(t, runGateways(t, map[string]*VPNGatewayArgs{"blue": blue, "green": green}, false))
	two := append(physicalNames(t, runGateways(t, map[string]*VPNGatewayArgs{"vpn": blue}, false)),
		physicalNames(t, runGateways(t, map[string]*VPNGatewayArgs{"vpn": green}, false))...)
	for label, names := range map[string][]physicalName{"one program": one, "two stacks": two} {
		if len(names) != 2 {
			t.Errorf("%s: %d physical names, want 2", label, len(names))
		}
		seen := map[string]physicalName{}
		for _, n := range names {
			key := n.typ + "\x00" + n.value
			if other, ok := seen[key]; ok {
				t.Errorf("%s: %s %q is the name of both %s and %s", label, n.typ, n.value, other.resource, n.resource)
			}
			seen[key] = n
		}
	}
}
