package code

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// site is where one function's code lives, as found from its declaration.
type site struct {
	// entry is the display path of the handler module, or "" for inline
	// code.
	entry string
	lang  model.Format
	// handler is the name of the function the platform calls.
	handler string
	// inline is code written in the template (CloudFormation ZipFile, SAM
	// InlineCode); inlineLine is the template line its first line is on.
	inline     []byte
	inlineFile string
	inlineLine int
	// codeRoot is the function's code directory (Lambda puts it on the
	// Python path and resolves the handler below it).
	codeRoot string
	// notes say what was tried and why it did not work, or what was
	// guessed (a case-mismatched folder, TypeScript sources of a build).
	notes []model.Diagnostic
}

// fsys is the read access locate needs; *load.Root provides it.
type fsys interface {
	Head(rel string, n int) ([]byte, error)
	ReadDir(rel string) ([]dirEntry, error)
}

// dirEntry is a directory entry's name and kind.
type dirEntry struct {
	name string
	dir  bool
}

// rootFS adapts *load.Root.
type rootFS struct{ r *load.Root }

func (f rootFS) Head(rel string, n int) ([]byte, error) { return f.r.Head(rel, n) }

func (f rootFS) ReadDir(rel string) ([]dirEntry, error) {
	es, err := f.r.ReadDir(rel)
	if err != nil {
		return nil, err
	}
	out := make([]dirEntry, len(es))
	for i, e := range es {
		out[i] = dirEntry{name: e.Name(), dir: e.IsDir()}
	}
	return out, nil
}

// langOfRuntime maps a runtime identifier to a source language, or "" when
// the runtime is not one nightlight reads (or not set).
func langOfRuntime(rt string) model.Format {
	rt = strings.ToLower(rt)
	switch {
	case strings.HasPrefix(rt, "python"):
		return model.FormatPython
	case strings.HasPrefix(rt, "nodejs"), strings.HasPrefix(rt, "node"):
		return model.FormatJavaScript
	}
	return ""
}

// langOfFile maps a file name to its source language by extension.
func langOfFile(name string) model.Format {
	switch strings.ToLower(path.Ext(name)) {
	case ".py":
		return model.FormatPython
	case ".js", ".mjs", ".cjs", ".jsx":
		return model.FormatJavaScript
	case ".ts", ".mts", ".cts", ".tsx":
		if strings.HasSuffix(strings.ToLower(name), ".d.ts") {
			return ""
		}
		return model.FormatTypeScript
	}
	return ""
}

