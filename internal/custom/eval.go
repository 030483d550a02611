package custom

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
	"go.yaml.in/yaml/v3"

	"github.com/nightlight-sec/nightlight/internal/glob"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Variable is the CEL variable that holds an object of a resource kind:
// the kind's name, except "fn" for functions ("function" is reserved in
// CEL).
func Variable(kind string) string {
	if kind == KindFunction {
		return "fn"
	}
	return kind
}

// typeName is the CEL type of a resource kind's variable.
func typeName(kind string) string {
	switch kind {
	case KindFunction:
		return "custom.Function"
	case KindStore:
		return "custom.Store"
	case KindAPI:
		return "custom.API"
	case KindRoute:
		return "custom.Route"
	case KindRole:
		return "custom.Role"
	}
	return ""
}

// newEnv returns the base environment: the view types, the `stack` and
// `edges` variables, the standard extensions for strings and lists, and
// glob().
func newEnv() (*cel.Env, error) {
	return cel.NewEnv(
		ext.NativeTypes(
			reflect.TypeOf(Function{}), reflect.TypeOf(Store{}), reflect.TypeOf(API{}), reflect.TypeOf(Route{}),
			reflect.TypeOf(Role{}), reflect.TypeOf(Grant{}), reflect.TypeOf(Edge{}), reflect.TypeOf(Stack{}),
			ext.ParseStructTag("cel"),
		),
		ext.Strings(),
		ext.Lists(),
		cel.Variable("stack", cel.ObjectType("custom.Stack")),
		cel.Variable("edges", cel.ListType(cel.ObjectType("custom.Edge"))),
		cel.Function("glob",
			cel.Overload("glob_string_string", []*cel.Type{cel.StringType, cel.StringType}, cel.BoolType,
				cel.BinaryBinding(func(pat, s ref.Val) ref.Val {
					return types.Bool(Glob(string(pat.(types.String)), string(s.(types.String))))
				}))),
	)
}

// Glob reports whether s matches pattern, where * matches any run of
// characters and ? one character, ignoring case (as IAM matches actions).
func Glob(pattern, s string) bool {
	return glob.MatchFold(strings.ToLower(pattern), s)
}

// source is a rule file being compiled: its name and lines, to position
// errors inside expressions.
type source struct {
	file  string
	lines []string
}

// exprPos maps a position inside an expression written as node's value
// (line 1-based, col 0-based, as CEL reports them) to a position in the
// file: block scalars start on the line after the indicator, de-indented;
// plain and quoted scalars start at the node.
func (s source) exprPos(n *yaml.Node, line, col int) model.Pos {
	if n == nil {
		return model.Pos{File: s.file}
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		l := n.Line + line
		indent := 0
		for i := n.Line; i < len(s.lines); i++ { // the first content line sets the indentation
			if t := strings.TrimLeft(s.lines[i], " "); t != "" {
				indent = len(s.lines[i]) - len(t)
				break
			}
		}
		return model.Pos{File: s.file, Line: l, Col: indent + col + 1}
	}
	c := n.Column + col
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		c++
	}
	if line > 1 {
		c = col + 1
	}
	return model.Pos{File: s.file, Line: n.Line + line - 1, Col: c}
}

// compileExpr parses and type-checks src, whose result must be of type
// want (nil: any type), and builds its program with the cost limit.
func compileExpr(env *cel.Env, src0 source, n *yaml.Node, src string, want *cel.Type, limit uint64) (cel.Program, error) {
	ast, iss := env.Compile(src)
	if iss != nil && iss.Err() != nil {
		var errs []error
		for _, e := range iss.Errors() {
			loc := e.Location
			p := src0.exprPos(n, loc.Line(), loc.Column())
			errs = append(errs, &Error{Pos: p, Msg: "CEL: " + e.Message})
		}
		return nil, errors.Join(errs...)
	}
	if want != nil && !ast.OutputType().IsExactType(want) && ast.OutputType() != cel.DynType {
		return nil, &Error{Pos: src0.exprPos(n, 1, 0), Msg: fmt.Sprintf("CEL: condition must be a bool, it is a %s", ast.OutputType())}
	}
	prg, err := env.Program(ast, cel.CostLimit(limit), cel.InterruptCheckFrequency(100), cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, &Error{Pos: src0.exprPos(n, 1, 0), Msg: "CEL: " + err.Error()}
	}
	return prg, nil
}

