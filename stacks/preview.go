package stacks

import (
	"fmt"
	"strings"

	"github.com/flowmart/platform/pkg/policy"
	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks/config"
	"github.com/flowmart/platform/stacks/manifests"
)

// Preview loads a stack's files, validates its configuration before any resource is registered,
// and runs both layers of the stack offline (Offline). dir is the project directory or any
// directory below it; configFile, when not empty, replaces Pulumi.<stack>.yaml. Configuration
// problems come back as *config.Error or *preview.ConfigError, each one line naming the key or
// file. A required secret the stack file does not hold (it is set with `pulumi config set
// --secret` by whoever deploys) is previewed as the secret placeholder. The policy rules run over
// both layers.
func Preview(dir, stack, configFile string) (*preview.Document, error) {
	projectDir, err := preview.FindProjectDir(dir)
	if err != nil {
		return nil, err
	}
	sf, err := preview.LoadStackFile(projectDir, stack, configFile)
	if err != nil {
		return nil, err
	}
	if err := servicesNamespaceUnused(sf.Keys()); err != nil {
		return nil, err
	}
	values, secretKeys, _ := config.OfflineSecrets(sf.Project, sf.Config, sf.SecretKeys, preview.Secret)
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	get := func(k string) (string, bool) { v, ok := values[k]; return v, ok }
	cfg, err := config.Parse(sf.Project, stack, get, keys)
	if err != nil {
		return nil, err
	}
	servicesDir, err := manifests.FindDir(projectDir)
	if err != nil {
		return nil, err
	}
	// The service manifests, validated for the stack's environment before any resource: a bad
	// one is one line naming its file and key (*manifests.Error).
	if _, err := manifestsIn(servicesDir)(cfg.Environment); err != nil {
		return nil, err
	}
	doc, err := offline(preview.Options{Project: sf.Project, Stack: stack, Config: values, SecretKeys: secretKeys}, servicesDir)
	if err != nil {
		return nil, err
	}
	// Every rule of pkg/policy, with the stack's environment and waivers (policyWaivers).
	doc.EvaluatePolicy(policy.Context{Environment: string(cfg.Environment), Waivers: cfg.Waivers})
	return doc, nil
}

// Offline runs the whole environment of o.Stack under the mocks: the AWS layer, then the
// cluster-services layer, whose StackReference to organization/flowmart-platform/<stack> reads
// the AWS layer's outputs of the same run (preview.RunLayers). o.Project is ignored: each layer
// runs as its own project, with the configuration of o (keys in the flowmart-platform
// namespace).
func Offline(o preview.Options) (*preview.Document, error) { return offline(o, "") }

// offline is Offline with the service manifests of servicesDir (empty: manifests.Dir).
func offline(o preview.Options, servicesDir string) (*preview.Document, error) {
	layers := make([]preview.Layer, 0, len(Layers))
	for _, l := range Layers {
		layers = append(layers, preview.Layer{Name: string(l), Project: l.Project(), Program: l.ProgramWith(servicesDir)})
	}
	o.Organization = BackendOrganization
	return preview.RunLayers(layers, o)
}

// servicesNamespaceUnused refuses keys in the cluster-services project's own namespace: both layers
// read the flowmart-platform: keys of the shared stack file, so a key set as
// flowmart-platform-services:<key> (`pulumi config set` run in cluster-services/ without the
// namespace) would be ignored by both.
func servicesNamespaceUnused(keys []string) error {
	for _, k := range keys {
		if name, ok := strings.CutPrefix(k, config.ServicesProject+":"); ok {
			return &preview.ConfigError{Key: k, Msg: fmt.Sprintf("no layer reads this namespace: set it as %s:%s (in cluster-services/, `pulumi config set %s:%s ...`)", config.Project, name, config.Project, name)}
		}
	}
	return nil
}
