package diff

import (
	"strings"
	"testing"
)

// The project's own facts parse with the upstream ones, each path with a full evidence line, and
// list only types upstream does not: the stacks' Resolver query logging types among them.
func TestProjectFactsMergeWithUpstream(t *testing.T) {
	f, err := loadFacts()
	if err != nil {
		t.Fatal(err)
	}
	checkEvidenceLines(t, f)
	for _, typ := range []string{
		"aws:route53/resolverQueryLogConfig:ResolverQueryLogConfig",
		"aws:route53/resolverQueryLogConfigAssociation:ResolverQueryLogConfigAssociation",
	} {
		if !hasRules(typ) {
			t.Errorf("%s has no replacement rules", typ)
		}
	}
	if got := f.rules["aws:route53/resolverQueryLogConfigAssociation:ResolverQueryLogConfigAssociation"]; len(got) != 2 || got[0].path != "resolverQueryLogConfigId" || got[1].path != "resourceId" {
		t.Errorf("association rules %+v", got)
	}
	if _, err := mergeFacts([]byte(`{"a":[],"b":[]}`), []byte(`{"b":[]}`)); err == nil || !strings.Contains(err.Error(), "b is in both") {
		t.Errorf("a type in both: %v", err)
	}
	if m, err := mergeFacts([]byte(`{"a":["x"]}`), []byte(`{"c":["y"]}`)); err != nil || string(m) != `{"a":["x"],"c":["y"]}` {
		t.Errorf("merge: %s %v", m, err)
	}
}
