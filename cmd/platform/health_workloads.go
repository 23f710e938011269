package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks"
)

// Resource types of the stack's graph that say what must run in the cluster.
const (
	typeHelmRelease  = "kubernetes:helm.sh/v3:Release"
	typeEKSAddon     = "aws:eks/addon:Addon"
	typeConfigMap    = "kubernetes:core/v1:ConfigMap"
	typePostgres     = "kubernetes:postgresql.cnpg.io/v1:Cluster"
	realmConfigMap   = "keycloak-realm" // components/addons/realm.go realmObj
	realmFileSuffix  = "-realm.json"
	defaultRealm     = "master" // exists in every Keycloak; checked when the stack declares no realm
	helmReleaseName  = "meta.helm.sh/release-name"
	helmReleaseSpace = "meta.helm.sh/release-namespace"
)

// crdOnlyCharts install CustomResourceDefinitions and no workload
// (prometheus-community/helm-charts charts/prometheus-operator-crds: templates of CRDs only).
var crdOnlyCharts = []string{"prometheus-operator-crds"}

// eksAddonWorkloads are the workloads each EKS add-on runs in kube-system, as AWS documents
// them: vpc-cni the aws-node DaemonSet and kube-proxy its DaemonSet
// (https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.html,
// https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html), coredns its
// Deployment (https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html), the Pod
// Identity agent its DaemonSet (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html),
// the EBS CSI driver the ebs-csi-controller Deployment and the ebs-csi-node DaemonSet
// (https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html). An add-on not listed is
// checked through the namespace's readiness only.
var eksAddonWorkloads = map[string][]string{
	"vpc-cni":                {"daemonset/aws-node"},
	"kube-proxy":             {"daemonset/kube-proxy"},
	"coredns":                {"deployment/coredns"},
	"eks-pod-identity-agent": {"daemonset/eks-pod-identity-agent"},
	"aws-ebs-csi-driver":     {"deployment/ebs-csi-controller", "daemonset/ebs-csi-node"},
}

// expectedRelease is one Helm release of the stack's graph.
type expectedRelease struct {
	name, namespace, chart string
}

// expectations are what the stack's own program says must run: derived from its offline preview
// (the same graph `platform preview` shows), never from a list kept by hand.
type expectations struct {
	releases  []expectedRelease
	eksAddons []string
	postgres  []string // namespace/name of CloudNativePG clusters
	realm     string   // the Keycloak realm whose discovery document is checked
}

// loadExpectations previews the stack offline from dir (its Pulumi.yaml and stack file).
func loadExpectations(dir, stack string) (expectations, error) {
	doc, err := stacks.Preview(dir, stack, "")
	if err != nil {
		return expectations{}, err
	}
	return expectationsOf(doc), nil
}

func expectationsOf(doc *preview.Document) expectations {
	e := expectations{realm: defaultRealm}
	for _, r := range doc.Resources {
		switch r.Type {
		case typeHelmRelease:
			name, _ := r.Inputs["name"].(string)
			ns, _ := r.Inputs["namespace"].(string)
			chart, _ := r.Inputs["chart"].(string)
			if name != "" && ns != "" {
				e.releases = append(e.releases, expectedRelease{name: name, namespace: ns, chart: chart})
			}
		case typeEKSAddon:
			if n, _ := r.Inputs["addonName"].(string); n != "" {
				e.eksAddons = append(e.eksAddons, n)
			}
		case typePostgres:
			md, _ := r.Inputs["metadata"].(map[string]any)
			name, _ := md["name"].(string)
			ns, _ := md["namespace"].(string)
			if name != "" && ns != "" {
				e.postgres = append(e.postgres, ns+"/"+name)
			}
		case typeConfigMap:
			md, _ := r.Inputs["metadata"].(map[string]any)
			if md["name"] != realmConfigMap {
				continue
			}
			data, _ := r.Inputs["data"].(map[string]any)
			for k, v := range data {
				var realm struct {
					Realm string `json:"realm"`
				}
				if s, ok := v.(string); ok && strings.HasSuffix(k, realmFileSuffix) && json.Unmarshal([]byte(s), &realm) == nil && realm.Realm != "" {
					e.realm = realm.Realm
				}
			}
		}
	}
	return e
}

// namespaces are the namespaces that must hold workloads: those of the releases, kube-system
// with EKS add-ons, and those of the Postgres clusters, in AddonNamespaces order, others after.
func (e expectations) namespaces() []string {
	set := map[string]bool{}
	for _, r := range e.releases {
		set[r.namespace] = true
	}
	if len(e.eksAddons) > 0 {
		set["kube-system"] = true
	}
	for _, p := range e.postgres {
		set[strings.SplitN(p, "/", 2)[0]] = true
	}
	var out []string
	for _, ns := range AddonNamespaces {
		if set[ns] {
			out = append(out, ns)
			delete(set, ns)
		}
	}
	rest := make([]string, 0, len(set))
	for ns := range set {
		rest = append(rest, ns)
	}
	sort.Strings(rest)
	return append(out, rest...)
}

