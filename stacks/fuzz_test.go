package stacks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowmart/platform/pkg/preview"
	"github.com/flowmart/platform/stacks/config"
)

// FuzzStackFile feeds arbitrary stack files to the whole path a user's file takes: reading,
// type checks against Pulumi.yaml, validation and, when valid, the program itself. Nothing may
// panic, and every rejection is one line naming a key or file. The seed corpus in
// testdata/fuzz/FuzzStackFile (real and broken stack files) runs in every `go test`;
// `go test ./stacks -fuzz FuzzStackFile` explores further.
func FuzzStackFile(f *testing.F) {
	for _, env := range envs {
		b, err := os.ReadFile(filepath.Join("..", "Pulumi."+env+".yaml"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "Pulumi.fuzz.yaml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Preview("..", "fuzz", path)
		if err == nil {
			return
		}
		var cerr *config.Error
		var ferr *preview.ConfigError
		switch {
		case errors.As(err, &cerr):
			if cerr.Key == "" {
				t.Fatalf("config error without a key: %q", err)
			}
		case errors.As(err, &ferr):
			if ferr.Key == "" {
				t.Fatalf("file error without a key: %q", err)
			}
		default:
			t.Fatalf("a stack file broke the program instead of being rejected: %v", err)
		}
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, ": ") {
			t.Fatalf("rejection is not one line naming a key: %q", msg)
		}
	})
}
