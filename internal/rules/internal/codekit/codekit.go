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

// Reported reports whether the findings of fn's code belong to fn: it has
// code, and no function of another stack deploys the same code (a
// Terraform Azure function app built from fn's Azure Functions project,
// model.Code.DeployedBy), on which they are reported instead, once per
// deployment.
func Reported(fn *model.Function) bool {
	return fn.Code != nil && len(fn.Code.DeployedBy) == 0
}

// ReportFlows reports every flow of kind in the stack's functions at its
// sink, with the taint path as the finding's path. sev picks the severity
// of one flow ("" keeps the rule's); msg writes the message. A flow that
// crosses code the analysis could not follow has medium confidence.
// Functions whose code findings belong to another function (Reported) are
// skipped.
func ReportFlows(p *rule.Pass, kind model.FlowKind, sev func(*model.Flow) rule.Severity, msg func(fn *model.Function, f *model.Flow) string) {
	for _, fn := range p.Stack.Functions {
		if !Reported(fn) {
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
