package config

import (
	"errors"

	"github.com/flowmart/platform/pkg/policy"
)

// Policy waiver keys.
const (
	KeyPolicyWaivers = "policyWaivers"
)

// Waiver exempts one resource from one policy rule, for a reason; see pkg/policy.
type Waiver = policy.Waiver

var waiverKeys = []keySpec{
	{KeyPolicyWaivers, typeArray, false},
}

// readWaivers reads `policyWaivers`: a list of {policy, resource, reason}, each exempting one
// resource (by name or URN) from one rule of pkg/policy. Unknown fields are rejected.
func readWaivers(r *reader) []Waiver {
	var ws []Waiver
	r.object(KeyPolicyWaivers, &ws)
	return ws
}

// validateWaivers rejects a waiver without a reason or naming an unknown rule, naming the entry:
// policyWaivers[0].reason: is empty (...).
func (c *Config) validateWaivers() error {
	err := policy.ValidateWaivers(KeyPolicyWaivers, c.Waivers)
	var werr *policy.WaiverError
	if errors.As(err, &werr) {
		return errorf(werr.Key, "%s", werr.Msg)
	}
	return err
}
