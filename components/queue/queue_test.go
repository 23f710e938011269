package queue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/iampolicy"
	"github.com/flowmart/platform/pkg/preview"
)

const (
	account      = "111122223333"
	region       = "eu-west-1"
	topicARN     = "arn:aws:sns:eu-west-1:111122223333:orders-team-pager"
	givenKeyARN  = "arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
	typeQueue    = "aws:sqs/queue:Queue"
	typeRedrive  = "aws:sqs/redrivePolicy:RedrivePolicy"
	typePolicy   = "aws:sqs/queuePolicy:QueuePolicy"
	typeAlarm    = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeKey      = "aws:kms/key:Key"
	typeAlias    = "aws:kms/alias:Alias"
	typeInternal = "flowmart:data:Queue"
)

func baseArgs() *QueueArgs {
	return &QueueArgs{
		Service:       "orders",
		Name:          "placed",
		Owner:         "team-orders",
		NamePrefix:    "production-",
		AlarmTopicARN: pulumi.String(topicARN),
		Tags:          map[string]string{"CostCenter": "shop"},
	}
}

// build runs NewQueue as "orders-placed" under the recorder and exports its outputs.
func build(t *testing.T, args *QueueArgs, deploy bool) *preview.Document {
	t.Helper()
	doc, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		q, err := NewQueue(ctx, "orders-placed", args, provider)
		if err != nil {
			return err
		}
		ctx.Export("url", q.URL)
		ctx.Export("arn", q.ARN)
		ctx.Export("deadLetterUrl", q.DeadLetterURL)
		ctx.Export("deadLetterArn", q.DeadLetterARN)
		ctx.Export("endpoint", q.Endpoint)
		ctx.Export("port", q.Port)
		ctx.Export("secretArn", q.SecretARN)
		ctx.Export("kmsKeyArn", q.KMSKeyARN)
		ctx.Export("access", q.AccessStatements())
		return nil
	}, preview.Options{Project: "flowmart-platform", Stack: "production", Region: region, Account: account, Deploy: deploy})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func both(t *testing.T, args func() *QueueArgs, f func(t *testing.T, doc *preview.Document)) {
	for _, deploy := range []bool{false, true} {
		name := "preview"
		if deploy {
			name = "deploy"
		}
		t.Run(name, func(t *testing.T) { f(t, build(t, args(), deploy)) })
	}
}

func one(t *testing.T, doc *preview.Document, typ, name string) *preview.Resource {
	t.Helper()
	r := doc.Get(typ, name)
	if r == nil {
		t.Fatalf("no %s %s", typ, name)
	}
	return r
}

func decode(t *testing.T, s any) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s.(string)), &m); err != nil {
		t.Fatalf("%v: %v", s, err)
	}
	return m
}

// The default queue: the queue and its dead-letter queue, named from the prefix, service and
// name, encrypted with a key of their own, with the documented retention, visibility and
// redrive; every child is under the component.
func TestDefaultQueue(t *testing.T) {
	both(t, baseArgs, func(t *testing.T, doc *preview.Document) {
		comp := one(t, doc, typeInternal, "orders-placed")
		counts := map[string]int{}
		for _, r := range doc.Children(comp.URN) {
			counts[r.Type]++
		}
		want := map[string]int{typeQueue: 2, typeRedrive: 1, typePolicy: 2, typeAlarm: 2, typeKey: 1, typeAlias: 1}
		for typ, n := range want {
			if counts[typ] != n {
				t.Errorf("%d × %s, want %d (all: %v)", counts[typ], typ, n, counts)
			}
		}
		if len(counts) != len(want) {
			t.Errorf("children %v, want exactly %v", counts, want)
		}

		q := one(t, doc, typeQueue, "orders-placed")
		dlq := one(t, doc, typeQueue, "orders-placed-dlq")
		key := one(t, doc, typeKey, "orders-placed-key")
		if q.Inputs["name"] != "production-orders-placed" || dlq.Inputs["name"] != "production-orders-placed-dlq" {
			t.Errorf("names %v %v", q.Inputs["name"], dlq.Inputs["name"])
		}
		if q.Inputs["visibilityTimeoutSeconds"] != 30.0 || q.Inputs["messageRetentionSeconds"] != 345600.0 {
			t.Errorf("queue visibility %v retention %v, want SQS's defaults 30 and 345600", q.Inputs["visibilityTimeoutSeconds"], q.Inputs["messageRetentionSeconds"])
		}
		if dlq.Inputs["messageRetentionSeconds"] != 1209600.0 {
			t.Errorf("dead-letter retention %v, want the maximum 1209600", dlq.Inputs["messageRetentionSeconds"])
		}
		for _, r := range []*preview.Resource{q, dlq} {
			if r.Inputs["fifoQueue"] != false || r.Inputs["contentBasedDeduplication"] != nil {
				t.Errorf("%s: fifo %v dedup %v, want a standard queue", r.Name, r.Inputs["fifoQueue"], r.Inputs["contentBasedDeduplication"])
			}
			if r.Inputs["kmsDataKeyReusePeriodSeconds"] != 300.0 || r.Inputs["sqsManagedSseEnabled"] != nil {
				t.Errorf("%s: data key reuse %v, sse-sqs %v", r.Name, r.Inputs["kmsDataKeyReusePeriodSeconds"], r.Inputs["sqsManagedSseEnabled"])
			}
			if !strings.HasPrefix(r.Inputs["kmsMasterKeyId"].(string), "arn:aws:kms:eu-west-1:111122223333:key/") {
				t.Errorf("%s: key %v, want the created key's ARN", r.Name, r.Inputs["kmsMasterKeyId"])
			}
			if !slices.Contains(r.Dependencies, key.URN) {
				t.Errorf("%s does not wait for its key", r.Name)
			}
			if r.Protect {
				t.Errorf("%s protected without Protect", r.Name)
			}
			if r.Parent != comp.URN {
				t.Errorf("%s parent %s", r.Name, r.Parent)
			}
		}
		if one(t, doc, typeAlias, "orders-placed-key").Inputs["name"] != "alias/production-orders-placed-sqs" {
			t.Errorf("alias %v", one(t, doc, typeAlias, "orders-placed-key").Inputs["name"])
		}
		if key.Inputs["enableKeyRotation"] != true {
			t.Error("the created key does not rotate")
		}
	})
}

