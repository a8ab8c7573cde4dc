//go:build ignore

// Gen writes the symbol tables of this package: `yaegi extract` for each
// package below, then a rewrite that makes each table load on first use.
// Run it with `go generate` in this directory; it replaces every
// generated file.
//
// An extracted file fills the package's map in an init func, which every
// process of the spinlab binary would run, the kernel process included:
// the standard library's tables alone kept about 12 MB of the binary
// resident there. Rewritten, each table is a loader that Table runs when
// a process first needs the package.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// std is the standard library a session can import: what yaegi's own
// stdlib offers (all of std but internal, unsafe and the vendored
// packages), with syscall and os/exec, which a concurrency kernel needs.
var std = strings.Fields(`
archive/tar archive/zip bufio bytes cmp
compress/bzip2 compress/flate compress/gzip compress/lzw compress/zlib
container/heap container/list container/ring
context crypto crypto/aes crypto/cipher crypto/des crypto/dsa crypto/ecdh crypto/ecdsa
crypto/ed25519 crypto/elliptic crypto/hmac crypto/md5 crypto/rand
crypto/rc4 crypto/rsa crypto/sha1 crypto/sha256 crypto/sha512
crypto/subtle crypto/tls crypto/x509 crypto/x509/pkix
database/sql database/sql/driver
debug/buildinfo debug/dwarf debug/elf debug/gosym debug/macho debug/pe debug/plan9obj
encoding encoding/ascii85 encoding/asn1 encoding/base32
encoding/base64 encoding/binary encoding/csv encoding/gob
encoding/hex encoding/json encoding/pem encoding/xml
errors expvar flag fmt
go/ast go/build go/build/constraint go/constant go/doc go/doc/comment go/format
go/importer go/parser go/printer go/scanner go/token go/types go/version
hash hash/adler32 hash/crc32 hash/crc64 hash/fnv hash/maphash
html html/template
image image/color image/color/palette
image/draw image/gif image/jpeg image/png index/suffixarray
io io/fs io/ioutil iter log log/syslog log/slog
maps math math/big math/bits math/cmplx math/rand math/rand/v2
mime mime/multipart mime/quotedprintable
net net/http net/http/cgi net/http/cookiejar net/http/fcgi
net/http/httptest net/http/httptrace net/http/httputil net/http/pprof
net/mail net/netip net/rpc net/rpc/jsonrpc net/smtp net/textproto net/url
os os/exec os/signal os/user
path path/filepath reflect regexp regexp/syntax
runtime runtime/debug runtime/metrics runtime/pprof runtime/trace
slices sort strconv strings sync sync/atomic
testing testing/fstest testing/iotest testing/quick testing/slogtest
text/scanner text/tabwriter text/template text/template/parse
time unicode unicode/utf16 unicode/utf8
`)

// bundled are the packages outside std that every build carries.
var bundled = strings.Fields(`
github.com/spinlab/spinlab/display
github.com/spinlab/spinlab/runtimes
gonum.org/v1/plot gonum.org/v1/plot/plotter gonum.org/v1/plot/vg gonum.org/v1/plot/vg/draw
gonum.org/v1/plot/plotutil gonum.org/v1/plot/palette gonum.org/v1/plot/font gonum.org/v1/plot/text
gonum.org/v1/gonum/stat gonum.org/v1/gonum/floats
`)

// internal are exported names of spinlab's packages that only spinlab's
// own compiled code calls (the evaluator, the worker child, the session
// as a host), never a cell: they are left out of the tables, so that a
// cell can neither complete nor call them. TestInternalsAreLeftOut keeps
// its copy of this list in step.
var internal = map[string][]string{
	"github.com/spinlab/spinlab/runtimes": {"CountDecode", "EnvWorkerBin", "MarkStart", "SetDefault", "WorkerMain", "WorkerPooled"},
}

// dropInternal removes the entries of internal names from an extracted
// table of pkg.
func dropInternal(pkg string, src []byte) []byte {
	for _, name := range internal[pkg] {
		entry := regexp.MustCompile(`(?m)^\s*"` + name + `":\s+reflect\.ValueOf\(.*\),\n`)
		src = entry.ReplaceAll(src, nil)
	}
	// A constant's entry may have been the last use of these imports.
	for pkg, use := range map[string]string{"go/constant": "constant.", "go/token": "token."} {
		if !bytes.Contains(src, []byte(use)) {
			src = bytes.Replace(src, []byte("\t\""+pkg+"\"\n"), nil, 1)
		}
	}
	return src
}

