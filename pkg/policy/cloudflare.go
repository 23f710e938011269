package policy

import "strings"

var cloudflareRules = []Rule{
	{
		ID:          "FM-CF-001",
		Description: "Cloudflare validation records (names starting with _) are not proxied",
		Enforcement: Mandatory,
		Mirrors:     []string{"DESIGN certificate validated in Cloudflare"},
		Types:       []string{TypeCloudflareRecord},
		Check: func(_ Context, r Resource, _ []Resource) []string {
			name := r.Inputs["name"]
			if unknown(name) || !strings.HasPrefix(str(name), "_") {
				return none
			}
			if isTrue(r.Inputs["proxied"]) {
				return []string{"validation record " + str(name) + " is proxied: ACM cannot see it and the certificate never validates"}
			}
			return none
		},
	},
}
