package kit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// RedriveTargets returns the IDs of the stack's stores that some queue's
// RedrivePolicy names as its dead-letter queue.
func RedriveTargets(st *model.Stack) map[string]bool {
	dlq := map[string]bool{}
	for _, s := range st.Stores {
		for _, id := range s.Attr(model.AttrRedriveTarget).AllRefs() {
			dlq[id] = true
		}
	}
	return dlq
}

// Feed is a function that can write to a source that triggers a function:
// Fn writes to Trigger.Source, which invokes Trigger.Function.
type Feed struct {
	Fn      *model.Function
	Trigger *model.Trigger
	// Action and Resource are the grant that allows the write.
	Action   string
	Resource string
	Pos      model.Pos
	// Confidence is lower when the write or the match of the trigger's
	// filter is uncertain, or when the write is only inferred from a role
	// the function shares (SharedWith).
	Confidence rule.Confidence
	// Direct is the confidence of the write itself, before any doubt
	// from a shared role (Confidence is Direct or lower).
	Direct rule.Confidence
	// SharedWith lists the other functions of the stack that run with the
	// same role, when nothing of Fn's own (an environment variable naming
	// the source, an SDK call on it in its code) shows that Fn itself
	// writes there: the grant may exist for one of them. Empty when the
	// role is Fn's alone or Fn's own configuration proves the write.
	SharedWith []string
	// Filtered is set when the trigger filters the events it delivers
	// (an event-source FilterCriteria, an SNS filter policy, an S3 key
	// rule): only writes that match it continue the flow.
	Filtered bool
}

// Inferred returns the note to append to a message when the write is only
// inferred from a shared role, or "".
func (f Feed) Inferred() string {
	if len(f.SharedWith) == 0 {
		return ""
	}
	role := f.Fn.Role
	if role == "" {
		role = f.Fn.RoleARN.String()
	}
	return fmt.Sprintf("; inferred only from role %s, which %s shares with %s: nothing in its own environment or code names %s", role, f.Fn.ID, strings.Join(f.SharedWith, ", "), f.Trigger.Source)
}

// FeedSeverity lowers sev one level for a feed whose write is only
// inferred from a shared role, and returns the reason to append ("" when
// it stays).
func FeedSeverity(sev rule.Severity, fds ...Feed) (rule.Severity, string) {
	for _, f := range fds {
		if len(f.SharedWith) == 0 {
			return sev, ""
		}
	}
	if len(fds) == 0 || Lower(sev) == sev {
		return sev, ""
	}
	return Lower(sev), fmt.Sprintf(" (severity lowered from %s: the write is inferred from a shared role, not from the function's own configuration)", sev)
}

// writeActions are the actions that produce an event on a trigger kind's
// source.
var writeActions = map[model.TriggerKind][]string{
	model.TriggerS3:          {"s3:putobject", "s3:copyobject", "s3:completemultipartupload", "s3:restoreobject"},
	model.TriggerSQS:         {"sqs:sendmessage", "sqs:sendmessagebatch"},
	model.TriggerSNS:         {"sns:publish", "sns:publishbatch"},
	model.TriggerDynamoDB:    {"dynamodb:putitem", "dynamodb:updateitem", "dynamodb:deleteitem", "dynamodb:batchwriteitem", "dynamodb:transactwriteitems", "dynamodb:partiqlinsert", "dynamodb:partiqlupdate", "dynamodb:partiqldelete"},
	model.TriggerKinesis:     {"kinesis:putrecord", "kinesis:putrecords"},
	model.TriggerEventBridge: {"events:putevents"},
}

// Feeds returns every (function, trigger) pair where the function's
// policies let it write events into the trigger's source, honouring S3
// key prefix/suffix filters against the written key pattern and skipping
// EventBridge rules that only match AWS service events.
func Feeds(ctx context.Context, p *rule.Pass) []Feed {
	fs, _ := rule.ResultOf(ctx, p, FeedsAnalysis)
	return fs
}

// FeedsAnalysis computes Feeds once per stack.
var FeedsAnalysis = &rule.Analysis[[]Feed]{Name: "feeds", PerStack: true,
	Run: func(ctx context.Context, p *rule.Pass) ([]Feed, error) { return feeds(ctx, p), nil }}