func (e expectations) hasRelease(namespace, name string) bool {
	return slices.ContainsFunc(e.releases, func(r expectedRelease) bool { return r.namespace == namespace && r.name == name })
}

// workload is the part of a Deployment, StatefulSet or DaemonSet the check reads.
type workload struct {
	kind     string
	Metadata struct {
		Name        string            `json:"name"`
		Generation  int64             `json:"generation"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		Replicas       *int32 `json:"replicas"`
		UpdateStrategy struct {
			Type          string `json:"type"`
			RollingUpdate *struct {
				Partition *int32 `json:"partition"`
			} `json:"rollingUpdate"`
		} `json:"updateStrategy"`
	} `json:"spec"`
	Status struct {
		ObservedGeneration     int64  `json:"observedGeneration"`
		Replicas               int32  `json:"replicas"`
		UpdatedReplicas        int32  `json:"updatedReplicas"`
		ReadyReplicas          int32  `json:"readyReplicas"`
		AvailableReplicas      int32  `json:"availableReplicas"`
		CurrentRevision        string `json:"currentRevision"`
		UpdateRevision         string `json:"updateRevision"`
		DesiredNumberScheduled int32  `json:"desiredNumberScheduled"`
		UpdatedNumberScheduled int32  `json:"updatedNumberScheduled"`
		NumberAvailable        int32  `json:"numberAvailable"`
		NumberReady            int32  `json:"numberReady"`
		Conditions             []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Reason string `json:"reason"`
		} `json:"conditions"`
	} `json:"status"`
}

func (w workload) ref() string { return w.kind + "/" + w.Metadata.Name }

// notReady says why a workload is not rolled out and ready, or "" when it is. The conditions are
// those of `kubectl rollout status` (kubernetes/kubectl pkg/polymorphichelpers/rollout_status.go:
// the generation observed, every replica updated, no old replica left, every replica
// available), applied to one snapshot; the retries of the check give the waiting. A DaemonSet or
// StatefulSet with the OnDelete strategy is checked for readiness only.
func (w workload) notReady() string {
	s := w.Status
	if w.Metadata.Generation > s.ObservedGeneration {
		return "generation not observed yet"
	}
	replicas := int32(1)
	if w.Spec.Replicas != nil {
		replicas = *w.Spec.Replicas
	}
	switch w.kind {
	case "deployment":
		for _, c := range s.Conditions {
			if c.Type == "Progressing" && c.Reason == "ProgressDeadlineExceeded" {
				return "exceeded its progress deadline"
			}
		}
		switch {
		case s.UpdatedReplicas < replicas:
			return fmt.Sprintf("%d of %d replicas updated", s.UpdatedReplicas, replicas)
		case s.Replicas > s.UpdatedReplicas:
			return fmt.Sprintf("%d old replicas pending termination", s.Replicas-s.UpdatedReplicas)
		case s.AvailableReplicas < s.UpdatedReplicas:
			return fmt.Sprintf("%d of %d updated replicas available", s.AvailableReplicas, s.UpdatedReplicas)
		}
	case "statefulset":
		if s.ReadyReplicas < replicas {
			return fmt.Sprintf("%d of %d replicas ready", s.ReadyReplicas, replicas)
		}
		if w.Spec.UpdateStrategy.Type == "OnDelete" {
			return ""
		}
		if ru := w.Spec.UpdateStrategy.RollingUpdate; ru != nil && ru.Partition != nil && *ru.Partition > 0 {
			if s.UpdatedReplicas < replicas-*ru.Partition {
				return fmt.Sprintf("%d of %d replicas above the partition updated", s.UpdatedReplicas, replicas-*ru.Partition)
			}
			return ""
		}
		if s.UpdateRevision != s.CurrentRevision {
			return "rolling update not complete"
		}
	case "daemonset":
		if s.NumberReady < s.DesiredNumberScheduled {
			return fmt.Sprintf("%d of %d pods ready", s.NumberReady, s.DesiredNumberScheduled)
		}
		if w.Spec.UpdateStrategy.Type == "OnDelete" {
			return ""
		}
		switch {
		case s.UpdatedNumberScheduled < s.DesiredNumberScheduled:
			return fmt.Sprintf("%d of %d pods updated", s.UpdatedNumberScheduled, s.DesiredNumberScheduled)
		case s.NumberAvailable < s.DesiredNumberScheduled:
			return fmt.Sprintf("%d of %d pods available", s.NumberAvailable, s.DesiredNumberScheduled)
		}
	}
	return ""
}

// workloadKinds are listed per namespace, in this order.
var workloadKinds = []struct{ kind, resource string }{
	{"deployment", "deployments"}, {"statefulset", "statefulsets"}, {"daemonset", "daemonsets"},
}

// listWorkloads lists the namespace's Deployments, StatefulSets and DaemonSets.
func listWorkloads(ctx context.Context, k *kubeClient, ns string) ([]workload, error) {
	var out []workload
	for _, wk := range workloadKinds {
		var list struct {
			Items []workload `json:"items"`
		}
		if err := k.getJSON(ctx, "/apis/apps/v1/namespaces/"+ns+"/"+wk.resource, &list); err != nil {
			return nil, err
		}
		for _, w := range list.Items {
			w.kind = wk.kind
			out = append(out, w)
		}
	}
	return out, nil
}

// postgresReady reads a CloudNativePG Cluster: its Ready condition true and every instance ready
// (cloudnative-pg api/v1 cluster_types.go: status.readyInstances, the condition type "Ready",
// which the program's pulumi.com/waitFor annotation waits for too).
func postgresReady(ctx context.Context, k *kubeClient, ns, name string) string {
	var c struct {
		Spec struct {
			Instances int `json:"instances"`
		} `json:"spec"`
		Status struct {
			ReadyInstances int `json:"readyInstances"`
			Conditions     []struct {
				Type   string `json:"type"`
				Status string `json:"status"`
			} `json:"conditions"`
		} `json:"status"`
	}
	if err := k.getJSON(ctx, "/apis/postgresql.cnpg.io/v1/namespaces/"+ns+"/clusters/"+name, &c); err != nil {
		return "postgres cluster " + name + ": " + oneLine(err)
	}
	ready := false
	for _, cond := range c.Status.Conditions {
		if cond.Type == "Ready" && cond.Status == "True" {
			ready = true
		}
	}
	switch {
	case c.Status.ReadyInstances < c.Spec.Instances:
		return fmt.Sprintf("postgres cluster %s: %d of %d instances ready", name, c.Status.ReadyInstances, c.Spec.Instances)
	case !ready:
		return "postgres cluster " + name + ": condition Ready is not True"
	}
	return ""
}

// workloadChecks check, per namespace the stack fills, that it has workloads, that each expected
// release and EKS add-on has its own, and that every one of them is rolled out and ready.
func workloadChecks(cfg healthConfig, k func() *kubeClient, gate func() string) []check {
	var out []check
	for _, ns := range cfg.expect.namespaces() {
		c := check{name: "workloads " + ns, gate: gate}
		c.try = func(ctx context.Context) (string, error) { return namespaceHealth(ctx, k(), cfg.expect, ns) }
		out = append(out, c)
	}
	return out
}

func namespaceHealth(ctx context.Context, k *kubeClient, e expectations, ns string) (string, error) {
	ws, err := listWorkloads(ctx, k, ns)
	if err != nil {
		return "", err
	}
	var problems, releases []string
	if len(ws) == 0 {
		return "", fmt.Errorf("no Deployment, StatefulSet or DaemonSet in namespace %s", ns)
	}
	byRef := map[string]bool{}
	perRelease := map[string]int{}
	for _, w := range ws {
		byRef[w.ref()] = true
		if w.Metadata.Annotations[helmReleaseSpace] == ns {
			perRelease[w.Metadata.Annotations[helmReleaseName]]++
		}
		if why := w.notReady(); why != "" {
			problems = append(problems, w.ref()+" "+why)
		}
	}
	for _, r := range e.releases {
		if r.namespace != ns {
			continue
		}
		releases = append(releases, r.name)
		if perRelease[r.name] == 0 && !slices.Contains(crdOnlyCharts, r.chart) {
			problems = append(problems, "release "+r.name+" has no workload")
		}
	}
	if ns == "kube-system" {
		for _, a := range e.eksAddons {
			for _, ref := range eksAddonWorkloads[a] {
				if !byRef[ref] {
					problems = append(problems, "EKS add-on "+a+" has no "+ref)
				}
			}
		}
	}
	for _, p := range e.postgres {
		parts := strings.SplitN(p, "/", 2)
		if parts[0] == ns {
			if why := postgresReady(ctx, k, ns, parts[1]); why != "" {
				problems = append(problems, why)
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		more := ""
		if len(problems) > 3 {
			more = fmt.Sprintf(" and %d more", len(problems)-3)
			problems = problems[:3]
		}
		return "", fmt.Errorf("%s%s", strings.Join(problems, "; "), more)
	}
	detail := fmt.Sprintf("%d workload(s) ready", len(ws))
	if len(releases) > 0 {
		detail += ", releases " + strings.Join(releases, ", ")
	}
	return detail, nil
}
