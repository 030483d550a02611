// Package nl5003 is rule NL5003: Function triggers itself (recursive loop).
//
// It reports functions allowed to write to the bucket, queue, topic, table
// stream, Kinesis stream or event bus that triggers them. S3 key
// prefix/suffix filters are compared with the key pattern the function may
// write, and EventBridge rules that match only AWS service events are
// skipped.
package nl5003

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/cost"
	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL5003.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL5003",
		Title:      "Function triggers itself (recursive loop)",
		Category:   rule.DenialOfWallet,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Adjust: []rule.Adjustment{
			{Severity: rule.Medium, When: "when the write or the trigger's match is uncertain (a filter, a pattern over an unresolved name), or the write is only inferred from a role the function shares with others"},
			{Severity: rule.Low, When: "when both: an uncertain write only inferred from a shared role; or when the write is granted only on \"*\" and the stack has another store of the same kind for it to go to"},
		},
		Doc: rule.Doc{
			Description: "A function that writes to the source that triggers it — a thumbnailer writing into its upload bucket, a handler re-queuing to its own queue — can invoke itself forever. Each loop iteration is billed, at the function's full concurrency, until someone notices; AWS's recursion detection covers only some services and stops loops only after several iterations. nightlight compares S3 notification prefix/suffix filters with the object keys the policy lets the function write, so a function that reads incoming/ and writes processed/ is not reported.",
			Bad: `Events:
  Upload: {Type: S3, Properties: {Bucket: !Ref Images, Events: s3:ObjectCreated:*}}
Policies:
  - S3CrudPolicy: {BucketName: !Ref Images}`,
			Good: `Events:
  Upload:
    Type: S3
    Properties:
      Bucket: !Ref Images
      Events: s3:ObjectCreated:*
      Filter: {S3Key: {Rules: [{Name: prefix, Value: incoming/}]}}
Policies:
  - Statement:
      - Effect: Allow
        Action: s3:PutObject
        Resource: !Sub "arn:aws:s3:::${Images}/thumbnails/*"`,
			Remediation: "Write to a different bucket/queue/topic, or separate input and output with a key prefix filter on the trigger and a matching Resource in the policy; set reserved concurrency as a circuit breaker.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	m := kit.CostModel(ctx, p)
	for _, fd := range kit.Feeds(ctx, p) {
		if fd.Trigger.Function != fd.Fn.ID {
			continue
		}
		ep := &model.EntryPoint{ID: fd.Trigger.ID, Kind: model.EntryFunctionURL, Function: fd.Fn.ID}
		e := m.EntryPoint(ctx, ep)
		src := p.Stack.Store(fd.Trigger.Source)
		kind := string(fd.Trigger.Kind)
		if src != nil {
			kind = string(src.Kind)
		}
		sev := rule.High
		if fd.Direct != rule.ConfidenceHigh {
			sev = rule.Medium
		}
		sev, why := kit.FeedSeverity(sev, fd)
		msg := fmt.Sprintf("function %s can write to %s %s (%s on %s), which triggers %s again: a recursive loop that runs until stopped, costing up to $%s per hour%s%s", fd.Fn.ID, kind, fd.Trigger.Source, fd.Action, fd.Resource, fd.Fn.ID, cost.Money(e.PerHour), fd.Inferred(), why)
		if other := elsewhere(p.Stack, fd, src); other != "" && why == "" {
			// Only a wildcard lets it write back; the stack declares where
			// its output more likely goes.
			low := kit.Lower(sev)
			msg = fmt.Sprintf("function %s may write to %s %s (%s on %s): if it writes there, %s triggers it again, a recursive loop that runs until stopped, costing up to $%s per hour (severity lowered from %s: the write is granted only on \"*\", and the stack has another %s, %s, for its output)", fd.Fn.ID, kind, fd.Trigger.Source, fd.Action, fd.Resource, fd.Trigger.Source, cost.Money(e.PerHour), sev, kind, other)
			sev = low
		}
		f := rule.Finding{Resource: fd.Fn.ID, Severity: sev, Confidence: fd.Confidence, CostPerHour: e.PerHour,
			Message: msg,
			Path:    []graph.NodeID{kit.FnNode(p, fd.Fn.ID), kit.StoreNode(p, fd.Trigger.Source), kit.FnNode(p, fd.Fn.ID)}}
		f.At(fd.Pos)
		if f.File != p.Stack.File {
			f.At(fd.Trigger.Pos)
		}
		p.Report(f)
	}
	return nil
}

// elsewhere returns another store of the source's kind in the stack (not a
// dead-letter queue) when
// the feed's write is granted only on "*" (so nothing in the policy points
// at the source itself), or "".
func elsewhere(st *model.Stack, fd kit.Feed, src *model.Store) string {
	if fd.Resource != "*" || src == nil {
		return ""
	}
	// Dead-letter queues hold failures, not output.
	dlq := kit.RedriveTargets(st)
	for _, fn := range st.Functions {
		for _, id := range fn.DeadLetter.AllRefs() {
			dlq[id] = true
		}
	}
	for _, o := range st.Stores {
		if o.Kind == src.Kind && o.ID != src.ID && !dlq[o.ID] {
			return o.ID
		}
	}
	return ""
}
