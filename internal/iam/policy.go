package iam

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/decode"
	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// Effect is a statement's effect.
type Effect string

// Statement effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Policy is a parsed policy document.
type Policy struct {
	// Name identifies the policy in output: a managed policy ARN, an inline
	// policy name, a file name.
	Name string
	Pos  model.Pos
	// Source is where the document came from (inline, managed, …); "" for
	// policies parsed from bytes.
	Source model.PolicySource
	// ID is the policy's Id element, if any.
	ID string
	// Version is the policy language version as written ("" when absent:
	// AWS then uses 2008-10-17, where policy variables are not substituted).
	Version    string
	Statements []*Statement
	// Unknown is true for a managed policy whose document nightlight does
	// not know: it may grant anything, so evaluation treats it as a
	// possible Allow for every request.
	Unknown bool
	// UnknownWhy says why an Unknown policy is unknown when it is not a
	// managed policy ("policy document is unresolved (!ImportValue X)");
	// "" for managed policies.
	UnknownWhy string
}

// Statement is one parsed statement.
type Statement struct {
	// Policy is the policy the statement belongs to and Index its position
	// in the Statement list.
	Policy *Policy
	Index  int
	Sid    string
	Effect Effect
	Pos    model.Pos

	// Actions holds Action or, when NotAction is set, NotAction.
	Actions   []actionPattern
	NotAction bool
	// Resources holds Resource or, when NotResource is set, NotResource.
	// HasResource is false when neither is written (trust policies).
	Resources   []arnPattern
	NotResource bool
	HasResource bool
	// Principals holds Principal or, when NotPrincipal is set,
	// NotPrincipal. HasPrincipal is false when neither is written
	// (identity policies).
	Principals   []Principal
	NotPrincipal bool
	HasPrincipal bool
	Conditions   []*Condition

	// Raw is the statement as written.
	Raw *model.Value
	// symbolic is true when the statement's structure is unknown (a
	// symbolic Effect, a statement that is not an object): it may apply to
	// anything. Symbolic actions and resources are matched precisely
	// instead.
	symbolic bool
	// invalid is true when the statement's Effect is missing or written
	// but neither Allow nor Deny: IAM refuses the document, so the
	// statement grants and denies nothing (it must not make other grants
	// conditional).
	invalid bool
	// actionValues and resourceValues keep the written values for
	// effective-permission analysis (their Refs name model objects).
	actionValues   []*model.Value
	resourceValues []*model.Value
}

// ActionStrings returns the Action (or NotAction) elements as written.
func (s *Statement) ActionStrings() []string {
	out := make([]string, len(s.Actions))
	for i, a := range s.Actions {
		out[i] = a.raw
	}
	return out
}

// ResourceStrings returns the Resource (or NotResource) elements as written.
func (s *Statement) ResourceStrings() []string {
	out := make([]string, len(s.Resources))
	for i, r := range s.Resources {
		out[i] = r.raw
	}
	return out
}

// ResourceValues returns the Resource (or NotResource) elements as model
// values, whose Refs name the model objects they mention.
func (s *Statement) ResourceValues() []*model.Value { return s.resourceValues }

// Ref returns a short reference to the statement for output.
func (s *Statement) Ref() StatementRef {
	r := StatementRef{Sid: s.Sid, Effect: s.Effect, Index: s.Index, File: s.Pos.File, Line: s.Pos.Line}
	if s.Policy != nil {
		r.Policy = s.Policy.Name
	}
	return r
}

// StatementRef identifies a statement in output.
type StatementRef struct {
	Policy string `json:"policy,omitempty"`
	Sid    string `json:"sid,omitempty"`
	Index  int    `json:"index"`
	Effect Effect `json:"effect"`
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
}

// PrincipalType is the key of a Principal element.
type PrincipalType string

// Principal types. PrincipalAny is a bare "*".
const (
	PrincipalAny           PrincipalType = "*"
	PrincipalAWS           PrincipalType = "AWS"
	PrincipalService       PrincipalType = "Service"
	PrincipalFederated     PrincipalType = "Federated"
	PrincipalCanonicalUser PrincipalType = "CanonicalUser"
)

// Principal is one element of a Principal or NotPrincipal block.
type Principal struct {
	Type  PrincipalType `json:"type"`
	Value string        `json:"value"`
	// Symbolic is true when the value is unresolved.
	Symbolic bool     `json:"symbolic,omitempty"`
	Refs     []string `json:"refs,omitempty"`
}

// Error is a problem in a policy document, at a position.
type Error struct {
	Pos model.Pos
	Msg string
}

// Error formats the problem as file:line:col: message.
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

type parser struct {
	errs []error
	// literalVars is set when the policy's Version is not 2012-10-17.
	literalVars bool
}