func feeds(ctx context.Context, p *rule.Pass) []Feed {
	var out []Feed
	for _, fn := range p.Stack.Functions {
		e := p.Facts.Effective(ctx, fn)
		if e == nil {
			continue
		}
		for _, tr := range p.Stack.Triggers {
			acts := writeActions[tr.Kind]
			if tr.Source == "" || len(acts) == 0 || kindDisabled(tr) {
				continue
			}
			if tr.Kind == model.TriggerEventBridge && awsOnlyPattern(tr.Filter) {
				continue
			}
			names, byName := streamEventNames(tr)
			best := -1
			for i, g := range e.Grants {
				if g.Access != catalog.Write || !contains(acts, strings.ToLower(g.Action)) || !targets(g, tr.Source) {
					continue
				}
				if byName && !producesAny(g.Action, names) {
					continue // the trigger's filter drops every event this write makes
				}
				if tr.Kind == model.TriggerS3 && !s3KeyCompatible(g.Resource, tr.Filter) {
					continue
				}
				if c := tcConf(g, tr.Source); c != model.ConfidenceHigh && g.Resource != "*" && namesOther(g.Resource, tr.Source) {
					continue // a pattern over another resource's symbolic name
				}
				if best < 0 || rank(g) > rank(e.Grants[best]) {
					best = i
				}
			}
			if best < 0 {
				continue
			}
			g := e.Grants[best]
			conf := rule.ConfidenceHigh
			switch {
			case tcConf(g, tr.Source) == model.ConfidenceLow || g.Resource == "*":
				conf = rule.ConfidenceLow
			case tcConf(g, tr.Source) != model.ConfidenceHigh || g.Conditional || tr.Filter.IsSet():
				conf = rule.ConfidenceMedium
			}
			fd := Feed{Fn: fn, Trigger: tr, Action: g.Action, Resource: g.Resource,
				Pos: model.Pos{File: g.Statement.File, Line: g.Statement.Line}, Confidence: conf, Direct: conf, Filtered: tr.Filter.IsSet()}
			if others := sharing(p.Stack, fn); len(others) > 0 && !ownEvidence(fn, tr.Source, acts) {
				fd.SharedWith, fd.Confidence = others, rule.ConfidenceLow
			}
			out = append(out, fd)
		}
	}
	return out
}

func kindDisabled(tr *model.Trigger) bool { return Falsy(tr.Enabled) }

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func targets(g iam.Grant, id string) bool {
	for _, t := range g.Targets {
		if t.ID == id {
			return true
		}
	}
	return false
}

func tcConf(g iam.Grant, id string) model.Confidence {
	for _, t := range g.Targets {
		if t.ID == id {
			return t.Confidence
		}
	}
	return model.ConfidenceLow
}

func rank(g iam.Grant) int {
	r := 0
	for _, t := range g.Targets {
		if t.Confidence == model.ConfidenceHigh {
			r = 2
		}
	}
	if !g.Conditional {
		r++
	}
	return r
}

// awsOnlyPattern reports whether an EventBridge pattern matches only
// events whose source starts with "aws." — which custom PutEvents calls
// cannot produce.
func awsOnlyPattern(pat *model.Value) bool {
	src := pat.GetFold("source")
	if !src.IsSet() {
		return false
	}
	for _, s := range src.Elems() {
		if s.Kind != model.String || !strings.HasPrefix(s.Str, "aws.") {
			return false
		}
	}
	return true
}

// s3KeyCompatible reports whether an object written under the grant's
// resource pattern ("arn:aws:s3:::bucket/out/*") can match the trigger's
// key prefix and suffix filter.
func s3KeyCompatible(resource string, filter *model.Value) bool {
	prefix, suffix := s3Filter(filter)
	if prefix == "" && suffix == "" {
		return true
	}
	key := "*"
	if i := strings.Index(resource, "/"); i >= 0 && !strings.HasPrefix(resource, "arn:aws:s3:::*") {
		key = resource[i+1:]
	}
	// Symbolic parts (${…}) are unknown: treat them as wildcards.
	for {
		i := strings.Index(key, "${")
		if i < 0 {
			break
		}
		j := strings.Index(key[i:], "}")
		if j < 0 {
			break
		}
		key = key[:i] + "*" + key[i+j+1:]
	}
	lit := key
	if i := strings.IndexAny(key, "*?"); i >= 0 {
		lit = key[:i]
	}
	if !(strings.HasPrefix(lit, prefix) || strings.HasPrefix(prefix, lit)) {
		return false
	}
	if !strings.ContainsAny(key, "*?") {
		return strings.HasPrefix(key, prefix) && strings.HasSuffix(key, suffix)
	}
	tail := key[strings.LastIndexAny(key, "*?")+1:]
	return strings.HasSuffix(tail, suffix) || strings.HasSuffix(suffix, tail)
}

// s3Filter reads the key prefix and suffix of an S3 notification filter
// in the CloudFormation ({S3Key: {Rules: [{Name, Value}]}}), SAM and
// Terraform (filter_prefix/filter_suffix) shapes.
func s3Filter(f *model.Value) (prefix, suffix string) {
	f.Walk(func(v *model.Value) bool {
		if v.Kind != model.Map {
			return true
		}
		if n := v.GetFold("Name"); n.IsSet() {
			switch strings.ToLower(n.String()) {
			case "prefix":
				prefix = v.GetFold("Value").String()
			case "suffix":
				suffix = v.GetFold("Value").String()
			}
		}
		for _, k := range []string{"filter_prefix", "prefix"} {
			if x := v.GetFold(k); x.IsSet() && x.Kind == model.String {
				prefix = x.Str
			}
		}
		for _, k := range []string{"filter_suffix", "suffix"} {
			if x := v.GetFold(k); x.IsSet() && x.Kind == model.String {
				suffix = x.Str
			}
		}
		return true
	})
	return prefix, suffix
}

