package dnsname

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		name     string
		wildcard bool
		want     string // "" means valid
	}{
		{"shop.example.com", false, ""},
		{"*.shop.example.com", true, ""},
		{"*.shop.example.com", false, `invalid label "*"`},
		{"", false, "is empty"},
		{"localhost", false, "not a fully qualified domain"},
		{"Shop.example.com", false, `invalid label "Shop"`},
		{"-a.example.com", false, `invalid label "-a"`},
		{"a..example.com", false, `invalid label ""`},
		{strings.Repeat("a.", 130) + "com", false, "longer than 253"},
	}
	for _, c := range cases {
		err := Check(c.name, c.wildcard)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("Check(%q, %v) = %v, want %q", c.name, c.wildcard, err, c.want)
		}
	}
	if !IsLabel("argocd") || IsLabel("Argo") || IsLabel(strings.Repeat("a", 64)) {
		t.Error("IsLabel")
	}
}
