package addons

import (
	"net/url"
	pathpkg "path"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/fielderr"
)

// GitOpsArgs bootstraps Argo CD from a Git repository: the repository and its credentials, one
// root app-of-apps Application for the environment, and the images Argo CD Image Updater follows
// and writes back to the repository.
type GitOpsArgs struct {
	// RepositoryURL is the HTTPS URL of the Git repository Argo CD deploys from. Defaults to
	// none: Argo CD runs without a repository or applications.
	RepositoryURL string
	// Revision is the branch the root Application tracks and the image updater commits to.
	// Defaults to "main".
	Revision string
	// Path is the directory of the environment's app-of-apps in the repository (its Application
	// manifests). Required with RepositoryURL.
	Path string
	// Username is the user of Password. Defaults to "git" (GitHub and GitLab tokens take any
	// non-empty user).
	Username string
	// Password is the token Argo CD reads the repository with and the image updater writes it
	// with, secret. Defaults to none: a public repository, read only.
	Password pulumi.StringInput
	// ImageRepositories are ECR repository names (in ECRRegistry) whose new images the image
	// updater deploys: each is the image, aliased by its name with "/" as "-", of the Argo CD
	// application of that same name, and every update is committed to Revision. Defaults to none.
	ImageRepositories []string
}

// On reports whether Argo CD is bootstrapped from a repository.
func (g GitOpsArgs) On() bool { return g.RepositoryURL != "" }

func (g GitOpsArgs) withDefaults() GitOpsArgs {
	if g.Revision == "" {
		g.Revision = "main"
	}
	if g.Username == "" {
		g.Username = "git"
	}
	return g
}

// ecrRepoNameRe is an ECR repository name (ECR CreateRepository, repositoryName).
var ecrRepoNameRe = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)

