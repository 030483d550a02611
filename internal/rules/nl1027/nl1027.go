// Package nl1027 is rule NL1027: Caller chooses the resource of a service
// integration.
//
// It reports API Gateway service integrations (API Gateway calls S3, SQS,
// DynamoDB, Kinesis, Step Functions, SNS or EventBridge with a role of its
// own, no function in between) whose target resource name comes from the
// request: a bucket or queue taken from a path parameter, a TableName or
// StreamName filled in from $input.params, an HTTP API QueueUrl from a
// header. The caller then picks which resource the integration role acts on.
package nl1027

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
	"github.com/nightlight-sec/nightlight/internal/rules/internal/kit"
)

// Rule returns NL1027.
func Rule() *rule.Rule {
	return &rule.Rule{
		ID:       "NL1027",
		Title:    "Caller chooses the resource of a service integration",
		Category: rule.AttackSurface,
		Severity: rule.High,
		Adjust: []rule.Adjustment{
			{Severity: rule.Medium, When: "callers must authenticate"},
			{Severity: rule.Low, When: "the integration role is limited to named resources of the service"},
		},
		Confidence: rule.ConfidenceHigh,
		Platforms:  []model.Provider{model.AWS},
		Doc: rule.Doc{
			Description: "A service integration lets API Gateway call S3, SQS, DynamoDB, Kinesis, Step Functions, SNS or EventBridge directly with an integration role. When the bucket, queue, table, stream, topic or state machine is taken from the request (a path parameter mapped into the URI, $input.params in a mapping template, $request.header in an HTTP API parameter), the caller decides which resource the role acts on: every bucket or table the role can reach is one request away, including those of other applications in the account.",
			Bad: `Integration:
  Type: AWS
  Credentials: !GetAtt ApiS3Role.Arn
  Uri: arn:aws:apigateway:eu-west-1:s3:path/{bucket}/{key}
  RequestParameters:
    integration.request.path.bucket: method.request.path.folder`,
			Good: `Integration:
  Type: AWS
  Credentials: !GetAtt ApiS3Role.Arn
  Uri: !Sub arn:aws:apigateway:${AWS::Region}:s3:path/${UploadBucket}/{key}
  RequestParameters:
    integration.request.path.key: method.request.path.key`,
			Remediation: "Write the resource into the integration (URI or mapping template) from the template, let the caller choose only the key or item within it, and scope the integration role to the resources the route serves.",
		},
		Run: run,
	}
}

// names are the request fields that name the resource a service call acts
// on.
var names = []string{"Bucket", "QueueUrl", "QueueName", "TableName", "StreamName", "StreamARN", "TopicArn", "TargetArn",
	"StateMachineArn", "stateMachineArn", "EventBusName", "FunctionName", "SecretId"}

// templateField finds a resource-naming field in a mapping template, JSON
// ("TableName": "…") or form-encoded (QueueUrl=…), and its value.
var templateField = regexp.MustCompile(`["']?\b(` + strings.Join(names, "|") + `)["']?\s*[:=]\s*(?:"([^"]*)"|([^"&,}\s]+))`)

// choice is one place where the request names the target.
type choice struct {
	what, from string
	pos        model.Pos
}

func run(ctx context.Context, p *rule.Pass) error {
	for _, ep := range p.Stack.EntryPoints {
		in := ep.Integration
		if in == nil || in.Service == "" || ctx.Err() != nil {
			continue
		}
		cs := choices(in)
		if len(cs) == 0 {
			continue
		}
		var parts []string
		for _, c := range cs {
			parts = append(parts, fmt.Sprintf("%s from %s", c.what, c.from))
		}
		role := "its integration role"
		if in.Role != "" {
			role = "integration role " + in.Role
		}
		f := rule.Finding{Resource: kit.Resource(ep), Path: kit.EntryPath(p, ep)}
		scope := ""
		switch named := namedResources(p, in); {
		case len(named) > 0:
			f.Severity = rule.Low
			scope = fmt.Sprintf("; %s is limited to %s, so the choice is among those", role, kit.Actions(named, 4))
		case !kit.Public(p.Stack, ep):
			f.Severity = rule.Medium
			scope = "; callers must authenticate, but any of them can pick"
		}
		f.Message = fmt.Sprintf("%s lets the caller name the %s resource it acts on (%s): %s acts on whatever the request names%s",
			kit.EntryName(ep), in.Service, strings.Join(parts, "; "), role, scope)
		f.At(cs[0].pos)
		p.Report(f)
	}
	return nil
}

