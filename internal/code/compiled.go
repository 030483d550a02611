package code

import (
	"path"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// This file finds the sources of functions in compiled languages (Go and
// Java): the declaration names a binary or a class of a build, not a
// source file, so the code is found by searching the code folder (or the
// project the build output sits in) for the package or class the runtime
// starts.

// langInfo is what the Go and Java analyses keep about a file besides
// what every language has (fileInfo.x): nil for other languages.
type langInfo struct {
	// pkg is the Go package name or the Java package; pkgFiles the other
	// files of the same package (Go) or folder (Java), by display path.
	pkg      string
	pkgFiles []string
	// start is the node of the function a Go main() passes to
	// lambda.Start when it is written inline (a func literal).
	start *node
	// fields maps a Go struct field or a Java class field to its type
	// node, for SDK clients held in fields.
	fields map[string]*node
	// class is the Java file's top-level class name.
	class string
	// tables maps the simple names of the file's Java classes annotated
	// @DynamoDBTable (DynamoDBMapper items) to their tableName.
	tables map[string]string
	// modPath is the Go module path of the file's module (go.mod), and
	// requires its required modules.
	modPath  string
	requires []string
}

// compiledLang returns the source language of a function's runtime when
// it is compiled (Go, Java), or "".
func compiledLang(rt string) model.Format {
	rt = strings.ToLower(rt)
	switch {
	case strings.HasPrefix(rt, "go"):
		return model.FormatGo
	case strings.HasPrefix(rt, "provided"):
		return model.FormatGo // a custom runtime: Go when a Go module is there (checked by locateGo)
	case strings.HasPrefix(rt, "java"):
		return model.FormatJava
	}
	return ""
}

// maxSearchFiles bounds the files a search for a Go main package or a
// Java class reads or lists.
const maxSearchFiles = 2000

// skipDirs are folders never searched for sources.
var skipDirs = setOf("node_modules", "vendor", ".git", ".aws-sam", "testdata", "target", "build", ".gradle", ".idea", "bin", "out", ".serverless")

// locateCompiled finds the code of a Go or Java function. handled is
// false when f's runtime is neither (the caller goes on as for other
// languages).
func locateCompiled(st *model.Stack, f *model.Function, fs fsys) (s *site, handled bool) {
	if !f.Runtime.IsResolved() {
		return nil, false
	}
	lang := compiledLang(f.Runtime.String())
	if lang == "" {
		return nil, false
	}
	if st.Platform() != model.AWS {
		// Google, Tencent, Fn and Azure Go or Java functions follow their
		// platform's programming model, not aws-lambda-go's or
		// aws-lambda-java-core's: not read.
		return nil, true
	}
	provided := strings.HasPrefix(strings.ToLower(f.Runtime.String()), "provided")
	if strings.EqualFold(f.PackageType.String(), "Image") || f.InlineCode.IsSet() {
		return nil, true
	}
	s = &site{lang: lang}
	baseDir := path.Dir(st.File)
	if st.Format == model.FormatTerraform {
		baseDir = st.File
		if ok, _ := isFile(fs, st.File); ok {
			baseDir = path.Dir(st.File)
		}
	}
	var codeDir string
	var pos model.Pos
	archive := false
	switch {
	case f.CodeSource.IsSet():
		src := f.CodeSource
		if !src.IsResolved() {
			if provided {
				return nil, true
			}
			s.note(model.DiagInfo, src.PosOr(f.Pos), "function %s: the code source %s is not known statically; handler code not analysed", f.ID, describe(src))
			return s, true
		}
		p, err := joinRoot(baseDir, src.Str)
		if err != nil {
			s.note(model.DiagWarning, src.Pos, "function %s: code source %s: %v", f.ID, src.Str, err)
			return s, true
		}
		pos = src.Pos
		if ok, _ := isFile(fs, p); ok {
			// A built binary or jar (source_file): the sources are in the
			// project around it.
			codeDir, archive = path.Dir(p), langOfFile(p) != lang
		} else {
			codeDir = p
		}
	case f.CodeURI.IsSet():
		uri := f.CodeURI
		if !uri.IsResolved() || uri.Kind != model.String || strings.Contains(uri.Str, "://") || strings.HasPrefix(uri.Str, "arn:") {
			return nil, true
		}
		if st.Format == model.FormatCloudFormation || (st.Format == model.FormatTerraform && f.CodeSource == nil) {
			return nil, true // Code.S3Key, a Terraform filename built elsewhere
		}
		p, err := joinRoot(baseDir, uri.Str)
		if err != nil {
			s.note(model.DiagWarning, uri.Pos, "function %s: CodeUri %s: %v", f.ID, uri.Str, err)
			return s, true
		}
		pos = uri.Pos
		lu := strings.ToLower(uri.Str)
		if strings.HasSuffix(lu, ".zip") || strings.HasSuffix(lu, ".jar") || strings.HasSuffix(lu, ".war") {
			codeDir, archive = path.Dir(p), true
			break
		}
		real, how := findDir(fs, p)
		if real == "" {
			if provided && !isFile1(fs, p) {
				return nil, true
			}
			s.note(model.DiagWarning, uri.Pos, "function %s: code directory %s does not exist; handler code not analysed", f.ID, p)
			return s, true
		}
		if how != "" {
			s.note(model.DiagInfo, uri.Pos, "function %s: %s", f.ID, how)
		}
		codeDir = real
	case st.Format == model.FormatServerless:
		codeDir, pos = baseDir, f.Handler.PosOr(f.Pos)
	default:
		return nil, true
	}
	if archive {
		// target/app.jar, build/distributions/app.zip, bin/bootstrap: the
		// project folder the build ran in holds the sources.
		proj := projectDir(fs, codeDir, baseDir, lang)
		if proj == "" {
			if !provided {
				s.note(model.DiagInfo, pos, "function %s: code is only in a build output (%s) and no %s project around it holds its sources; handler code not analysed", f.ID, codeDir, lang)
				return s, true
			}
			return nil, true
		}
		codeDir = proj
	}
	if !archive && len(sourceFiles(fs, codeDir, langExt(lang), 8)) == 0 {
		// A folder of build output (Terraform's source_dir = "bin"): the
		// project around it.
		if proj := projectDir(fs, path.Dir(codeDir), baseDir, lang); proj != "" {
			codeDir = proj
		}
	}
	if lang == model.FormatJava {
		return locateJava(f, fs, s, codeDir, pos, archive), true
	}
	return locateGo(f, fs, s, codeDir, pos, provided), true
}

// langExt is the source file extension of a compiled language.
func langExt(lang model.Format) string {
	if lang == model.FormatJava {
		return ".java"
	}
	return ".go"
}

func isFile1(fs fsys, p string) bool { ok, _ := isFile(fs, p); return ok }

// projectDir returns the nearest folder from dir up to stop (the
// template's folder) that holds a build file of lang (go.mod; pom.xml,
// build.gradle), or "".
func projectDir(fs fsys, dir, stop string, lang model.Format) string {
	marks := []string{"go.mod"}
	if lang == model.FormatJava {
		marks = []string{"pom.xml", "build.gradle", "build.gradle.kts"}
	}
	for d := dir; ; d = path.Dir(d) {
		for _, m := range marks {
			if isFile1(fs, path.Join(d, m)) {
				return d
			}
		}
		if d == stop || d == "." || d == "/" || d == "" || !strings.HasPrefix(d, strings.TrimSuffix(stop, "/")) {
			return ""
		}
	}
}

// sourceFiles lists the files with extension ext below dir (dir itself
// first, then its subfolders breadth first, sorted; at most maxDepth
// levels down), skipping build output, dependencies and tests.
func sourceFiles(fs fsys, dir, ext string, maxDepth int) []string {
	var out []string
	type lvl struct {
		dir   string
		depth int
	}
	queue := []lvl{{dir, 0}}
	seen := 0
	for len(queue) > 0 && seen < maxSearchFiles {
		cur := queue[0]
		queue = queue[1:]
		es, err := fs.ReadDir(cur.dir)
		if err != nil {
			continue
		}
		sorted := append([]dirEntry(nil), es...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
		for _, e := range sorted {
			seen++
			p := path.Join(cur.dir, e.name)
			if e.dir {
				if cur.depth < maxDepth && !skipDirs[e.name] && !strings.HasPrefix(e.name, ".") && e.name != "test" && e.name != "tests" {
					queue = append(queue, lvl{p, cur.depth + 1})
				}
				continue
			}
			if strings.HasSuffix(e.name, ext) && !strings.HasSuffix(e.name, "_test.go") {
				out = append(out, p)
			}
		}
	}
	return out
}

// compiledImport is the record of a Go or Java import in a function's
// imports: Go packages by module ("Go", the module a go.mod requires
// that provides the package), Java packages by the package imported
// ("Maven" cannot be named from a Java import: the Package is the Java
// package, Module the class).
func compiledImport(fi *fileInfo, im importRef) (model.Import, bool) {
	switch fi.lang {
	case model.FormatGo:
		if isGoStdlib(im.module) || fi.x != nil && fi.x.modPath != "" && (im.module == fi.x.modPath || strings.HasPrefix(im.module, fi.x.modPath+"/")) {
			return model.Import{}, false
		}
		mod := goModuleOf(fi, im.module)
		return model.Import{Ecosystem: "Go", Package: mod, Module: im.module, Pos: im.pos}, true
	case model.FormatJava:
		if isJavaStdlib(im.module) {
			return model.Import{}, false
		}
		// The package: the name without its classes (capitalised, nested
		// ones too) or wildcard.
		pkg := strings.TrimSuffix(im.module, ".*")
		for {
			i := strings.LastIndex(pkg, ".")
			if i <= 0 || pkg[i+1:] == "" || pkg[i+1] < 'A' || pkg[i+1] > 'Z' {
				break
			}
			pkg = pkg[:i]
		}
		return model.Import{Ecosystem: "Maven", Package: pkg, Module: im.module, Pos: im.pos}, true
	}
	return model.Import{}, false
}

// isCompiled reports whether lang is analysed by the Go or Java code.
func isCompiled(lang model.Format) bool { return lang == model.FormatGo || lang == model.FormatJava }
