package mocks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// certificateOutputs are the computed outputs of the Certificate component's resource types.
var certificateOutputs = map[string]outputFunc{
	"pulumi:providers:cloudflare": func(m *Mocks, r *target, h string) (string, map[string]any) {
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
	},
	// ACM answers one validation option per name of the certificate; a domain and its wildcard get
	// the same CNAME, which is why the component creates one record per base name.
	"aws:acm/certificate:Certificate": func(m *Mocks, r *target, h string) (string, map[string]any) {
		id := fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s-%s-%s-%s-%s", m.region, m.account, h[:8], h[8:12], h[12:16], h[16:20], h[20:32])
		names := []string{}
		if d, ok := r.Inputs["domainName"].(string); ok && d != Unknown {
			names = append(names, d)
		}
		if sans, ok := r.Inputs["subjectAlternativeNames"].([]any); ok {
			for _, s := range sans {
				if s, ok := s.(string); ok && s != Unknown && (len(names) == 0 || s != names[0]) {
					names = append(names, s)
				}
			}
		}
		var options []any
		for _, n := range names {
			base := strings.TrimPrefix(n, "*.")
			sum := sha256.Sum256([]byte(m.account + base))
			k := hex.EncodeToString(sum[:])
			options = append(options, map[string]any{
				"domainName":          n,
				"resourceRecordName":  "_" + k[:32] + "." + base + ".",
				"resourceRecordType":  "CNAME",
				"resourceRecordValue": "_" + k[32:64] + ".mhbtsbpdnt.acm-validations.aws.",
			})
		}
		return id, map[string]any{
			"arn":                     id,
			"status":                  "PENDING_VALIDATION",
			"type":                    "AMAZON_ISSUED",
			"domainValidationOptions": options,
			"validationEmails":        []any{},
		}
	},
	"aws:acm/certificateValidation:CertificateValidation": func(m *Mocks, r *target, h string) (string, map[string]any) {
		arn, _ := r.Inputs["certificateArn"].(string)
		return "2025-01-01 00:00:00 +0000 UTC", map[string]any{"certificateArn": arn}
	},
	"cloudflare:index/record:Record": func(m *Mocks, r *target, h string) (string, map[string]any) {
		out := map[string]any{"proxiable": true, "createdOn": "2025-01-01T00:00:00Z", "modifiedOn": "2025-01-01T00:00:00Z"}
		if name, ok := r.Inputs["name"].(string); ok && name != Unknown && name != Secret {
			out["hostname"] = name
		}
		return h[:32], out
	},
}
