package iam

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// opFamily is the base of a condition operator.
type opFamily uint8

const (
	opUnknown opFamily = iota
	opStringEquals
	opStringNotEquals
	opStringEqualsIgnoreCase
	opStringNotEqualsIgnoreCase
	opStringLike
	opStringNotLike
	opNumericEquals
	opNumericNotEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateNotEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opNotIPAddress
	opArnEquals
	opArnLike
	opArnNotEquals
	opArnNotLike
	opNull
)

var opNames = map[string]opFamily{
	"StringEquals": opStringEquals, "StringNotEquals": opStringNotEquals,
	"StringEqualsIgnoreCase": opStringEqualsIgnoreCase, "StringNotEqualsIgnoreCase": opStringNotEqualsIgnoreCase,
	"StringLike": opStringLike, "StringNotLike": opStringNotLike,
	"NumericEquals": opNumericEquals, "NumericNotEquals": opNumericNotEquals,
	"NumericLessThan": opNumericLessThan, "NumericLessThanEquals": opNumericLessThanEquals,
	"NumericGreaterThan": opNumericGreaterThan, "NumericGreaterThanEquals": opNumericGreaterThanEquals,
	"DateEquals": opDateEquals, "DateNotEquals": opDateNotEquals,
	"DateLessThan": opDateLessThan, "DateLessThanEquals": opDateLessThanEquals,
	"DateGreaterThan": opDateGreaterThan, "DateGreaterThanEquals": opDateGreaterThanEquals,
	"Bool": opBool, "BinaryEquals": opBinaryEquals,
	"IpAddress": opIPAddress, "NotIpAddress": opNotIPAddress,
	"ArnEquals": opArnEquals, "ArnLike": opArnLike, "ArnNotEquals": opArnNotEquals, "ArnNotLike": opArnNotLike,
	"Null": opNull,
}

// negated reports whether the operator is a "not" form: it matches when the
// context value matches none of the condition values.
func (o opFamily) negated() bool {
	switch o {
	case opStringNotEquals, opStringNotEqualsIgnoreCase, opStringNotLike, opNumericNotEquals,
		opDateNotEquals, opNotIPAddress, opArnNotEquals, opArnNotLike:
		return true
	}
	return false
}

// setOp is a ForAllValues:/ForAnyValue: qualifier.
type setOp uint8

const (
	setNone setOp = iota
	setForAll
	setForAny
)

// Condition is one (operator, key, values) triple of a Condition block.
type Condition struct {
	// Operator is the operator as written ("ForAnyValue:StringLikeIfExists").
	Operator string
	Key      string
	// Values are the condition values as written.
	Values []string
	Pos    model.Pos

	op       opFamily
	set      setOp
	ifExists bool
	bad      string // why the condition cannot be evaluated ("" when fine)
	// literalVars: policy variables are text (Version 2008-10-17).
	literalVars bool
	symbolic    bool // some value is unresolved

	strs  []string
	pats  []arnPattern // ARN and StringLike values, and strings with placeholders
	nums  []float64
	dates []time.Time
	bools []bool
	nets  []netip.Prefix
}

// String renders the condition as "Operator Key [values]".
func (c *Condition) String() string {
	vals := c.Values
	if len(vals) == 1 {
		return c.Key + " " + c.Operator + " " + strconv.Quote(vals[0])
	}
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = strconv.Quote(v)
	}
	return c.Key + " " + c.Operator + " [" + strings.Join(q, ", ") + "]"
}

func (p *parser) conditions(v *model.Value) []*Condition {
	if v == nil || v.Kind == model.Null {
		return nil
	}
	if v.Kind != model.Map {
		p.errorf(v.Pos, "Condition is a %s, want a map", v.Kind)
		return []*Condition{{Operator: "?", Key: "?", Pos: v.Pos, bad: "unreadable Condition block"}}
	}
	var out []*Condition
	for _, of := range v.Fields {
		if of.Value == nil || of.Value.Kind != model.Map {
			p.errorf(of.KeyPos, "condition operator %s: want a map of keys to values", of.Key)
			out = append(out, &Condition{Operator: of.Key, Key: "?", Pos: of.KeyPos, bad: "unreadable condition"})
			continue
		}
		for _, kf := range of.Value.Fields {
			c := compileCondition(of.Key, kf.Key, kf.Value, kf.KeyPos)
			if c.bad != "" {
				p.errorf(kf.KeyPos, "condition %s %s: %s", of.Key, kf.Key, c.bad)
			}
			out = append(out, c)
		}
	}
	return out
}

