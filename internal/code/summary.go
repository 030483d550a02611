package code

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Shared code is analysed once per scan, whatever number of functions use
// it:
//
//   - a module's top-level code (imports, clients, constants) runs once
//     while the module is in memory, in a sequential pre-pass over the
//     files a batch of functions newly needs, in path order, before those
//     functions are analysed; the module scopes are read-only while they
//     are;
//   - a call into a local function is analysed once per calling context
//     (the callee, the call depth, the triggers of the function being
//     analysed, and the abstract values of the arguments without their
//     taint paths) into a summary: the callee's return value, and the
//     flows, SDK calls and strings it contains. Tainted arguments are
//     replaced by placeholders (taint.param), and a flow or return value
//     that carries a placeholder is rebuilt at each call site with the
//     caller's taint and path in front.
//
// A summary depends only on its key, so the result of the analysis does
// not depend on which function (or goroutine) computed a summary first.

// shared is the state the analyses of every function in a scan share.
type shared struct {
	files map[string]*fileInfo
	// modules are the files' top-level scopes and what their top-level
	// code records; written by the pre-pass only (frozen is set after it).
	modules map[*fileInfo]*module
	frozen  bool
	mu      sync.Mutex
	sums    map[sumKey]*sumEntry
	// pool recycles the node arrays of released files.
	pool *nodePool
	// dirs caches import resolution's file system checks.
	dirs *dirCache
	// srcs are the sources of the files in memory, by address (detach).
	srcs []string
}

func newShared(files map[string]*fileInfo) *shared {
	return &shared{files: files, modules: map[*fileInfo]*module{}, sums: map[sumKey]*sumEntry{}, pool: &nodePool{}, dirs: newDirCache()}
}

// module is the result of running a file's top-level code.
type module struct {
	scope *scope
	rec   record
}

// record is what an analysis found: flows, SDK calls, credential-like
// strings, and whether part of the code could not be followed.
type record struct {
	flows map[string]flowRec
	// calls are shared by the records a summary is merged into: a call is
	// never changed once recorded.
	calls   map[string]*model.SDKCall
	strs    map[string]model.CodeString
	checks  map[string]model.CallerCheck
	partial bool
}

func newRecord() record {
	return record{}
}

// The record's maps are made on first use: most summaries find nothing.

func (r *record) setFlow(k string, f flowRec) {
	if r.flows == nil {
		r.flows = map[string]flowRec{}
	}
	r.flows[k] = f
}

func (r *record) setCall(k string, c model.SDKCall) {
	if r.calls == nil {
		r.calls = map[string]*model.SDKCall{}
	}
	r.calls[k] = &c
}

func (r *record) setStr(k string, s model.CodeString) {
	if r.strs == nil {
		r.strs = map[string]model.CodeString{}
	}
	r.strs[k] = s
}

func (r *record) setCheck(k string, c model.CallerCheck) {
	if r.checks == nil {
		r.checks = map[string]model.CallerCheck{}
	}
	r.checks[k] = c
}

// flowRec is a flow found by an analysis. param > 0 marks a flow from the
// param-th parameter of a summarised function (its Source and Trigger are
// empty and its Steps start inside the function).
type flowRec struct {
	f     model.Flow
	param int
}

// sumKey identifies a summary.
type sumKey struct {
	fn    *node
	depth int
	trig  string
	args  string
}

type sumEntry struct {
	done chan struct{}
	s    *summary
	file *fileInfo // the callee's file
	// refs are the files whose nodes the arguments name (functions passed
	// as arguments, SDK command parameters): the key holds their
	// addresses, and the summary may hold the nodes.
	refs []*fileInfo
}

// summary is the effect of a call to a local function in one context.
type summary struct {
	ret val
	rec record
}

// sumBudget bounds the evaluation steps of one summary.
const sumBudget = 50_000

// prepass runs the top-level code of the files with the given keys (in
// order, the files they import first as needed) and freezes the module
// scopes again.
func (sh *shared) prepass(ctx context.Context, keys []string) {
	sh.frozen = false
	budget := 0
	a := &analysis{ctx: ctx, sh: sh, noCache: true, budget: &budget, rec: newRecord(), stack: &argStack{}}
	for _, p := range keys {
		if fi := sh.files[p]; fi != nil && fi.root != nil {
			budget = 200_000
			a.moduleScope(fi)
		}
	}
	sh.frozen = true
}

// release drops from memory the trees of the files no other file imports
// (handler modules, whose functions have been analysed), with their
// module scopes and summaries.
func (sh *shared) release() {
	imported := map[string]bool{}
	for _, fi := range sh.files {
		for _, im := range fi.imports {
			if im.local != "" {
				imported[im.local] = true
			}
		}
	}
	drop := map[*fileInfo]bool{}
	for p, fi := range sh.files {
		if !imported[p] && !fi.released {
			drop[fi] = true
		}
	}
	// A summary goes with the files its callee and its arguments' nodes
	// are in: its key holds node addresses a recycled array would give to
	// other nodes, and its value may hold the nodes.
	for k, e := range sh.sums {
		gone := drop[e.file]
		for _, r := range e.refs {
			gone = gone || drop[r]
		}
		if gone {
			delete(sh.sums, k)
		}
	}
	for fi := range drop {
		delete(sh.modules, fi)
		fi.release(sh.pool)
	}
}

