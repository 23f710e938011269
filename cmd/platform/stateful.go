package main

import "github.com/flowmart/platform/pkg/policy"

// statefulType reports whether a resource type holds state a replacement would lose: the one
// list in pkg/policy.
func statefulType(typ string) bool { return policy.IsStatefulType(typ) }
