// Command kicsplan converts the `platform preview --json` document into inputs an external IaC
// scanner reads: a Terraform plan JSON (the `terraform show -json` shape, which KICS parses,
// Checkmarx/kics v2.2.0 pkg/parser/json/tfplan.go: planned_values.root_module.resources) for
// the bridged AWS and Cloudflare resources, and one Kubernetes manifest per Kubernetes object.
// Helm releases are left out (their charts are rendered only by the cluster's Helm), and so are
// component, provider and random resources.
//
//	go run ./cmd/platform preview --stack production --json | go run ./tools/kicsplan -out /tmp/scan
//
// Terraform resource types come from the replacement facts' evidence (tfResource of
// pkg/diff/upstream/forcenew-evidence.json and pkg/diff/facts/forcenew-evidence.json); input
// names are converted from Pulumi's camelCase to Terraform's snake_case (map keys of tags,
// labels and annotations are kept). Values the preview does not know stay "[unknown]", secrets
// "[secret]". The output is for judging a scanner's findings, not for Terraform.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// resource is the part of a preview resource the conversion reads.
type resource struct {
	Type   string         `json:"type"`
	Name   string         `json:"name"`
	Custom bool           `json:"custom"`
	Inputs map[string]any `json:"inputs"`
}

type document struct {
	Resources []resource `json:"resources"`
}

// keepKeys are inputs whose values are maps with user keys: their keys are not renamed.
var keepKeys = map[string]bool{"tags": true, "tagsAll": true, "labels": true, "annotations": true, "data": true, "stringData": true, "selector": true, "matchLabels": true}

// snake writes a camelCase name in snake_case: enableDnsHostnames -> enable_dns_hostnames.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// convert renames the keys of v to snake_case, except below keepKeys.
func convert(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if keepKeys[k] {
				out[snake(k)] = e
				continue
			}
			out[snake(k)] = convert(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = convert(e)
		}
		return out
	}
	return v
}

// renames are Pulumi input names that are not the snake_case of the Terraform name: pulumi-aws
// writes a repeatable Terraform block in the plural (Terraform's encryption_configuration block
// is Pulumi's encryptionConfigurations), by Terraform type.
var renames = map[string]map[string]string{
	"aws_ecr_repository":    {"encryption_configurations": "encryption_configuration"},
	"aws_route53_zone":      {"vpcs": "vpc"},
	"aws_instance":          {"ebs_block_devices": "ebs_block_device", "network_interfaces": "network_interface"},
	"aws_eks_node_group":    {"taints": "taint"},
	"aws_autoscaling_group": {"tags": "tag"},
}

var nameRe = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// tfName is a resource name Terraform accepts in an address.
func tfName(s string) string { return nameRe.ReplaceAllString(s, "_") }

// tfTypes reads the Terraform resource type of each Pulumi type from evidence files.
func tfTypes(paths ...string) (map[string]string, error) {
	out := map[string]string{"cloudflare:index/record:Record": "cloudflare_record"}
	for _, p := range paths {
		b, err := os.ReadFile(p) //nolint:gosec // G304: the evidence files the user names on the command line
		if err != nil {
			return nil, err
		}
		var ev map[string]struct {
			TFResource string `json:"tfResource"`
		}
		if err := json.Unmarshal(b, &ev); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		for typ, e := range ev {
			if e.TFResource != "" {
				out[typ] = e.TFResource
			}
		}
	}
	return out, nil
}

// k8sKind returns the apiVersion and kind of a Kubernetes type token
// (kubernetes:networking.k8s.io/v1:Ingress), or ok false for other types and Helm releases.
func k8sKind(typ string) (apiVersion, kind string, ok bool) {
	rest, found := strings.CutPrefix(typ, "kubernetes:")
	if !found || strings.HasPrefix(rest, "helm.sh/") {
		return "", "", false
	}
	i := strings.LastIndex(rest, ":")
	if i < 0 {
		return "", "", false
	}
	group, kind := rest[:i], rest[i+1:]
	group = strings.TrimPrefix(group, "core/")
	return group, kind, true
}

