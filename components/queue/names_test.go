package queue

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/preview"
)

// The children's types and names are public API (part of their URNs): renaming one without an
// alias replaces it.
func TestChildNames(t *testing.T) {
	doc := build(t, baseArgs(), true)
	var got []string
	for _, r := range doc.Resources {
		if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
			got = append(got, r.Type+" "+r.Name)
		}
	}
	want := []string{
		typeAlarm + " orders-placed-alarm-dead-letters",
		typeAlarm + " orders-placed-alarm-oldest-message",
		typeAlias + " orders-placed-key",
		typeKey + " orders-placed-key",
		typePolicy + " orders-placed-dlq-policy",
		typePolicy + " orders-placed-policy",
		typeQueue + " orders-placed",
		typeQueue + " orders-placed-dlq",
		typeRedrive + " orders-placed-redrive",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("children\n%v\nwant\n%v", got, want)
	}
	comp := one(t, doc, typeInternal, "orders-placed")
	if !strings.HasSuffix(comp.URN, "::flowmart:data:Queue::orders-placed") {
		t.Errorf("component URN %s", comp.URN)
	}
}

// physicalNameInputs are the inputs that hold a name AWS keeps unique in an account and region.
var physicalNameInputs = map[string]string{typeQueue: "name", typeAlarm: "name", typeAlias: "name"}

// Several queues in one account never share a physical name: two queues of one service, a FIFO
// and a standard queue of the same name, and the same queue of two stacks (their prefixes).
func TestPhysicalNamesAreUnique(t *testing.T) {
	specs := map[string]func(*QueueArgs){
		"orders-placed":      func(a *QueueArgs) {},
		"orders-canceled":    func(a *QueueArgs) { a.Name = "canceled" },
		"orders-placed-fifo": func(a *QueueArgs) { a.FIFO = true },
		"staging-orders":     func(a *QueueArgs) { a.NamePrefix = "staging-" },
	}
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		for _, name := range []string{"orders-placed", "orders-canceled", "orders-placed-fifo", "staging-orders"} {
			a := baseArgs()
			specs[name](a)
			if _, err := NewQueue(ctx, name, a, provider); err != nil {
				return err
			}
		}
		return nil
	}, preview.Options{Project: "p", Stack: "s", Region: region, Account: account, Deploy: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	n := 0
	for _, r := range doc.Resources {
		in, ok := physicalNameInputs[r.Type]
		if !ok {
			if _, named := r.Inputs["name"]; named && r.Custom {
				t.Errorf("%s %s sets a name %v the table does not classify", r.Type, r.Name, r.Inputs["name"])
			}
			continue
		}
		key := r.Type + " " + r.Inputs[in].(string)
		if other, dup := seen[key]; dup {
			t.Errorf("%s: %s and %s", key, other, r.Name)
		}
		seen[key] = r.Name
		n++
	}
	if n != 4*5 {
		t.Errorf("%d physical names, want 20 (2 queues, 2 alarms and an alias per component)", n)
	}
	for _, want := range []string{
		typeQueue + " production-orders-placed.fifo", typeQueue + " production-orders-placed-dlq.fifo",
		typeAlias + " alias/production-orders-placed-fifo-sqs", typeQueue + " staging-orders-placed",
		typeAlarm + " production-orders-canceled-dlq-messages-visible",
	} {
		if _, ok := seen[want]; !ok {
			t.Errorf("no %s", want)
		}
	}
}
