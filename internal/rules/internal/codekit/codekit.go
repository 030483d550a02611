// Package codekit holds what the handler-code rules (NL70xx) share:
// reporting the flows that internal/code recorded on the model as
// findings whose path is the taint path, source line first.
package codekit

import (
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// Exposed reports whether a flow's trigger delivers requests from outside
// the application (an API route, a function URL, an ALB target).
func Exposed(f *model.Flow) bool {
	switch model.EntryPointKind(f.Trigger) {
	case model.EntryRoute, model.EntryFunctionURL, model.EntryALB, model.EntryWebAction:
		return true
	}
	return false
}

// Steps renders a flow's steps as "file:line: note", source first, for a
// finding's path.
func Steps(f *model.Flow) []graph.NodeID {
	out := make([]graph.NodeID, 0, len(f.Steps))
	for _, s := range f.Steps {
		p := s.Pos
		p.Col = 0
		out = append(out, graph.StepID(p.String()+": "+s.Note))
	}
	return out
}

// ReportFlows reports every flow of kind in the stack's functions at its
// sink, with the taint path as the finding's path. sev picks the severity
// of one flow ("" keeps the rule's); msg writes the message. A flow that
// crosses code the analysis could not follow has medium confidence.
func ReportFlows(p *rule.Pass, kind model.FlowKind, sev func(*model.Flow) rule.Severity, msg func(fn *model.Function, f *model.Flow) string) {
	for _, fn := range p.Stack.Functions {
		if fn.Code == nil {
			continue
		}
		for i := range fn.Code.Flows {
			f := &fn.Code.Flows[i]
			if f.Kind != kind {
				continue
			}
			fd := rule.Finding{Resource: fn.ID, Message: msg(fn, f), Path: Steps(f)}
			fd.At(f.SinkPos())
			if sev != nil {
				fd.Severity = sev(f)
			}
			if !f.Certain {
				fd.Confidence = rule.ConfidenceMedium
			}
			p.Report(fd)
		}
	}
}

// Via describes how a flow reaches its function: "from the request body
// (event.body) of an API route".
func Via(f *model.Flow) string {
	if f.Trigger == "" {
		return f.Source
	}
	return fmt.Sprintf("%s delivered by its %s trigger", f.Source, f.Trigger)
}