// The dead-letter queue admits only its queue (redrive allow policy byQueue with the queue's
// ARN, inline, so the DLQ waits for the queue), and the separate redrive policy on the queue
// sends a message there after MaxReceiveCount receives: no resource waits for one that waits for
// it.
func TestRedrive(t *testing.T) {
	both(t, func() *QueueArgs { a := baseArgs(); a.MaxReceiveCount = 7; return a }, func(t *testing.T, doc *preview.Document) {
		q := one(t, doc, typeQueue, "orders-placed")
		dlq := one(t, doc, typeQueue, "orders-placed-dlq")
		queueARN := "arn:aws:sqs:eu-west-1:111122223333:production-orders-placed"
		dlqARN := "arn:aws:sqs:eu-west-1:111122223333:production-orders-placed-dlq"
		allow := decode(t, dlq.Inputs["redriveAllowPolicy"])
		if allow["redrivePermission"] != "byQueue" || !slices.Equal(toStrings(allow["sourceQueueArns"]), []string{queueARN}) {
			t.Errorf("redrive allow policy %v", allow)
		}
		if !slices.Contains(dlq.Dependencies, q.URN) || slices.Contains(q.Dependencies, dlq.URN) {
			t.Errorf("the DLQ must wait for the queue, not the other way round: %v / %v", dlq.Dependencies, q.Dependencies)
		}
		if q.Inputs["redrivePolicy"] != nil || q.Inputs["redriveAllowPolicy"] != nil {
			t.Errorf("the queue has inline redrive settings: %v %v", q.Inputs["redrivePolicy"], q.Inputs["redriveAllowPolicy"])
		}
		rp := one(t, doc, typeRedrive, "orders-placed-redrive")
		if rp.Inputs["queueUrl"] != "https://sqs.eu-west-1.amazonaws.com/111122223333/production-orders-placed" {
			t.Errorf("redrive policy on %v", rp.Inputs["queueUrl"])
		}
		policy := decode(t, rp.Inputs["redrivePolicy"])
		if policy["deadLetterTargetArn"] != dlqARN || policy["maxReceiveCount"] != 7.0 {
			t.Errorf("redrive policy %v: want the DLQ and the number 7", policy)
		}
		if !slices.Contains(rp.Dependencies, dlq.URN) || !slices.Contains(rp.Dependencies, q.URN) {
			t.Errorf("redrive dependencies %v", rp.Dependencies)
		}
	})
}

func toStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

