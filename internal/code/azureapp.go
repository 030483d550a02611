package code

import (
	"context"
	"sort"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/azure"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// azureAppJobs returns the handlers of a Terraform Azure function app
// whose package is built from the Azure Functions project in
// s.azureProject: the project is read as the native loader reads it
// (function.json folders, Python v2 and Node.js v4 registrations), and
// each of its functions the analysis reads becomes a job for the app,
// with that function's own triggers. Their results are merged into the
// app's code (one identity runs them all).
func azureAppJobs(ctx context.Context, st *model.Stack, f *model.Function, s *site, root *load.Root) []*job {
	src := f.CodeSource
	if root == nil {
		return nil
	}
	nst, err := azure.Load(ctx, load.Unit{Format: model.FormatAzureFunctions, Path: s.azureProject, Root: root}, load.Options{Limits: load.Limits{}.WithDefaults()})
	if err != nil || nst == nil {
		msg := "no Azure Functions project"
		if err != nil {
			msg = err.Error()
		}
		return []*job{{st: st, fn: f, site: &site{notes: []model.Diagnostic{{Pos: src.PosOr(f.Pos), Severity: model.DiagWarning,
			Message: "function app " + f.ID + ": reading its code directory " + s.azureProject + ": " + msg + "; handler code not analysed"}}}}}
	}
	var jobs []*job
	read := 0
	for _, nf := range nst.Functions {
		ns := &site{lang: langOfRuntime(nf.Runtime.String())}
		if ns.lang == "" {
			ns.lang = s.lang
		}
		ns = locateNative(nst, nf, rootFS{root}, ns)
		if ns == nil {
			continue // a language nightlight does not read (C#, PowerShell, Java)
		}
		j := &job{st: st, fn: f, site: ns, root: root, entry: ns.entry, decl: &declared{st: nst, fn: nf}, project: s.azureProject}
		jobs = append(jobs, j)
		if ns.entry != "" {
			read++
		}
	}
	if read == 0 {
		jobs = append(jobs, &job{st: st, fn: f, site: &site{notes: []model.Diagnostic{{Pos: src.PosOr(f.Pos), Severity: model.DiagInfo,
			Message: "function app " + f.ID + ": its code directory " + s.azureProject + " holds no Azure Functions handler nightlight reads (function.json folders or Python/Node.js registrations); handler code not analysed"}}}})
	}
	return jobs
}

// mergeCode adds the code of one more handler of a function (an Azure
// function app runs several) to what is known: the first handler (by
// entry path) names the code, files, imports, flows, SDK calls and
// strings are the union.
func mergeCode(a, b *model.Code) *model.Code {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	if b.Entry < a.Entry || b.Entry == a.Entry && b.Handler < a.Handler {
		a, b = b, a
	}
	c := *a
	c.Partial = a.Partial || b.Partial
	seen := map[string]bool{}
	c.Files = nil
	for _, p := range append(append([]string(nil), a.Files...), b.Files...) {
		if !seen[p] {
			seen[p] = true
			c.Files = append(c.Files, p)
		}
	}
	sort.Strings(c.Files)
	imps := map[string]model.Import{}
	for _, im := range append(append([]model.Import(nil), a.Imports...), b.Imports...) {
		k := im.Ecosystem + "\x00" + im.Package // as buildCode: per npm package, per Python module
		if im.Ecosystem == "PyPI" {
			k = im.Ecosystem + "\x00" + im.Module
		}
		if old, ok := imps[k]; !ok || im.Pos.Before(old.Pos) {
			imps[k] = im
		}
	}
	c.Imports = nil
	for _, im := range imps {
		c.Imports = append(c.Imports, im)
	}
	sortImports(c.Imports)
	// A module both handlers import reports the same flow, call or
	// string twice: keep one (a certain flow over an uncertain one).
	c.Flows = nil
	flows := map[string]int{}
	for _, fl := range append(append([]model.Flow(nil), a.Flows...), b.Flows...) {
		k := string(fl.Kind) + "\x00" + fl.SinkPos().String() + "\x00" + fl.Source
		if i, ok := flows[k]; ok {
			if fl.Certain && !c.Flows[i].Certain {
				c.Flows[i] = fl
			}
			continue
		}
		flows[k] = len(c.Flows)
		c.Flows = append(c.Flows, fl)
	}
	sortFlows(c.Flows)
	c.Calls = nil
	calls := map[string]bool{}
	for _, cl := range append(append([]model.SDKCall(nil), a.Calls...), b.Calls...) {
		if k := cl.Pos.String() + "\x00" + cl.Operation; !calls[k] {
			calls[k] = true
			c.Calls = append(c.Calls, cl)
		}
	}
	sortCalls(c.Calls)
	c.Strings = nil
	strs := map[string]bool{}
	for _, cs := range append(append([]model.CodeString(nil), a.Strings...), b.Strings...) {
		if k := cs.Pos.String(); !strs[k] {
			strs[k] = true
			c.Strings = append(c.Strings, cs)
		}
	}
	sort.Slice(c.Strings, func(x, y int) bool { return c.Strings[x].Pos.Before(c.Strings[y].Pos) })
	return &c
}