// choices returns where the request names the integration's target.
func choices(in *model.Integration) []choice {
	var out []choice
	uri := in.URI.String()
	for _, f := range in.RequestParameters.Entries() {
		src := f.Value.String()
		fromRequest := strings.HasPrefix(src, "method.request.") || strings.Contains(src, "$request.") || strings.Contains(src, "$input.")
		if !fromRequest {
			continue
		}
		key := f.Key
		switch {
		case strings.HasPrefix(key, "integration.request.path."):
			param := strings.TrimPrefix(key, "integration.request.path.")
			if what := pathTarget(in.Service, uri, param); what != "" {
				out = append(out, choice{what, src, f.KeyPos})
			}
		case strings.HasPrefix(key, "integration.request.querystring."), strings.HasPrefix(key, "integration.request.header."):
			name := key[strings.LastIndexByte(key, '.')+1:]
			if naming(name) {
				out = append(out, choice{"the " + name, src, f.KeyPos})
			}
		case naming(key): // HTTP API service integration parameters
			out = append(out, choice{"the " + key, src, f.KeyPos})
		}
	}
	for _, t := range in.RequestTemplates.Entries() {
		text := t.Value.String()
		for _, m := range templateField.FindAllStringSubmatch(text, -1) {
			if v := m[2] + m[3]; strings.Contains(v, "$input") || strings.Contains(v, "$method.request") || strings.Contains(v, "$context.request") {
				pos := t.Value.Pos
				if !pos.IsValid() {
					pos = t.KeyPos
				}
				out = append(out, choice{"the " + m[1], strings.TrimSpace(v), pos})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].pos.Line < out[j].pos.Line })
	return out
}

func naming(name string) bool {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// pathTarget says which resource a URI path parameter names: the bucket
// of an S3 path (first segment, or the bucket subdomain), the queue of an
// SQS path (second segment); "" for object keys and other parts.
func pathTarget(service, uri, param string) string {
	ph := "{" + param + "}"
	i := strings.Index(uri, ":path/")
	if i < 0 {
		return ""
	}
	segs := strings.Split(uri[i+len(":path/"):], "/")
	switch service {
	case "s3":
		if strings.Contains(uri[:i], ph+".s3") || (len(segs) > 0 && segs[0] == ph) {
			return "the bucket"
		}
	case "sqs":
		if len(segs) > 1 && segs[1] == ph {
			return "the queue"
		}
	}
	return ""
}

// namedResources returns the resources the integration role may use the
// service on when every grant for the service names them (no wildcard);
// nil when a grant covers any resource or the role is not in the stack.
func namedResources(p *rule.Pass, in *model.Integration) []string {
	if in.Role == "" {
		return nil
	}
	var out []string
	for _, s := range p.Facts.Allows(in.Role) {
		relevant := false
		for _, a := range s.ActionStrings() {
			a = strings.ToLower(a)
			if a == "*" || strings.HasPrefix(a, in.Service+":") {
				relevant = true
			}
		}
		if !relevant {
			continue
		}
		if s.NotResource {
			return nil
		}
		for _, r := range s.ResourceStrings() {
			if anyName(r) {
				return nil
			}
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

// anyName reports whether an ARN pattern leaves the resource's name open:
// "*", "arn:aws:s3:::*", "arn:aws:dynamodb:*:*:table/*" (but not
// "arn:aws:s3:::uploads/*", which names one bucket's objects).
func anyName(arn string) bool {
	if arn == "*" {
		return true
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return strings.HasPrefix(arn, "*")
	}
	res := parts[5]
	for _, typ := range []string{"table/", "stream/", "stateMachine:", "event-bus/", "function:", "secret:"} {
		res = strings.TrimPrefix(res, typ)
	}
	return strings.HasPrefix(res, "*")
}