// Each queue has a policy that denies every action to everyone without TLS, on that queue only,
// and allows nothing (access is IAM's).
func TestTransportPolicies(t *testing.T) {
	both(t, baseArgs, func(t *testing.T, doc *preview.Document) {
		for _, c := range []struct{ policy, queue string }{
			{"orders-placed-policy", "production-orders-placed"},
			{"orders-placed-dlq-policy", "production-orders-placed-dlq"},
		} {
			p := one(t, doc, typePolicy, c.policy)
			if p.Inputs["queueUrl"] != "https://sqs.eu-west-1.amazonaws.com/111122223333/"+c.queue {
				t.Errorf("%s on %v", c.policy, p.Inputs["queueUrl"])
			}
			var d iampolicy.Document
			if err := json.Unmarshal([]byte(p.Inputs["policy"].(string)), &d); err != nil {
				t.Fatal(err)
			}
			want := TransportPolicy("arn:aws:sqs:eu-west-1:111122223333:" + c.queue)
			if p.Inputs["policy"] != want.String() || d.Version != "2012-10-17" || len(d.Statement) != 1 {
				t.Errorf("%s: %v", c.policy, p.Inputs["policy"])
			}
			s := d.Statement[0]
			if s.Effect != "Deny" || s.Principal["AWS"] != "*" || !slices.Equal(s.Action, []string{"sqs:*"}) ||
				!slices.Equal(s.Resource, []string{"arn:aws:sqs:eu-west-1:111122223333:" + c.queue}) {
				t.Errorf("%s statement %+v", c.policy, s)
			}
			if cond := s.Condition["Bool"].(map[string]any); cond["aws:SecureTransport"] != "false" {
				t.Errorf("%s condition %v", c.policy, s.Condition)
			}
			if problems := iampolicy.Lint(d); len(problems) > 0 {
				t.Errorf("%s: %v", c.policy, problems)
			}
		}
	})
}

// The two alarms page the owning team's topic on alarm and on recovery: the oldest message above
// MaxAgeSeconds on the queue, any visible message on the dead-letter queue.
func TestAlarms(t *testing.T) {
	both(t, func() *QueueArgs { a := baseArgs(); a.MaxAgeSeconds = 900; return a }, func(t *testing.T, doc *preview.Document) {
		for _, c := range []struct {
			name, physical, metric, queue string
			threshold                     float64
			periods                       float64
		}{
			{"orders-placed-alarm-oldest-message", "production-orders-placed-oldest-message", "ApproximateAgeOfOldestMessage", "production-orders-placed", 900, 3},
			{"orders-placed-alarm-dead-letters", "production-orders-placed-dlq-messages-visible", "ApproximateNumberOfMessagesVisible", "production-orders-placed-dlq", 0, 1},
		} {
			a := one(t, doc, typeAlarm, c.name)
			in := a.Inputs
			if in["name"] != c.physical || in["namespace"] != "AWS/SQS" || in["metricName"] != c.metric ||
				in["comparisonOperator"] != "GreaterThanThreshold" || in["threshold"] != c.threshold ||
				in["evaluationPeriods"] != c.periods || in["period"] != 60.0 || in["statistic"] != "Maximum" ||
				in["treatMissingData"] != "notBreaching" {
				t.Errorf("%s: %v", c.name, in)
			}
			if d := in["dimensions"].(map[string]any); d["QueueName"] != c.queue || len(d) != 1 {
				t.Errorf("%s dimensions %v", c.name, d)
			}
			for _, k := range []string{"alarmActions", "okActions"} {
				if !slices.Equal(toStrings(in[k]), []string{topicARN}) {
					t.Errorf("%s %s %v", c.name, k, in[k])
				}
			}
		}
	})
}

// Every resource that takes tags names its owner, keeps the caller's tags and its own Name; a
// caller's Owner or Name tag never wins.
func TestTags(t *testing.T) {
	args := func() *QueueArgs {
		a := baseArgs()
		a.Tags = map[string]string{"CostCenter": "shop", "Owner": "someone-else", "Name": "x"}
		return a
	}
	both(t, args, func(t *testing.T, doc *preview.Document) {
		n := 0
		for _, r := range doc.Resources {
			tags, ok := r.Inputs["tags"].(map[string]any)
			if !r.Custom || strings.HasPrefix(r.Type, "pulumi:") || r.Type == typeRedrive || r.Type == typePolicy || r.Type == typeAlias {
				if ok {
					t.Errorf("%s %s: tags on a type without them", r.Type, r.Name)
				}
				continue
			}
			n++
			if !ok || tags["Owner"] != "team-orders" || tags["CostCenter"] != "shop" || tags["Name"] != r.Name {
				t.Errorf("%s %s tags %v", r.Type, r.Name, tags)
			}
		}
		if n != 5 {
			t.Errorf("%d tagged resources, want 5 (2 queues, the key, 2 alarms)", n)
		}
	})
}

// Protect protects both queues and the created key, nothing else.
func TestProtect(t *testing.T) {
	args := baseArgs()
	args.Protect = true
	doc := build(t, args, false)
	var protected []string
	for _, r := range doc.Resources {
		if r.Protect {
			protected = append(protected, r.Type+" "+r.Name)
		}
	}
	slices.Sort(protected)
	want := []string{typeKey + " orders-placed-key", typeQueue + " orders-placed", typeQueue + " orders-placed-dlq"}
	if !slices.Equal(protected, want) {
		t.Errorf("protected %v, want %v", protected, want)
	}
}

