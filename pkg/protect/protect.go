// Package protect builds the resource options of a component's stateful children: the
// component's child options (its parent) and the call's extra ones, plus pulumi.Protect(true)
// when the component's Protect is on. Protection is never given as Protect(false): an unprotected
// child simply has no such option, as before this package.
package protect

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// Options returns a new slice holding opts, then extra, then pulumi.Protect(true) when enabled.
// Neither opts nor extra is modified or aliased, so a component may pass its shared child options.
func Options(enabled bool, opts []pulumi.ResourceOption, extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	out := make([]pulumi.ResourceOption, 0, len(opts)+len(extra)+1)
	out = append(append(out, opts...), extra...)
	if enabled {
		out = append(out, pulumi.Protect(true))
	}
	return out
}
