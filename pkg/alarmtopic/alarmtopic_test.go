package alarmtopic

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/flowmart/platform/pkg/preview"
)

func TestNewTopicAndSubscriptions(t *testing.T) {
	subs := []Subscription{{ProtocolEmail, "orders-oncall@shop.example.com"}, {ProtocolHTTPS, "https://events.pagerduty.com/x"}}
	doc, err := preview.Run(func(ctx *pulumi.Context) error {
		_, err := New(ctx, "dev-orders-paging", Args{
			Name: "dev-orders-paging", DisplayName: "orders paging", KMSKeyARN: pulumi.String("arn:aws:kms:eu-west-1:111122223333:key/1"),
			Tags: pulumi.StringMap{"Owner": pulumi.String("orders-team")}, Subscriptions: subs,
		})
		return err
	}, preview.Options{Project: "p", Stack: "dev", Region: "eu-west-1", Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	var topics, got []string
	for _, r := range doc.Resources {
		switch r.Type {
		case "aws:sns/topic:Topic":
			topics = append(topics, r.Name)
			if r.Inputs["kmsMasterKeyId"] != "arn:aws:kms:eu-west-1:111122223333:key/1" || r.Inputs["name"] != "dev-orders-paging" {
				t.Errorf("topic inputs %v", r.Inputs)
			}
		case "aws:sns/topicSubscription:TopicSubscription":
			got = append(got, r.Inputs["protocol"].(string)+" "+r.Inputs["endpoint"].(string)+" "+r.Name)
		}
	}
	if len(topics) != 1 || len(got) != 2 {
		t.Fatalf("topics %v subscriptions %v", topics, got)
	}
	for i, s := range subs {
		if want := s.Protocol + " " + s.Endpoint + " " + s.ChildName("dev-orders-paging"); got[i] != want {
			t.Errorf("subscription %d = %q, want %q", i, got[i], want)
		}
	}
	// the name depends on the endpoint only: reordering renames nothing
	if a, b := subs[0].ChildName("t"), (Subscription{ProtocolEmail, "orders-oncall@shop.example.com"}).ChildName("t"); a != b || !strings.HasPrefix(a, "t-email-") || len(a) != len("t-email-")+8 {
		t.Errorf("ChildName %q %q", a, b)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		s    Subscription
		want string
	}{
		{Subscription{ProtocolEmail, "a@b.example"}, ""},
		{Subscription{ProtocolHTTPS, "https://h.example/x"}, ""},
		{Subscription{ProtocolEmail, "oncall"}, `Endpoint: "oncall" is not an e-mail address`},
		{Subscription{ProtocolHTTPS, "http://h.example"}, `Endpoint: "http://h.example" is not an https:// URL with a host`},
		{Subscription{"sms", "+44"}, `Protocol: "sms" is not one of email, https`},
	} {
		err := c.s.Validate()
		if (c.want == "" && err != nil) || (c.want != "" && (err == nil || err.Error() != c.want)) {
			t.Errorf("%+v: %v, want %q", c.s, err, c.want)
		}
	}
}
