package mocks

import (
	"runtime/debug"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// T is the part of testing.TB that Run uses.
type T interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Run runs program under monitor (project "test", stack "test") with DryRun dryRun, as
// pulumi.RunErr does, and returns its error. A panic on the calling goroutine (in the program or
// a constructor it calls) fails t with the panic's value and stack instead of crashing the test:
// a no-panic test or fuzz target calls it from the test goroutine. (A panic in an Apply callback
// happens on one of the SDK's goroutines and crashes the test binary: go test and the fuzzer
// report that, with the input, just as well.)
func Run(t T, monitor pulumi.MockResourceMonitor, dryRun bool, program pulumi.RunFunc) error {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panic (DryRun %v): %v\n%s", dryRun, r, debug.Stack())
		}
	}()
	return pulumi.RunErr(program, pulumi.WithMocks("test", "test", monitor), func(info *pulumi.RunInfo) {
		info.DryRun = dryRun
	})
}

// TB is the part of testing.TB that Survives uses.
type TB interface {
	T
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
}

// Survives checks what a constructor promises whatever its input, with Run: program returns nil or
// an error on one line, and nothing panics. An error is logged, not failed (refusing bad Args is
// the point); one spanning lines fails t. The no-panic fuzz targets of the components use it.
func Survives(t TB, monitor pulumi.MockResourceMonitor, dryRun bool, program pulumi.RunFunc) {
	t.Helper()
	err := Run(t, monitor, dryRun, func(ctx *pulumi.Context) error {
		err := program(ctx)
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("the error spans lines: %q", err)
		}
		return err
	})
	if err != nil {
		t.Logf("DryRun %v: %s", dryRun, strings.Join(strings.Fields(err.Error()), " "))
	}
}