// moduleScope returns the global scope of a file. Before the scan's
// module scopes are frozen it runs the file's top-level statements the
// first time it is asked for (the pre-pass); afterwards a file without a
// scope gets an empty one.
func (a *analysis) moduleScope(fi *fileInfo) *scope {
	if m := a.sh.modules[fi]; m != nil {
		return m.scope
	}
	if a.sh.frozen {
		return &scope{vars: map[string]val{}}
	}
	s := &scope{vars: map[string]val{}}
	m := &module{scope: s}
	a.sh.modules[fi] = m
	for _, im := range fi.imports {
		for _, n := range im.names {
			if n.local == "*" || n.local == "" {
				continue
			}
			if im.local != "" {
				if lf := a.sh.files[im.local]; lf != nil && n.member != "" {
					if fn := lf.handlerNode(n.member); fn != nil {
						s.vars[n.local] = val{fn: &fnRef{file: lf, n: fn}}
						continue
					}
				}
				s.vars[n.local] = val{qual: "$local:" + im.local}
				continue
			}
			s.vars[n.local] = val{qual: n.qual}
		}
	}
	for name, fn := range fi.funcs {
		if !strings.Contains(name, ".") {
			s.vars[name] = val{fn: &fnRef{file: fi, n: fn}}
		}
	}
	if isCompiled(fi.lang) {
		a.packageScope(fi, s)
	}
	sub := a.sub(a.budget)
	ret := val{}
	sub.block(fi, fi.body, s, 0, false, &ret)
	m.rec = sub.rec
	return s
}

// sub returns an analysis in the same context (scan, triggers) with an
// empty record and the given budget.
func (a *analysis) sub(budget *int) *analysis {
	return &analysis{ctx: a.ctx, sh: a.sh, triggers: a.triggers, trigKey: a.trigKey, root: a.root, api: a.api, noCache: a.noCache, stack: a.stack,
		budget: budget, rec: newRecord()}
}

// summary returns the summary of a call to f with the parameters bound to
// bound, at depth, computing it the first time.
func (a *analysis) summary(f *fnRef, bound []val, depth int) *summary {
	if a.noCache {
		return a.computeSummary(f, bound, depth, a.budget)
	}
	key := sumKey{fn: f.n, depth: depth, trig: a.trigKey, args: argsKey(bound)}
	a.sh.mu.Lock()
	if e := a.sh.sums[key]; e != nil {
		a.sh.mu.Unlock()
		<-e.done
		return e.s
	}
	e := &sumEntry{done: make(chan struct{}), file: f.file, refs: argFiles(bound)}
	a.sh.sums[key] = e
	a.sh.mu.Unlock()
	defer close(e.done)
	b := sumBudget
	e.s = a.computeSummary(f, bound, depth, &b)
	return e.s
}

// argFiles returns the files whose nodes the values in bound refer to.
func argFiles(bound []val) []*fileInfo {
	var out []*fileInfo
	for _, v := range bound {
		if v.fn != nil && v.fn.file != nil {
			out = append(out, v.fn.file)
		}
		if v.client != nil && v.client.pfile != nil {
			out = append(out, v.client.pfile)
		}
	}
	return out
}

// computeSummary analyses f with its parameters bound to placeholders for
// the taint of bound.
func (a *analysis) computeSummary(f *fnRef, bound []val, depth int, budget *int) *summary {
	sub := a.sub(budget)
	inner := &scope{vars: map[string]val{}, parent: sub.moduleScope(f.file)}
	params := paramNames(f.file, f.n)
	for i, p := range params {
		if i >= len(bound) {
			break
		}
		v := bound[i]
		if v.t != nil {
			v.t = &taint{param: i + 1, stack: v.t.stack, unsure: v.t.unsure, built: v.t.built, safePre: v.t.safePre}
		}
		if p == "" {
			if i == 0 {
				// Destructured first parameter: ({ body }) => …
				sub.bind(f.file, paramTarget(f.n), v, inner, paramTarget(f.n))
			}
			continue
		}
		inner.vars[p] = v
	}
	ret := sub.runFunc(f.file, f.n, inner, depth, false)
	return &summary{ret: ret, rec: sub.rec}
}

// apply merges what a summary found into a's record, rebuilding the flows
// and the return value that carry a parameter's taint with the taint of
// the argument at this call site, and returns the call's value.
func (a *analysis) apply(s *summary, bound []val) val {
	if s == nil { // the summary's computation failed
		a.rec.partial = true
		return val{}
	}
	a.merge(s.rec, bound)
	ret := s.ret
	if ret.t != nil && ret.t.param > 0 {
		ret.t = subst(ret.t, argTaint(bound, ret.t.param))
	}
	return ret
}

