package code

import (
	"encoding/json"
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
	// regLine is the line of entry where the function is registered in
	// code (a Firebase export, an Azure Functions v4 app.http(…) call or
	// Python v2 decorated def): its handler is the function registered
	// there, not one named by handler. 0 when the declaration names the
	// handler.
	regLine int
	// defaultExport: the declaration names no handler and the platform
	// calls the module's single or default export (Azure Functions
	// Node.js v3 without entryPoint).
	defaultExport bool
	// model is the platform's programming model, which decides which
	// handler parameter receives the event and how it is read (see
	// triggersOf): "" for AWS Lambda, else one of the model* constants.
	model string
	// azureProject is the folder of the Azure Functions project a
	// Terraform function app deploys (its archive_file source): the
	// app's functions are found in it as the native loader finds them
	// (see azureAppSites).
	azureProject string
}

// Programming models of the non-AWS platforms whose handlers nightlight
// reads.
const (
	modelAzureV3JS = "azure-v3-js" // function.json + module.exports = async (context, req)
	modelAzureV4JS = "azure-v4-js" // app.http('name', { handler: (request, context) => … })
	modelAzurePy   = "azure-py"    // def main(req: func.HttpRequest), v1 and v2
	modelFirebase  = "firebase"    // exports.x = onRequest((req, res) => …), @https_fn.on_request()
	modelGoogle    = "google"      // Cloud Functions: Express (req, res) / Flask request, event functions
	modelWhisk     = "openwhisk"   // function main(params)
)

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
	case ".go":
		return model.FormatGo
	case ".java":
		return model.FormatJava
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
	if s, ok := locateCompiled(st, f, fs); ok {
		return s
	}
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
	switch st.Format {
	case model.FormatFirebase, model.FormatAzureFunctions:
		return locateNative(st, f, fs, s)
	case model.FormatWskdeploy:
		s.model = modelWhisk
		if handler == "" {
			handler = "main" // the action's default entry function
		}
	}
	// Google Cloud Functions' entry_point and OpenWhisk's main name a
	// function of the code's entry module, not module.function.
	google := st.Format == model.FormatTerraform && strings.Contains(f.ID, "google_cloudfunctions")
	if google {
		s.model = modelGoogle
	}
	nameOnly := google || st.Format == model.FormatWskdeploy
	azureApp := st.Format == model.FormatTerraform && isAzureFunctionApp(f.ID)
	if (google || azureApp) && !f.CodeSource.IsSet() {
		return noSource(f, s, google)
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
		if azureApp {
			real, how := findDir(fs, p)
			if real == "" {
				s.note(model.DiagWarning, src.Pos, "function %s: code directory %s (the archive_file source its package is built from) does not exist; handler code not analysed", f.ID, p)
				return s
			}
			if how != "" {
				s.note(model.DiagInfo, src.Pos, "function %s: %s", f.ID, how)
			}
			s.azureProject = real
			return s
		}
		if ok, _ := isFile(fs, p); ok {
			s.entry = p
			if s.lang == "" || langOfFile(p) != "" {
				s.lang = langOfFile(p)
			}
			s.handler = handlerFunc(handler)
			if nameOnly {
				s.handler = handler
			}
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
	if handler == "" || nameOnly {
		if p := defaultEntry(fs, codeDir, s.lang); p != "" {
			s.entry, s.lang, s.handler, s.codeRoot = p, langOfFile(p), handler, codeDir
			return s
		}
		if nameOnly {
			s.note(model.DiagInfo, posFor, "function %s: no entry module (package.json main, index.js, main.py, __main__.py) in %s; handler code not analysed", f.ID, codeDir)
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

// isAzureFunctionApp reports whether a Terraform function is an Azure
// function app (azurerm_linux_function_app and the like).
func isAzureFunctionApp(id string) bool {
	for _, typ := range []string{"azurerm_function_app.", "azurerm_linux_function_app.", "azurerm_windows_function_app.", "azurerm_function_app_flex_consumption."} {
		if strings.HasPrefix(id, typ) || strings.Contains(id, "."+typ) {
			return true
		}
	}
	return false
}

// noSource notes why a Terraform Google Cloud Function or Azure function
// app whose code is not built from a local folder (an archive_file) was
// not analysed.
func noSource(f *model.Function, s *site, google bool) *site {
	uri := f.CodeURI
	switch {
	case google && uri.IsSet():
		s.note(model.DiagInfo, uri.PosOr(f.Pos), "function %s: its source %s is not built by an archive_file of this configuration from a local folder (a prebuilt archive, a bucket object uploaded elsewhere or a source repository); handler code not analysed", f.ID, describe(uri))
	case google:
		s.note(model.DiagInfo, f.Pos, "function %s: no source archive or repository this configuration builds from a local folder; handler code not analysed", f.ID)
	case uri.IsSet():
		s.note(model.DiagInfo, uri.PosOr(f.Pos), "function app %s: its package %s is not built by an archive_file of this configuration from a local folder; handler code not analysed", f.ID, describe(uri))
	default:
		s.note(model.DiagInfo, f.Pos, "function app %s: this configuration does not deploy its code (no zip_deploy_file, and no WEBSITE_RUN_FROM_PACKAGE built by an archive_file); handler code not analysed", f.ID)
	}
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
		names = []string{"main.py", "__main__.py", "__init__.py", "app.py"}
	case model.FormatJavaScript, model.FormatTypeScript:
		names = []string{"index.js", "index.mjs", "index.ts", "main.js"}
	default:
		names = []string{"main.py", "__main__.py", "__init__.py", "index.js", "index.mjs", "index.ts"}
	}
	if lang != model.FormatPython {
		// package.json "main" (Cloud Functions, OpenWhisk zip actions).
		if data, err := fs.Head(path.Join(dir, "package.json"), 1<<20); err == nil {
			var pkg struct {
				Main string `json:"main"`
			}
			if json.Unmarshal(data, &pkg) == nil && pkg.Main != "" {
				if p, err := joinRoot(dir, pkg.Main); err == nil {
					if ok, _ := isFile(fs, p); ok && langOfFile(p) != "" {
						return p
					}
					if m, _, _ := findModule(fs, dir, strings.TrimSuffix(strings.TrimPrefix(pkg.Main, "./"), path.Ext(pkg.Main)), lang); m != "" {
						return m
					}
				}
			}
		}
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

// locateNative finds the code of a function of a native Firebase or Azure
// Functions project. Functions registered in code (Firebase exports, Azure
// Node.js v4 app.http(…) calls, Python v2 decorators) are declared at
// their registration: the handler is the function registered there. An
// Azure function.json names its script (scriptFile, default index.js or
// __init__.py beside it) and entry function (entryPoint, default main in
// Python and the module's export in Node.js).
func locateNative(st *model.Stack, f *model.Function, fs fsys, s *site) *site {
	file := f.Pos.File
	if l := langOfFile(file); l != "" {
		s.entry, s.lang, s.regLine, s.handler = file, l, f.Pos.Line, f.ID
		s.codeRoot = nativeRoot(st, file)
		s.model = modelFirebase
		if st.Format == model.FormatAzureFunctions {
			s.model = modelAzureV4JS
			if l == model.FormatPython {
				s.model = modelAzurePy
			}
		}
		return s
	}
	if st.Format != model.FormatAzureFunctions || path.Base(file) != "function.json" {
		return nil
	}
	data, err := fs.Head(file, 1<<20)
	if err != nil {
		return nil
	}
	var decl struct {
		ScriptFile string `json:"scriptFile"`
		EntryPoint string `json:"entryPoint"`
	}
	if json.Unmarshal(data, &decl) != nil {
		return nil // the loader reported the syntax error
	}
	if s.lang == "" && decl.ScriptFile != "" {
		s.lang = langOfFile(decl.ScriptFile)
	}
	if s.lang == "" && decl.ScriptFile == "" {
		// No worker runtime declared (local.settings.json is not
		// committed): the default script beside function.json says.
		for _, n := range []string{"index.js", "index.mjs", "index.cjs", "__init__.py"} {
			if ok, _ := isFile(fs, path.Join(path.Dir(file), n)); ok {
				s.lang = langOfFile(n)
				break
			}
		}
	}
	if s.lang == "" {
		return nil // PowerShell, Java, C#, custom handlers: not read
	}
	dir := path.Dir(file)
	s.codeRoot = path.Dir(dir)
	s.model = modelAzureV3JS
	if s.lang == model.FormatPython {
		s.model = modelAzurePy
	}
	if decl.ScriptFile != "" {
		p, err := joinRoot(dir, decl.ScriptFile)
		if err != nil {
			s.note(model.DiagWarning, f.Pos, "function %s: scriptFile %s: %v", f.ID, decl.ScriptFile, err)
			return s
		}
		if ok, _ := isFile(fs, p); ok {
			s.entry = p
		} else if m, lang, how := findModule(fs, dir, strings.TrimSuffix(strings.TrimPrefix(decl.ScriptFile, "./"), path.Ext(decl.ScriptFile)), s.lang); m != "" {
			s.entry, s.lang = m, lang
			if how != "" {
				s.note(model.DiagInfo, f.Pos, "function %s: %s", f.ID, how)
			}
		} else {
			s.note(model.DiagWarning, f.Pos, "function %s: scriptFile %s does not exist; handler code not analysed", f.ID, p)
			return s
		}
		if l := langOfFile(s.entry); l != "" {
			s.lang = l
		}
	} else {
		names := []string{"index.js", "index.mjs", "index.cjs"}
		if s.lang == model.FormatPython {
			names = []string{"__init__.py", "main.py"}
		}
		for _, n := range names {
			if ok, _ := isFile(fs, path.Join(dir, n)); ok {
				s.entry = path.Join(dir, n)
				break
			}
		}
		if s.entry == "" {
			s.note(model.DiagWarning, f.Pos, "function %s: no %s beside function.json and no scriptFile; handler code not analysed", f.ID, strings.Join(names, " or "))
			return s
		}
	}
	switch {
	case decl.EntryPoint != "":
		s.handler = decl.EntryPoint
	case s.lang == model.FormatPython:
		s.handler = "main"
	default:
		s.defaultExport = true
	}
	return s
}

// nativeRoot is the directory a Firebase or Azure code-first module's
// imports resolve from: the project (Azure) or codebase folder.
func nativeRoot(st *model.Stack, file string) string {
	if st.Format == model.FormatAzureFunctions {
		return st.ID
	}
	return path.Dir(file)
}
