// Package tags is the one place tags are built.
//
// Precedence, lowest first:
//
//  1. the standard tags of the stack (Project, Environment, Stack, ManagedBy) plus the stack
//     config's `tags`, which the stack sets as the AWS provider's default tags, so every resource
//     carries them without repeating them;
//  2. a component's Args.Tags (for users importing a component into another program);
//  3. the tags a component sets itself on one resource (Name, kubernetes.io/* roles), which always win:
//     a user tag can never rename a resource or break the load balancer controller's discovery.
package tags

import (
	"maps"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Standard keys set on every resource of a stack.
const (
	KeyProject     = "Project"
	KeyEnvironment = "Environment"
	KeyStack       = "Stack"
	KeyManagedBy   = "ManagedBy"
	KeyName        = "Name"
	ManagedByValue = "pulumi"
)

// Standard returns the stack-wide default tags: the user's tags with the standard keys on top.
func Standard(project, environment, stack string, user map[string]string) map[string]string {
	return Merge(user, map[string]string{
		KeyProject:     project,
		KeyEnvironment: environment,
		KeyStack:       stack,
		KeyManagedBy:   ManagedByValue,
	})
}

// Merge returns a new map with later maps overriding earlier ones. Nil maps are skipped.
func Merge(layers ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, l := range layers {
		maps.Copy(out, l)
	}
	return out
}

// Named returns the tags of one resource: the component's tags, then its own Name and extras.
func Named(component map[string]string, name string, extra ...map[string]string) pulumi.StringMap {
	m := Merge(append([]map[string]string{component}, extra...)...)
	m[KeyName] = name
	return pulumi.ToStringMap(m)
}
