// Command chartfacts writes components/addons/chartfacts.json: for every chart of addons.Charts
// (and its companion CRD charts), the versions its repository has published, the values keys its
// pinned version accepts (every path of the chart's values.yaml plus every property of its
// values.schema.json, and those of the subcharts the component configures), the chart's image
// defaults and its crds/ files, each with provenance (GitHub repository, tag or branch, commit,
// file).
//
// It reads chart trees fetched as bare git directories (<mirror>/<owner>+<name>/repo, as the
// fetch tool leaves them) with git; it never downloads and is not run in CI:
//
//	go run ./cmd/chartfacts -mirror /work/.mirror -out components/addons/chartfacts.json
//
// A chart bump is: the version in components/addons/charts.go, fetch the chart's repository again,
// run this, review the diff of chartfacts.json, run go test ./components/addons/.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/flowmart/platform/components/addons"
)

// source says where a chart's sources and its published versions are.
type source struct {
	repo string // GitHub owner/name holding the chart's sources
	dir  string // the chart's directory in it
	// tag is the release tag with {v} for the chart version; empty when the repository does not
	// tag chart releases: then the newest commit of branch whose <dir>/Chart.yaml has the version.
	tag    string
	branch string
	// index is how the published versions are read: "gh-pages" (the chart repository's index.yaml
	// on the gh-pages branch of repo), or "tags:<glob>" (the repository's release tags, each tag's
	// Chart.yaml version: for repositories whose index is not a GitHub Pages branch here).
	index     string
	subcharts []subchart
}

// subchart is a dependency whose values the component sets (under its alias).
type subchart struct {
	alias string
	repo  string
	dir   string
	tag   string // with {v}: the dependency's version in the parent's Chart.yaml
}

var sources = map[string]source{
	"aws-load-balancer-controller": {repo: "aws/eks-charts", dir: "stable/aws-load-balancer-controller", branch: "master", index: "gh-pages"},
	"aws-for-fluent-bit":           {repo: "aws/eks-charts", dir: "stable/aws-for-fluent-bit", branch: "master", index: "gh-pages"},
	// helm.nginx.com is F5's own server: the published versions are the release tags' charts.
	"nginx-ingress": {repo: "nginx/kubernetes-ingress", dir: "charts/nginx-ingress", index: "tags:v*"},
	// traefik.github.io/charts is published from traefik/charts, not fetchable here: the release tags.
	"traefik":              {repo: "traefik/traefik-helm-chart", dir: "traefik", tag: "v{v}", index: "tags:v*"},
	"argo-cd":              {repo: "argoproj/argo-helm", dir: "charts/argo-cd", tag: "argo-cd-{v}", index: "gh-pages"},
	"argocd-image-updater": {repo: "argoproj/argo-helm", dir: "charts/argocd-image-updater", tag: "argocd-image-updater-{v}", index: "gh-pages"},
	"apisix": {repo: "apache/apisix-helm-chart", dir: "charts/apisix", tag: "apisix-{v}", index: "gh-pages",
		subcharts: []subchart{{alias: "etcd", repo: "bitnami/charts", dir: "bitnami/etcd", tag: "etcd/{v}"}}},
	"cloudnative-pg": {repo: "cloudnative-pg/charts", dir: "charts/cloudnative-pg", tag: "cloudnative-pg-v{v}", index: "gh-pages"},
	"keycloakx":      {repo: "codecentric/helm-charts", dir: "charts/keycloakx", tag: "keycloakx-{v}", index: "gh-pages"},
	"metrics-server": {repo: "kubernetes-sigs/metrics-server", dir: "charts/metrics-server", tag: "metrics-server-helm-chart-{v}", index: "gh-pages"},
	// index.yaml of prometheus-community's gh-pages is too large to be in the snapshot: its
	// chart-releaser tags one release per published version.
	"kube-prometheus-stack": {repo: "prometheus-community/helm-charts", dir: "charts/kube-prometheus-stack", tag: "kube-prometheus-stack-{v}", index: "tags:kube-prometheus-stack-*",
		subcharts: []subchart{
			{alias: "grafana", repo: "grafana-community/helm-charts", dir: "charts/grafana", tag: "grafana-{v}"},
			{alias: "kube-state-metrics", repo: "prometheus-community/helm-charts", dir: "charts/kube-state-metrics", tag: "kube-state-metrics-{v}"},
			{alias: "prometheus-node-exporter", repo: "prometheus-community/helm-charts", dir: "charts/prometheus-node-exporter", tag: "prometheus-node-exporter-{v}"},
		}},
	// Published on public.ecr.aws (OCI, no index): the release tags' charts. NTH tags its app
	// version (v1.25.6 holds chart 0.27.6), so the sources are the newest main commit with the
	// chart version.
	"aws-node-termination-handler": {repo: "aws/aws-node-termination-handler", dir: "config/helm/aws-node-termination-handler", branch: "main", index: "tags:v*"},
	"prometheus-operator-crds":     {repo: "prometheus-community/helm-charts", dir: "charts/prometheus-operator-crds", tag: "prometheus-operator-crds-{v}", index: "tags:prometheus-operator-crds-*"},
}

