package logretention

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestDaysMatchThePulumiAWSSDK reads the retention values pulumi-aws v6.83.4 documents for
// cloudwatch.LogGroup from the module itself, so the list never drifts from upstream.
func TestDaysMatchThePulumiAWSSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/pulumi/pulumi-aws/sdk/v6").Output()
	if err != nil {
		t.Fatalf("locate pulumi-aws module: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "go", "aws", "cloudwatch", "logGroup.go"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Possible values are: ([0-9, and]+)\.`).FindSubmatch(src)
	if m == nil {
		t.Fatal("logGroup.go no longer documents the possible retention values")
	}
	var upstream []int
	for _, f := range strings.FieldsFunc(string(m[1]), func(r rune) bool { return r == ',' || r == ' ' }) {
		if f == "and" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("value %q: %v", f, err)
		}
		if n != 0 { // never expire: refused on purpose
			upstream = append(upstream, n)
		}
	}
	slices.Sort(upstream)
	if !slices.Equal(upstream, Days) {
		t.Errorf("Days = %v, pulumi-aws documents %v", Days, upstream)
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		days int
		ok   bool
	}{{1, true}, {30, true}, {365, true}, {3653, true}, {0, false}, {31, false}, {-1, false}, {3654, false}} {
		err := Check(tc.days)
		if (err == nil) != tc.ok {
			t.Errorf("Check(%d) = %v, want ok %v", tc.days, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "allowed: 1, 3, 5") {
			t.Errorf("Check(%d) = %q: does not say what is allowed", tc.days, err)
		}
	}
}
