package queue

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/mocks"
	"github.com/flowmart/platform/pkg/preview"
)

// fuzzBase is a valid QueueArgs the fuzz target mutates.
func fuzzBase() *QueueArgs {
	a := baseArgs()
	a.MaxReceiveCount = 3
	return a
}

// Shape bits of the fuzz input.
const (
	fuzzNil        = 1 << iota // nil Args
	fuzzZero                   // zero Args
	fuzzFIFO                   // FIFO with content-based deduplication
	fuzzLong                   // the string repeated into a very long one
	fuzzProtect                // Protect and a given key
	fuzzNilInputs              // nil topic and key
	fuzzOutputs                // topic and key as Outputs (not known up front)
	fuzzDedupAlone             // deduplication without FIFO
)

var fuzzStrings = []func(a *QueueArgs, s string){
	func(a *QueueArgs, s string) { a.Service = s },
	func(a *QueueArgs, s string) { a.Name = s },
	func(a *QueueArgs, s string) { a.Owner = s },
	func(a *QueueArgs, s string) { a.NamePrefix = s },
	func(a *QueueArgs, s string) { a.KMSKeyARN = pulumi.StringPtr(s) },
	func(a *QueueArgs, s string) { a.AlarmTopicARN = pulumi.String(s) },
	func(a *QueueArgs, s string) { a.Tags = map[string]string{s: s} },
}

var fuzzInts = []func(a *QueueArgs, n int){
	func(a *QueueArgs, n int) { a.VisibilityTimeoutSeconds = &n },
	func(a *QueueArgs, n int) { a.RetentionSeconds = n },
	func(a *QueueArgs, n int) { a.MaxReceiveCount = n },
	func(a *QueueArgs, n int) { a.KMSDataKeyReusePeriodSeconds = n },
	func(a *QueueArgs, n int) { a.MaxAgeSeconds = n },
}

// fuzzArgs derives Args from the fuzz input: the valid base with one string and one number field
// replaced (an index past the setters changes nothing) and the structural changes shape asks for.
func fuzzArgs(shape, field, num uint8, s string, n int64) *QueueArgs {
	if shape&fuzzNil != 0 {
		return nil
	}
	a := fuzzBase()
	if shape&fuzzZero != 0 {
		a = &QueueArgs{}
	}
	if shape&fuzzLong != 0 {
		s = strings.Repeat(s+"ü", 4096/(len(s)+2)+1)
	}
	if i := int(field); i < len(fuzzStrings) {
		fuzzStrings[i](a, s)
	}
	if i := int(num); i < len(fuzzInts) {
		fuzzInts[i](a, int(n))
	}
	if shape&fuzzFIFO != 0 {
		a.FIFO, a.ContentBasedDeduplication = true, true
	}
	if shape&fuzzDedupAlone != 0 {
		a.FIFO, a.ContentBasedDeduplication = false, true
	}
	if shape&fuzzProtect != 0 {
		a.Protect, a.KMSKeyARN = true, pulumi.StringPtr(givenKeyARN)
	}
	if shape&fuzzOutputs != 0 {
		a.AlarmTopicARN = pulumi.String(topicARN).ToStringOutput()
		a.KMSKeyARN = pulumi.String(givenKeyARN).ToStringPtrOutput()
	}
	if shape&fuzzNilInputs != 0 {
		a.AlarmTopicARN, a.KMSKeyARN = nil, nil
	}
	return a
}

// fuzzRun runs NewQueue under monitor with an AWS provider and reads its access statements: it
// must return nil or a one-line error, and never panic.
func fuzzRun(t *testing.T, monitor pulumi.MockResourceMonitor, dryRun bool, args *QueueArgs) {
	t.Helper()
	mocks.Survives(t, monitor, dryRun, preview.WithAWS(region, func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		q, err := NewQueue(ctx, "fuzz", args, p)
		if err != nil {
			return err
		}
		ctx.Export("access", q.AccessStatements())
		ctx.Export("url", q.URL)
		return nil
	}))
}

// FuzzNewQueue: whatever the Args, NewQueue returns nil or an error, in a preview and in an
// update; it never panics.
func FuzzNewQueue(f *testing.F) {
	f.Add(uint8(0), uint8(255), uint8(255), "", int64(0))                                // the valid base
	f.Add(uint8(fuzzNil), uint8(255), uint8(255), "", int64(0))                          // nil Args
	f.Add(uint8(fuzzZero), uint8(255), uint8(255), "", int64(0))                         // zero Args
	f.Add(uint8(fuzzFIFO|fuzzLong), uint8(1), uint8(0), "q", int64(-1))                  // a FIFO queue, a long name, a negative timeout
	f.Add(uint8(fuzzProtect|fuzzOutputs), uint8(2), uint8(1), "ünïcode", int64(1)<<40)   // a unicode owner, a huge retention
	f.Add(uint8(fuzzNilInputs|fuzzDedupAlone), uint8(4), uint8(4), "alias/x", int64(60)) // nil inputs, dedup on a standard queue
	f.Fuzz(func(t *testing.T, shape, field, num uint8, s string, n int64) {
		for _, dryRun := range []bool{true, false} {
			fuzzRun(t, mocks.New(region, account), dryRun, fuzzArgs(shape, field, num, s, n))
		}
	})
}

// Missing, empty or unknown outputs of every child (mocks.Degraded): no panic, in a preview or an
// update, for a standard and a FIFO queue, with and without a given key.
func TestNewQueueDegradedOutputs(t *testing.T) {
	for _, shape := range []uint8{0, fuzzFIFO, fuzzProtect} {
		for _, mode := range mocks.Modes {
			for _, dryRun := range []bool{true, false} {
				fuzzRun(t, mocks.Degraded{Monitor: mocks.New(region, account), Mode: mode}, dryRun, fuzzArgs(shape, 255, 255, "", 0))
			}
		}
	}
}
