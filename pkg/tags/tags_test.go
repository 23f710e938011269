package tags

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestStandardOverridesUserKeys(t *testing.T) {
	got := Standard("flowmart-platform", "production", "production", map[string]string{
		"Owner":       "platform",
		"Environment": "dev", // a user cannot relabel the environment
	})
	want := map[string]string{
		"Owner": "platform", "Project": "flowmart-platform", "Environment": "production",
		"Stack": "production", "ManagedBy": "pulumi",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Standard = %v, want %v", got, want)
	}
}

func TestNamedNameAndExtrasWin(t *testing.T) {
	got := Named(map[string]string{"Name": "user", "Team": "a", "kubernetes.io/role/elb": "0"}, "net-public-a",
		map[string]string{"kubernetes.io/role/elb": "1"})
	if len(got) != 3 {
		t.Fatalf("len = %d, want 3: %v", len(got), got)
	}
	for k, want := range map[string]string{"Name": "net-public-a", "Team": "a", "kubernetes.io/role/elb": "1"} {
		if v, ok := got[k].(pulumi.String); !ok || string(v) != want {
			t.Errorf("%s = %v, want %s", k, got[k], want)
		}
	}
}
