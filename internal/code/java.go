package code

import "github.com/nightlight-sec/nightlight/internal/model"

// Java handlers are not read yet: compiledLang does not name Java, so
// these are never reached; they keep the Go and Java dispatch in one
// place until the Java analysis lands.

func (fi *fileInfo) indexJava()                   {}
func resolveJavaImports(fi *fileInfo, fj fileJob) {}
func (fi *fileInfo) javaMethod(name string) *node { return nil }
func locateJava(f *model.Function, fs fsys, s *site, codeDir string, pos model.Pos, archive bool) *site {
	return nil
}
func (a *analysis) evalJava(fi *fileInfo, n *node, s *scope, depth int) (val, bool) {
	return val{}, false
}
func (a *analysis) stmtJava(fi *fileInfo, n *node, s *scope, depth int, handler bool, ret *val) {}
func isJavaStdlib(p string) bool                                                                { return false }
