package symbols

import (
	"strings"
	"testing"

	"github.com/traefik/yaegi/stdlib"
	stdsyscall "github.com/traefik/yaegi/stdlib/syscall"
	"github.com/traefik/yaegi/stdlib/unrestricted"
)

// TestTablesLoadOnDemand checks that a table is built when asked for, and
// only then.
func TestTablesLoadOnDemand(t *testing.T) {
	const key = "container/ring/ring"
	if !contains(Keys(), key) {
		t.Fatalf("Keys() lacks %s", key)
	}
	mu.Lock()
	_, early := built[key]
	all := allBuilt
	mu.Unlock()
	if early && !all {
		t.Errorf("%s was built before anyone asked for it", key)
	}
	ring := Table(key)
	if ring["New"].Kind().String() != "func" {
		t.Errorf("%s: New is %v", key, ring["New"])
	}
	if Table("no/such/package") != nil {
		t.Error("a table for an unknown key")
	}
	if mt := All()["."]["MapTypes"]; !mt.IsValid() {
		t.Error("All() has no MapTypes entry")
	}
}

// TestCoversYaegisStdlib checks that the generated tables offer every
// symbol that yaegi's own stdlib tables offer, so that regenerating them
// with a newer Go or yaegi cannot drop a package or a name that cells
// use.
func TestCoversYaegisStdlib(t *testing.T) {
	all := All()
	for _, exports := range []map[string]map[string]reflectValues{convert(stdlib.Symbols), convert(stdsyscall.Symbols), convert(unrestricted.Symbols)} {
		for key, members := range exports {
			if key == "." || strings.HasPrefix(key, "github.com/traefik/yaegi/") {
				continue // yaegi's MapTypes and its own package
			}
			ours, ok := all[key]
			if !ok {
				t.Errorf("no table for %s", key)
				continue
			}
			for name := range members {
				if _, ok := ours[name]; !ok {
					t.Errorf("%s has no %s", key, name)
				}
			}
		}
	}
}

type reflectValues = struct{}

func convert[V any](m map[string]map[string]V) map[string]map[string]reflectValues {
	out := map[string]map[string]reflectValues{}
	for k, members := range m {
		out[k] = map[string]reflectValues{}
		for name := range members {
			out[k][name] = reflectValues{}
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
