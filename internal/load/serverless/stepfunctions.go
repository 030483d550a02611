package serverless

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// stateMachines translates the serverless-step-functions plugin's
// stepFunctions.stateMachines: each machine becomes a state-machine store
// (type, definition, logging, tracing), its http events become REST routes
// that start it, and a machine without a role gets the execution role the
// plugin generates, allowed to invoke the functions its definition names.
func (b *builder) stateMachines(a *apis) {
	sf := b.doc.Get("stepFunctions")
	if !sf.IsSet() {
		return
	}
	if !b.hasPlugin("serverless-step-functions") {
		b.diag(sf.Pos, model.DiagWarning, "stepFunctions is set but the serverless-step-functions plugin is not listed in plugins; the framework ignores it")
	}
	for _, f := range sf.Get("stateMachines").Entries() {
		d := f.Value
		if !is(d, model.Map) {
			b.diag(f.KeyPos, model.DiagWarning, "state machine %s must be a mapping, got %s", f.Key, d.Kind)
			continue
		}
		id := f.Key
		s := &model.Store{ID: id, Pos: f.KeyPos, Kind: model.StoreStateMachine, Type: "AWS::StepFunctions::StateMachine", Name: b.get(d, "name")}
		s.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: f.KeyPos}
		if k := b.get(d, "encryptionConfig", "KmsKeyId"); k.IsSet() {
			s.Encryption = model.Encryption{Kind: model.EncryptionCustomer, Key: k, Pos: k.Pos}
		}
		typ := b.get(d, "type")
		if !typ.IsSet() {
			typ = model.NewString("STANDARD", f.KeyPos)
		}
		s.SetAttr(model.AttrStateMachineType, typ)
		def := b.cfnValue(d.Get("definition"))
		s.SetAttr(model.AttrDefinition, def)
		if lc := d.Get("loggingConfig"); lc.IsSet() {
			s.SetAttr(model.AttrLoggingConfig, lc)
		}
		s.SetAttr(model.AttrTracing, b.get(d, "tracingConfig", "enabled"))
		b.st.Stores = append(b.st.Stores, s)
		if r := d.Get("role"); !r.IsSet() {
			b.stateMachineRole(id, f.KeyPos, def)
		}
		b.stateMachineEvents(id, d, a)
	}
}

// stateMachineRole adds the execution role the plugin generates for a
// machine without a role: it trusts states.amazonaws.com and may invoke
// the functions (and their versions and aliases) the definition names.
func (b *builder) stateMachineRole(id string, pos model.Pos, def *model.Value) {
	rl := &model.Role{ID: id + "Role", Pos: pos, Implicit: true, Trust: serviceTrust(pos, "states.amazonaws.com")}
	var arns []*model.Value
	def.Walk(func(v *model.Value) bool {
		for _, ref := range v.Refs {
			if fn := b.st.Function(ref); fn != nil {
				arns = append(arns, model.NewSymbol(ref+".Arn", v.PosOr(pos), ref), model.NewSymbol(ref+".Arn:*", v.PosOr(pos), ref))
			}
		}
		return true
	})
	if len(arns) > 0 {
		rl.Policies = append(rl.Policies, cfn.PolicyDocument("serverless-step-functions: invoke the definition's functions", model.PolicyGenerated,
			policyDoc(pos, []*model.Value{statement(pos, []string{"lambda:InvokeFunction"}, arns...)})))
	}
	b.st.Roles = append(b.st.Roles, rl)
}

// stateMachineEvents adds the machine's http events as REST routes whose
// integration starts an execution (API Gateway's own role, no function).
func (b *builder) stateMachineEvents(id string, d *model.Value, a *apis) {
	for i, ev := range d.Get("events").Elems() {
		typ, body := eventKey(ev)
		if typ != "http" {
			if typ != "" {
				b.diag(ev.Pos, model.DiagInfo, "state machine %s: event type %q is not modelled", id, typ)
			}
			continue
		}
		method, p := strings.ToUpper(body.Get("method").String()), body.Get("path").String()
		if is(body, model.String) {
			method, p = splitMethodPath(body.Str)
			method = strings.ToUpper(method)
		}
		if method == "" {
			method = "ANY"
		}
		api := a.restAPI(ev.Pos)
		e := &event{af: &awsFn{key: id}, typ: typ, body: body, pos: ev.Pos, idx: i}
		ep := &model.EntryPoint{ID: RestAPIID + " " + method + " " + normPath(p), Pos: ev.Pos, Kind: model.EntryRoute, API: RestAPIID,
			Method: method, Path: normPath(p), Event: typ, Target: model.NewSymbol(id, ev.Pos, id),
			Integration: &model.Integration{Pos: ev.Pos, Type: "AWS", Service: "states"}}
		ep.Auth = b.restAuth(e, a, api)
		a.addRoute(ep)
	}
}
