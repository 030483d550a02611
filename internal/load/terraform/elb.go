package terraform

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Load balancer resource types, current and legacy names.
var (
	lbTypes          = []string{"aws_lb", "aws_alb"}
	lbListenerTypes  = []string{"aws_lb_listener", "aws_alb_listener"}
	lbRuleTypes      = []string{"aws_lb_listener_rule", "aws_alb_listener_rule"}
	lbTargetGrpTypes = []string{"aws_lb_target_group", "aws_alb_target_group"}
)

// albTarget turns a Lambda function attached to a target group into ALB
// entry points: one per listener (default action) or listener rule that
// forwards to the group, with the authentication the same actions apply
// first (authenticate-cognito, authenticate-oidc), the rule's path and
// method conditions, and the load balancer's scheme (internal: reachable
// only inside its VPC). When no listener of the configuration forwards to
// the group, its listener is declared elsewhere: one entry point of
// undecided authentication.
func (t *translator) albTarget(in *instance) {
	p := in.props
	fn := t.fnID(p.Get("target_id"))
	if fn == "" {
		return
	}
	tg := t.ref(p.Get("target_group_arn"), lbTargetGrpTypes...)
	found := false
	for _, l := range t.insts {
		isRule := hasType(l.typ, lbRuleTypes)
		if !isRule && !hasType(l.typ, lbListenerTypes) {
			continue
		}
		actions, listener := l.props.Get("default_action"), l
		if isRule {
			actions, listener = l.props.Get("action"), t.byID[t.ref(l.props.Get("listener_arn"), lbListenerTypes...)]
		}
		fwd := forwardTo(t, actions, tg)
		if tg == "" || fwd == nil {
			continue
		}
		found = true
		scheme := ""
		if listener != nil {
			if lb := t.byID[t.ref(listener.props.Get("load_balancer_arn"), lbTypes...)]; lb != nil {
				scheme = model.SchemeInternetFacing // internal = false, the default
				if internal, _ := boolOf(lb.props.Get("internal")); internal {
					scheme = model.SchemeInternal
				}
			}
		}
		id := l.addr + " " + fn
		if t.st.EntryPoint(id) != nil {
			continue // the function is in two groups the listener forwards to
		}
		method, path := ruleConditions(l.props.Get("condition"))
		t.st.EntryPoints = append(t.st.EntryPoints, &model.EntryPoint{ID: id, Pos: fwd.Pos, Kind: model.EntryALB,
			Function: fn, Method: method, Path: path, Auth: actionAuth(t, actions, l.pos), Target: p.Get("target_group_arn"), Scheme: scheme})
	}
	if !found {
		t.st.EntryPoints = append(t.st.EntryPoints, &model.EntryPoint{ID: in.addr, Pos: in.pos, Kind: model.EntryALB,
			Function: fn, Auth: model.Auth{Type: model.AuthUnknown, Pos: in.pos}, Target: p.Get("target_group_arn")})
	}
}

func hasType(typ string, types []string) bool {
	for _, x := range types {
		if typ == x {
			return true
		}
	}
	return false
}

// forwardTo returns the action of actions that forwards to target group
// tg (target_group_arn, or a forward block's target_group), or nil.
func forwardTo(t *translator, actions *model.Value, tg string) *model.Value {
	for _, a := range actions.Elems() {
		if !strings.EqualFold(a.Get("type").String(), "forward") {
			continue
		}
		if t.ref(a.Get("target_group_arn"), lbTargetGrpTypes...) == tg {
			return a
		}
		for _, f := range a.Get("forward").Elems() {
			for _, g := range f.Get("target_group").Elems() {
				if t.ref(g.Get("arn"), lbTargetGrpTypes...) == tg {
					return a
				}
			}
		}
	}
	return nil
}

// actionAuth is the authentication a listener's actions apply before they
// forward: a Cognito user pool or an OIDC provider, else none.
func actionAuth(t *translator, actions *model.Value, pos model.Pos) model.Auth {
	for _, a := range actions.Elems() {
		switch strings.ToLower(a.Get("type").String()) {
		case "authenticate-cognito":
			c := first(a.Get("authenticate_cognito"))
			return model.Auth{Type: model.AuthCognito, Authorizer: t.ref(c.Get("user_pool_arn")), Pos: a.Pos}
		case "authenticate-oidc":
			c := first(a.Get("authenticate_oidc"))
			return model.Auth{Type: model.AuthJWT, Authorizer: c.Get("issuer").String(), Pos: a.Pos}
		}
	}
	return model.Auth{Type: model.AuthNone, Pos: pos}
}

// ruleConditions returns a listener rule's request methods and path
// patterns, each joined with commas ("" when the rule has none).
func ruleConditions(conds *model.Value) (method, path string) {
	var methods, paths []string
	for _, c := range conds.Elems() {
		for _, pp := range c.Get("path_pattern").Elems() {
			paths = append(paths, pp.Get("values").AsStrings()...)
		}
		for _, m := range c.Get("http_request_method").Elems() {
			methods = append(methods, m.Get("values").AsStrings()...)
		}
	}
	return strings.ToUpper(strings.Join(methods, ",")), strings.Join(paths, ",")
}