// Facts is the file's document.
type Facts struct {
	Generator string                `json:"generator"`
	Charts    map[string]*ChartFact `json:"charts"`
}

// ChartFact is one chart at its pinned version.
type ChartFact struct {
	Chart      string    `json:"chart"`
	Repository string    `json:"repository"`
	Version    string    `json:"version"`
	AppVersion string    `json:"appVersion"`
	Published  Published `json:"published"`
	Sources    []Origin  `json:"sources"`
	CRDs       *CRDFiles `json:"crds,omitempty"`
	RemoteRefs []string  `json:"schemaRemoteRefs,omitempty"`
	Images     []Image   `json:"images"`
	Open       []string  `json:"open"`
	Keys       []string  `json:"keys"`
}

// Published is where the published versions come from, and the versions.
type Published struct {
	From     string   `json:"from"`
	Commit   string   `json:"commit,omitempty"`
	Versions []string `json:"versions"`
}

// Origin is one chart tree the keys come from.
type Origin struct {
	Prefix string   `json:"prefix,omitempty"` // the subchart alias its keys sit under
	Repo   string   `json:"repo"`
	Ref    string   `json:"ref"`
	Commit string   `json:"commit"`
	Files  []string `json:"files"`
}

// CRDFiles are the files of the chart's crds/ directory at the pinned commit.
type CRDFiles struct {
	Repo   string   `json:"repo"`
	Commit string   `json:"commit"`
	Files  []string `json:"files"`
}

// Image is an image the chart's values name by default.
type Image struct {
	Path       string `json:"path"` // the values path of the image map
	Registry   string `json:"registry,omitempty"`
	Repository string `json:"repository"`
	Tag        string `json:"tag,omitempty"`
}

func main() {
	mirror := flag.String("mirror", "/work/.mirror", "directory of fetched repositories (<owner>+<name>/repo)")
	out := flag.String("out", "components/addons/chartfacts.json", "facts file to write")
	flag.Parse()
	if err := run(*mirror, *out); err != nil {
		fmt.Fprintln(os.Stderr, "chartfacts:", err)
		os.Exit(1)
	}
}

func run(mirror, out string) error {
	f := Facts{
		Generator: "go run ./cmd/chartfacts -mirror <dir of fetched repositories> -out components/addons/chartfacts.json (cmd/chartfacts/main.go)",
		Charts:    map[string]*ChartFact{},
	}
	for key, ch := range addons.Charts {
		src, ok := sources[ch.Chart]
		if !ok {
			return fmt.Errorf("no source for chart %q (add it to sources)", ch.Chart)
		}
		cf, err := chartFact(mirror, ch, src)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		f.Charts[key] = cf
	}
	b, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o600)
}

type gitRepo struct{ dir, name string }

