package rule

import (
	"context"
	"sort"
	"sync"

	"github.com/nightlight-sec/nightlight/internal/conc"
	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/secret"
)

// Facts are analyses of one stack that several rules share: parsed policy
// statements per role and what each function can touch. They are computed
// on first use; a Facts is used by one goroutine at a time.
type Facts struct {
	Stack *model.Stack
	// Catalog is the IAM action catalog and Analyzer the IAM engine, both
	// shared across stacks.
	Catalog  *catalog.Catalog
	Analyzer *iam.Analyzer
	// Detector finds secrets in strings (shared across stacks).
	Detector *secret.Detector

	// IAMErr is why the IAM analysis is missing, if it is.
	IAMErr error

	memoOnce sync.Once
	memo     *memo
	iamOnce  sync.Once
	iam      *iam.Analysis
	once     sync.Once
	policies map[string][]*Policy // role ID → parsed identity policies
	users    map[string][]*model.Function
	access   map[string][]Access
}

// Policy is a parsed identity policy of a role with the model document it
// came from.
type Policy struct {
	Doc    *model.PolicyDoc
	Parsed *iam.Policy
}

// NewFacts returns the facts of st using the IAM analyzer a (nil: a new
// analyzer over the embedded catalog and managed policies).
func NewFacts(st *model.Stack, a *iam.Analyzer) *Facts {
	if a == nil {
		a = iam.NewAnalyzer()
	}
	return &Facts{Stack: st, Catalog: a.Catalog, Analyzer: a, Detector: secret.New()}
}

func (f *Facts) init() {
	f.once.Do(func() {
		f.policies = map[string][]*Policy{}
		f.users = map[string][]*model.Function{}
		f.access = map[string][]Access{}
		for _, r := range f.Stack.Roles {
			for _, d := range r.Policies {
				p, _ := iam.ParseDoc(d)
				f.policies[r.ID] = append(f.policies[r.ID], &Policy{Doc: d, Parsed: p})
			}
		}
		for _, fn := range f.Stack.Functions {
			if fn.Role != "" {
				f.users[fn.Role] = append(f.users[fn.Role], fn)
			}
		}
	})
}

// analyses returns the memo of the stack's per-stack analyses.
func (f *Facts) analyses() *memo {
	f.memoOnce.Do(func() { f.memo = newMemo() })
	return f.memo
}

// Policies returns the parsed identity policies of the role with ID role.
func (f *Facts) Policies(role string) []*Policy {
	f.init()
	return f.policies[role]
}

// RoleUsers returns the functions of the stack whose execution role is
// role, in stack order.
func (f *Facts) RoleUsers(role string) []*model.Function {
	f.init()
	return f.users[role]
}

// Allows returns the Allow statements of the role's identity policies.
func (f *Facts) Allows(role string) []*iam.Statement {
	var out []*iam.Statement
	for _, p := range f.Policies(role) {
		for _, s := range p.Parsed.Statements {
			if s.Effect == iam.Allow {
				out = append(out, s)
			}
		}
	}
	return out
}

// Levels returns the access levels an action pattern grants ("s3:Get*" →
// Read, List…). A pattern the catalog does not know yields Unknown.
func (f *Facts) Levels(pattern string) map[catalog.AccessLevel]bool {
	out := map[catalog.AccessLevel]bool{}
	acts := f.Catalog.Expand(pattern)
	if len(acts) == 0 {
		out[catalog.UnknownLevel] = true
	}
	for _, a := range acts {
		out[a.Access] = true
	}
	return out
}

// Access is something a function's role lets it do to a store of the
// stack, from the IAM engine's grants.
type Access struct {
	Store *model.Store
	Read  bool
	Write bool
	// Action is a granted action that gives the strongest access.
	Action string
	// Pos is where the granting statement is written.
	Pos model.Pos
	// Exact is true when the statement names the store (high-confidence
	// target), false when only a pattern or wildcard covers it.
	Exact bool
}

// IAM returns the IAM engine's analysis of the stack (effective
// permissions per function, flags), computed on first use. It is nil when
// the analysis failed.
func (f *Facts) IAM(ctx context.Context) *iam.Analysis {
	f.iamOnce.Do(func() {
		a := f.Analyzer
		if a == nil {
			a = iam.NewAnalyzer()
		}
		f.IAMErr = conc.Safely("analysing the IAM of "+f.Stack.ID, func() error {
			var err error
			f.iam, err = a.Analyze(ctx, f.Stack)
			return err
		})
	})
	return f.iam
}

// Effective returns the effective permissions of fn, or nil.
func (f *Facts) Effective(ctx context.Context, fn *model.Function) *iam.Effective {
	an := f.IAM(ctx)
	if an == nil {
		return nil
	}
	return an.Function(fn.ID)
}

// Access returns what fn can do to the stores of the stack through its
// execution role, sorted by store ID.
func (f *Facts) Access(ctx context.Context, fn *model.Function) []Access {
	f.init()
	if got, ok := f.access[fn.ID]; ok {
		return got
	}
	byStore := map[string]*Access{}
	if e := f.Effective(ctx, fn); e != nil {
		for _, g := range e.Grants {
			for _, t := range g.Targets {
				st := f.Stack.Store(t.ID)
				if st == nil {
					continue
				}
				a := byStore[st.ID]
				if a == nil {
					a = &Access{Store: st, Action: g.Action, Pos: model.Pos{File: g.Statement.File, Line: g.Statement.Line}}
					byStore[st.ID] = a
				}
				exact := t.Confidence == model.ConfidenceHigh
				switch g.Access {
				case catalog.Read, catalog.List:
					// Name the plainest read (GetItem rather than
					// BatchGetItem) unless a write is already named.
					if !a.Write && (!a.Read || len(g.Action) < len(a.Action)) {
						a.Action = g.Action
					}
					a.Read = true
				case catalog.Write, catalog.PermissionsManagement:
					if !a.Write || (exact && !a.Exact) {
						a.Action, a.Pos = g.Action, model.Pos{File: g.Statement.File, Line: g.Statement.Line}
					}
					a.Write = true
				}
				a.Exact = a.Exact || exact
			}
		}
	}
	out := make([]Access, 0, len(byStore))
	for _, a := range byStore {
		if a.Read || a.Write {
			out = append(out, *a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Store.ID < out[j].Store.ID })
	f.access[fn.ID] = out
	return out
}
