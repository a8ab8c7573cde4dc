package notebook

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// Saving a file that a person keeps open in JupyterLab, or links into a
// site, must never leave half of it behind nor replace a symbolic link
// with a copy. So an output file is written as editors write: a temporary
// file in the directory of the real file (after every link), renamed over
// it with the mode the old file had. A name that is a device or a pipe
// (/dev/stdout) is written to directly, since renaming over it would
// replace the device node.

// WriteFile writes nb to the named file, replacing it as a whole (see
// above): a failure never leaves half a notebook behind, and a name that
// is a symbolic link stays one while the file it points to changes.
func (nb *Notebook) WriteFile(name string) error {
	b, err := nb.Marshal()
	if err != nil {
		return err
	}
	return writeFile(name, b)
}

// WriteHTMLFile writes nb's HTML page (see [Notebook.WriteHTML]) to the
// named file as [Notebook.WriteFile] writes a notebook.
func (nb *Notebook) WriteHTMLFile(name, title string) error {
	var buf bytes.Buffer
	if err := nb.WriteHTML(&buf, title); err != nil {
		return err
	}
	return writeFile(name, buf.Bytes())
}

// CheckWritable reports why [Notebook.WriteFile] could not write name,
// without running anything first: a missing directory, a directory in
// place of the file, a directory that does not take new files. It creates
// nothing that it leaves behind.
func CheckWritable(name string) error {
	if fi, err := os.Stat(name); err == nil {
		switch {
		case fi.IsDir():
			return fmt.Errorf("%s is a directory", name)
		case !fi.Mode().IsRegular():
			// Written directly: opening a pipe to test it would block until
			// a reader comes.
			if err := unix.Access(name, unix.W_OK); err != nil {
				return fmt.Errorf("%s is not writable: %w", name, err)
			}
			return nil
		}
	}
	real, err := resolveLinks(name)
	if err != nil {
		return err
	}
	dir := filepath.Dir(real)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: directory %s does not exist (spinlab does not create it)", name, dir)
	case err != nil:
		return fmt.Errorf("%s: %w", name, err)
	case !fi.IsDir():
		return fmt.Errorf("%s: %s is not a directory", name, dir)
	}
	// The first step of writeFile, undone: the one test that answers for
	// permissions, read-only mounts, ACLs and full inode tables alike.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(real)+".*.tmp")
	if err != nil {
		return fmt.Errorf("%s: cannot create files in %s: %w", name, dir, unwrapPath(err))
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// writeFile replaces the file that name is, or points to, with b.
func writeFile(name string, b []byte) (err error) {
	if fi, err := os.Stat(name); err == nil && !fi.IsDir() && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return err
		}
		_, werr := f.Write(b)
		return errors.Join(werr, f.Close())
	}
	real, err := resolveLinks(name)
	if err != nil {
		return err
	}
	perm := os.FileMode(0o644)
	if fi, err := os.Stat(real); err == nil {
		perm = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(real), "."+filepath.Base(real)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), perm); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), real)
}

// resolveLinks returns the path of the file that name stands for, with
// every symbolic link on the way resolved, also when the last link points
// to a file that does not exist yet (as open(2) with O_CREAT would create
// it). When name's directory does not exist, name comes back as it is,
// for the caller to report.
func resolveLinks(name string) (string, error) {
	for range 40 { // Linux's own limit on links in a path
		// The directory is resolved by the kernel's rules, not cleaned
		// first: "link/../x" climbs from where link points.
		dir, base := splitPath(name)
		realDir, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return name, nil
		}
		p := filepath.Join(realDir, base)
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = realDir + string(filepath.Separator) + target
		}
		name = target
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", name)
}

// splitPath splits name at its last separator, without cleaning either
// part as filepath.Split and filepath.Dir do.
func splitPath(name string) (dir, base string) {
	i := strings.LastIndexByte(name, filepath.Separator)
	switch {
	case i < 0:
		return ".", name
	case i == 0:
		return string(filepath.Separator), name[1:]
	}
	return name[:i], name[i+1:]
}

// unwrapPath drops the *fs.PathError around err: the caller names the
// path already, and a temporary file's random name says nothing.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
