package fielderr

import (
	"errors"
	"testing"
)

func TestPaths(t *testing.T) {
	cases := []struct {
		err        error
		path, text string
	}{
		{New("Version", "%q is not supported", "1.21"), "Version", `Version: "1.21" is not supported`},
		{In(Index("NodeGroups", 1), New("AMIID", "bad")), "NodeGroups[1].AMIID", "NodeGroups[1].AMIID: bad"},
		{In("Repositories[0].LifecycleRules", New(Index("", 2)+".CountNumber", "0 must be at least 1")), "Repositories[0].LifecycleRules[2].CountNumber", "Repositories[0].LifecycleRules[2].CountNumber: 0 must be at least 1"},
		{In("Domain", errors.New("x is not\na name")), "Domain", "Domain: x is not a name"},
		{In("Outer", In("Inner", New("", "whole field"))), "Outer.Inner", "Outer.Inner: whole field"},
	}
	for _, c := range cases {
		path, _, ok := Split(c.err)
		if !ok || path != c.path || c.err.Error() != c.text {
			t.Errorf("got %q (path %q, ok %v), want %q at %q", c.err, path, ok, c.text, c.path)
		}
	}
	if In("X", nil) != nil {
		t.Error("In(nil) is not nil")
	}
	if _, _, ok := Split(errors.New("plain")); ok {
		t.Error("a plain error has no field")
	}
}