func compileCondition(operator, key string, val *model.Value, pos model.Pos) *Condition {
	c := &Condition{Operator: operator, Key: key, Pos: pos}
	name := operator
	switch {
	case strings.HasPrefix(name, "ForAllValues:"):
		c.set, name = setForAll, strings.TrimPrefix(name, "ForAllValues:")
	case strings.HasPrefix(name, "ForAnyValue:"):
		c.set, name = setForAny, strings.TrimPrefix(name, "ForAnyValue:")
	}
	if strings.HasSuffix(name, "IfExists") && name != "IfExists" {
		c.ifExists, name = true, strings.TrimSuffix(name, "IfExists")
	}
	c.op = opNames[name]
	if c.op == opUnknown {
		c.bad = fmt.Sprintf("unknown condition operator %q", operator)
	}
	if c.op == opNull && (c.ifExists || c.set != setNone) {
		c.bad = fmt.Sprintf("operator %q cannot be qualified", operator)
	}
	for _, e := range val.Elems() {
		if e.Kind == model.List || e.Kind == model.Map {
			c.bad = "condition value is a " + e.Kind.String()
			continue
		}
		s := e.String()
		sym := e.Kind == model.Symbolic || (e.Unresolved && hasPlaceholder(s))
		if sym {
			c.symbolic = true
		}
		c.Values = append(c.Values, s)
		if err := c.addValue(s, sym); err != nil && c.bad == "" {
			c.bad = err.Error()
		}
	}
	if len(c.Values) == 0 && c.bad == "" {
		c.bad = "no values"
	}
	return c
}

func (c *Condition) addValue(s string, sym bool) error {
	switch c.op {
	case opStringEquals, opStringNotEquals, opStringEqualsIgnoreCase, opStringNotEqualsIgnoreCase:
		c.strs = append(c.strs, s)
		// Placeholders (policy variables, symbols) need the matcher; '*'
		// and '?' are literal here.
		c.pats = append(c.pats, arnPattern{raw: s, ph: hasPlaceholder(s), sym: sym && !hasPlaceholder(s)})
	case opStringLike, opStringNotLike:
		c.pats = append(c.pats, arnPattern{raw: s, ph: hasPlaceholder(s), sym: sym && !hasPlaceholder(s)})
	case opArnEquals, opArnLike, opArnNotEquals, opArnNotLike:
		c.pats = append(c.pats, compileARN(s, sym && !hasPlaceholder(s)))
	case opNumericEquals, opNumericNotEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		if sym {
			return nil
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		c.nums = append(c.nums, f)
	case opDateEquals, opDateNotEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		if sym {
			return nil
		}
		t, ok := parseDate(s)
		if !ok {
			return fmt.Errorf("%q is not a date", s)
		}
		c.dates = append(c.dates, t)
	case opBool, opNull:
		if sym {
			return nil
		}
		switch strings.ToLower(s) {
		case "true":
			c.bools = append(c.bools, true)
		case "false":
			c.bools = append(c.bools, false)
		default:
			return fmt.Errorf("%q is not true or false", s)
		}
	case opIPAddress, opNotIPAddress:
		if sym {
			return nil
		}
		pfx, ok := parseNet(s)
		if !ok {
			return fmt.Errorf("%q is not an IP address or CIDR", s)
		}
		c.nets = append(c.nets, pfx)
	case opBinaryEquals:
		c.strs = append(c.strs, s)
	}
	return nil
}

func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}

