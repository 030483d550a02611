// Package load holds what every input loader shares: the unit of work a
// loader is handed, the options and limits it must honour, positioned
// errors, and reading files without leaving the scanned root.
//
// One package per format lives below it (cfn, sam, serverless, terraform);
// each translates its input into internal/model.
package load

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/nightlight-sec/nightlight/internal/decode"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// File is one input file: its path for display (relative to the scan root,
// slash-separated) and its contents.
type File struct {
	Path string
	Data []byte
}

// Unit is what one loader call loads: a template file, a serverless.yml, or
// the .tf files of one Terraform module directory.
type Unit struct {
	Format model.Format
	// Path is the unit's display path: the file, or the module directory.
	Path  string
	Files []File
	// Root gives read access to the scan root for loaders that follow
	// references to other files (${file(...)}, file(), local modules). It
	// refuses paths that leave the root. It may be nil, in which case no
	// other file can be read.
	Root *Root
}

// Options are the user's settings for loading.
type Options struct {
	// Params overrides template parameters, Serverless options (stage,
	// region) and Terraform variables by name.
	Params map[string]string
	// Env holds environment variables for ${env:…}, only when the user
	// asked for them explicitly (an --env-file); nil means none.
	Env map[string]string
	// VarFiles are Terraform variable files (--var-file), root-relative
	// slash paths, applied in order after terraform.tfvars and
	// *.auto.tfvars; nil means none.
	VarFiles []string
	Limits   Limits
	// Cache memoizes work that several units of one scan would repeat
	// (parsing a Terraform module that many root modules call); nil
	// memoizes nothing.
	Cache *Cache
	// ParamUse records which Params the loaders looked up and which
	// values they rejected, so that a misspelt --param is reported
	// instead of silently changing nothing; nil records nothing.
	ParamUse *ParamUse
}

// Param returns the override of the parameter, option or variable name
// and records that a loader looked it up.
func (o Options) Param(name string) (string, bool) {
	o.ParamUse.lookedUp(name)
	v, ok := o.Params[name]
	return v, ok
}

// ParamUse records, across the loaders of one scan, the parameter names
// looked up and the override values rejected. It is safe for concurrent
// use; a nil *ParamUse records nothing.
type ParamUse struct {
	mu       sync.Mutex
	names    map[string]bool
	rejected map[string]ParamRejection
}

// ParamRejection says why an override does not fit its parameter.
type ParamRejection struct {
	// Pos is the parameter's declaration.
	Pos model.Pos
	// Allowed lists the values the parameter allows.
	Allowed []string
}