func (g gitRepo) git(args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"--git-dir", g.dir}, args...)...) //nolint:gosec // G204: git on the mirror directory the operator names
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: git %s: %w: %s", g.name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return b, nil
}

func (g gitRepo) show(commit, file string) ([]byte, error) { return g.git("show", commit+":"+file) }

func (g gitRepo) has(commit, file string) bool {
	_, err := g.git("cat-file", "-e", commit+":"+file)
	return err == nil
}

func (g gitRepo) commit(ref string) (string, error) {
	b, err := g.git("rev-list", "-n", "1", ref)
	return strings.TrimSpace(string(b)), err
}

func open(mirror, repo string) gitRepo {
	return gitRepo{dir: path.Join(mirror, strings.Replace(repo, "/", "+", 1), "repo"), name: repo}
}

type chartYAML struct {
	Version      string `yaml:"version"`
	AppVersion   string `yaml:"appVersion"`
	Dependencies []struct {
		Name    string `yaml:"name"`
		Alias   string `yaml:"alias"`
		Version string `yaml:"version"`
	} `yaml:"dependencies"`
}

func readChart(g gitRepo, commit, dir string) (chartYAML, error) {
	var c chartYAML
	b, err := g.show(commit, dir+"/Chart.yaml")
	if err != nil {
		return c, err
	}
	return c, yaml.Unmarshal(b, &c)
}

// locate finds the commit of a chart version: its tag, or the newest commit of the branch whose
// Chart.yaml has it, or (tags:<glob> without a tag pattern) the tag whose Chart.yaml has it.
func locate(g gitRepo, src source, version string) (ref, commit string, err error) {
	switch {
	case src.tag != "":
		ref = strings.ReplaceAll(src.tag, "{v}", version)
		commit, err = g.commit("refs/tags/" + ref)
		return ref, commit, err
	case src.branch != "":
		b, err := g.git("log", "--format=%H", src.branch, "--", src.dir+"/Chart.yaml")
		if err != nil {
			return "", "", err
		}
		for _, c := range strings.Fields(string(b)) {
			if ch, err := readChart(g, c, src.dir); err == nil && ch.Version == version {
				return src.branch, c, nil
			}
		}
		return "", "", fmt.Errorf("no commit of %s has %s/Chart.yaml version %s", src.branch, src.dir, version)
	default:
		for _, t := range tagVersions(g, src) {
			if t.version == version {
				c, err := g.commit("refs/tags/" + t.tag)
				return t.tag, c, err
			}
		}
		return "", "", fmt.Errorf("no tag has %s/Chart.yaml version %s", src.dir, version)
	}
}

type tagVersion struct{ tag, version string }

func tagVersions(g gitRepo, src source) []tagVersion {
	glob := strings.TrimPrefix(src.index, "tags:")
	b, err := g.git("tag", "-l", glob)
	if err != nil {
		return nil
	}
	var out []tagVersion
	for _, t := range strings.Fields(string(b)) {
		if src.tag != "" {
			pre, post, _ := strings.Cut(src.tag, "{v}")
			if strings.HasPrefix(t, pre) && strings.HasSuffix(t, post) {
				out = append(out, tagVersion{t, strings.TrimSuffix(strings.TrimPrefix(t, pre), post)})
			}
			continue
		}
		if ch, err := readChart(g, "refs/tags/"+t, src.dir); err == nil && ch.Version != "" {
			out = append(out, tagVersion{t, ch.Version})
		}
	}
	return out
}

var semverRe = regexp.MustCompile(`^v?\d+\.\d+\.\d+$`)

