package cfn

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Elastic Load Balancing resources that put Lambda functions behind an
// Application Load Balancer.
const (
	elbLoadBalancer = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	elbListener     = "AWS::ElasticLoadBalancingV2::Listener"
	elbRule         = "AWS::ElasticLoadBalancingV2::ListenerRule"
	elbTargetGroup  = "AWS::ElasticLoadBalancingV2::TargetGroup"
)

// loadBalancers turns the listeners and listener rules that forward to a
// target group of Lambda functions into ALB entry points: one per rule (or
// listener default) and function, with the authentication the same
// actions apply first (authenticate-cognito, authenticate-oidc), the
// rule's path and method conditions, and the load balancer's scheme
// (internal: reachable only inside its VPC). A Lambda target group that no
// listener of the template forwards to is an entry point of undecided
// authentication: its listener is declared elsewhere.
func (t *Template) loadBalancers() {
	forwarded, seen := map[string]bool{}, map[string]bool{}
	for _, r := range t.Resources {
		if !r.Active || (r.Type != elbListener && r.Type != elbRule) {
			continue
		}
		r.Handled = true
		p := r.Properties
		actions, listener := p.Get("DefaultActions"), r
		if r.Type == elbRule {
			actions = p.Get("Actions")
			listener = t.byID[t.RefTo(p.Get("ListenerArn"), elbListener)]
		}
		scheme := t.listenerScheme(listener)
		auth := model.Auth{Type: model.AuthNone, Pos: r.Pos}
		for _, a := range actions.Elems() {
			switch strings.ToLower(a.Get("Type").String()) {
			case "authenticate-cognito":
				auth = model.Auth{Type: model.AuthCognito, Authorizer: t.RefTo(a.Path("AuthenticateCognitoConfig", "UserPoolArn")), Pos: a.Pos}
			case "authenticate-oidc":
				auth = model.Auth{Type: model.AuthJWT, Authorizer: a.Path("AuthenticateOidcConfig", "Issuer").String(), Pos: a.Pos}
			}
		}
		method, path := ruleConditions(p.Get("Conditions"))
		for _, a := range actions.Elems() {
			if !strings.EqualFold(a.Get("Type").String(), "forward") {
				continue
			}
			tgs := []*model.Value{a.Get("TargetGroupArn")}
			tgs = append(tgs, a.Path("ForwardConfig", "TargetGroups").Elems()...)
			for _, tgv := range tgs {
				if tgv != nil && tgv.Get("TargetGroupArn").IsSet() {
					tgv = tgv.Get("TargetGroupArn")
				}
				tg := t.RefTo(tgv, elbTargetGroup)
				if tg == "" {
					continue
				}
				forwarded[tg] = true
				for _, fn := range t.lambdaTargets(tg) {
					id := r.ID + " " + fn
					if seen[id] {
						continue // weighted forwards to two groups of one function
					}
					seen[id] = true
					ep := &model.EntryPoint{ID: id, Pos: a.Pos, Kind: model.EntryALB, Function: fn,
						Method: method, Path: path, Auth: auth, Target: tgv, Scheme: scheme}
					t.Stack.EntryPoints = append(t.Stack.EntryPoints, ep)
				}
			}
		}
	}
	for _, r := range t.Resources {
		if !r.Active || r.Type != elbTargetGroup {
			continue
		}
		r.Handled = true
		if forwarded[r.ID] {
			continue
		}
		for _, fn := range t.lambdaTargets(r.ID) {
			t.Stack.EntryPoints = append(t.Stack.EntryPoints, &model.EntryPoint{ID: r.ID + " " + fn, Pos: r.Pos, Kind: model.EntryALB,
				Function: fn, Auth: model.Auth{Type: model.AuthUnknown, Pos: r.Pos}})
		}
	}
}

// ListenerScheme returns the scheme of the load balancer whose listener v
// refers to ("internet-facing" or "internal"), or "" when the template does
// not declare them: for the Serverless Framework's alb events, whose
// listenerArn may name a listener of the resources section.
func (t *Template) ListenerScheme(v *model.Value) string {
	return t.listenerScheme(t.byID[t.RefTo(v, elbListener)])
}

// listenerScheme returns the scheme of a listener's load balancer, or ""
// when the listener or its load balancer is not in the template.
func (t *Template) listenerScheme(listener *RawResource) string {
	if listener == nil {
		return ""
	}
	lb := t.byID[t.RefTo(listener.Properties.Get("LoadBalancerArn"), elbLoadBalancer)]
	if lb == nil {
		return ""
	}
	if strings.EqualFold(strings.TrimSpace(lb.Properties.Get("Scheme").String()), model.SchemeInternal) {
		return model.SchemeInternal
	}
	return model.SchemeInternetFacing // the default
}

// lambdaTargets returns the functions a target group of type lambda
// targets, in the order written.
func (t *Template) lambdaTargets(tg string) []string {
	r := t.byID[tg]
	if r == nil || !strings.EqualFold(r.Properties.Get("TargetType").String(), "lambda") {
		return nil
	}
	var out []string
	for _, target := range r.Properties.Get("Targets").Elems() {
		if fn := t.FunctionRef(target.Get("Id")); fn != "" {
			out = append(out, fn)
		}
	}
	return out
}

// ruleConditions returns a listener rule's request methods and path
// patterns, each joined with commas ("" when the rule has none).
func ruleConditions(conds *model.Value) (method, path string) {
	var methods, paths []string
	for _, c := range conds.Elems() {
		switch strings.ToLower(c.Get("Field").String()) {
		case "path-pattern":
			paths = append(paths, c.Get("Values").AsStrings()...)
			paths = append(paths, c.Path("PathPatternConfig", "Values").AsStrings()...)
		case "http-request-method":
			methods = append(methods, c.Path("HttpRequestMethodConfig", "Values").AsStrings()...)
		}
	}
	return strings.ToUpper(strings.Join(methods, ",")), strings.Join(paths, ",")
}
