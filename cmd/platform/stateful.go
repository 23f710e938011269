package main

// statefulType reports whether a resource type holds state a replacement would lose.
// TODO(lead): replace with policy.StatefulTypes once pkg/policy lands.
func statefulType(typ string) bool { return false }
