package sqlserver

import (
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/diff"
	"github.com/flowmart/platform/pkg/preview"
)

// stateful is what a replacement of the host would lose.
func stateful(typ string) bool {
	return typ == typInstance || typ == typVolume || typ == typAttachment
}

// baselineWithBootScript is doc as a stack deployed with another boot script would record it.
func baselineWithBootScript(t *testing.T, doc *preview.Document, script string) *preview.Document {
	t.Helper()
	base := *doc
	base.Resources = nil
	for _, r := range doc.Resources {
		c := *r
		if r.Type == typInstance {
			c.Inputs = map[string]any{}
			for k, v := range r.Inputs {
				c.Inputs[k] = v
			}
			c.Inputs["userData"] = script
		}
		base.Resources = append(base.Resources, &c)
	}
	return &base
}

// A running host whose boot script is older than the component's (as every host deployed before
// the host configuration was added to it) is not touched: the user data is ignored, so the
// provider neither replaces it nor stops and starts it; the instance, its volumes and their
// attachments see no change at all. Only AllowAMIReplacement lets a new script through, and
// then as a visible in-place update.
func TestANewBootScriptLeavesTheRunningHostAlone(t *testing.T) {
	doc := build(t, fullArgs(true), true)
	ud := one(t, doc, typInstance, "prod-sqlserver").Inputs["userData"].(string)
	old := strings.Replace(ud, hostConfig(), "", 1)
	if old == ud {
		t.Fatal("the boot script has no host configuration to remove")
	}
	rep := diff.Compare(baselineWithBootScript(t, doc, old), doc, stateful)
	for _, c := range rep.Changes {
		if stateful(c.Type) {
			t.Errorf("%s %s: %s %v", c.Type, c.Name, c.Kind, c.Inputs)
		}
	}
	if rep.Blocking != 0 {
		t.Errorf("%d blocking changes", rep.Blocking)
	}

	args := fullArgs(true)
	args.AllowAMIReplacement = true
	doc = build(t, args, true)
	rep = diff.Compare(baselineWithBootScript(t, doc, old), doc, stateful)
	var inst *diff.Change
	for i, c := range rep.Changes {
		if c.Type == typInstance {
			inst = &rep.Changes[i]
		}
	}
	if inst == nil || inst.Kind != diff.Update || len(inst.Inputs) != 1 || !strings.HasPrefix(inst.Inputs[0], "userData") {
		t.Errorf("with AllowAMIReplacement the new script is %+v, want an update of userData alone", inst)
	}
}