// syscall's API differs by platform: one table per platform spinlab
// builds for, named so that the file name selects it.
var syscallPlatforms = []string{"linux/amd64", "linux/arm64"}

func main() {
	// One build of the tool for this machine: `go tool` with GOARCH set
	// for syscall's other platforms would build it for those.
	dir, err := os.MkdirTemp("", "spinlab-gen")
	check(err)
	defer os.RemoveAll(dir)
	yaegi = filepath.Join(dir, "yaegi")
	build := exec.Command("go", "build", "-o", yaegi, "github.com/traefik/yaegi/cmd/yaegi")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	check(build.Run())

	// With package paths as arguments, only their tables are made again
	// (the whole set takes many minutes): `go run gen.go
	// github.com/spinlab/spinlab/runtimes` after runtimes' API changed.
	only := os.Args[1:]
	var fresh []string
	if len(only) == 0 {
		old, err := filepath.Glob("*.go")
		check(err)
		for _, name := range old {
			if generated(name) {
				check(os.Remove(name))
			}
		}
		for _, pkg := range append(std, bundled...) {
			fresh = append(fresh, extract(pkg, nil))
		}
		for _, p := range syscallPlatforms {
			goos, goarch, _ := strings.Cut(p, "/")
			name := extract("syscall", []string{"GOOS=" + goos, "GOARCH=" + goarch})
			platform := fmt.Sprintf("syscall_%s_%s.go", goos, goarch)
			check(os.Rename(name, platform))
			fresh = append(fresh[:len(fresh)-1], platform)
		}
	} else {
		for _, pkg := range only {
			fresh = append(fresh, extract(pkg, nil))
		}
	}
	for _, name := range fresh {
		src, err := os.ReadFile(name)
		check(err)
		out, err := lazy(src)
		if err != nil {
			check(fmt.Errorf("%s: %w", name, err))
		}
		check(os.WriteFile(name, out, 0o644))
	}
}

// yaegi is the path of the yaegi command.
var yaegi string

// extract writes pkg's table and returns the name of the file it wrote
// (yaegi extract names it after the path: "/" and "." become "-" and "_").
func extract(pkg string, env []string) string {
	cmd := exec.Command(yaegi, "extract", "-name", "symbols", pkg)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		check(fmt.Errorf("extract %s: %w", pkg, err))
	}
	name := strings.NewReplacer("/", "-", ".", "_").Replace(pkg) + ".go"
	if len(internal[pkg]) > 0 {
		src, err := os.ReadFile(name)
		check(err)
		check(os.WriteFile(name, dropInternal(pkg, src), 0o644))
	}
	return name
}

var header = []byte("// Code generated by 'yaegi extract")

func generated(name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, len(header))
	n, _ := f.Read(b)
	return bytes.Equal(b[:n], header)
}

// initTable is the start of an extracted file's init func.
var initTable = regexp.MustCompile(`\nfunc init\(\) \{\n\tSymbols\[("[^"]+")\] = `)

// lazy rewrites
//
//	func init() {
//		Symbols["path/name"] = map[string]reflect.Value{...}
//	}
//
// into
//
//	func init() {
//		loaders["path/name"] = func() map[string]reflect.Value {
//			return map[string]reflect.Value{...}
//		}
//	}
func lazy(src []byte) ([]byte, error) {
	m := initTable.FindSubmatchIndex(src)
	if m == nil {
		return nil, fmt.Errorf("no init func that fills Symbols")
	}
	key := src[m[2]:m[3]]
	body := m[1]
	end := bytes.Index(src[body:], []byte("\n}\n"))
	if end < 0 {
		return nil, fmt.Errorf("the init func has no end")
	}
	end += body
	var b bytes.Buffer
	b.Write(src[:m[0]])
	fmt.Fprintf(&b, "\nfunc init() {\n\tloaders[%s] = func() map[string]reflect.Value {\n\t\treturn ", key)
	b.Write(src[body:end])
	b.WriteString("\n\t}\n}\n")
	b.Write(src[end+len("\n}\n"):])
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	if bytes.Contains(out, []byte("Symbols[")) {
		return nil, fmt.Errorf("a table outside the init func")
	}
	return out, nil
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
