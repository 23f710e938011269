package known

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestString(t *testing.T) {
	if v, ok := String(pulumi.String("10.0.0.0/16")); !ok || v != "10.0.0.0/16" {
		t.Errorf("plain string: %q %v", v, ok)
	}
	if _, ok := String(pulumi.String("x").ToStringOutput()); ok {
		t.Error("an Output is not known up front")
	}
	if _, ok := String(nil); ok {
		t.Error("nil is not known")
	}
	if v, ok := StringPtr(pulumi.StringPtr("arn")); !ok || v != "arn" {
		t.Errorf("plain pointer: %q %v", v, ok)
	}
	if _, ok := StringPtr(pulumi.StringPtr("x").ToStringPtrOutput()); ok {
		t.Error("a pointer Output is not known up front")
	}
	if _, ok := StringPtr(nil); ok {
		t.Error("nil pointer is not known")
	}
}