func (p *parser) errorf(pos model.Pos, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Parse parses a policy document held as a model value. It always returns a
// usable policy; the error joins every *Error found (unknown keys, bad
// effects, malformed conditions …). Elements that cannot be understood are
// kept in a form that evaluates to Maybe, never silently dropped.
func Parse(name string, doc *model.Value) (*Policy, error) {
	return parse(name, doc, true)
}

// parse parses doc; strings says a JSON string document may be decoded
// (once: a string inside a string is an error).
func parse(name string, doc *model.Value, allowString bool) (*Policy, error) {
	pol := &Policy{Name: name}
	var p parser
	if doc == nil {
		pol.Unknown = true
		return pol, nil
	}
	pol.Pos = doc.Pos
	switch doc.Kind {
	case model.Map:
	case model.Symbolic:
		pol.Unknown = true
		pol.UnknownWhy = "policy document is unresolved"
		if doc.Source != "" {
			pol.UnknownWhy += " (" + doc.Source + ")"
		}
		return pol, nil
	case model.String:
		// A policy given as a JSON string (Terraform's jsonencode output,
		// a managed policy document written inline).
		if doc.Unresolved && hasPlaceholder(doc.Str) && !strings.HasPrefix(strings.TrimSpace(doc.Str), "{") {
			pol.Unknown = true
			pol.UnknownWhy = "policy document is unresolved"
			return pol, nil
		}
		if !allowString || !strings.HasPrefix(strings.TrimSpace(doc.Str), "{") {
			pol.Unknown = true
			pol.UnknownWhy = "policy document nightlight cannot read"
			return pol, &Error{Pos: doc.Pos, Msg: "policy document is a string that is not a JSON object"}
		}
		d, err := yamlv.Decode(doc.Pos.File, []byte(doc.Str), decode.Limits{})
		if err != nil || d.Root == nil {
			pol.Unknown = true
			pol.UnknownWhy = "policy document nightlight cannot read"
			msg := "empty document"
			var le *decode.Error
			switch {
			case errors.As(err, &le):
				msg = le.Msg // its position is inside the string, not in the file
			case err != nil:
				msg = err.Error()
			}
			return pol, &Error{Pos: doc.Pos, Msg: "policy document string is not valid JSON: " + msg}
		}
		sub, err := parse(name, d.Root, false)
		sub.Pos = doc.Pos
		return sub, err
	default:
		p.errorf(doc.Pos, "policy document is a %s, want an object", doc.Kind)
		pol.Unknown = true
		pol.UnknownWhy = "policy document nightlight cannot read"
		return pol, errors.Join(p.errs...)
	}
	for _, f := range doc.Fields {
		switch f.Key {
		case "Version":
			pol.Version = f.Value.String()
			if pol.Version != "2012-10-17" && pol.Version != "2008-10-17" && f.Value.IsResolved() {
				p.errorf(f.Value.Pos, "unknown policy Version %q", pol.Version)
			}
		case "Id":
			pol.ID = f.Value.String()
		case "Statement":
		default:
			p.errorf(f.KeyPos, "unknown policy element %q", f.Key)
		}
	}
	p.literalVars = pol.Version != "2012-10-17"
	st := doc.Get("Statement")
	if st == nil {
		p.errorf(doc.Pos, "policy has no Statement")
	}
	if st != nil && st.Kind == model.Symbolic {
		pol.Unknown = true
	}
	for _, sv := range st.Elems() {
		if sv.Kind == model.Symbolic {
			pol.Unknown = true
			continue
		}
		s := p.statement(sv)
		s.Policy = pol
		s.Index = len(pol.Statements)
		pol.Statements = append(pol.Statements, s)
	}
	return pol, errors.Join(p.errs...)
}

// ParseDoc parses a model policy document; a nil Document gives an Unknown
// policy.
func ParseDoc(d *model.PolicyDoc) (*Policy, error) {
	if d == nil {
		return &Policy{Unknown: true}, nil
	}
	pol, err := Parse(d.Name, d.Document)
	pol.Source = d.Source
	if !pol.Pos.IsValid() {
		pol.Pos = d.Pos
	}
	return pol, err
}

// allowAllJSON is the identity policy AllowAll returns, as JSON.
const allowAllJSON = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// AllowAll returns a new identity policy allowing every action on every
// resource: the caller a resource policy is evaluated for when only the
// resource policy is to decide. It is the policy ParseJSON(file,
// allowAllJSON) returns, positions included (TestAllowAll), built without
// decoding the text: the graph asks for one per stack and resource policy.
func AllowAll(file string) *Policy {
	at := func(col int) model.Pos { return model.Pos{File: file, Line: 1, Col: col} }
	str := func(s string, col int) *model.Value { return model.NewString(s, at(col)) }
	statement := model.NewMap([]model.Field{
		{Key: "Effect", KeyPos: at(39), Value: str("Allow", 48)},
		{Key: "Action", KeyPos: at(56), Value: str("*", 65)},
		{Key: "Resource", KeyPos: at(69), Value: str("*", 80)},
	}, at(38))
	root := model.NewMap([]model.Field{
		{Key: "Version", KeyPos: at(2), Value: str("2012-10-17", 12)},
		{Key: "Statement", KeyPos: at(25), Value: model.NewList([]*model.Value{statement}, at(37))},
	}, at(1))
	p, _ := Parse(file, root) // a valid policy: no error
	return p
}

// ParseJSON parses a policy from JSON (or YAML) bytes read from file.
func ParseJSON(file string, data []byte) (*Policy, error) {
	doc, err := yamlv.Decode(file, data, decode.Limits{})
	if err != nil {
		return nil, fmt.Errorf("parse policy %s: %w", file, err)
	}
	if doc.Root == nil {
		return nil, &Error{Pos: model.Pos{File: file}, Msg: "empty policy document"}
	}
	return Parse(file, doc.Root)
}

func (p *parser) statement(v *model.Value) *Statement {
	s := &Statement{Pos: v.Pos, Raw: v, Effect: Deny}
	if v.Kind != model.Map {
		p.errorf(v.Pos, "statement is a %s, want an object", v.Kind)
		s.symbolic = true
		return s
	}
	var haveEffect, haveAction bool
	for _, f := range v.Fields {
		val := f.Value
		switch f.Key {
		case "Sid":
			s.Sid = val.String()
		case "Effect":
			haveEffect = true
			switch val.String() {
			case "Allow":
				s.Effect = Allow
			case "Deny":
				s.Effect = Deny
			default:
				if val.IsResolved() {
					// IAM refuses such a document: the statement grants
					// and denies nothing (NL3022 reports it).
					p.errorf(val.Pos, "Effect %q is neither Allow nor Deny", val.String())
					s.invalid = true
				} else {
					s.symbolic = true
				}
			}
		case "Action", "NotAction":
			if haveAction {
				p.errorf(f.KeyPos, "statement has both Action and NotAction")
			}
			haveAction = true
			s.NotAction = f.Key == "NotAction"
			for _, e := range val.Elems() {
				if e.Kind == model.List || e.Kind == model.Map {
					p.errorf(e.Pos, "%s element is a %s, want a string", f.Key, e.Kind)
					s.Actions = append(s.Actions, compileAction("", true))
					continue
				}
				sym := e.Kind == model.Symbolic
				if !sym && e.String() != "*" && !strings.Contains(e.String(), ":") && !hasPlaceholder(e.String()) {
					p.errorf(e.Pos, "action %q is not service:action", e.String())
				}
				s.Actions = append(s.Actions, compileAction(e.String(), sym))
				s.actionValues = append(s.actionValues, e)
			}
		case "Resource", "NotResource":
			if s.HasResource {
				p.errorf(f.KeyPos, "statement has both Resource and NotResource")
			}
			s.HasResource = true
			s.NotResource = f.Key == "NotResource"
			for _, e := range val.Elems() {
				if e.Kind == model.List || e.Kind == model.Map {
					p.errorf(e.Pos, "%s element is a %s, want a string", f.Key, e.Kind)
					s.Resources = append(s.Resources, compileARN("${?}", true))
					continue
				}
				sym := e.Kind == model.Symbolic
				r := compileARN(e.String(), sym)
				r.literalVars = p.literalVars
				s.Resources = append(s.Resources, r)
				s.resourceValues = append(s.resourceValues, e)
			}
		case "Principal", "NotPrincipal":
			if s.HasPrincipal {
				p.errorf(f.KeyPos, "statement has both Principal and NotPrincipal")
			}
			s.HasPrincipal = true
			s.NotPrincipal = f.Key == "NotPrincipal"
			s.Principals = p.principals(val)
		case "Condition":
			s.Conditions = p.conditions(val)
			for _, c := range s.Conditions {
				c.literalVars = p.literalVars
			}
		default:
			p.errorf(f.KeyPos, "unknown statement element %q", f.Key)
		}
	}
	if !haveEffect {
		p.errorf(v.Pos, "statement has no Effect")
		s.invalid = true
	}
	if !haveAction {
		p.errorf(v.Pos, "statement has no Action or NotAction")
	}
	return s
}

func (p *parser) principals(v *model.Value) []Principal {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case model.String:
		if v.Str == "*" {
			return []Principal{{Type: PrincipalAny, Value: "*"}}
		}
		p.errorf(v.Pos, "Principal %q must be \"*\" or a map", v.Str)
		return []Principal{{Type: PrincipalAWS, Value: v.Str, Symbolic: v.Unresolved, Refs: v.Refs}}
	case model.Symbolic:
		return []Principal{{Type: PrincipalAWS, Value: v.Str, Symbolic: true, Refs: v.Refs}}
	case model.Map:
	default:
		p.errorf(v.Pos, "Principal is a %s, want \"*\" or a map", v.Kind)
		return []Principal{{Type: PrincipalAWS, Value: "", Symbolic: true}}
	}
	var out []Principal
	for _, f := range v.Fields {
		var t PrincipalType
		switch f.Key {
		case "AWS":
			t = PrincipalAWS
		case "Service":
			t = PrincipalService
		case "Federated":
			t = PrincipalFederated
		case "CanonicalUser":
			t = PrincipalCanonicalUser
		default:
			p.errorf(f.KeyPos, "unknown principal type %q", f.Key)
			t = PrincipalType(f.Key)
		}
		for _, e := range f.Value.Elems() {
			out = append(out, Principal{Type: t, Value: e.String(), Symbolic: e.Unresolved || e.Kind == model.Symbolic, Refs: e.Refs})
		}
	}
	return out
}
