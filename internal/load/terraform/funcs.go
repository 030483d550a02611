package terraform

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/nightlight-sec/nightlight/internal/load"
)

// maxTemplateDepth bounds templatefile() calling templatefile().
const maxTemplateDepth = 8

// functions returns the function table for module m: the cty standard
// library under Terraform's names, file functions confined to the scan
// root, and, for any other function the module's files call, a stub that
// returns an unknown value naming the call.
func (l *loader) functions(m *module) map[string]function.Function {
	fs := map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc,
		"log": stdlib.LogFunc, "max": stdlib.MaxFunc, "min": stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "signum": stdlib.SignumFunc,
		"chomp": stdlib.ChompFunc, "indent": stdlib.IndentFunc, "join": stdlib.JoinFunc,
		"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc, "regex": stdlib.RegexFunc,
		"regexall": stdlib.RegexAllFunc, "split": stdlib.SplitFunc, "strrev": stdlib.ReverseFunc,
		"substr": stdlib.SubstrFunc, "title": stdlib.TitleFunc, "trim": stdlib.TrimFunc,
		"trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc,
		"trimspace": stdlib.TrimSpaceFunc, "strlen": stdlib.StrlenFunc,
		"chunklist": stdlib.ChunklistFunc, "coalesce": coalesceFunc,
		"coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
		"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc,
		"element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc, "keys": stdlib.KeysFunc,
		"length": stdlib.LengthFunc, "lookup": stdlib.LookupFunc, "merge": stdlib.MergeFunc,
		"reverse": stdlib.ReverseListFunc, "setintersection": stdlib.SetIntersectionFunc,
		"setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc,
		"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "values": stdlib.ValuesFunc,
		"zipmap": stdlib.ZipmapFunc, "jsonencode": stdlib.JSONEncodeFunc,
		"jsondecode": l.jsonDecodeFunc(), "csvdecode": stdlib.CSVDecodeFunc,
		"formatdate": stdlib.FormatDateFunc, "timeadd": stdlib.TimeAddFunc,
		"tobool": stdlib.MakeToFunc(cty.Bool), "tonumber": stdlib.MakeToFunc(cty.Number),
		"tostring": stdlib.MakeToFunc(cty.String), "tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)), "tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
		"format": boundedFormat(stdlib.FormatFunc), "formatlist": boundedFormat(stdlib.FormatListFunc),
		"range":        l.rangeFunc(),
		"setproduct":   l.setProductFunc(),
		"replace":      replaceFunc,
		"base64encode": strFunc(func(s string) (string, error) { return base64.StdEncoding.EncodeToString([]byte(s)), nil }),
		"base64decode": strFunc(func(s string) (string, error) {
			b, err := base64.StdEncoding.DecodeString(s)
			return string(b), err
		}),
		"md5":    strFunc(hashHex(func(b []byte) []byte { h := md5.Sum(b); return h[:] })),
		"sha1":   strFunc(hashHex(func(b []byte) []byte { h := sha1.Sum(b); return h[:] })),
		"sha256": strFunc(hashHex(func(b []byte) []byte { h := sha256.Sum256(b); return h[:] })),
		"sha512": strFunc(hashHex(func(b []byte) []byte { h := sha512.Sum512(b); return h[:] })),
		"base64sha256": strFunc(func(s string) (string, error) {
			h := sha256.Sum256([]byte(s))
			return base64.StdEncoding.EncodeToString(h[:]), nil
		}),
		"urlencode":   strFunc(func(s string) (string, error) { return url.QueryEscape(s), nil }),
		"startswith":  strPred(strings.HasPrefix),
		"endswith":    strPred(strings.HasSuffix),
		"strcontains": strPred(strings.Contains),
		"sensitive":   identityFunc, "nonsensitive": identityFunc,
		"one":     oneFunc,
		"sum":     sumFunc,
		"alltrue": boolFold(true), "anytrue": boolFold(false),
		"file":       l.fileFunc(m),
		"fileexists": l.fileExistsFunc(m),
		"basename":   strFunc(func(s string) (string, error) { return pathBase(s), nil }),
		"dirname":    strFunc(func(s string) (string, error) { return pathDir(s), nil }),
	}
	for _, name := range []string{"jsonencode", "flatten", "concat", "merge", "join", "distinct", "toset", "tolist", "tomap", "setunion", "keys", "values", "sort"} {
		fs[name] = l.bounded(fs[name])
	}
	fs[iterFunc] = l.iterCounter()
	fs["templatefile"] = l.templateFileFunc(m, fs)
	for name := range m.called {
		if _, known := fs[name]; !known {
			fs[name] = stubFunc(name)
		}
	}
	return fs
}

