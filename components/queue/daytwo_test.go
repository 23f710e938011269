package queue

import (
	"slices"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/diff"
)

// messages: a queue holds messages that its replacement loses; nothing else of the component
// holds state (the key is protected separately, and never replaced here).
func messages(typ string) bool { return typ == typeQueue }

func compare(t *testing.T, base, next *QueueArgs) diff.Report {
	t.Helper()
	return diff.Compare(build(t, base, true), build(t, next, true), messages)
}

func change(rep diff.Report, typ, name string) *diff.Change {
	for i, c := range rep.Changes {
		if c.Type == typ && c.Name == name {
			return &rep.Changes[i]
		}
	}
	return nil
}

// kinds lists the report as "<kind> <type> <name>", sorted.
func kinds(rep diff.Report) []string {
	var out []string
	for _, c := range rep.Changes {
		out = append(out, string(c.Kind)+" "+c.Type+" "+c.Name)
	}
	slices.Sort(out)
	return out
}

// A longer visibility timeout and a shorter retention are in-place updates of the queue alone
// (replacement facts of pulumi-aws v6.83.4 in pkg/diff: only fifoQueue, name and namePrefix
// replace an aws:sqs/queue), nothing blocks.
func TestVisibilityAndRetentionAreUpdates(t *testing.T) {
	next := baseArgs()
	next.VisibilityTimeoutSeconds = intRef(120)
	next.RetentionSeconds = 86400
	rep := compare(t, baseArgs(), next)
	if got := kinds(rep); !slices.Equal(got, []string{"update " + typeQueue + " orders-placed"}) {
		t.Fatalf("changes %v, want one update of the queue", got)
	}
	c := change(rep, typeQueue, "orders-placed")
	if len(c.Inputs) != 2 || !strings.HasPrefix(c.Inputs[0], "messageRetentionSeconds: 345600 -> 86400") ||
		!strings.HasPrefix(c.Inputs[1], "visibilityTimeoutSeconds: 30 -> 120") || rep.Blocking != 0 {
		t.Errorf("change %+v, blocking %d", c, rep.Blocking)
	}
}

// More receives before the dead-letter queue updates the redrive policy in place; a longer data
// key reuse updates both queues; a higher age threshold updates its alarm.
func TestTuningIsUpdates(t *testing.T) {
	next := baseArgs()
	next.MaxReceiveCount = 10
	next.KMSDataKeyReusePeriodSeconds = 3600
	next.MaxAgeSeconds = 600
	rep := compare(t, baseArgs(), next)
	want := []string{
		"update " + typeAlarm + " orders-placed-alarm-dead-letters", // its description names the receives
		"update " + typeAlarm + " orders-placed-alarm-oldest-message",
		"update " + typeQueue + " orders-placed",
		"update " + typeQueue + " orders-placed-dlq",
		"update " + typeRedrive + " orders-placed-redrive",
	}
	if got := kinds(rep); !slices.Equal(got, want) || rep.Blocking != 0 {
		t.Errorf("changes %v (blocking %d), want %v", got, rep.Blocking, want)
	}
}

// Turning a queue into a FIFO queue replaces both queues (fifoQueue and name force it), their
// policies (queueUrl) and the alarms and the key's alias (name); the replacement of the queues
// blocks, since it loses their messages.
func TestFIFOToggleReplaces(t *testing.T) {
	next := baseArgs()
	next.FIFO = true
	rep := compare(t, baseArgs(), next)
	for _, w := range []struct{ typ, name string }{
		{typeQueue, "orders-placed"}, {typeQueue, "orders-placed-dlq"},
		{typeRedrive, "orders-placed-redrive"}, {typePolicy, "orders-placed-policy"}, {typePolicy, "orders-placed-dlq-policy"},
		{typeAlarm, "orders-placed-alarm-oldest-message"}, {typeAlarm, "orders-placed-alarm-dead-letters"},
		{typeAlias, "orders-placed-key"},
	} {
		c := change(rep, w.typ, w.name)
		if c == nil || c.Kind != diff.Replace {
			t.Errorf("%s %s: %+v, want a replacement", w.typ, w.name, c)
		}
	}
	q := change(rep, typeQueue, "orders-placed")
	if q == nil || !q.Blocking || !slices.ContainsFunc(q.Inputs, func(s string) bool { return strings.HasPrefix(s, "fifoQueue: false -> true (forces replacement)") }) {
		t.Errorf("queue change %+v: want a blocking replacement on fifoQueue", q)
	}
	if rep.Blocking != 2 {
		t.Errorf("%d blocking changes, want the 2 queues", rep.Blocking)
	}
	if c := change(rep, typeKey, "orders-placed-key"); c != nil && c.Kind == diff.Replace {
		t.Errorf("the key is replaced: %+v", c)
	}
}

// Renaming the queue (its Name, Service or NamePrefix) replaces both queues, and blocks.
func TestRenameReplaces(t *testing.T) {
	for _, mutate := range []func(*QueueArgs){
		func(a *QueueArgs) { a.Name = "created" },
		func(a *QueueArgs) { a.Service = "orders2" },
		func(a *QueueArgs) { a.NamePrefix = "prod-" },
	} {
		next := baseArgs()
		mutate(next)
		rep := compare(t, baseArgs(), next)
		for _, n := range []string{"orders-placed", "orders-placed-dlq"} {
			c := change(rep, typeQueue, n)
			if c == nil || c.Kind != diff.Replace || !c.Blocking || !strings.HasPrefix(c.Inputs[0], "name: ") {
				t.Errorf("%s: %+v, want a blocking replacement on name", n, c)
			}
		}
	}
}

// Handing a queue to another team updates the Owner tags in place: nothing is replaced.
func TestOwnerChangeIsAnUpdate(t *testing.T) {
	next := baseArgs()
	next.Owner = "team-checkout"
	rep := compare(t, baseArgs(), next)
	if rep.Blocking != 0 {
		t.Errorf("%d blocking changes", rep.Blocking)
	}
	for _, c := range rep.Changes {
		if c.Kind != diff.Update {
			t.Errorf("%s %s: %s", c.Type, c.Name, c.Kind)
		}
	}
	if change(rep, typeQueue, "orders-placed") == nil || change(rep, typeKey, "orders-placed-key") == nil {
		t.Errorf("changes %v: the queue's and the key's Owner tag change", kinds(rep))
	}
}

func intRef(v int) *int { return &v }