func (u *ParamUse) lookedUp(name string) {
	if u == nil {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.names == nil {
		u.names = map[string]bool{}
	}
	u.names[name] = true
}

// Reject records that the override of name is not among the allowed
// values of the parameter declared at pos.
func (u *ParamUse) Reject(name string, pos model.Pos, allowed []string) {
	if u == nil {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.rejected == nil {
		u.rejected = map[string]ParamRejection{}
	}
	if _, ok := u.rejected[name]; !ok {
		u.rejected[name] = ParamRejection{Pos: pos, Allowed: allowed}
	}
}

// LookedUp reports whether a loader looked name up.
func (u *ParamUse) LookedUp(name string) bool {
	if u == nil {
		return false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.names[name]
}

// Names returns the names looked up, sorted (for suggestions).
func (u *ParamUse) Names() []string {
	if u == nil {
		return nil
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]string, 0, len(u.names))
	for n := range u.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Rejected returns the rejection of name's override, if any.
func (u *ParamUse) Rejected(name string) (ParamRejection, bool) {
	if u == nil {
		return ParamRejection{}, false
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	r, ok := u.rejected[name]
	return r, ok
}

// Cache memoizes values by key for the duration of one scan. It is safe for
// concurrent use: when two loaders ask for the same key at once, one builds
// the value and the other waits for it. A nil *Cache builds every time.
type Cache struct{ m sync.Map }

type cacheEntry struct {
	once sync.Once
	v    any
}

// Do returns the value for key, calling build to make it the first time.
// The value must not be modified by its users.
func (c *Cache) Do(key string, build func() any) any {
	if c == nil {
		return build()
	}
	e, _ := c.m.LoadOrStore(key, &cacheEntry{})
	ce := e.(*cacheEntry)
	ce.once.Do(func() { ce.v = build() })
	return ce.v
}

// Limits bound the work a hostile input can cause (see decode.Limits,
// which the YAML and JSON decoders share with the loaders and the IAM
// policy parser).
type Limits = decode.Limits

// Default limits.
const (
	DefaultMaxFileBytes    = decode.DefaultMaxFileBytes
	DefaultMaxDepth        = decode.DefaultMaxDepth
	DefaultMaxNodes        = decode.DefaultMaxNodes
	DefaultMaxResources    = decode.DefaultMaxResources
	DefaultMaxResolveSteps = decode.DefaultMaxResolveSteps
)

// Error is a problem with the input at a position (see decode.Error). Its
// text is "file:line:col: message", the form editors and CI annotate.
type Error = decode.Error

// Errorf returns an *Error at pos.
func Errorf(pos model.Pos, format string, args ...any) error {
	return decode.Errorf(pos, format, args...)
}

// PosOf returns the position carried by err when it is (or wraps) an
// *Error, and the zero Pos otherwise.
func PosOf(err error) model.Pos { return decode.PosOf(err) }

// ErrOutsideRoot is returned when an input asks for a file outside the
// scanned root.
var ErrOutsideRoot = errors.New("path leaves the scanned root")

// Root reads files below a directory and refuses anything that would leave
// it: "..", absolute paths, and symbolic links that point outside. It wraps
// os.Root, which checks every path component against the root.
//
// Paths given to a Root are display paths: the paths reports show, which
// start with the root's display prefix (the directory as the user named it,
// e.g. "../apps/orders"). Positions carry display paths, so a loader
// resolves a reference made in a file with Resolve(path.Dir(pos.File), ref).
type Root struct {
	dir     string
	prefix  string
	root    *os.Root
	maxSize int64
}

// OpenRoot opens dir as a read-only root whose display prefix is display
// (slash-separated; "" or "." when paths are shown relative to the root
// itself). maxSize bounds the size of any file read through it (0 means
// DefaultMaxFileBytes).
func OpenRoot(dir, display string, maxSize int64) (*Root, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open scan root: %w", err)
	}
	if maxSize <= 0 {
		maxSize = DefaultMaxFileBytes
	}
	display = path.Clean(filepath.ToSlash(display))
	return &Root{dir: dir, prefix: display, root: r, maxSize: maxSize}, nil
}

// Resolve joins name (a relative reference written in a file) to the display
// directory fromDir and returns the display path, or an error wrapping
// ErrOutsideRoot when the result would leave the root.
func (r *Root) Resolve(fromDir, name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("empty path")
	}
	name = filepath.ToSlash(name)
	if path.IsAbs(name) || filepath.IsAbs(name) || (len(name) > 1 && name[1] == ':') {
		return "", fmt.Errorf("%s: %w", name, ErrOutsideRoot)
	}
	p := path.Join(fromDir, name)
	if _, err := r.rel(p); err != nil {
		return "", fmt.Errorf("%s: %w", name, ErrOutsideRoot)
	}
	return p, nil
}

// rel turns a display path into a path relative to the root, or fails with
// ErrOutsideRoot.
func (r *Root) rel(p string) (string, error) {
	p = path.Clean(filepath.ToSlash(p))
	if r == nil || r.prefix == "" || r.prefix == "." {
		return Clean(".", p)
	}
	switch {
	case p == r.prefix:
		return ".", nil
	case strings.HasPrefix(p, r.prefix+"/"):
		return Clean(".", p[len(r.prefix)+1:])
	case r.prefix == "/" && strings.HasPrefix(p, "/"):
		return Clean(".", p[1:])
	}
	return "", fmt.Errorf("%s: %w", p, ErrOutsideRoot)
}

// Close releases the root.
func (r *Root) Close() error {
	if r == nil || r.root == nil {
		return nil
	}
	return r.root.Close()
}

// FS returns the root as a read-only file system (paths relative to the
// root, not display paths; see Rel), refusing paths that leave it.
func (r *Root) FS() fs.FS { return r.root.FS() }

// Rel turns a display path into a path relative to the root (for FS), or
// fails with ErrOutsideRoot.
func (r *Root) Rel(display string) (string, error) { return r.rel(display) }

// Dir is the root's directory as opened.
func (r *Root) Dir() string { return r.dir }

// Clean resolves name (slash-separated) relative to the directory from
// (both relative to the same top directory) and returns the joined path, or
// ErrOutsideRoot when it leaves that top directory. Loaders resolving
// references to files use Root.Resolve, which knows the root's display
// prefix.
func Clean(from, name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("empty path")
	}
	name = filepath.ToSlash(name)
	if path.IsAbs(name) || filepath.IsAbs(name) || (len(name) > 1 && name[1] == ':') {
		return "", fmt.Errorf("%s: %w", name, ErrOutsideRoot)
	}
	p := path.Join(from, name)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("%s: %w", name, ErrOutsideRoot)
	}
	return p, nil
}