// template is a message: literal text and {{ expression }} parts.
type template struct {
	parts []templatePart
}

type templatePart struct {
	text string
	prg  cel.Program
}

// compileTemplate compiles a message with {{ expr }} placeholders.
func compileTemplate(env *cel.Env, src0 source, n *yaml.Node, src string, limit uint64) (*template, error) {
	t := &template{}
	rest := src
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			t.parts = append(t.parts, templatePart{text: rest})
			return t, nil
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return nil, &Error{Pos: src0.exprPos(n, 1, 0), Msg: "message: {{ without }}"}
		}
		t.parts = append(t.parts, templatePart{text: rest[:i]})
		expr := strings.TrimSpace(rest[i+2 : i+j])
		prg, err := compileExpr(env, src0, n, expr, nil, limit)
		if err != nil {
			return nil, fmt.Errorf("message placeholder {{%s}}: %w", expr, err)
		}
		t.parts = append(t.parts, templatePart{prg: prg, text: expr})
		rest = rest[i+j+2:]
	}
}

func (t *template) render(ctx context.Context, vars map[string]any) (string, error) {
	var b strings.Builder
	for _, p := range t.parts {
		if p.prg == nil {
			b.WriteString(p.text)
			continue
		}
		v, _, err := p.prg.ContextEval(ctx, vars)
		if err != nil {
			return "", fmt.Errorf("message placeholder {{%s}}: %w", p.text, err)
		}
		b.WriteString(format(v))
	}
	return b.String(), nil
}

// format writes a CEL value for a message: strings as they are, lists
// comma-separated.
func format(v ref.Val) string {
	switch x := v.Value().(type) {
	case string:
		return x
	case []string:
		return strings.Join(x, ", ")
	}
	if l, ok := v.(interface {
		Size() ref.Val
		Get(ref.Val) ref.Val
	}); ok && v.Type() == types.ListType {
		n, _ := l.Size().Value().(int64)
		parts := make([]string, 0, n)
		for i := int64(0); i < n; i++ {
			parts = append(parts, format(l.Get(types.Int(i))))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v.Value())
}

// kindProgram is a rule's compiled condition and message for one kind.
type kindProgram struct {
	kind string
	cond cel.Program
	msg  *template
}

// compiled is a custom rule ready to run.
type compiled struct {
	id    string
	file  string
	line  int
	limit uint64
	kinds []kindProgram
}

// run evaluates the rule on every object of its kinds in the stack. An
// evaluation error (a missing map key, the cost limit) is reported as the
// rule's error naming the object; the other objects are still checked.
func (c *compiled) run(ctx context.Context, p *rule.Pass) error {
	v := newViewer(ctx, p)
	var errs []error
	for _, kp := range c.kinds {
		for _, o := range v.objects(kp.kind) {
			if err := ctx.Err(); err != nil {
				return err
			}
			vars := map[string]any{"stack": v.stack, "edges": v.edges, Variable(kp.kind): o.val}
			out, _, err := kp.cond.ContextEval(ctx, vars)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: %s on %s %s: %w", c.file, c.line, c.id, kp.kind, o.id, explain(err, c.limit)))
				continue
			}
			if b, ok := out.Value().(bool); !ok || !b {
				continue
			}
			msg, err := kp.msg.render(ctx, vars)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: %s on %s %s: %w", c.file, c.line, c.id, kp.kind, o.id, explain(err, c.limit)))
				continue
			}
			f := rule.Finding{Resource: o.id, Message: msg, Path: o.graphIDs}
			f.At(o.pos)
			p.Report(f)
		}
	}
	return errors.Join(errs...)
}

func explain(err error, limit uint64) error {
	if strings.Contains(err.Error(), "cost limit exceeded") {
		return fmt.Errorf("evaluation stopped: cost limit of %d exceeded (simplify the expression or raise the limit)", limit)
	}
	return err
}