// stubFunc returns a function that accepts anything and returns an unknown
// value naming the call: a function nightlight does not evaluate
// (timestamp, uuid, filebase64sha256, provider functions, …).
func stubFunc(name string) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true},
		Type:     function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			return unknown(name+"(…)", ""), nil
		},
	})
}

var identityFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, retType cty.Type) (cty.Value, error) { return args[0], nil },
})

var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.CanIterateElements() {
			return cty.NilVal, fmt.Errorf("must be a list, set or tuple")
		}
		switch v.LengthInt() {
		case 0:
			return cty.NullVal(cty.DynamicPseudoType), nil
		case 1:
			it := v.ElementIterator()
			it.Next()
			_, e := it.Element()
			return e, nil
		}
		return cty.NilVal, fmt.Errorf("must have zero or one elements")
	},
})

var sumFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.CanIterateElements() {
			return cty.NilVal, fmt.Errorf("must be a list or set of numbers")
		}
		s := cty.Zero
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.Type() != cty.Number || e.IsNull() {
				return cty.NilVal, fmt.Errorf("elements must be numbers")
			}
			s = s.Add(e)
		}
		return s, nil
	},
})

func boolFold(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			v := args[0]
			if !v.CanIterateElements() {
				return cty.NilVal, fmt.Errorf("must be a list")
			}
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				b := e.Type() == cty.Bool && !e.IsNull() && e.True()
				if all && !b {
					return cty.False, nil
				}
				if !all && b {
					return cty.True, nil
				}
			}
			return cty.BoolVal(all), nil
		},
	})
}

func strFunc(fn func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			s, err := fn(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(s), nil
		},
	})
}

func strPred(fn func(string, string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "sub", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			return cty.BoolVal(fn(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

func hashHex(h func([]byte) []byte) func(string) (string, error) {
	return func(s string) (string, error) { return hex.EncodeToString(h([]byte(s))), nil }
}

func pathBase(s string) string {
	s = strings.TrimRight(s, "/")
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func pathDir(s string) string {
	if i := strings.LastIndexByte(s, '/'); i > 0 {
		return s[:i]
	} else if i == 0 {
		return "/"
	}
	return "."
}

// replaceFunc is Terraform's replace: a regular expression when the
// substring is written /…/, a plain substring otherwise.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		sub := args[1].AsString()
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			re, err := regexp.Compile(sub[1 : len(sub)-1])
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(re.ReplaceAllString(args[0].AsString(), args[2].AsString())), nil
		}
		return cty.StringVal(strings.ReplaceAll(args[0].AsString(), sub, args[2].AsString())), nil
	},
})

var bigVerb = regexp.MustCompile(`%[-+# 0]*(\d{4,}|\*|\[)|%[-+# 0]*\d*\.(\d{4,}|\*)`)

// boundedFormat refuses format strings with huge widths or precisions.
func boundedFormat(f function.Function) function.Function {
	return function.New(&function.Spec{
		Params:   []function.Parameter{{Name: "format", Type: cty.String}},
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true},
		Type: func(args []cty.Value) (cty.Type, error) {
			return f.ReturnType(typesOf(args))
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			if bigVerb.MatchString(args[0].AsString()) {
				return cty.NilVal, fmt.Errorf("format width or precision too large")
			}
			return f.Call(args)
		},
	})
}

func typesOf(args []cty.Value) []cty.Type {
	ts := make([]cty.Type, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	return ts
}

// rangeFunc is range() refusing results larger than the resource limit.
func (l *loader) rangeFunc() function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "params", Type: cty.Number},
		Type:     function.StaticReturnType(cty.List(cty.Number)),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			var start, limit, step float64 = 0, 0, 1
			fl := func(v cty.Value) float64 { f, _ := v.AsBigFloat().Float64(); return f }
			switch len(args) {
			case 1:
				limit = fl(args[0])
			case 2:
				start, limit = fl(args[0]), fl(args[1])
				if limit < start {
					step = -1
				}
			case 3:
				start, limit, step = fl(args[0]), fl(args[1]), fl(args[2])
			default:
				return cty.NilVal, fmt.Errorf("range takes one to three arguments")
			}
			if step == 0 {
				return cty.NilVal, fmt.Errorf("step must not be zero")
			}
			n := math.Ceil((limit - start) / step)
			if n > float64(l.lim.MaxResources) || math.IsNaN(n) || math.IsInf(n, 0) {
				return cty.NilVal, fmt.Errorf("range of %v elements is over the limit of %d", n, l.lim.MaxResources)
			}
			return stdlib.RangeFunc.Call(args)
		},
	})
}

