package stacks

import (
	"github.com/flowmart/platform/pkg/config"
	"github.com/flowmart/platform/pkg/preview"
)

// Preview loads a stack's files, validates its configuration before any resource is registered,
// and runs the program offline. dir is the project directory or any directory below it;
// configFile, when not empty, replaces Pulumi.<stack>.yaml. Configuration problems come back as
// *config.Error or *preview.ConfigError, each one line naming the key or file.
func Preview(dir, stack, configFile string) (*preview.Document, error) {
	projectDir, err := preview.FindProjectDir(dir)
	if err != nil {
		return nil, err
	}
	sf, err := preview.LoadStackFile(projectDir, stack, configFile)
	if err != nil {
		return nil, err
	}
	get := func(k string) (string, bool) { v, ok := sf.Config[k]; return v, ok }
	if _, err := config.Parse(sf.Project, stack, get, sf.Keys()); err != nil {
		return nil, err
	}
	return preview.Run(Run, preview.Options{Project: sf.Project, Stack: stack, Config: sf.Config, SecretKeys: sf.SecretKeys})
}
