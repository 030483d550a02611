package terraform

import (
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// iterFunc is the name of the function that guardLoops wraps around the
// collection of every for expression (and %{for} directive). An input
// calling it by name gets its argument back.
const iterFunc = "nightlight::iter"

// guardLoops makes the collection of every for expression in body go
// through iterFunc, which counts its elements against the loader's budget,
// so that nested loops over large collections stop instead of running for
// hours.
func (l *loader) guardLoops(node hclsyntax.Node) {
	_ = hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		fe, ok := n.(*hclsyntax.ForExpr)
		if !ok {
			return nil
		}
		if c, done := fe.CollExpr.(*hclsyntax.FunctionCallExpr); done && c.Name == iterFunc {
			return nil
		}
		r := fe.CollExpr.Range()
		fe.CollExpr = &hclsyntax.FunctionCallExpr{Name: iterFunc, Args: []hclsyntax.Expression{fe.CollExpr},
			NameRange: r, OpenParenRange: r, CloseParenRange: r}
		return nil
	})
}

// iterCounter is iterFunc: it returns its argument and counts the
// elements iterated over.
func (l *loader) iterCounter() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "collection", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true}},
		Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			if l.stopped() {
				return cty.NilVal, fmt.Errorf("evaluation stopped")
			}
			uv, _ := args[0].Unmark()
			if uv.IsKnown() && !uv.IsNull() && uv.CanIterateElements() {
				l.iters += uv.LengthInt()
				if l.iters > l.lim.MaxNodes {
					return cty.NilVal, fmt.Errorf("for expressions iterate over more than %d elements in all", l.lim.MaxNodes)
				}
			}
			return args[0], nil
		},
	})
}

var errTooLarge = errors.New("value too large")

// sizeWithin reports whether v has at most max nodes, counting shared
// sub-values each time they appear (as encoding them would).
func sizeWithin(v cty.Value, max int) bool {
	n := 0
	err := cty.Walk(v, func(_ cty.Path, _ cty.Value) (bool, error) {
		n++
		if n > max {
			return false, errTooLarge
		}
		return true, nil
	})
	return err == nil
}

// bounded wraps a function that materializes its arguments (jsonencode,
// flatten, …) so that it refuses arguments larger than the node limit.
func (l *loader) bounded(f function.Function) function.Function {
	params := f.Params()
	spec := &function.Spec{
		Params:   params,
		VarParam: f.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			return f.ReturnType(typesOf(args))
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			budget := l.lim.MaxNodes
			for _, a := range args {
				if !sizeWithin(a, budget) {
					return cty.NilVal, fmt.Errorf("argument has more than %d elements", l.lim.MaxNodes)
				}
			}
			return f.Call(args)
		},
	}
	return function.New(spec)
}
