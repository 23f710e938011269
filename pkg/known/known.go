// Package known tells whether a Pulumi input is a plain value known when the program builds its
// Args (pulumi.String("10.0.0.0/16")) rather than an Output of another resource or stack. A
// component checks a known value up front, in Validate, and an Output once it resolves.
package known

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// String returns the value of in when it is a plain string input.
func String(in pulumi.StringInput) (string, bool) {
	if v, ok := in.(pulumi.String); ok {
		return string(v), true
	}
	return "", false
}

// StringPtr returns the value of in when it is a plain, non-nil string pointer input
// (pulumi.StringPtr, pulumi.String); an Output is not known.
func StringPtr(in pulumi.StringPtrInput) (string, bool) {
	if v, ok := in.(pulumi.String); ok {
		return string(v), true
	}
	// pulumi.StringPtr returns an unexported *string type
	rv := reflect.ValueOf(in)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.String {
		return rv.Elem().String(), true
	}
	return "", false
}
