package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
)

func TestSnakeAndConvert(t *testing.T) {
	for in, want := range map[string]string{
		"enableDnsHostnames": "enable_dns_hostnames", "cidrIpv4": "cidr_ipv4", "kmsKeyId": "kms_key_id",
		"httpPutResponseHopLimit": "http_put_response_hop_limit", "name": "name", "vpcConfig": "vpc_config",
	} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
	got := convert(map[string]any{
		"vpcConfig": map[string]any{"endpointPrivateAccess": true},
		"tags":      map[string]any{"Patch Group": "x", "kubernetes.io/role/elb": "1"},
		"ingress":   []any{map[string]any{"fromPort": 443.0}},
	})
	want := map[string]any{
		"vpc_config": map[string]any{"endpoint_private_access": true},
		"tags":       map[string]any{"Patch Group": "x", "kubernetes.io/role/elb": "1"},
		"ingress":    []any{map[string]any{"from_port": 443.0}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("convert = %v, want %v", got, want)
	}
}

func TestK8sKind(t *testing.T) {
	cases := []struct{ typ, api, kind string }{
		{"kubernetes:core/v1:Namespace", "v1", "Namespace"},
		{"kubernetes:networking.k8s.io/v1:Ingress", "networking.k8s.io/v1", "Ingress"},
		{"kubernetes:postgresql.cnpg.io/v1:Cluster", "postgresql.cnpg.io/v1", "Cluster"},
	}
	for _, c := range cases {
		if api, kind, ok := k8sKind(c.typ); !ok || api != c.api || kind != c.kind {
			t.Errorf("k8sKind(%q) = %q %q %v", c.typ, api, kind, ok)
		}
	}
	for _, typ := range []string{"kubernetes:helm.sh/v3:Release", "aws:ec2/vpc:Vpc", "pulumi:providers:kubernetes"} {
		if _, _, ok := k8sKind(typ); ok {
			t.Errorf("k8sKind(%q) converts it", typ)
		}
	}
}

// The production golden converts: every bridged resource into the plan under its Terraform type
// with snake_case inputs (plural Pulumi block names renamed), Kubernetes objects into manifests,
// and the rest reported as not converted.
func TestRunOnTheProductionGolden(t *testing.T) {
	in, err := os.Open("../../stacks/testdata/production.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = in.Close() }()
	out := t.TempDir()
	var stderr bytes.Buffer
	if err := run(in, out, "../../pkg/diff/upstream/forcenew-evidence.json,../../pkg/diff/facts/forcenew-evidence.json", &stderr); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		TerraformVersion string `json:"terraform_version"`
		PlannedValues    struct {
			RootModule struct {
				Resources []planResource `json:"resources"`
			} `json:"root_module"`
		} `json:"planned_values"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]planResource{}
	for _, r := range p.PlannedValues.RootModule.Resources {
		byAddr[r.Address] = r
	}
	eks, ok := byAddr["aws_eks_cluster.production-eks"]
	if !ok || p.TerraformVersion == "" {
		t.Fatalf("no aws_eks_cluster.production-eks among %d resources", len(byAddr))
	}
	if _, ok := eks.Values["enabled_cluster_log_types"]; !ok {
		t.Errorf("eks values not in snake_case: %v", eks.Values)
	}
	repo := byAddr["aws_ecr_repository.production-storefront"]
	if _, ok := repo.Values["encryption_configuration"]; !ok {
		t.Errorf("ecr repository: %v", repo.Values)
	}
	if _, ok := byAddr["aws_route53_resolver_query_log_config_association.production-dns-queries"]; !ok {
		t.Error("the Resolver query logging association is not converted")
	}
	manifests, err := os.ReadDir(filepath.Join(out, "k8s"))
	if err != nil || len(manifests) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	// Helm releases are not rendered (KICS scans the manifests the program itself declares)
	if !regexp.MustCompile(`not converted: [0-9]+ x kubernetes:helm.sh/v3:Release`).MatchString(stderr.String()) {
		t.Errorf("skipped types: %s", stderr.String())
	}
}