// setProductFunc is setproduct() refusing results larger than the
// resource limit.
func (l *loader) setProductFunc() function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "sets", Type: cty.DynamicPseudoType},
		Type: func(args []cty.Value) (cty.Type, error) {
			return stdlib.SetProductFunc.ReturnType(typesOf(args))
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			n := 1.0
			for _, a := range args {
				if a.IsKnown() && !a.IsNull() && a.CanIterateElements() {
					n *= float64(a.LengthInt())
				}
			}
			if n > float64(l.lim.MaxResources) {
				return cty.NilVal, fmt.Errorf("setproduct of %v elements is over the limit of %d", n, l.lim.MaxResources)
			}
			return stdlib.SetProductFunc.Call(args)
		},
	})
}

// resolveFile returns the root-relative path of a file() argument: relative
// paths are relative to the root module's directory, as in Terraform.
func (l *loader) resolveFile(p string) (string, error) {
	base := l.rootDir
	if base == "" {
		base = "."
	}
	return l.resolve(base, p)
}

// resolve joins a relative reference to the display directory from, and
// fails with load.ErrOutsideRoot when the result leaves the scan root.
func (l *loader) resolve(from, name string) (string, error) {
	if l.root != nil {
		return l.root.Resolve(from, name)
	}
	return load.Clean(from, name)
}

func (l *loader) readFile(p string) ([]byte, error) {
	rel, err := l.resolveFile(p)
	if err != nil {
		return nil, err
	}
	if l.root == nil {
		return nil, fmt.Errorf("read %s: no file access in this context", rel)
	}
	return l.root.ReadFile(rel)
}

func (l *loader) fileFunc(m *module) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			data, err := l.readFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			if rel, err := l.resolveFile(args[0].AsString()); err == nil {
				l.fileOrigin[string(data)] = rel
			}
			return cty.StringVal(string(data)), nil
		},
	})
}

func (l *loader) fileExistsFunc(m *module) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			_, err := l.readFile(args[0].AsString())
			return cty.BoolVal(err == nil), nil
		},
	})
}

// templateFileFunc renders a template file inside the root with the given
// variables and the same functions.
func (l *loader) templateFileFunc(m *module, fs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "vars", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			data, err := l.readFile(p)
			if err != nil {
				return cty.NilVal, err
			}
			if l.tmplDepth >= maxTemplateDepth {
				return cty.NilVal, fmt.Errorf("templates nested deeper than %d", maxTemplateDepth)
			}
			if err := checkDepth(p, data, l.lim.MaxDepth); err != nil {
				return cty.NilVal, err
			}
			rel, _ := l.resolveFile(p)
			expr, diags := hclsyntax.ParseTemplate(data, rel, hcl.InitialPos)
			if diags.HasErrors() {
				return cty.NilVal, diagError(diags)
			}
			l.guardLoops(expr)
			vars := map[string]cty.Value{}
			if v := args[1]; v.IsKnown() && !v.IsNull() && (v.Type().IsObjectType() || v.Type().IsMapType()) {
				vars = v.AsValueMap()
			}
			l.tmplDepth++
			defer func() { l.tmplDepth-- }()
			if !l.step(exprPos(expr)) {
				return cty.NilVal, fmt.Errorf("evaluation stopped")
			}
			out, diags := expr.Value(&hcl.EvalContext{Variables: vars, Functions: fs})
			if diags.HasErrors() {
				return unknown("templatefile("+p+")", ""), nil
			}
			return out, nil
		},
	})
}

// jsonDecodeFunc is jsondecode() returning an unknown value for the
// placeholder of an unknown string instead of failing.
func (l *loader) jsonDecodeFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type: func(args []cty.Value) (cty.Type, error) {
			if args[0].IsKnown() {
				if info, ok := l.ph[args[0].AsString()]; ok {
					_ = info
					return cty.DynamicPseudoType, nil
				}
			}
			return stdlib.JSONDecodeFunc.ReturnType([]cty.Type{cty.String})
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			if info, ok := l.ph[args[0].AsString()]; ok {
				return unknown("jsondecode("+info.src+")", info.ref), nil
			}
			return stdlib.JSONDecodeFunc.Call(args)
		},
	})
}

// coalesceFunc is Terraform's coalesce: the first argument that is neither
// null nor an empty string.
var coalesceFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "vals", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		return stdlib.CoalesceFunc.ReturnType(typesOf(args))
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		var keep []cty.Value
		for _, a := range args {
			if a.IsKnown() && !a.IsNull() && a.Type() == cty.String && a.AsString() == "" {
				continue
			}
			keep = append(keep, a)
		}
		if len(keep) == 0 {
			return cty.NilVal, fmt.Errorf("no non-null, non-empty-string arguments")
		}
		v, err := stdlib.CoalesceFunc.Call(keep)
		if err != nil {
			return cty.NilVal, err
		}
		return convert.Convert(v, retType)
	},
})