type planResource struct {
	Address      string         `json:"address"`
	Mode         string         `json:"mode"`
	Type         string         `json:"type"`
	Name         string         `json:"name"`
	ProviderName string         `json:"provider_name"`
	Values       map[string]any `json:"values"`
}

// plan converts doc: the Terraform plan, the Kubernetes manifests by file name, and the types
// that have no conversion (with their counts).
func plan(doc document, types map[string]string) (map[string]any, map[string]map[string]any, map[string]int) {
	var resources []planResource
	manifests := map[string]map[string]any{}
	skipped := map[string]int{}
	seen := map[string]int{}
	for _, r := range doc.Resources {
		if api, kind, ok := k8sKind(r.Type); ok {
			m := map[string]any{"apiVersion": api, "kind": kind}
			for k, v := range r.Inputs {
				if k != "apiVersion" && k != "kind" {
					m[k] = v
				}
			}
			manifests[fmt.Sprintf("%03d-%s.json", len(manifests), tfName(r.Name))] = m
			continue
		}
		tf, ok := types[r.Type]
		if !ok || !r.Custom {
			skipped[r.Type]++
			continue
		}
		name := tfName(r.Name)
		if n := seen[tf+"."+name]; n > 0 {
			name = fmt.Sprintf("%s_%d", name, n)
		}
		seen[tf+"."+tfName(r.Name)]++
		values, _ := convert(r.Inputs).(map[string]any)
		for from, to := range renames[tf] {
			if v, ok := values[from]; ok {
				delete(values, from)
				values[to] = v
			}
		}
		provider := "registry.terraform.io/hashicorp/aws"
		if strings.HasPrefix(tf, "cloudflare_") {
			provider = "registry.terraform.io/cloudflare/cloudflare"
		}
		resources = append(resources, planResource{Address: tf + "." + name, Mode: "managed", Type: tf, Name: name, ProviderName: provider, Values: values})
	}
	sort.SliceStable(resources, func(i, j int) bool { return resources[i].Address < resources[j].Address })
	return map[string]any{
		"format_version":    "1.2",
		"terraform_version": "1.5.7",
		"planned_values":    map[string]any{"root_module": map[string]any{"resources": resources}},
		// KICS recognizes a plan by all four top-level keys (pkg/analyzer/analyzer.go, tfPlanRegex*)
		"resource_changes": []any{},
		"configuration":    map[string]any{},
	}, manifests, skipped
}

func run(in io.Reader, out, evidence string, stderr io.Writer) error {
	var doc document
	if err := json.NewDecoder(in).Decode(&doc); err != nil {
		return fmt.Errorf("reading the preview document: %w", err)
	}
	if len(doc.Resources) == 0 {
		return errors.New("the preview document lists no resources")
	}
	types, err := tfTypes(strings.Split(evidence, ",")...)
	if err != nil {
		return err
	}
	p, manifests, skipped := plan(doc, types)
	if err := os.MkdirAll(filepath.Join(out, "k8s"), 0o750); err != nil {
		return err
	}
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "plan.json"), b, 0o600); err != nil {
		return err
	}
	for name, m := range manifests {
		b, err := json.MarshalIndent(m, "", " ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "k8s", name), b, 0o600); err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(skipped))
	for k := range skipped {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(stderr, "not converted: %d x %s\n", skipped[k], k)
	}
	return nil
}

func main() {
	out := flag.String("out", "kics-input", "directory to write plan.json and k8s/*.json to")
	evidence := flag.String("evidence", "pkg/diff/upstream/forcenew-evidence.json,pkg/diff/facts/forcenew-evidence.json", "comma-separated evidence files naming each type's tfResource")
	flag.Parse()
	if err := run(os.Stdin, *out, *evidence, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
}
