package config

import (
	"fmt"
	"slices"
	"strings"
)

// GitOps keys.
const (
	KeyGitOps                = "gitops"
	KeyGitOpsRepositoryToken = "gitopsRepositoryToken" // secret
)

var gitOpsKeys = []keySpec{
	{KeyGitOps, typeObject, false},
	{KeyGitOpsRepositoryToken, typeString, false}, // read only as a secret; optional, so not typed secret (the CLI would require it)
}

// GitOpsConfig is the `gitops` object: the repository Argo CD is bootstrapped from.
type GitOpsConfig struct {
	// RepoURL is the HTTPS URL of the deployment repository; empty bootstraps nothing.
	RepoURL string `json:"repoUrl,omitempty"`
	// Revision is the branch tracked and written back to (the component defaults it to main).
	Revision string `json:"revision,omitempty"`
	// Path is the directory of the environment's Application manifests; defaults to
	// environments/<environment>.
	Path string `json:"path,omitempty"`
	// Username goes with the token (the component defaults it to git).
	Username string `json:"username,omitempty"`
	// ImageRepositories are names from `repositories` whose new images the image updater deploys
	// and commits to the repository; they need the token.
	ImageRepositories []string `json:"imageRepositories,omitempty"`

	// HasToken says the secret gitopsRepositoryToken is set; its value is only ever read as a
	// secret output (see Secret).
	HasToken bool `json:"-"`
}

func readGitOps(r *reader) GitOpsConfig {
	var g GitOpsConfig
	r.object(KeyGitOps, &g)
	g.HasToken = r.isSet(KeyGitOpsRepositoryToken)
	return g
}

func (c *Config) applyGitOpsDefaults() {
	if c.GitOps.RepoURL != "" && c.GitOps.Path == "" && c.Environment != "" {
		c.GitOps.Path = "environments/" + string(c.Environment)
	}
}

// validateGitOps checks that a write-back has its token. The rest is PlatformAddons' own
// (validateComponents) and validateGitOpsRepositories'.
func (c *Config) validateGitOps() error {
	g := c.GitOps
	if len(g.ImageRepositories) > 0 && !g.HasToken {
		return errorf(KeyGitOpsRepositoryToken, "required key is missing with gitops.imageRepositories (set it with `pulumi config set --secret %s <token>`; the token needs read and write access to %s)", KeyGitOpsRepositoryToken, g.RepoURL)
	}
	return nil
}

// validateGitOpsRepositories checks that the image repositories are the stack's own; it runs
// after the registry's rules, so the names it compares are valid.
func (c *Config) validateGitOpsRepositories() error {
	g := c.GitOps
	names := make([]string, len(c.Registry.Repositories))
	for i, r := range c.Registry.Repositories {
		names[i] = r.Name
	}
	for i, r := range g.ImageRepositories {
		if !slices.Contains(names, r) {
			return errorf(fmt.Sprintf("%s.imageRepositories[%d]", KeyGitOps, i), "%q is not one of the stack's repositories (%s)", r, strings.Join(names, ", "))
		}
	}
	return nil
}

// gitOpsSecrets are the secrets the raw `gitops` value requires, for the offline preview.
func gitOpsSecrets(raw string) []string {
	var g GitOpsConfig
	if lenientDecode(raw, &g) && len(g.ImageRepositories) > 0 {
		return []string{KeyGitOpsRepositoryToken}
	}
	return nil
}