// namesOther reports whether a resource pattern refers (${ID…}) to model
// objects but not to id.
func namesOther(resource, id string) bool {
	if !strings.Contains(resource, "${") {
		return false
	}
	return !strings.Contains(resource, "${"+id+"}") && !strings.Contains(resource, "${"+id+".")
}

// sharing returns the other functions of the stack that run with fn's
// role (the same role ID, or the same role ARN), sorted.
func sharing(st *model.Stack, fn *model.Function) []string {
	var out []string
	for _, o := range st.Functions {
		if o.ID == fn.ID {
			continue
		}
		if (fn.Role != "" && o.Role == fn.Role) || (fn.Role == "" && fn.RoleARN.IsSet() && o.Role == "" && o.RoleARN.String() == fn.RoleARN.String()) {
			out = append(out, o.ID)
		}
	}
	return model.SortedUnique(out)
}

// ownEvidence reports whether fn's own configuration shows it uses the
// store src: an environment variable refers to it, or its code makes a
// write call (one of acts, lower-case) the analysis tied to it.
func ownEvidence(fn *model.Function, src string, acts []string) bool {
	for _, ev := range fn.Environment {
		for _, r := range ev.Value.AllRefs() {
			if r == src || strings.HasPrefix(r, src+".") {
				return true
			}
		}
	}
	if fn.Code != nil {
		for _, c := range fn.Code.Calls {
			if c.Resource != src {
				continue
			}
			for _, a := range c.Actions {
				if contains(acts, strings.ToLower(a)) {
					return true
				}
			}
		}
	}
	return false
}

// dynamoEvents are the stream event names each DynamoDB write produces.
var dynamoEvents = map[string][]string{
	"dynamodb:putitem":            {"INSERT", "MODIFY"},
	"dynamodb:updateitem":         {"INSERT", "MODIFY"},
	"dynamodb:deleteitem":         {"REMOVE"},
	"dynamodb:batchwriteitem":     {"INSERT", "MODIFY", "REMOVE"},
	"dynamodb:transactwriteitems": {"INSERT", "MODIFY", "REMOVE"},
	"dynamodb:partiqlinsert":      {"INSERT"},
	"dynamodb:partiqlupdate":      {"MODIFY"},
	"dynamodb:partiqldelete":      {"REMOVE"},
}

// producesAny reports whether a DynamoDB write action produces a stream
// event with one of the names.
func producesAny(action string, names map[string]bool) bool {
	evs, ok := dynamoEvents[strings.ToLower(action)]
	if !ok {
		return true
	}
	for _, n := range evs {
		if names[n] {
			return true
		}
	}
	return false
}

// streamEventNames reads the eventName values a DynamoDB stream trigger's
// filter criteria let through, in any input's shape (CloudFormation/SAM
// Filters[].Pattern JSON strings, Terraform filter blocks, serverless.yml
// filterPatterns maps). byName is false when the trigger is not a
// DynamoDB stream or some filter does not constrain eventName (filters
// are alternatives: one without eventName lets every event through).
func streamEventNames(tr *model.Trigger) (names map[string]bool, byName bool) {
	if tr.Kind != model.TriggerDynamoDB || !tr.Filter.IsSet() {
		return nil, false
	}
	// serverless.yml lists the patterns themselves: each must name
	// eventName.
	if tr.Filter.Kind == model.List {
		for _, x := range tr.Filter.Items {
			if x.Kind == model.Map && !x.GetFold("eventName").IsSet() {
				return nil, false
			}
		}
	}
	var patterns []map[string]any
	tr.Filter.Walk(func(v *model.Value) bool {
		switch v.Kind {
		case model.String:
			if t := strings.TrimSpace(v.Str); strings.HasPrefix(t, "{") {
				var m map[string]any
				if json.Unmarshal([]byte(t), &m) == nil {
					patterns = append(patterns, m)
				}
			}
		case model.Map:
			if n := v.GetFold("eventName"); n.IsSet() {
				m := map[string]any{}
				var list []any
				for _, x := range n.Elems() {
					list = append(list, x.String())
				}
				m["eventName"] = list
				patterns = append(patterns, m)
				return false
			}
		}
		return true
	})
	if len(patterns) == 0 {
		return nil, false
	}
	names = map[string]bool{}
	for _, m := range patterns {
		list, ok := m["eventName"].([]any)
		if !ok {
			return nil, false
		}
		for _, x := range list {
			s, ok := x.(string)
			if !ok {
				return nil, false // a content filter ({"prefix": …}): not judged
			}
			names[strings.ToUpper(s)] = true
		}
	}
	return names, true
}
