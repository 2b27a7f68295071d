// Package testutil holds helpers for kubeharden's tests. It is internal:
// users never import it.
package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// RequireSharedEnv is the environment variable .ci/run sets so that a
// missing ../shared folder fails tests instead of skipping them.
const RequireSharedEnv = "KUBEHARDEN_REQUIRE_SHARED"

// SharedDir returns the absolute path of the ../shared folder that sits
// beside the repository root (found by walking up from the working
// directory to go.mod), joined with elem. When the folder is absent the test
// is skipped with a clear message, or fails when RequireSharedEnv is set.
func SharedDir(tb testing.TB, elem ...string) string {
	tb.Helper()
	root, err := RepoRoot()
	if err != nil {
		tb.Fatalf("locating the repository root: %v", err)
	}
	p := filepath.Join(append([]string{filepath.Dir(root), "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		msg := "shared folder " + p + " is absent (tests read ../shared/corpus and ../shared/reference in place): " + err.Error()
		if os.Getenv(RequireSharedEnv) != "" {
			tb.Fatalf("%s; %s is set, so this is a failure", msg, RequireSharedEnv)
		}
		tb.Skip(msg)
	}
	return p
}

// RepoRoot returns the directory holding the module's go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