func published(g gitRepo, src source, chart string) (Published, error) {
	var p Published
	if src.index == "gh-pages" {
		c, err := g.commit("refs/heads/gh-pages")
		if err != nil {
			return p, err
		}
		b, err := g.show(c, "index.yaml")
		if err != nil {
			return p, err
		}
		var idx struct {
			Entries map[string][]struct {
				Version string `yaml:"version"`
			} `yaml:"entries"`
		}
		if err := yaml.Unmarshal(b, &idx); err != nil {
			return p, err
		}
		p.From = src.repo + " gh-pages index.yaml"
		p.Commit = c
		for _, e := range idx.Entries[chart] {
			p.Versions = append(p.Versions, e.Version)
		}
	} else {
		p.From = src.repo + " release tags " + strings.TrimPrefix(src.index, "tags:") + " (Chart.yaml version of each)"
		seen := map[string]bool{}
		for _, t := range tagVersions(g, src) {
			if semverRe.MatchString(t.version) && !seen[t.version] {
				seen[t.version] = true
				p.Versions = append(p.Versions, t.version)
			}
		}
	}
	sortVersions(p.Versions)
	if len(p.Versions) == 0 {
		return p, fmt.Errorf("no published versions of %s found (%s)", chart, p.From)
	}
	return p, nil
}

func sortVersions(v []string) {
	parse := func(s string) [3]int {
		var n [3]int
		core, _, _ := strings.Cut(strings.TrimPrefix(s, "v"), "-")
		for i, part := range strings.SplitN(core, ".", 3) {
			_, _ = fmt.Sscan(part, &n[i]) // a non-numeric part stays 0
		}
		return n
	}
	sort.SliceStable(v, func(i, j int) bool {
		a, b := parse(v[i]), parse(v[j])
		for k := range a {
			if a[k] != b[k] {
				return a[k] > b[k]
			}
		}
		return v[i] > v[j]
	})
}

func chartFact(mirror string, ch addons.Chart, src source) (*ChartFact, error) {
	g := open(mirror, src.repo)
	pub, err := published(g, src, ch.Chart)
	if err != nil {
		return nil, err
	}
	ref, commit, err := locate(g, src, ch.Version)
	if err != nil {
		return nil, err
	}
	meta, err := readChart(g, commit, src.dir)
	if err != nil {
		return nil, err
	}
	if meta.Version != ch.Version {
		return nil, fmt.Errorf("%s at %s has version %s, want %s", src.dir, ref, meta.Version, ch.Version)
	}
	cf := &ChartFact{Chart: ch.Chart, Repository: ch.Repository, Version: ch.Version, AppVersion: meta.AppVersion, Published: pub}
	k := &keys{set: map[string]bool{}, open: map[string]bool{}}
	origin, err := k.tree(g, ref, commit, src.dir, "")
	if err != nil {
		return nil, err
	}
	cf.Sources = append(cf.Sources, origin)
	sort.Strings(k.remote)
	cf.RemoteRefs = k.remote
	if files, err := crdFiles(g, commit, src.dir); err != nil {
		return nil, err
	} else if len(files) > 0 {
		cf.CRDs = &CRDFiles{Repo: src.repo, Commit: commit, Files: files}
	}
	for _, sc := range src.subcharts {
		version := ""
		for _, d := range meta.Dependencies {
			if d.Name == sc.alias || d.Alias == sc.alias {
				version = d.Version
			}
		}
		if version == "" {
			return nil, fmt.Errorf("%s has no dependency %s", src.dir, sc.alias)
		}
		sg := open(mirror, sc.repo)
		sref := strings.ReplaceAll(sc.tag, "{v}", version)
		scommit, err := sg.commit("refs/tags/" + sref)
		if err != nil {
			return nil, err
		}
		o, err := k.tree(sg, sref, scommit, sc.dir, sc.alias)
		if err != nil {
			return nil, err
		}
		cf.Sources = append(cf.Sources, o)
	}
	if src.index == "gh-pages" {
		if err := samePackage(g, commit, src.dir, ch); err != nil {
			return nil, err
		}
		cf.Sources[0].Files = append(cf.Sources[0].Files, "checked against gh-pages:"+ch.Chart+"-"+ch.Version+".tgz where published there")
	}
	cf.Keys, cf.Open, cf.Images = sorted(k.set), sorted(k.open), append([]Image{}, k.images...)
	sort.Slice(cf.Images, func(i, j int) bool { return cf.Images[i].Path < cf.Images[j].Path })
	return cf, nil
}

