package preview

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// vpnOutputs are the computed outputs of the vpn component's own resource types (the instance,
// secrets, parameters and Route 53 records are in hostOutputs).
var vpnOutputs = map[string]outputFunc{
	// Random bytes are secrets, as the provider marks them: they must never appear in a preview
	// document, and tests assert exactly that with MockRandomBytes. The id is "none", as the
	// provider's: an id is never secret.
	"random:index/randomBytes:RandomBytes": func(m *recorder, r *Resource, h string) (string, map[string]any) {
		length := 32
		if n, ok := r.Inputs["length"].(float64); ok && n >= 1 {
			length = int(n)
		}
		b := MockRandomBytes(r.URN, length)
		b64 := base64.StdEncoding.EncodeToString(b)
		return "none", map[string]any{
			"base64": resource.MakeSecret(resource.NewStringProperty(b64)),
			"hex":    resource.MakeSecret(resource.NewStringProperty(hex.EncodeToString(b))),
		}
	},
	// An association reports the address it gives and the interface and private address it
	// lands on, looked up from the Elastic IP and the instance it names.
	"aws:ec2/eipAssociation:EipAssociation": func(m *recorder, r *Resource, h string) (string, map[string]any) {
		out := map[string]any{}
		if alloc, _ := r.Inputs["allocationId"].(string); alloc != "" {
			if eh := m.hashOf("aws:ec2/eip:Eip", func(h string) string { return "eipalloc-" + h[:17] }, alloc); eh != "" {
				out["publicIp"] = testNetIP("203.0.113", eh)
			}
		}
		if inst, _ := r.Inputs["instanceId"].(string); inst != "" {
			if ih := m.hashOf("aws:ec2/instance:Instance", func(h string) string { return "i-" + h[:17] }, inst); ih != "" {
				out["networkInterfaceId"] = "eni-" + ih[17:34]
				out["privateIpAddress"] = testNetIP("10.0.100", ih)
			}
		}
		return "eipassoc-" + h[:17], out
	},
}

// MockRandomBytes returns the bytes the offline preview gives the RandomBytes resource with a URN:
// deterministic, different for every resource, length bytes long.
func MockRandomBytes(urn string, length int) []byte {
	var out []byte
	for i := 0; len(out) < length; i++ {
		sum := sha256.Sum256([]byte(fmt.Sprintf("random-bytes/%d/%s", i, urn)))
		out = append(out, sum[:]...)
	}
	return out[:length]
}

// hashOf returns the URN hash of the recorded resource of a type whose mocked id (id of its hash)
// is id, or "" when there is none (an id from outside the program).
func (m *recorder) hashOf(typ string, idOf func(h string) string, id string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.resources {
		if r.Type != typ {
			continue
		}
		sum := sha256.Sum256([]byte(r.URN))
		if h := hex.EncodeToString(sum[:]); idOf(h) == id {
			return h
		}
	}
	return ""
}
