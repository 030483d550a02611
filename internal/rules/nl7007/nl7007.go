// Package nl7007 is rule NL7007: Server-side template compiled from event data.
//
// It reports flows that internal/code found in the handler source.
package nl7007

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/codekit"
)

// Rule returns NL7007.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:         "NL7007",
		Title:      "Server-side template compiled from event data",
		Platforms:  []model.Provider{model.AnyProvider},
		Category:   rule.Code,
		Severity:   rule.High,
		Confidence: rule.ConfidenceHigh,
		Doc: rule.Doc{
			Description: "The handler compiles a template (Jinja2 Template/from_string, Handlebars, EJS, Pug, lodash template, Go text/template; in Java Velocity evaluate, FreeMarker Template and StringTemplateLoader, Thymeleaf TemplateEngine.process, Mustache and Handlebars.java compile, Pebble literal templates) from event data: template syntax in the data runs code on the server (server-side template injection).",
			Bad: `from jinja2 import Template
def handler(event, context):
    return Template("Hello " + event["queryStringParameters"]["name"]).render()`,
			Good: `from jinja2 import Template
T = Template("Hello {{ name }}")
def handler(event, context):
    return T.render(name=event["queryStringParameters"]["name"])`,
			Remediation: "Keep templates constant and pass data as render variables.",
		},
		Run: run,
	}
}

func run(ctx context.Context, p *rule.Pass) error {
	codekit.ReportFlows(p, model.FlowTemplate, nil, func(fn *model.Function, f *model.Flow) string {
		return fmt.Sprintf("function %s compiles a template from %s: %s", fn.ID, codekit.Via(f), f.Sink)
	})
	return nil
}
