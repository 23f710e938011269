package policy

import (
	"fmt"
	"regexp"
)

// floatingVersion matches chart versions that are ranges or wildcards rather than one release.
var floatingVersion = regexp.MustCompile(`[\^~*<>=| ]|^latest$|(^|\.)[xX](\.|$)`)

var helmRules = []Rule{
	{
		ID:          "FM-K8S-001",
		Description: "Helm releases pin an exact chart version",
		Enforcement: Mandatory,
		Mirrors:     []string{"DESIGN nothing floats"},
		Types:       []string{TypeHelmRelease},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			v := r.Inputs["version"]
			if unknown(v) {
				return none
			}
			s := str(v)
			if s == "" {
				return []string{"version is not set: the newest chart would be installed on the next deploy"}
			}
			if floatingVersion.MatchString(s) {
				return []string{fmt.Sprintf("version %q is a range, not one chart release", s)}
			}
			return none
		},
	},
}
