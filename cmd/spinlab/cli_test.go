package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConnection(t *testing.T, path string, info any) {
	t.Helper()
	b, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := spinlab(t, nil, "help")
	if code != 0 {
		t.Fatalf("spinlab help: exit %d", code)
	}
	for _, cmd := range []string{"install", "uninstall", "kernel", "run", "version", "eval", "worker"} {
		if !strings.Contains(out, cmd) {
			t.Errorf("spinlab help does not mention %s", cmd)
		}
	}
	for cmd, flag := range map[string]string{"install": "-display-name", "uninstall": "-prefix", "kernel": "-log-level", "version": "Usage"} {
		code, _, stderr := spinlab(t, nil, cmd, "--help")
		if code != 0 || !strings.Contains(stderr, flag) {
			t.Errorf("spinlab %s --help: exit %d, no %s in %q", cmd, code, flag, stderr)
		}
	}
	if code, _, _ := spinlab(t, nil, "frobnicate"); code == 0 {
		t.Errorf("an unknown command exits 0")
	}
	if code, _, _ := spinlab(t, nil); code == 0 {
		t.Errorf("no command exits 0")
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := spinlab(t, nil, "version")
	if code != 0 || !strings.Contains(out, "spinlab ") || !strings.Contains(out, "Go go1.") || !strings.Contains(out, "yaegi v") {
		t.Errorf("spinlab version: exit %d, %q", code, out)
	}
}

func TestEvalByHand(t *testing.T) {
	code, _, stderr := spinlab(t, nil, "eval")
	if code == 0 || !strings.Contains(stderr, "kernel") {
		t.Errorf("spinlab eval without a kernel: exit %d, %q", code, stderr)
	}
}

func TestInstall(t *testing.T) {
	prefix := t.TempDir()
	data := t.TempDir()
	tests := []struct {
		name string
		env  []string
		args []string
		dir  string
	}{
		{"prefix", nil, []string{"--prefix", prefix}, filepath.Join(prefix, "share/jupyter/kernels/spinlab")},
		{"user", []string{"JUPYTER_DATA_DIR=" + data}, []string{"--user", "--name", "go-test", "--display-name", "Go (test)"}, filepath.Join(data, "kernels/go-test")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 { // installing again replaces the spec
				code, out, stderr := spinlab(t, tt.env, append([]string{"install"}, tt.args...)...)
				if code != 0 {
					t.Fatalf("install: exit %d: %s", code, stderr)
				}
				if !strings.Contains(out, tt.dir) || !strings.Contains(out, "uninstall") {
					t.Errorf("install does not say where and how to remove: %q", out)
				}
			}
			b, err := os.ReadFile(filepath.Join(tt.dir, "kernel.json"))
			if err != nil {
				t.Fatal(err)
			}
			var spec kernelspec
			if err := json.Unmarshal(b, &spec); err != nil {
				t.Fatal(err)
			}
			if len(spec.Argv) != 4 || spec.Argv[0] != binary || spec.Argv[1] != "kernel" || spec.Argv[3] != "{connection_file}" {
				t.Errorf("argv = %q", spec.Argv)
			}
			if spec.Language != "go" || spec.InterruptMode != "message" || spec.Metadata["debugger"] != false {
				t.Errorf("spec = %+v", spec)
			}
			for _, size := range []int{32, 64} {
				f, err := os.ReadFile(filepath.Join(tt.dir, fmt.Sprintf("logo-%dx%d.png", size, size)))
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(bytes.NewReader(f))
				if err != nil || img.Bounds().Dx() != size || img.Bounds().Dy() != size {
					t.Errorf("logo %d: %v %v", size, err, img.Bounds())
				}
			}
			entries, _ := os.ReadDir(filepath.Dir(tt.dir))
			if len(entries) != 1 {
				t.Errorf("the kernels directory holds %d entries after reinstalling", len(entries))
			}
			if code, _, stderr := spinlab(t, tt.env, append([]string{"uninstall"}, uninstallArgs(tt.args)...)...); code != 0 {
				t.Fatalf("uninstall: %s", stderr)
			}
			if _, err := os.Stat(tt.dir); !os.IsNotExist(err) {
				t.Errorf("uninstall left %s", tt.dir)
			}
			if code, _, _ := spinlab(t, tt.env, append([]string{"uninstall"}, uninstallArgs(tt.args)...)...); code == 0 {
				t.Errorf("uninstalling a missing spec exits 0")
			}
		})
	}
	if code, _, _ := spinlab(t, nil, "install", "--user", "--prefix", prefix); code == 0 {
		t.Errorf("install --user --prefix exits 0")
	}
}

func uninstallArgs(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--display-name" {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}
