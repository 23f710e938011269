package diff

import "testing"

// Kubernetes types the facts do not list take the rule pulumi-kubernetes applies to them: a
// custom resource or a Patch resource is replaced only when its name or namespace changes; a
// built-in type of a group with its own rules keeps having none rather than borrowing those.
func TestKubernetesTypesWithoutTheirOwnFacts(t *testing.T) {
	cases := []struct {
		typ, want string
	}{
		{"kubernetes:argoproj.io/v1alpha1:Application", customResourceType},
		{"kubernetes:argocd-image-updater.argoproj.io/v1alpha1:ImageUpdater", customResourceType},
		{"kubernetes:traefik.io/v1alpha1:Middleware", customResourceType},
		{"kubernetes:storage.k8s.io/v1:StorageClassPatch", customResourceType},
		{"kubernetes:core/v1:NamespacePatch", customResourceType},
		{"kubernetes:storage.k8s.io/v1:StorageClass", "kubernetes:storage.k8s.io/v1:StorageClass"},
		{"kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:Deployment"},
		{"kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v3:Chart"},
		{"aws:s3/bucketV2:BucketV2", "aws:s3/bucketV2:BucketV2"},
	}
	for _, c := range cases {
		if got := factType(c.typ); got != c.want {
			t.Errorf("factType(%s) = %s, want %s", c.typ, got, c.want)
		}
	}
	app := "kubernetes:argoproj.io/v1alpha1:Application"
	named := func(name string, path string) map[string]any {
		return map[string]any{"metadata": map[string]any{"name": name, "namespace": "argocd"}, "spec": map[string]any{"source": map[string]any{"path": path}}}
	}
	if v := replacement(app, "metadata.name", change{old: named("root", "a"), new: named("platform", "a")}); !v.forces {
		t.Error("a renamed Application is not replaced")
	}
	if v := replacement(app, "spec.source.path", change{old: named("root", "a"), new: named("root", "b")}); v.forces {
		t.Error("a changed Application spec is replaced")
	}
	patch := "kubernetes:storage.k8s.io/v1:StorageClassPatch"
	ann := func(v string) map[string]any {
		return map[string]any{"metadata": map[string]any{"name": "gp2", "annotations": map[string]any{"storageclass.kubernetes.io/is-default-class": v}}}
	}
	if v := replacement(patch, "metadata.annotations", change{old: ann("true"), new: ann("false")}); v.forces {
		t.Error("a patch's annotation change is a replacement")
	}
}