// A FIFO queue: both names end in .fifo, both queues are FIFO with the same deduplication, and
// the key's alias is told apart from a standard queue's of the same name.
func TestFIFO(t *testing.T) {
	args := func() *QueueArgs { a := baseArgs(); a.FIFO, a.ContentBasedDeduplication = true, true; return a }
	both(t, args, func(t *testing.T, doc *preview.Document) {
		q := one(t, doc, typeQueue, "orders-placed")
		dlq := one(t, doc, typeQueue, "orders-placed-dlq")
		if q.Inputs["name"] != "production-orders-placed.fifo" || dlq.Inputs["name"] != "production-orders-placed-dlq.fifo" {
			t.Errorf("names %v %v", q.Inputs["name"], dlq.Inputs["name"])
		}
		for _, r := range []*preview.Resource{q, dlq} {
			if r.Inputs["fifoQueue"] != true || r.Inputs["contentBasedDeduplication"] != true {
				t.Errorf("%s: %v", r.Name, r.Inputs)
			}
		}
		if got := decode(t, one(t, doc, typeRedrive, "orders-placed-redrive").Inputs["redrivePolicy"])["deadLetterTargetArn"]; got != "arn:aws:sqs:eu-west-1:111122223333:production-orders-placed-dlq.fifo" {
			t.Errorf("redrive target %v", got)
		}
		if a := one(t, doc, typeAlias, "orders-placed-key").Inputs["name"]; a != "alias/production-orders-placed-fifo-sqs" {
			t.Errorf("alias %v", a)
		}
	})
}

// A given key encrypts both queues and no key is created.
func TestGivenKey(t *testing.T) {
	args := func() *QueueArgs { a := baseArgs(); a.KMSKeyARN = pulumi.StringPtr(givenKeyARN); return a }
	both(t, args, func(t *testing.T, doc *preview.Document) {
		if len(doc.Find(typeKey)) != 0 || len(doc.Find(typeAlias)) != 0 {
			t.Error("a key is created although one is given")
		}
		for _, n := range []string{"orders-placed", "orders-placed-dlq"} {
			if k := one(t, doc, typeQueue, n).Inputs["kmsMasterKeyId"]; k != givenKeyARN {
				t.Errorf("%s key %v", n, k)
			}
		}
		if doc.Outputs["kmsKeyArn"] != givenKeyARN {
			t.Errorf("kmsKeyArn %v", doc.Outputs["kmsKeyArn"])
		}
	})
}

// The outputs discovery needs: the URL as endpoint on 443, no secret, both ARNs and URLs, and the
// access statements on the queue and its key.
func TestOutputs(t *testing.T) {
	args := func() *QueueArgs { a := baseArgs(); a.KMSKeyARN = pulumi.StringPtr(givenKeyARN); return a }
	both(t, args, func(t *testing.T, doc *preview.Document) {
		const url = "https://sqs.eu-west-1.amazonaws.com/111122223333/production-orders-placed"
		want := map[string]any{
			"url":           url,
			"endpoint":      url,
			"arn":           "arn:aws:sqs:eu-west-1:111122223333:production-orders-placed",
			"deadLetterUrl": url + "-dlq",
			"deadLetterArn": "arn:aws:sqs:eu-west-1:111122223333:production-orders-placed-dlq",
			"port":          443,
			"secretArn":     "",
		}
		for k, v := range want {
			if fmt.Sprint(doc.Outputs[k]) != fmt.Sprint(v) {
				t.Errorf("output %s = %v, want %v", k, doc.Outputs[k], v)
			}
		}
		b, err := json.Marshal(doc.Outputs["access"])
		if err != nil {
			t.Fatal(err)
		}
		wantAccess, _ := json.Marshal(AccessStatementsFor("arn:aws:sqs:eu-west-1:111122223333:production-orders-placed", givenKeyARN))
		if !bytes.Equal(b, wantAccess) {
			t.Errorf("access statements %s, want %s", b, wantAccess)
		}
	})
}

// runErr runs NewQueue under the recorder and returns its error.
func runErr(args *QueueArgs) error {
	_, err := preview.RunWithAWS(func(ctx *pulumi.Context, provider pulumi.ResourceOption) error {
		_, err := NewQueue(ctx, "orders-placed", args, provider)
		return err
	}, preview.Options{Project: "flowmart-platform", Stack: "production", Region: region, Account: account})
	return err
}

// The component makes no lookup: it previews offline and deploys in any account as it is.
func TestNoLookups(t *testing.T) {
	invokes, err := preview.Invokes(preview.WithAWS(region, func(ctx *pulumi.Context, p pulumi.ResourceOption) error {
		_, err := NewQueue(ctx, "orders-placed", baseArgs(), p)
		return err
	}), preview.Options{Project: "flowmart-platform", Stack: "production", Region: region, Account: account})
	if err != nil || len(invokes) != 0 {
		t.Errorf("lookups %v, err %v", invokes, err)
	}
}
