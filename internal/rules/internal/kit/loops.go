package kit

import (
	"context"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

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
	// filter is uncertain.
	Confidence rule.Confidence
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
			best := -1
			for i, g := range e.Grants {
				if g.Access != catalog.Write || !contains(acts, strings.ToLower(g.Action)) || !targets(g, tr.Source) {
					continue
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
			out = append(out, Feed{Fn: fn, Trigger: tr, Action: g.Action, Resource: g.Resource,
				Pos: model.Pos{File: g.Statement.File, Line: g.Statement.Line}, Confidence: conf})
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