// exts lists the file extensions tried for a module of a runtime's
// language, most likely first.
func exts(lang model.Format) []string {
	switch lang {
	case model.FormatPython:
		return []string{".py"}
	case model.FormatJavaScript, model.FormatTypeScript:
		return []string{".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx"}
	}
	return []string{".py", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"}
}

// locate finds the code of f, declared in st. It returns nil when the
// function has no code nightlight could read (a container image, code in
// S3), with a note saying so when that is worth knowing.
func locate(st *model.Stack, f *model.Function, fs fsys) *site {
	s := &site{lang: langOfRuntime(f.Runtime.String())}
	rtSet := f.Runtime.IsResolved()
	if rtSet && s.lang == "" {
		return nil // a runtime nightlight does not read (java, go, provided, …)
	}
	if strings.EqualFold(f.PackageType.String(), "Image") {
		return nil
	}
	handler := f.Handler.String()
	if f.InlineCode.IsSet() {
		return locateInline(st, f, s)
	}
	// Where the code directory is, relative to which file.
	baseDir := path.Dir(st.File)
	if st.Format == model.FormatTerraform {
		baseDir = st.File // a Terraform stack's File is its module directory
		if ok, _ := isFile(fs, st.File); ok {
			baseDir = path.Dir(st.File)
		}
	}
	codeDir := baseDir
	posFor := f.Handler.PosOr(f.Pos)
	switch {
	case f.CodeSource.IsSet():
		// Terraform archive_file: source_dir or source_file.
		src := f.CodeSource
		if !src.IsResolved() {
			s.note(model.DiagInfo, src.PosOr(f.Pos), "function %s: the code source %s is not known statically; handler code not analysed", f.ID, describe(src))
			return s
		}
		p, err := joinRoot(baseDir, src.Str)
		if err != nil {
			s.note(model.DiagWarning, src.Pos, "function %s: code source %s: %v", f.ID, src.Str, err)
			return s
		}
		if ok, _ := isFile(fs, p); ok {
			s.entry = p
			if s.lang == "" || langOfFile(p) != "" {
				s.lang = langOfFile(p)
			}
			s.handler = handlerFunc(handler)
			return s
		}
		codeDir = p
		posFor = src.Pos
	case f.CodeURI.IsSet():
		uri := f.CodeURI
		if !uri.IsResolved() || uri.Kind != model.String {
			if st.Format == model.FormatSAM || st.Format == model.FormatServerless {
				s.note(model.DiagInfo, uri.PosOr(f.Pos), "function %s: code location %s is not a local path known statically; handler code not analysed", f.ID, describe(uri))
			}
			return nil
		}
		u := uri.Str
		lu := strings.ToLower(u)
		switch {
		case strings.Contains(u, "://") || strings.HasPrefix(u, "arn:"):
			return nil // code in S3, a registry or a repository
		case strings.HasSuffix(lu, ".zip") || strings.HasSuffix(lu, ".jar") || strings.HasSuffix(lu, ".war"):
			s.note(model.DiagInfo, uri.Pos, "function %s: code is only in the archive %s; nightlight does not open archives, so handler code was not analysed", f.ID, u)
			return s
		}
		if st.Format == model.FormatCloudFormation || (st.Format == model.FormatTerraform && f.CodeSource == nil) {
			// Code.S3Key, or a Terraform filename/s3_key that is not a zip.
			return nil
		}
		p, err := joinRoot(baseDir, u)
		if err != nil {
			s.note(model.DiagWarning, uri.Pos, "function %s: CodeUri %s: %v", f.ID, u, err)
			return s
		}
		if ok, _ := isFile(fs, p); ok {
			// CodeUri names the file itself (serverless artifacts, plat
			// loaders).
			s.entry, s.handler = p, handlerFunc(handler)
			if l := langOfFile(p); l != "" {
				s.lang = l
			}
			return s
		}
		real, how := findDir(fs, p)
		if real == "" {
			s.note(model.DiagWarning, uri.Pos, "function %s: code directory %s does not exist; handler code not analysed", f.ID, p)
			return s
		}
		if how != "" {
			s.note(model.DiagInfo, uri.Pos, "function %s: %s", f.ID, how)
		}
		codeDir = real
		posFor = f.Handler.PosOr(uri.Pos)
	case st.Format == model.FormatServerless:
		// Handler paths are relative to the service directory.
	default:
		return nil
	}
	if handler == "" {
		if p := defaultEntry(fs, codeDir, s.lang); p != "" {
			s.entry, s.lang, s.handler = p, langOfFile(p), ""
			return s
		}
		return nil
	}
	mod, fn := splitHandler(handler, s.lang)
	s.handler = fn
	p, lang, how := findModule(fs, codeDir, mod, s.lang)
	if p == "" {
		for _, e := range exts(s.lang) {
			if _, err := fs.Head(path.Join(codeDir, mod)+e, 1); err != nil && outsideRoot(err) {
				s.note(model.DiagWarning, posFor, "function %s: handler file %s leaves the scanned root (a symbolic link to elsewhere?); not read", f.ID, path.Join(codeDir, mod)+e)
				return s
			}
		}
		s.note(model.DiagWarning, posFor, "function %s: handler %s: no source file %s (tried %s) ; handler code not analysed", f.ID, handler,
			path.Join(codeDir, mod)+".*", strings.Join(exts(s.lang), ", "))
		return s
	}
	if how != "" {
		s.note(model.DiagInfo, posFor, "function %s: %s", f.ID, how)
	}
	s.entry, s.lang, s.codeRoot = p, lang, codeDir
	return s
}

// locateInline handles code written in the template.
func locateInline(st *model.Stack, f *model.Function, s *site) *site {
	v := f.InlineCode
	if !v.IsResolved() || v.Kind != model.String {
		s.note(model.DiagInfo, v.PosOr(f.Pos), "function %s: inline code is not known statically (%s); not analysed", f.ID, describe(v))
		return s
	}
	if s.lang == "" {
		return nil
	}
	_, s.handler = splitHandler(f.Handler.String(), s.lang)
	s.inline = []byte(v.Str)
	s.inlineFile = v.Pos.File
	if s.inlineFile == "" {
		s.inlineFile = st.File
	}
	// A block scalar (|) starts on the line after its key; a one-line
	// string on the key's line.
	s.inlineLine = v.Pos.Line
	if strings.Contains(v.Str, "\n") {
		s.inlineLine++
	}
	return s
}

// splitHandler splits "src/app.handler" into the module path ("src/app")
// and the function name ("handler"). Python dots in the module are package
// separators.
func splitHandler(h string, lang model.Format) (mod, fn string) {
	i := strings.LastIndex(h, ".")
	if i < 0 {
		return h, ""
	}
	mod, fn = h[:i], h[i+1:]
	if lang == model.FormatPython {
		dir, base := path.Split(mod)
		mod = dir + strings.ReplaceAll(base, ".", "/")
	}
	return mod, fn
}

// handlerFunc returns the function part of a handler string.
func handlerFunc(h string) string {
	if i := strings.LastIndex(h, "."); i >= 0 {
		return h[i+1:]
	}
	return h
}

func (s *site) note(sev model.DiagSeverity, pos model.Pos, format string, args ...any) {
	s.notes = append(s.notes, model.Diagnostic{Pos: pos, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

func describe(v *model.Value) string {
	if v == nil {
		return "(unset)"
	}
	if v.Source != "" {
		return v.Source
	}
	return v.String()
}

// joinRoot joins a relative reference to dir, refusing absolute paths and
// paths that climb out of the scan.
func joinRoot(dir, ref string) (string, error) {
	ref = strings.TrimPrefix(strings.ReplaceAll(ref, "\\", "/"), "./")
	if ref == "" || ref == "." {
		return dir, nil
	}
	if path.IsAbs(ref) || (len(ref) > 1 && ref[1] == ':') {
		return "", fmt.Errorf("absolute path: %w", load.ErrOutsideRoot)
	}
	return path.Join(dir, ref), nil
}

func isFile(fs fsys, p string) (bool, error) {
	_, err := fs.Head(p, 1)
	return err == nil, err
}

func isDir(fs fsys, p string) bool {
	_, err := fs.ReadDir(p)
	return err == nil
}

// findDir returns p when it is a directory, else the directory whose path
// matches p ignoring case (a CodeUri written as src/Orders for src/orders
// deploys from macOS and fails on Linux), with a note; "" when neither
// exists.
func findDir(fs fsys, p string) (string, string) {
	if isDir(fs, p) {
		return p, ""
	}
	if real := foldPath(fs, p, true); real != "" {
		return real, fmt.Sprintf("the code directory is written %s but exists as %s (case differs: this deploys only from a case-insensitive file system); analysed %s", p, real, real)
	}
	return "", ""
}

// foldPath resolves p component by component, matching names ignoring case
// where the exact name does not exist; "" when nothing matches.
func foldPath(fs fsys, p string, wantDir bool) string {
	parts := strings.Split(p, "/")
	cur := ""
	for i, part := range parts {
		if part == "" || part == "." || part == ".." || i == 0 {
			// The first component is the scan root's own prefix.
			cur = joinPart(cur, part)
			continue
		}
		dir := cur
		if dir == "" {
			dir = "."
		}
		es, err := fs.ReadDir(dir)
		if err != nil {
			return ""
		}
		found := ""
		last := i == len(parts)-1
		for _, e := range es {
			if e.name == part && (!last || e.dir == wantDir) {
				found = e.name
				break
			}
		}
		if found == "" {
			for _, e := range es {
				if strings.EqualFold(e.name, part) && (!last || e.dir == wantDir) {
					found = e.name
					break
				}
			}
		}
		if found == "" {
			return ""
		}
		cur = joinPart(cur, found)
	}
	return cur
}

func joinPart(cur, part string) string {
	if cur == "" {
		return part
	}
	return cur + "/" + part
}

// findModule finds the source file of module mod (a slash path without
// extension) below dir: mod.ext, mod/index.ext or mod/__init__.py; then
// the TypeScript sources of a build output (dist/x.js → src/x.ts); then a
// case-insensitive match. It returns the path, its language and a note
// when it had to guess.
func findModule(fs fsys, dir, mod string, lang model.Format) (string, model.Format, string) {
	try := func(base string) string {
		for _, e := range exts(lang) {
			if ok, _ := isFile(fs, base+e); ok {
				return base + e
			}
		}
		if lang == model.FormatPython || lang == "" {
			if ok, _ := isFile(fs, base+"/__init__.py"); ok {
				return base + "/__init__.py"
			}
		}
		return ""
	}
	base := path.Join(dir, mod)
	if p := try(base); p != "" {
		return p, langOfFile(p), ""
	}
	// TypeScript built into dist/, build/, .build/, lib/ or out/: the
	// sources usually sit in src/ (or beside the output folder).
	if lang != model.FormatPython {
		for _, out := range []string{"dist", "build", ".build", "lib", "out", ".esbuild", ".webpack"} {
			for _, cand := range buildSources(dir, mod, out) {
				for _, e := range []string{".ts", ".mts", ".cts", ".tsx", ".js", ".mjs"} {
					if ok, _ := isFile(fs, cand+e); ok {
						return cand + e, langOfFile(cand + e), fmt.Sprintf("handler module %s exists only after a build; analysed its source %s", base, cand+e)
					}
				}
			}
		}
	}
	// Case mismatch.
	for _, e := range exts(lang) {
		if real := foldPath(fs, base+e, false); real != "" {
			return real, langOfFile(real), fmt.Sprintf("handler file %s exists as %s (case differs); analysed %s", base+e, real, real)
		}
	}
	return "", "", ""
}

// buildSources returns candidate source paths (without extension) for a
// module inside the build output folder out.
func buildSources(dir, mod, out string) []string {
	var cands []string
	full := path.Join(dir, mod)
	segs := strings.Split(full, "/")
	for i, s := range segs {
		if s != out {
			continue
		}
		pre := strings.Join(segs[:i], "/")
		post := strings.Join(segs[i+1:], "/")
		cands = append(cands, path.Join(pre, "src", post), path.Join(pre, post))
		// dist/src/x.js → src/x.ts is covered by the second form.
	}
	return cands
}

// defaultEntry returns the conventional entry file of a code directory
// when the declaration names no handler (Azure, Google, OpenWhisk).
func defaultEntry(fs fsys, dir string, lang model.Format) string {
	var names []string
	switch lang {
	case model.FormatPython:
		names = []string{"main.py", "__init__.py", "app.py"}
	case model.FormatJavaScript, model.FormatTypeScript:
		names = []string{"index.js", "index.mjs", "index.ts", "main.js"}
	default:
		names = []string{"main.py", "__init__.py", "index.js", "index.mjs", "index.ts"}
	}
	for _, n := range names {
		p := path.Join(dir, n)
		if ok, _ := isFile(fs, p); ok {
			return p
		}
	}
	return ""
}

// outsideRoot reports whether err is a refusal to leave the scan root.
func outsideRoot(err error) bool {
	return errors.Is(err, load.ErrOutsideRoot) || strings.Contains(err.Error(), "escapes from parent") || strings.Contains(err.Error(), "path escapes")
}