func parseNet(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// eval evaluates the condition against the request. It returns Maybe, and
// records why, when the answer depends on something unknown.
func (c *Condition) eval(r *evalState) Tri {
	if c.bad != "" {
		if r.collecting {
			r.because("cannot evaluate condition " + c.String() + ": " + c.bad)
		}
		return Maybe
	}
	vals, present, known := r.req.Context.lookup(c.Key, r.req)
	if !known && c.sessionExpired() {
		return No
	}
	if !known {
		if r.collecting {
			r.because(c.String())
		}
		return Maybe
	}
	if c.op == opNull {
		// Null true: the key is absent; false: present.
		want := c.bools
		if len(want) == 0 {
			if r.collecting {
				r.because(c.String())
			}
			return Maybe
		}
		res := No
		for _, w := range want {
			if w == !present || (w && len(vals) == 0) {
				res = Yes
			}
		}
		return res
	}
	if !present || len(vals) == 0 {
		switch {
		case c.set == setForAll:
			return Yes // vacuously true over an empty set
		case c.set == setForAny:
			return No
		case c.ifExists:
			return Yes
		case c.op.negated():
			return Yes
		}
		return No
	}
	neg := c.op.negated()
	var res Tri
	switch c.set {
	case setForAll:
		res = Yes
		for _, v := range vals {
			m := c.matchOne(r, v)
			if neg {
				m = not(m)
			}
			res = minTri(res, m)
			if res == No {
				break
			}
		}
	default: // single-valued and ForAnyValue: some context value
		res = No
		for _, v := range vals {
			m := c.matchOne(r, v)
			if neg {
				m = not(m)
			}
			res = maxTri(res, m)
			if res == Yes {
				break
			}
		}
	}
	if res == Maybe {
		if r.collecting {
			r.because(c.String())
		}
	}
	return res
}

// matchOne reports whether the context value v matches any of the
// condition's values, ignoring negation.
func (c *Condition) matchOne(r *evalState, v string) Tri {
	vars := r.varLookup
	if c.literalVars {
		vars = literalVar
	}
	if c.symbolic && c.op != opStringEquals && c.op != opStringNotEquals && c.op != opStringLike && c.op != opStringNotLike &&
		c.op != opArnEquals && c.op != opArnLike && c.op != opArnNotEquals && c.op != opArnNotLike &&
		c.op != opStringEqualsIgnoreCase && c.op != opStringNotEqualsIgnoreCase {
		return Maybe
	}
	switch c.op {
	case opStringEquals, opStringNotEquals, opStringEqualsIgnoreCase, opStringNotEqualsIgnoreCase:
		fold := c.op == opStringEqualsIgnoreCase || c.op == opStringNotEqualsIgnoreCase
		res := No
		for i, s := range c.strs {
			p := &c.pats[i]
			switch {
			case p.sym:
				res = maxTri(res, Maybe)
			case p.ph || hasPlaceholder(v):
				res = maxTri(res, matchUnits(splitUnits(s, false, false, vars), splitUnits(v, false, false, nil), fold))
			case fold && strings.EqualFold(s, v), !fold && s == v:
				return Yes
			}
		}
		return res
	case opStringLike, opStringNotLike:
		res := No
		for i := range c.pats {
			p := &c.pats[i]
			switch {
			case p.sym:
				res = maxTri(res, Maybe)
			case p.ph || hasPlaceholder(v):
				res = maxTri(res, matchUnits(splitUnits(p.raw, true, false, vars), splitUnits(v, false, false, nil), false))
			case glob(p.raw, v):
				return Yes
			}
		}
		return res
	case opArnEquals, opArnLike, opArnNotEquals, opArnNotLike:
		res := No
		ph := hasPlaceholder(v)
		for i := range c.pats {
			res = maxTri(res, c.pats[i].match(v, ph, vars))
			if res == Yes {
				return Yes
			}
		}
		return res
	case opNumericEquals, opNumericNotEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return No
		}
		for _, n := range c.nums {
			if cmpOK(c.op, compareFloat(x, n)) {
				return Yes
			}
		}
		return No
	case opDateEquals, opDateNotEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
		t, ok := parseDate(v)
		if !ok {
			return No
		}
		for _, d := range c.dates {
			if cmpOK(c.op, t.Compare(d)) {
				return Yes
			}
		}
		return No
	case opBool:
		b := strings.ToLower(v)
		for _, w := range c.bools {
			if (w && b == "true") || (!w && b == "false") {
				return Yes
			}
		}
		return No
	case opIPAddress, opNotIPAddress:
		a, err := netip.ParseAddr(strings.TrimSpace(v))
		if err != nil {
			if pfx, ok := parseNet(v); ok {
				a = pfx.Addr()
			} else {
				return No
			}
		}
		a = a.Unmap()
		for _, n := range c.nets {
			if n.Contains(a) {
				return Yes
			}
		}
		return No
	case opBinaryEquals:
		got, err1 := base64.StdEncoding.DecodeString(v)
		for _, s := range c.strs {
			want, err2 := base64.StdEncoding.DecodeString(s)
			if err1 == nil && err2 == nil && string(got) == string(want) {
				return Yes
			}
			if (err1 != nil || err2 != nil) && s == v {
				return Yes
			}
		}
		return No
	}
	return Maybe
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpOK says whether a comparison result satisfies the operator. Negated
// operators test equality; the caller inverts.
func cmpOK(op opFamily, c int) bool {
	switch op {
	case opNumericEquals, opNumericNotEquals, opDateEquals, opDateNotEquals:
		return c == 0
	case opNumericLessThan, opDateLessThan:
		return c < 0
	case opNumericLessThanEquals, opDateLessThanEquals:
		return c <= 0
	case opNumericGreaterThan, opDateGreaterThan:
		return c > 0
	case opNumericGreaterThanEquals, opDateGreaterThanEquals:
		return c >= 0
	}
	return false
}

// Operators returns the names of the condition operators the evaluator
// knows (without ForAllValues:/ForAnyValue: and IfExists), sorted.
func Operators() []string {
	out := make([]string, 0, len(opNames))
	for k := range opNames {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sessionEpoch is a date every session nightlight reasons about was
// issued after (the action catalog's data is newer): a condition
// requiring aws:TokenIssueTime or aws:CurrentTime to be before it can
// never hold for a current session.
func sessionEpoch() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

// sessionExpired reports whether c is DateLessThan(Equals) on
// aws:TokenIssueTime or aws:CurrentTime with every date before
// sessionEpoch().
func (c *Condition) sessionExpired() bool {
	if c.op != opDateLessThan && c.op != opDateLessThanEquals || c.ifExists || c.set != setNone || len(c.dates) == 0 || len(c.dates) != len(c.Values) {
		return false
	}
	if !equalFoldASCII(c.Key, "aws:TokenIssueTime") && !equalFoldASCII(c.Key, "aws:CurrentTime") {
		return false
	}
	for _, d := range c.dates {
		if !d.Before(sessionEpoch()) {
			return false
		}
	}
	return true
}
