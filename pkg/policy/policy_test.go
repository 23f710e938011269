package policy

import (
	"reflect"
	"strings"
	"testing"
)

func TestEvaluateOrderAndWaivers(t *testing.T) {
	vpnEIP := res(TypeEIP, "production-vpn-eip", m{"domain": "vpc", "instance": Unknown})
	openRepo := with(with(repo, "imageTagMutability", "MUTABLE"), "imageScanningConfiguration", nil)
	resources := []Resource{vpnEIP, openRepo, vpc} // vpc lacks flow log and default sg
	ctx := Context{Environment: Production, Waivers: []Waiver{
		{Policy: "FM-EC2-003", Resource: "production-vpn-eip", Reason: "the VPN gateway needs a stable public IP"},
		{Policy: "FM-NET-001", Resource: vpc.URN, Reason: "test: waiver by URN"},
	}}
	vs := Evaluate(ctx, resources)
	var got []string
	for _, v := range vs {
		got = append(got, v.Policy+" "+v.Resource)
	}
	want := []string{
		"FM-EC2-003 production-vpn-eip",
		"FM-ECR-001 production-storefront",
		"FM-ECR-002 production-storefront",
		"FM-ECR-004 production-storefront",
		"FM-NET-001 production-vpc",
		"FM-NET-002 production-vpc",
		"FM-PROT-001 production-storefront",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("violations\n got %q\nwant %q", got, want)
	}
	if !vs[0].Waived || vs[0].WaiverReason != "the VPN gateway needs a stable public IP" || vs[0].Blocking() {
		t.Errorf("EIP violation not waived: %+v", vs[0])
	}
	if !vs[4].Waived || vs[4].WaiverReason != "test: waiver by URN" {
		t.Errorf("waiver by URN not applied: %+v", vs[4])
	}
	if vs[1].Waived || !vs[1].Blocking() {
		t.Errorf("unwaived mandatory violation: %+v", vs[1])
	}
	if n := Blocking(vs); n != 5 {
		t.Errorf("Blocking = %d, want 5", n)
	}
	// Same input, same output, whatever the resource order.
	again := Evaluate(ctx, []Resource{vpc, openRepo, vpnEIP})
	if !reflect.DeepEqual(vs, again) {
		t.Errorf("order depends on the input order")
	}
	// A waiver for another rule or another resource does not apply.
	other := Evaluate(Context{Environment: Production, Waivers: []Waiver{
		{Policy: "FM-EC2-001", Resource: "production-vpn-eip", Reason: "r"},
		{Policy: "FM-EC2-003", Resource: "production-nat-eip", Reason: "r"},
	}}, []Resource{vpnEIP})
	if len(other) != 1 || other[0].Waived {
		t.Errorf("unrelated waivers applied: %+v", other)
	}
	if vs := Evaluate(Context{}, nil); vs == nil || len(vs) != 0 {
		t.Errorf("no resources: %#v, want an empty, non-nil list", vs)
	}
}

func TestValidateWaivers(t *testing.T) {
	ok := Waiver{Policy: "FM-EC2-003", Resource: "production-vpn-eip", Reason: "VPN endpoint"}
	cases := []struct {
		ws   []Waiver
		want string
	}{
		{nil, ""},
		{[]Waiver{ok}, ""},
		{[]Waiver{ok, {Policy: "FM-EC2-003", Resource: "x", Reason: " "}}, "policyWaivers[1].reason: is empty"},
		{[]Waiver{{Policy: "FM-NOPE-1", Resource: "x", Reason: "r"}}, `policyWaivers[0].policy: "FM-NOPE-1" is not a rule id`},
		{[]Waiver{{Resource: "x", Reason: "r"}}, "policyWaivers[0].policy: is empty"},
		{[]Waiver{{Policy: "FM-EC2-003", Reason: "r"}}, "policyWaivers[0].resource: is empty"},
		{[]Waiver{ok, ok}, "policyWaivers[1]: waives FM-EC2-003"},
	}
	for _, c := range cases {
		err := ValidateWaivers("policyWaivers", c.ws)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", c.ws, err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n")):
			t.Errorf("%+v: error %v, want prefix %q", c.ws, err, c.want)
		}
	}
}

func TestStatefulTypes(t *testing.T) {
	for _, typ := range []string{TypeEKSCluster, TypeKMSKey, TypeECRRepository, TypeInstance, TypeVolume, TypeSecret, TypeBackupVault, TypeCertificate} {
		if !IsStatefulType(typ) {
			t.Errorf("%s is not stateful", typ)
		}
	}
	if IsStatefulType(TypeSubnet) || IsStatefulType(TypeLaunchTemplate) {
		t.Errorf("stateless types listed as stateful")
	}
}
