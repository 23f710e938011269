// Package dnsname checks DNS names: the one definition of a valid host name and label that the
// config, the certificate and the add-ons share.
package dnsname

import (
	"fmt"
	"regexp"
	"strings"
)

var labelRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// IsLabel reports whether s is one lower-case DNS label (also a valid Kubernetes name).
func IsLabel(s string) bool { return labelRe.MatchString(s) }

// Check reports why name is not a lower-case fully qualified host name, or nil. With wildcard, a
// leading "*." is allowed.
func Check(name string, wildcard bool) error {
	host := name
	if wildcard {
		host = strings.TrimPrefix(name, "*.")
	}
	if host == "" {
		return fmt.Errorf("is empty")
	}
	if len(host) > 253 {
		return fmt.Errorf("%q is longer than 253 characters", name)
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return fmt.Errorf("%q is not a fully qualified domain (want at least two labels, such as shop.example.com)", name)
	}
	for _, l := range labels {
		if !IsLabel(l) {
			return fmt.Errorf("%q has an invalid label %q (lower-case letters, digits and inner hyphens, 1-63 characters)", name, l)
		}
	}
	return nil
}
