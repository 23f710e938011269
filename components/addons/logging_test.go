package addons

import (
	"strconv"
	"strings"
	"testing"
)

// TestFluentBitPodIdentity: the pinned aws-for-fluent-bit image is one whose Fluent Bit takes EKS
// Pod Identity credentials (added in AWS for Fluent Bit 2.32.5, aws/aws-for-fluent-bit PR #888,
// from fluent/fluent-bit PR #9696; chart 0.1.35 ran 2.32.2.x), the output is the C plugin
// cloudwatch_logs (the Go cloudwatch plugin has no Pod Identity, aws/aws-for-fluent-bit #784), and
// its service account has a Pod Identity association.
func TestFluentBitPodIdentity(t *testing.T) {
	fc := loadFacts(t).Charts[chartFluentBit]
	var tag string
	for _, img := range fc.Images {
		if img.Path == "image" {
			tag = img.Tag
		}
	}
	if !atLeast(tag, [3]int{2, 32, 5}) {
		t.Errorf("aws-for-fluent-bit %s runs image %q: Pod Identity needs 2.32.5 or later", fc.Version, tag)
	}
	if atLeast("2.32.2.20240516", [3]int{2, 32, 5}) || !atLeast("3.2.1", [3]int{2, 32, 5}) {
		t.Error("atLeast is wrong")
	}
	doc, _ := run(t, opts, nil)
	v := get(t, doc, helmRelease, "test-fluent-bit").Inputs["values"]
	if path(v, "cloudWatchLogs", "enabled") != true || path(v, "cloudWatch", "enabled") != false {
		t.Errorf("outputs: cloudWatchLogs %v cloudWatch %v", path(v, "cloudWatchLogs"), path(v, "cloudWatch"))
	}
	assoc := get(t, doc, podIdentity, "test-fluent-bit-pod-identity")
	if assoc.Inputs["namespace"] != nsLogging || assoc.Inputs["serviceAccount"] != path(v, "serviceAccount", "name") {
		t.Errorf("association %v for service account %v", assoc.Inputs, path(v, "serviceAccount"))
	}
}

func atLeast(version string, least [3]int) bool {
	parts := strings.Split(version, ".")
	for i := range least {
		if i >= len(parts) {
			return false
		}
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return false
		}
		if n != least[i] {
			return n > least[i]
		}
	}
	return true
}