func argTaint(bound []val, param int) *taint {
	if param-1 < len(bound) {
		return bound[param-1].t
	}
	return nil
}

// subst rebuilds a taint that started at a parameter placeholder with the
// argument's taint in front; nil when the argument was clean.
func subst(t, arg *taint) *taint {
	if arg == nil {
		return nil
	}
	c := *t
	c.source, c.trigger, c.param = arg.source, arg.trigger, arg.param
	c.steps = concatSteps(arg.steps, t.steps.slice())
	return &c
}

// concatSteps appends the steps b to a as taint.with would, one step at
// a time.
func concatSteps(a *stepList, b []model.FlowStep) *stepList {
	for _, st := range b {
		a = a.push(st)
	}
	return a
}

// merge adds rec to a's record (in key order, so that which of two equal
// flows is kept never depends on map order), binding parameter flows to
// the arguments' taints.
func (a *analysis) merge(rec record, bound []val) {
	if rec.partial {
		a.rec.partial = true
	}
	if a.rec.calls == nil && len(rec.calls) > 0 {
		a.rec.calls = make(map[string]*model.SDKCall, len(rec.calls))
	}
	for k, c := range rec.calls {
		a.rec.calls[k] = c
	}
	for k, s := range rec.strs {
		a.rec.setStr(k, s)
	}
	for k, c := range rec.checks {
		a.rec.setCheck(k, c)
	}
	keys := make([]string, 0, len(rec.flows))
	for k := range rec.flows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fr := rec.flows[k]
		if fr.param == 0 {
			a.addFlow(k, fr)
			continue
		}
		arg := argTaint(bound, fr.param)
		if arg == nil {
			continue
		}
		f := fr.f
		f.Source, f.Trigger = arg.source, arg.trigger
		f.Steps = concatSteps(arg.steps, fr.f.Steps).slice()
		f.Certain = fr.f.Certain && !arg.unsure
		a.addFlow(flowKey(f.Kind, f.SinkPos(), arg), flowRec{f: f, param: arg.param})
	}
}

// flowKey identifies a flow: its kind, sink and source (or parameter).
func flowKey(kind model.FlowKind, sink model.Pos, t *taint) string {
	src := t.source
	if t.param > 0 {
		src = "\x00param " + itoa(t.param)
	}
	return string(kind) + "\x00" + sink.String() + "\x00" + src
}

// addFlow records a flow unless an equal one (same kind, sink and source)
// is already known with at least its certainty.
func (a *analysis) addFlow(key string, fr flowRec) {
	if old, ok := a.rec.flows[key]; ok && (old.f.Certain || !fr.f.Certain) {
		return
	}
	a.rec.setFlow(key, fr)
}

// argsKey is the abstract value of a call's arguments without taint
// paths: what a summary depends on.
func argsKey(bound []val) string {
	b := make([]byte, 0, 64*len(bound))
	flag := func(v bool) {
		if v {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
	}
	ptr := func(p unsafe.Pointer) {
		b = strconv.AppendUint(b, uint64(uintptr(p)), 16)
	}
	for _, v := range bound {
		if v.t != nil {
			b = append(b, 't')
			flag(v.t.stack)
			flag(v.t.unsure)
			flag(v.t.built)
			flag(v.t.safePre)
		}
		if v.evt != nil {
			b = append(b, 'e')
			flag(v.raw)
			for i, e := range v.evt {
				if i > 0 {
					b = append(b, '.')
				}
				b = append(b, e...)
			}
		}
		if c := v.client; c != nil {
			b = append(b, 'c')
			b = append(b, c.service...)
			b = append(b, '|')
			b = append(b, c.kind...)
			b = append(b, '|')
			b = append(b, c.env...)
			b = append(b, '|')
			b = append(b, c.op...)
			b = append(b, '|')
			b = append(b, c.name...)
			b = append(b, '|')
			b = append(b, c.prefix...)
			b = append(b, '|')
			ptr(unsafe.Pointer(c.params))
			b = append(b, '|')
			ptr(unsafe.Pointer(c.pfile))
		}
		if v.fn != nil {
			b = append(b, 'f')
			ptr(unsafe.Pointer(v.fn.n))
		}
		if v.isStr {
			b = append(b, 's')
			b = strconv.AppendInt(b, int64(len(v.str)), 10)
			b = append(b, ':')
			b = append(b, v.str...)
		}
		b = append(b, 'q')
		b = append(b, v.qual...)
		b = append(b, "|v"...)
		b = append(b, v.env...)
		b = append(b, '|')
		flag(v.obj)
		flag(v.exc)
		b = append(b, 0)
	}
	return string(b)
}

// triggerKey identifies the triggers of a function (summaries depend on
// them: which event paths are sources, whether responses are checked).
func triggerKey(ts []triggerCtx) string {
	var b strings.Builder
	for _, t := range ts {
		b.WriteString(t.name + ":" + t.kind + ",")
	}
	return b.String()
}
