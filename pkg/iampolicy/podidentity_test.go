package iampolicy

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestPodIdentityTrust(t *testing.T) {
	const cluster = "arn:aws:eks:eu-west-1:777788889999:cluster/production"
	d, err := PodIdentityTrust(cluster)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(d.String()), &got); err != nil {
		t.Fatal(err)
	}
	st := got["Statement"].([]any)
	if len(st) != 1 {
		t.Fatalf("statements = %d, want 1", len(st))
	}
	s := st[0].(map[string]any)
	if p := s["Principal"].(map[string]any)["Service"]; p != "pods.eks.amazonaws.com" {
		t.Errorf("principal = %v", p)
	}
	if a := s["Action"]; !reflect.DeepEqual(a, []any{"sts:AssumeRole", "sts:TagSession"}) {
		t.Errorf("actions = %v", a)
	}
	cond := s["Condition"].(map[string]any)
	if acct := cond["StringEquals"].(map[string]any)["aws:SourceAccount"]; acct != "777788889999" {
		t.Errorf("aws:SourceAccount = %v", acct)
	}
	src := cond["ArnLike"].(map[string]any)["aws:SourceArn"]
	want := []any{cluster, "arn:aws:eks:eu-west-1:777788889999:podidentityassociation/production/*"}
	if !reflect.DeepEqual(src, want) {
		t.Errorf("aws:SourceArn = %v, want %v", src, want)
	}
}

func TestPodIdentityTrustRefusesOtherARNs(t *testing.T) {
	for _, s := range []string{
		"",
		"production",
		"arn:aws:iam::777788889999:role/production",
		"arn:aws:eks:eu-west-1:777788889999:nodegroup/production/x/y",
		"arn:aws:eks::777788889999:cluster/production",
		"arn:aws:eks:eu-west-1:aws:cluster/production",
		"arn:aws:eks:eu-west-1:777788889999:cluster/",
	} {
		if _, err := PodIdentityTrust(s); err == nil || !strings.Contains(err.Error(), "is not an EKS cluster ARN") {
			t.Errorf("PodIdentityTrust(%q) err = %v, want a refusal", s, err)
		}
	}
}
