package code

import (
	"path"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Java handlers: the declaration names a class and a method
// (com.example.App::handleRequest; a class alone means handleRequest, the
// method of RequestHandler and RequestStreamHandler). The class's source
// is **/com/example/App.java below the code folder (Maven and Gradle put
// it in src/main/java); the classes of the same package and the
// project's classes it imports are followed.

// maxJavaPackageFiles bounds the files of one package followed.
const maxJavaPackageFiles = 60

// locateJava finds the source of a Java function's handler class below
// codeDir.
func locateJava(f *model.Function, fs fsys, s *site, codeDir string, pos model.Pos, archive bool) *site {
	handler := strings.TrimSpace(f.Handler.String())
	if handler == "" {
		s.note(model.DiagWarning, f.Pos, "function %s: no handler declared; handler code not analysed", f.ID)
		return s
	}
	class, method, _ := strings.Cut(handler, "::")
	if method == "" {
		method = "handleRequest"
	}
	if i := strings.Index(class, "$"); i >= 0 {
		class = class[:i] // a nested class is in its outer class's file
	}
	rel := strings.ReplaceAll(class, ".", "/") + ".java"
	hpos := f.Handler.PosOr(pos)
	var found string
	for _, pre := range []string{"src/main/java", "src", ""} {
		if p := path.Join(codeDir, pre, rel); isFile1(fs, p) {
			found = p
			break
		}
	}
	if found == "" {
		for _, p := range sourceFiles(fs, codeDir, ".java", 14) {
			if p == rel || strings.HasSuffix(p, "/"+rel) {
				found = p
				break
			}
		}
	}
	if found == "" {
		other := jvmLanguage(fs, codeDir)
		if strings.Contains(f.CodeURI.String(), "/scala-") { // sbt's target/scala-2.13/x.jar
			other = "Scala"
		}
		if other != "" {
			s.note(model.DiagInfo, hpos, "function %s: the project %s is written in %s, which nightlight does not read; handler code not analysed", f.ID, codeDir, other)
			return s
		}
		s.note(model.DiagWarning, hpos, "function %s: handler class %s: no source file %s below %s; handler code not analysed", f.ID, class, rel, codeDir)
		return s
	}
	if archive {
		s.note(model.DiagInfo, pos, "function %s: its code is a build output; analysed the sources of the project %s", f.ID, codeDir)
	}
	s.lang = model.FormatJava
	s.entry, s.handler = found, method
	s.codeRoot = strings.TrimSuffix(strings.TrimSuffix(found, rel), "/")
	if s.codeRoot == "" {
		s.codeRoot = "."
	}
	return s
}

// jvmLanguage names the JVM language other than Java a project is built
// from, judged by its build files (build.sbt, project.clj, a Gradle
// build applying the Kotlin, Scala or Clojure plugin), or "".
func jvmLanguage(fs fsys, dir string) string {
	switch {
	case isFile1(fs, path.Join(dir, "build.sbt")):
		return "Scala"
	case isFile1(fs, path.Join(dir, "project.clj")) || isFile1(fs, path.Join(dir, "deps.edn")):
		return "Clojure"
	}
	for _, b := range []string{"build.gradle.kts", "build.gradle", "pom.xml"} {
		data, err := fs.Head(path.Join(dir, b), 1<<20)
		if err != nil {
			continue
		}
		t := string(data)
		switch {
		case strings.Contains(t, "org.jetbrains.kotlin") || strings.Contains(t, "kotlin(\"jvm\")") || strings.Contains(t, "kotlin-maven-plugin"):
			return "Kotlin"
		case strings.Contains(t, "clojure"):
			return "Clojure"
		case strings.Contains(t, "scala-maven-plugin") || strings.Contains(t, "id 'scala'") || strings.Contains(t, "apply plugin: 'scala'"):
			return "Scala"
		}
	}
	return ""
}

// isJavaStdlib reports whether a Java import names a class of the JDK.
func isJavaStdlib(p string) bool {
	for _, pre := range []string{"java.", "javax.", "jdk.", "sun.", "com.sun.", "org.w3c.", "org.xml.sax.", "org.ietf."} {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}

// indexJava fills a Java file's imports, its classes' methods (by
// "Class.method" and by name), fields and package.
func (fi *fileInfo) indexJava() {
	x := &langInfo{fields: map[string]*node{}}
	fi.x = x
	for _, d := range fi.body {
		switch d.typ() {
		case "package_declaration":
			if n := d.firstNamed(); n != nil {
				x.pkg = fi.text(n)
			}
		case "import_declaration":
			static := d.hasToken("static")
			var name string
			for k := range d.eachNamed() {
				if k.typ() == "identifier" || k.typ() == "scoped_identifier" {
					name = fi.text(k)
				}
			}
			if name == "" {
				continue
			}
			ref := importRef{module: name, pos: fi.pos(d)}
			if firstOfType(d, "asterisk") != nil {
				ref.module = name + ".*"
			} else {
				local := name[strings.LastIndex(name, ".")+1:]
				ref.names = []importName{{local: local, qual: name}}
				if static {
					ref.names[0].member = local
				}
			}
			fi.imports = append(fi.imports, ref)
		case "class_declaration", "record_declaration", "enum_declaration", "interface_declaration":
			fi.indexJavaClass(d, "")
		}
	}
}

// indexJavaClass records the methods and fields of a class and of the
// classes nested in it.
func (fi *fileInfo) indexJavaClass(c *node, outer string) {
	name := fi.text(c.child("name"))
	if t := fi.javaTableAnnotation(c); t != "" {
		if fi.x.tables == nil {
			fi.x.tables = map[string]string{}
		}
		fi.x.tables[name] = t
	}
	if outer != "" {
		name = outer + "." + name
	} else if fi.x.class == "" {
		fi.x.class = name
	}
	for m := range c.child("body").eachNamed() {
		switch m.typ() {
		case "method_declaration":
			mn := fi.text(m.child("name"))
			fi.funcs[name+"."+mn] = m
			if old := fi.funcs[mn]; old == nil || outer == "" && len(compiledParams(fi, m)) > len(compiledParams(fi, old)) {
				// Overloads: the one with the most parameters (the
				// handler's (event, context) over a convenience form).
				fi.funcs[mn] = m
			}
		case "field_declaration":
			for d := range m.eachNamed() {
				if d.typ() == "variable_declarator" {
					fi.x.fields[fi.text(d.child("name"))] = m.child("type")
				}
			}
		case "class_declaration", "record_declaration", "enum_declaration", "interface_declaration":
			fi.indexJavaClass(m, name)
		}
	}
}

// javaTableAnnotation returns the tableName of a class's @DynamoDBTable
// annotation, or "".
func (fi *fileInfo) javaTableAnnotation(c *node) string {
	mods := firstOfType(c, "modifiers")
	if mods == nil {
		return ""
	}
	for an := range mods.eachNamed() {
		if an.typ() != "annotation" || javaSimple(fi.text(an.child("name"))) != "DynamoDBTable" {
			continue
		}
		for kv := range an.child("arguments").eachNamed() {
			if kv.typ() == "element_value_pair" && fi.text(kv.child("key")) == "tableName" {
				if v := kv.child("value"); v != nil && v.typ() == "string_literal" {
					return javaStr(fi, v)
				}
			}
		}
	}
	return ""
}

// javaMethod returns the method name of a class of the file whatever the
// class, when one class has it.
func (fi *fileInfo) javaMethod(name string) *node {
	var found *node
	n := 0
	for k, fn := range fi.funcs {
		if strings.HasSuffix(k, "."+name) {
			found = fn
			n++
		}
	}
	if n == 1 {
		return found
	}
	return nil
}

// resolveJavaImports links a Java file to the other classes of its
// package (used without import) and to the project's classes it imports,
// below the source root fj.codeRoot.
func resolveJavaImports(fi *fileInfo, fj fileJob) {
	fs := fj.fsFor()
	x := fi.x
	if x == nil {
		return
	}
	javaFiles := func(dir string) []string {
		es, err := fs.ReadDir(dir)
		if err != nil {
			return nil
		}
		var out []string
		for _, e := range es {
			if !e.dir && strings.HasSuffix(e.name, ".java") {
				out = append(out, path.Join(dir, e.name))
			}
		}
		sort.Strings(out)
		if len(out) > maxJavaPackageFiles {
			out = out[:maxJavaPackageFiles]
		}
		return out
	}
	var extra []importRef
	for _, p := range javaFiles(path.Dir(fi.path)) {
		if p != fi.path {
			x.pkgFiles = append(x.pkgFiles, p)
			extra = append(extra, importRef{module: ".", pos: model.Pos{File: fi.posFile, Line: 1, Col: 1}, local: p})
		}
	}
	root := fj.codeRoot
	for i := range fi.imports {
		im := &fi.imports[i]
		if isJavaStdlib(im.module) {
			continue
		}
		if strings.HasSuffix(im.module, ".*") {
			files := javaFiles(path.Join(root, strings.ReplaceAll(strings.TrimSuffix(im.module, ".*"), ".", "/")))
			for _, p := range files {
				extra = append(extra, importRef{module: ".", pos: im.pos, local: p})
			}
			continue
		}
		// The class, or for a static import (pkg.Class.member) its class.
		cls := im.module
		for j := 0; j < 2 && cls != ""; j++ {
			p := path.Join(root, strings.ReplaceAll(cls, ".", "/")+".java")
			if ok, _ := isFile(fs, p); ok {
				im.local = p
				break
			}
			cls = cls[:max(strings.LastIndex(cls, "."), 0)]
		}
	}
	fi.imports = append(fi.imports, extra...)
}