// samePackage compares values.yaml at the commit with the published package's, where the gh-pages
// branch holds the packages themselves (aws/eks-charts does).
func samePackage(g gitRepo, commit, dir string, ch addons.Chart) error {
	pkg := ch.Chart + "-" + ch.Version + ".tgz"
	if !g.has("refs/heads/gh-pages", pkg) {
		return nil
	}
	b, err := g.show("refs/heads/gh-pages", pkg)
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%s: %w", pkg, err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			return fmt.Errorf("%s: no %s/values.yaml: %w", pkg, ch.Chart, err)
		}
		if h.Name != ch.Chart+"/values.yaml" {
			continue
		}
		published, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		source, err := g.show(commit, dir+"/values.yaml")
		if err != nil {
			return err
		}
		if !bytes.Equal(published, source) {
			return fmt.Errorf("%s/values.yaml at %s differs from the published %s", dir, commit, pkg)
		}
		return nil
	}
}

// crdFiles lists the YAML files under the chart's crds/ (following a symbolic link, as helm
// package does), subcharts' crds/ included.
func crdFiles(g gitRepo, commit, dir string) ([]string, error) {
	b, err := g.git("ls-tree", "-r", commit, "--", dir+"/")
	if err != nil {
		return nil, err
	}
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		meta, file, ok := strings.Cut(line, "\t")
		if !ok || !crdDirRe.MatchString(strings.TrimPrefix(file, dir+"/")) {
			continue
		}
		if strings.HasPrefix(meta, "120000") { // a link to the CRDs' directory
			target, err := g.show(commit, file)
			if err != nil {
				return nil, err
			}
			linked := path.Clean(path.Join(path.Dir(file), strings.TrimSpace(string(target))))
			lb, err := g.git("ls-tree", "-r", "--name-only", commit, "--", linked+"/")
			if err != nil {
				return nil, err
			}
			for _, f := range strings.Fields(string(lb)) {
				if strings.HasSuffix(f, ".yaml") && !strings.HasSuffix(f, "kustomization.yaml") {
					files = append(files, f)
				}
			}
			continue
		}
		if strings.HasSuffix(file, ".yaml") && !strings.HasSuffix(file, "kustomization.yaml") {
			files = append(files, file)
		}
	}
	return files, nil
}

var crdDirRe = regexp.MustCompile(`^(charts/[^/]+/)?crds(/|$)`)

type keys struct {
	set, open map[string]bool
	images    []Image
	remote    []string
}

func (k *keys) tree(g gitRepo, ref, commit, dir, prefix string) (Origin, error) {
	o := Origin{Prefix: prefix, Repo: g.name, Ref: ref, Commit: commit}
	b, err := g.show(commit, dir+"/values.yaml")
	if err != nil {
		return o, err
	}
	o.Files = append(o.Files, dir+"/values.yaml")
	var values any
	if err := yaml.Unmarshal(b, &values); err != nil {
		return o, fmt.Errorf("%s values.yaml: %w", g.name, err)
	}
	var base []string
	if prefix != "" {
		base = []string{prefix}
		k.set[addons.ValuesPath(base...)] = true
	}
	k.values(base, values)
	if g.has(commit, dir+"/values.schema.json") {
		sb, err := g.show(commit, dir+"/values.schema.json")
		if err != nil {
			return o, err
		}
		o.Files = append(o.Files, dir+"/values.schema.json")
		var schema map[string]any
		if err := json.Unmarshal(sb, &schema); err != nil {
			return o, fmt.Errorf("%s values.schema.json: %w", g.name, err)
		}
		k.schema(base, schema, schema, 0)
	}
	n, err := k.templates(g, commit, dir, base)
	if err != nil {
		return o, err
	}
	if n > 0 {
		o.Files = append(o.Files, fmt.Sprintf("%s/templates (%d files: the .Values paths they read)", dir, n))
	}
	return o, nil
}

var valuesRefRe = regexp.MustCompile(`\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)`)