// revisionRe is a Git branch name without spaces or the characters git refuses.
var revisionRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`)

func (a PlatformAddonsArgs) validateGitOps() error {
	g := a.GitOps
	f := func(field string) string { return "GitOps." + field }
	if !g.On() {
		if g.Path != "" || len(g.ImageRepositories) > 0 || g.Password != nil {
			return fielderr.New(f("RepositoryURL"), "is required with Path, Password or ImageRepositories")
		}
		return nil
	}
	if !a.ArgoCD.On() {
		return fielderr.New("ArgoCD.Enabled", "false but GitOps.RepositoryURL is set: the repository is Argo CD's")
	}
	u, err := url.Parse(g.RepositoryURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fielderr.New(f("RepositoryURL"), "%q is not an HTTPS repository URL without credentials (such as https://github.com/org/deploy.git)", g.RepositoryURL)
	}
	if !revisionRe.MatchString(g.Revision) || strings.Contains(g.Revision, "..") {
		return fielderr.New(f("Revision"), "%q is not a branch name", g.Revision)
	}
	if g.Path == "" {
		return fielderr.New(f("Path"), "is required with RepositoryURL (the directory of the environment's Application manifests, such as environments/dev)")
	}
	if strings.HasPrefix(g.Path, "/") || pathpkg.Clean(g.Path) != g.Path || strings.HasPrefix(g.Path, "..") {
		return fielderr.New(f("Path"), "%q is not a clean relative path in the repository", g.Path)
	}
	if len(g.ImageRepositories) == 0 {
		return nil
	}
	switch {
	case !a.ImageUpdater.On():
		return fielderr.New(f("ImageRepositories"), "lists %d repositories but ImageUpdater is disabled", len(g.ImageRepositories))
	case a.ECRRegistry == "":
		return fielderr.New(f("ImageRepositories"), "needs ECRRegistry (the registry host the repositories are in)")
	case g.Password == nil:
		return fielderr.New(f("Password"), "is required with ImageRepositories: the image updater commits to the repository")
	}
	seen := map[string]int{}
	for i, r := range g.ImageRepositories {
		if !ecrRepoNameRe.MatchString(r) || len(r) > 256 {
			return fielderr.New(fielderr.Index(f("ImageRepositories"), i), "%q is not an ECR repository name", r)
		}
		if j, dup := seen[imageAlias(r)]; dup {
			return fielderr.New(fielderr.Index(f("ImageRepositories"), i), "%q is the same application as ImageRepositories[%d]", r, j)
		}
		seen[imageAlias(r)] = i
	}
	return nil
}

// imageAlias is the image's alias and its application's name: the repository with "/" as "-".
func imageAlias(repo string) string { return strings.ReplaceAll(repo, "/", "-") }

// Argo CD objects of the bootstrap.
const (
	// gitRepositorySecret is the repository's Secret; Argo CD reads every Secret in its namespace
	// labeled argocd.argoproj.io/secret-type=repository (argo-cd docs/operator-manual/
	// declarative-setup.md, "Repositories"; keys type, url, username, password).
	gitRepositorySecret = "gitops-repository"              //nolint:gosec // G101: a Secret's name, not a credential
	argoSecretTypeLabel = "argocd.argoproj.io/secret-type" //nolint:gosec // G101: a label key, not a credential
	// rootApplication is the environment's app-of-apps (argo-cd docs/operator-manual/
	// cluster-bootstrapping.md).
	rootApplication = "root"
	// imageUpdaterObject is the ImageUpdater custom resource of Argo CD Image Updater 1.x
	// (argoproj-labs/argocd-image-updater v1.2.2, api/v1alpha1/imageupdater_types.go and
	// docs/configuration/applications.md), which replaced the 0.x Application annotations.
	imageUpdaterObject = "platform-images"
)

// gitOps creates the repository Secret, the root Application (after the Argo CD release) and the
// ImageUpdater resource (after the image updater's release, which installs its CRD).
func (c *PlatformAddons) gitOps(ctx *pulumi.Context) error {
	g := c.args.GitOps
	argo := c.Releases["argocd"]
	if !g.On() || argo == nil {
		return nil
	}
	data := pulumi.StringMap{"type": pulumi.String("git"), "url": pulumi.String(g.RepositoryURL)}
	if g.Password != nil {
		data["username"] = pulumi.String(g.Username)
		data["password"] = pulumi.ToSecret(g.Password).(pulumi.StringOutput)
	}
	repo, err := corev1.NewSecret(ctx, c.name+"-argocd-repository", &corev1.SecretArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(gitRepositorySecret),
			Namespace: pulumi.String(nsArgoCD),
			Labels: pulumi.StringMap{
				argoSecretTypeLabel:            pulumi.String("repository"),
				"app.kubernetes.io/managed-by": pulumi.String("pulumi"),
			},
		},
		Type:       pulumi.String("Opaque"),
		StringData: data,
	}, append(c.k8sOpts, pulumi.DependsOn([]pulumi.Resource{c.namespaces[nsArgoCD]}))...)
	if err != nil {
		return err
	}
	// No resources-finalizer: deleting the root Application leaves the applications it made
	// running rather than cascading into every workload of the environment.
	_, err = apiextensions.NewCustomResource(ctx, c.name+"-argocd-root", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("argoproj.io/v1alpha1"),
		Kind:       pulumi.String("Application"),
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(rootApplication),
			Namespace: pulumi.String(nsArgoCD),
		},
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"project": "default",
			"source": map[string]any{
				"repoURL":        g.RepositoryURL,
				"targetRevision": g.Revision,
				"path":           g.Path,
			},
			"destination": map[string]any{"server": "https://kubernetes.default.svc", "namespace": nsArgoCD},
			"syncPolicy": map[string]any{
				"automated": map[string]any{"prune": true, "selfHeal": true},
				"retry":     map[string]any{"limit": 5},
			},
		}},
	}, append(c.k8sOpts, pulumi.DependsOn([]pulumi.Resource{argo, repo}))...)
	if err != nil {
		return err
	}
	updater := c.Releases["image-updater"]
	if updater == nil || len(g.ImageRepositories) == 0 {
		return nil
	}
	refs := make([]any, len(g.ImageRepositories))
	for i, r := range g.ImageRepositories {
		alias := imageAlias(r)
		refs[i] = map[string]any{
			"namePattern": alias,
			"images":      []any{map[string]any{"alias": alias, "imageName": c.args.ECRRegistry + "/" + r}},
		}
	}
	_, err = apiextensions.NewCustomResource(ctx, c.name+"-image-updater-images", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("argocd-image-updater.argoproj.io/v1alpha1"),
		Kind:       pulumi.String("ImageUpdater"),
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(imageUpdaterObject),
			Namespace: pulumi.String(nsArgoCD),
		},
		OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
			"commonUpdateSettings": map[string]any{"updateStrategy": "semver"},
			// "git" commits with the repository credentials Argo CD has (docs/basics/update-methods.md,
			// "Specifying Git credentials": repocreds is the default).
			"writeBackConfig": map[string]any{
				"method":    "git",
				"gitConfig": map[string]any{"repository": g.RepositoryURL, "branch": g.Revision},
			},
			"applicationRefs": refs,
		}},
	}, append(c.k8sOpts, pulumi.DependsOn([]pulumi.Resource{updater, repo}))...)
	return err
}