// ReadFile reads the file at display path rel (see Root). It fails with
// ErrOutsideRoot for paths that leave the root, including through symbolic
// links, and refuses files over the size limit.
func (r *Root) ReadFile(rel string) ([]byte, error) {
	if r == nil {
		return nil, fmt.Errorf("read %s: no file access in this context", rel)
	}
	p, err := r.rel(rel)
	if err != nil {
		return nil, err
	}
	f, err := r.root.Open(filepath.FromSlash(p))
	if err != nil {
		return nil, openError(rel, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("read %s: is a directory", rel)
	}
	if st.Size() > r.maxSize {
		return nil, Errorf(model.Pos{File: rel}, "file is %d bytes, over the %d-byte limit", st.Size(), r.maxSize)
	}
	data, err := readSized(f, st.Size(), r.maxSize)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	if int64(len(data)) > r.maxSize {
		return nil, Errorf(model.Pos{File: rel}, "file is over the %d-byte limit", r.maxSize)
	}
	return data, nil
}

// readSized reads f to its end, at most limit+1 bytes, into one buffer of
// the size Stat gave (plus one byte to see the end), growing it only when
// the file grew meanwhile: io.ReadAll doubles from 512 bytes, about twice
// the file's size in allocations.
func readSized(f io.Reader, size, limit int64) ([]byte, error) {
	if size < 0 || size > limit {
		size = 0
	}
	data := make([]byte, 0, size+1)
	lr := io.LimitReader(f, limit+1)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := lr.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return data, err
		}
	}
}

// Head reads at most n bytes from the start of the file at display path rel,
// whatever its size: enough to recognise what a file is before reading it
// whole.
func (r *Root) Head(rel string, n int) ([]byte, error) {
	if r == nil {
		return nil, fmt.Errorf("read %s: no file access in this context", rel)
	}
	p, err := r.rel(rel)
	if err != nil {
		return nil, err
	}
	f, err := r.root.Open(filepath.FromSlash(p))
	if err != nil {
		return nil, openError(rel, err)
	}
	defer f.Close()
	// Callers ask for up to a megabyte to read small files whole: size
	// the buffer by the file (one byte more, to see a file that grew),
	// and read on only if it is filled.
	size := n
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() < int64(n) {
		size = int(fi.Size()) + 1
	}
	buf := make([]byte, size)
	k, err := io.ReadFull(f, buf)
	if err == nil && k < n {
		rest, rerr := io.ReadAll(io.LimitReader(f, int64(n-k)))
		buf, k, err = append(buf[:k], rest...), k+len(rest), rerr
	}
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	return buf[:k], nil
}

// ReadDir lists the directory at display path rel.
func (r *Root) ReadDir(rel string) ([]fs.DirEntry, error) {
	if r == nil {
		return nil, fmt.Errorf("read %s: no file access in this context", rel)
	}
	p, err := r.rel(rel)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(r.root.FS(), p)
	if err != nil {
		if escapes(err) {
			return nil, fmt.Errorf("%s: %w", rel, ErrOutsideRoot)
		}
		return nil, fmt.Errorf("read directory %s: %w", rel, err)
	}
	return entries, nil
}

// openError wraps an error of opening rel through the root: ErrOutsideRoot
// when the path escapes it (a symbolic link pointing outside), else the
// error itself.
func openError(rel string, err error) error {
	if escapes(err) {
		return fmt.Errorf("%s: %w", rel, ErrOutsideRoot)
	}
	return fmt.Errorf("read %s: %w", rel, err)
}

// escapes reports whether err is os.Root refusing a path that leaves the
// root. os.Root has no exported error value for it; its message says so.
func escapes(err error) bool {
	return strings.Contains(err.Error(), "escapes from parent") || strings.Contains(err.Error(), "path escapes")
}