// templates adds the .Values paths the chart's own templates read (a key the templates use that
// values.yaml leaves out, such as grafana's fullnameOverride). Subcharts' templates are not read:
// their keys come from their own sources.
func (k *keys) templates(g gitRepo, commit, dir string, base []string) (int, error) {
	b, err := g.git("ls-tree", "-r", "--name-only", commit, "--", dir+"/templates/")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, file := range strings.Fields(string(b)) {
		if !strings.HasSuffix(file, ".yaml") && !strings.HasSuffix(file, ".tpl") && !strings.HasSuffix(file, ".yml") && !strings.HasSuffix(file, ".txt") {
			continue
		}
		text, err := g.show(commit, file)
		if err != nil {
			return 0, err
		}
		n++
		for _, m := range valuesRefRe.FindAllSubmatch(text, -1) {
			parts := strings.Split(strings.TrimPrefix(string(m[1]), "."), ".")
			for i := range parts {
				k.set[addons.ValuesPath(append(append([]string(nil), base...), parts[:i+1]...)...)] = true
			}
		}
	}
	return n, nil
}

// values adds every map path of values.yaml; an empty map or a null is free-form (open).
func (k *keys) values(p []string, v any) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 && len(p) > 0 {
			k.open[addons.ValuesPath(p...)] = true
		}
		if rv, ok := t["repository"]; ok && len(p) > 0 {
			repo, _ := rv.(string)
			img := Image{Path: addons.ValuesPath(p...), Repository: repo}
			img.Registry, _ = t["registry"].(string)
			img.Tag = fmt.Sprint(t["tag"])
			if t["tag"] == nil {
				img.Tag = ""
			}
			k.images = append(k.images, img)
		}
		for key, e := range t {
			q := append(append([]string(nil), p...), key)
			k.set[addons.ValuesPath(q...)] = true
			k.values(q, e)
		}
	case nil:
		if len(p) > 0 {
			k.open[addons.ValuesPath(p...)] = true
		}
	}
}

// schema adds every property path; an object without properties (or with additionalProperties
// allowed and no properties) is free-form, and so is a remote $ref, which is not followed.
func (k *keys) schema(p []string, root, s map[string]any, depth int) {
	if depth > 40 {
		return
	}
	if ref, ok := s["$ref"].(string); ok {
		if strings.HasPrefix(ref, "#/") {
			if target := pointer(root, ref); target != nil {
				k.schema(p, root, target, depth+1)
			}
		} else {
			k.remote = appendUnique(k.remote, ref)
			if len(p) > 0 {
				k.open[addons.ValuesPath(p...)] = true
			}
		}
	}
	for _, comb := range []string{"allOf", "anyOf", "oneOf"} {
		if list, ok := s[comb].([]any); ok {
			for _, e := range list {
				if m, ok := e.(map[string]any); ok {
					k.schema(p, root, m, depth+1)
				}
			}
		}
	}
	props, _ := s["properties"].(map[string]any)
	for key, e := range props {
		q := append(append([]string(nil), p...), key)
		k.set[addons.ValuesPath(q...)] = true
		if m, ok := e.(map[string]any); ok {
			k.schema(q, root, m, depth+1)
		}
	}
	// additionalProperties true or a schema lets any key in; an object without properties and
	// without additionalProperties false does too.
	ap, hasAP := s["additionalProperties"]
	if len(p) > 0 && ((hasAP && ap != false) || (!hasAP && len(props) == 0 && isObject(s))) {
		k.open[addons.ValuesPath(p...)] = true
	}
}

func isObject(s map[string]any) bool {
	switch t := s["type"].(type) {
	case string:
		return t == "object"
	case []any:
		for _, e := range t {
			if e == "object" {
				return true
			}
		}
	}
	return false
}

func pointer(root map[string]any, ref string) map[string]any {
	var cur any = root
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")]
	}
	m, _ := cur.(map[string]any)
	return m
}

func appendUnique(list []string, s string) []string {
	for _, e := range list {
		if e == s {
			return list
		}
	}
	return append(list, s)
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
