package iam

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// maxFlagActions bounds the actions listed in one flag.
const maxFlagActions = 25

func refPos(r StatementRef) model.Pos { return model.Pos{File: r.File, Line: r.Line} }

func confOf(conditional bool) model.Confidence {
	if conditional {
		return model.ConfidenceMedium
	}
	return model.ConfidenceHigh
}

func listActions(actions []string) ([]string, string) {
	sort.Strings(actions)
	if len(actions) <= maxFlagActions {
		return actions, strings.Join(actions, ", ")
	}
	return actions[:maxFlagActions], strings.Join(actions[:maxFlagActions], ", ") + fmt.Sprintf(" and %d more", len(actions)-maxFlagActions)
}

// flags derives the notable permissions of e.
func (a *Analyzer) flags(e *Effective) []Flag {
	var out []Flag
	// granted records, per statement, the services it grants something of
	// (a service wildcard on a resource of another service grants nothing).
	granted := map[StatementRef]map[string]bool{}
	for _, g := range e.Grants {
		if granted[g.Statement] == nil {
			granted[g.Statement] = map[string]bool{}
		}
		granted[g.Statement][g.Service] = true
	}
	// Statement-level wildcards.
	for _, p := range e.Policies {
		if p.Unknown {
			continue
		}
		for _, s := range p.Statements {
			if s.Effect != Allow {
				continue
			}
			cond := len(s.Conditions) > 0
			res := strings.Join(s.ResourceStrings(), ", ")
			if !s.HasResource {
				res = "*"
			}
			if s.NotAction {
				out = append(out, Flag{Kind: FlagNotAction, Statement: s.Ref(), Pos: s.Pos, Confidence: confOf(cond), Resource: res,
					Actions: s.ActionStrings(),
					Message: "Allow with NotAction grants every action except " + strings.Join(s.ActionStrings(), ", ")})
				continue
			}
			for _, ap := range s.Actions {
				switch {
				case ap.any || ap.lowerRaw == "*:*":
					out = append(out, Flag{Kind: FlagFullWildcard, Statement: s.Ref(), Pos: s.Pos, Confidence: confOf(cond), Resource: res,
						Actions: []string{ap.raw}, Message: fmt.Sprintf("Action %q grants every action of every service on %s", ap.raw, res)})
				case !ap.sym && !ap.svcGlob && ap.name == "*" && a.Catalog.Service(ap.svc) != nil && granted[s.Ref()][ap.svc]:
					out = append(out, Flag{Kind: FlagServiceWildcard, Statement: s.Ref(), Pos: s.Pos, Confidence: confOf(cond), Resource: res,
						Actions: []string{ap.raw}, Message: fmt.Sprintf("Action %q grants every %s action on %s", ap.raw, ap.svc, res),
						Levels: a.statementLevels(e, s.Ref(), ap.svc)})
				}
			}
		}
	}
	// Grant-level flags, grouped by statement.
	type key struct {
		kind FlagKind
		st   StatementRef
		res  string
	}
	groups := map[key][]string{}
	condGroups := map[key]bool{}
	var order []key
	add := func(k key, action string, cond bool) {
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], action)
		condGroups[k] = condGroups[k] || cond
	}
	ps := e.PolicySet()
	denies := ps.hasDeny()
	for _, g := range e.Grants {
		act := a.Catalog.Lookup(g.Action)
		if broadResource(g.Resource) && (g.Access == catalog.Read || g.Access == catalog.Write) && act != nil && hasResourceTypes(act) && (!denies || !a.arnsDenied(ps, act)) {
			add(key{FlagWildcardResource, g.Statement, g.Resource}, g.Action, g.Conditional)
		}
		if g.Access == catalog.PermissionsManagement {
			add(key{FlagPermissionsManagement, g.Statement, g.Resource}, g.Action, g.Conditional)
		}
		switch strings.ToLower(g.Action) {
		case "lambda:getfunction", "lambda:getlayerversion":
			add(key{FlagReadFunctionCode, g.Statement, g.Resource}, g.Action, g.Conditional)
		case "secretsmanager:getsecretvalue", "ssm:getparameter", "ssm:getparameters", "ssm:getparametersbypath", "ssm:getparameterhistory":
			add(key{FlagSecretsRead, g.Statement, g.Resource}, g.Action, g.Conditional)
		case "kms:decrypt":
			if g.Resource == "*" {
				add(key{FlagKMSDecryptAny, g.Statement, "*"}, g.Action, g.Conditional)
			}
		}
	}
	for _, k := range order {
		acts, text := listActions(groups[k])
		f := Flag{Kind: k.kind, Statement: k.st, Pos: refPos(k.st), Resource: k.res, Actions: acts, Confidence: confOf(condGroups[k])}
		switch k.kind {
		case FlagWildcardResource:
			f.Message = "Resource " + strconv.Quote(k.res) + " on data actions that support resource ARNs: " + text
		case FlagPermissionsManagement:
			f.Message = "permissions-management actions on " + k.res + ": " + text
		case FlagReadFunctionCode:
			f.Message = "can download function code or layers (" + text + ") on " + k.res
		case FlagSecretsRead:
			f.Message = "can read secrets (" + text + ") on " + k.res
		case FlagKMSDecryptAny:
			f.Message = "kms:Decrypt on every key (Resource \"*\")"
		}
		out = append(out, f)
	}
	for i := range e.Escalations {
		esc := &e.Escalations[i]
		f := Flag{Kind: FlagPrivilegeEscalation, Escalation: esc, Actions: esc.Actions, Confidence: confOf(esc.Conditional),
			Message: "privilege escalation: " + esc.Path.Name + " (" + strings.Join(esc.Actions, " + ") + ")"}
		if len(esc.Statements) > 0 {
			f.Statement, f.Pos = esc.Statements[0], refPos(esc.Statements[0])
		}
		out = append(out, f)
	}
	for _, u := range e.Unknown {
		out = append(out, Flag{Kind: FlagUnknownGrants, Pos: u.Pos, Confidence: model.ConfidenceLow, Resource: u.Policy,
			Message: "unknown permissions: " + u.Reason})
	}
	for _, p := range e.Problems {
		out = append(out, Flag{Kind: FlagUnknownAction, Statement: p.Statement, Pos: refPos(p.Statement), Confidence: model.ConfidenceHigh,
			Actions: []string{p.Action}, Message: fmt.Sprintf("action %q: %s", p.Action, p.Problem)})
	}
	sortFlags(out)
	return out
}

// arnsDenied reports whether an unconditional Deny in ps covers every ARN
// the action can name, so that a grant on "*" only reaches what has no
// ARN (sns:Publish denied on arn:aws:sns:*:*:* still sends SMS to phone
// numbers): nothing is left to scope to resource ARNs.
func (a *Analyzer) arnsDenied(ps *PolicySet, act *catalog.Action) bool {
	fs := a.fits().formats(a.Catalog, act)
	if fs.unknown || len(fs.arns) == 0 {
		return false
	}
	for _, f := range fs.arns {
		// The partition of the account is a literal in practice.
		f = strings.ReplaceAll(f, "${fmt:Partition}", "aws")
		d := ps.Evaluate(&Request{Action: act.String(), Resource: f})
		if d.Outcome != OutcomeExplicitDeny || d.Conditional {
			return false
		}
	}
	return true
}

// hasResourceTypes reports whether the action can be limited to resource
// ARNs (so Resource "*" is broader than needed): it requires a resource of
// some type. The catalog marks a type required only when it is the one
// choice: an action listing several types (s3:GetObject on an object or an
// access point object) needs one of them, while an action with a single
// optional type (cloudwatch:PutMetricData and its dataset) also runs without
// a resource, which only Resource "*" allows.
func hasResourceTypes(a *catalog.Action) bool {
	n := 0
	for _, r := range a.Resources {
		if r.Type == "" {
			continue
		}
		if r.Required {
			return true
		}
		n++
	}
	return n > 1
}

func sortFlags(fs []Flag) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Kind != fs[j].Kind {
			return fs[i].Kind < fs[j].Kind
		}
		if fs[i].Pos.File != fs[j].Pos.File {
			return fs[i].Pos.File < fs[j].Pos.File
		}
		if fs[i].Pos.Line != fs[j].Pos.Line {
			return fs[i].Pos.Line < fs[j].Pos.Line
		}
		return fs[i].Message < fs[j].Message
	})
}

// nameMark stands for a template symbol (a name) in broadResource.
const nameMark = "\u00a7"

// broadResource reports whether a resource pattern covers every resource of
// its type: "*", "arn:aws:s3:::*", "arn:aws:dynamodb:*:*:table/*",
// "arn:aws:logs:*:*:log-group:*".
func broadResource(r string) bool {
	if r == "*" {
		return true
	}
	// Pseudo parameters name this account and region: as broad as "*"
	// for the question asked here. Other symbols name something specific.
	for _, ph := range placeholders(r) {
		with := nameMark
		if strings.HasPrefix(ph, "AWS::") {
			with = "*"
		}
		r = strings.Replace(r, "${"+ph+"}", with, 1)
	}
	p := compileARN(r, false)
	if !p.arn || len(p.segs) < 6 {
		return p.arn && strings.HasSuffix(r, "*") && len(p.segs) <= 3
	}
	// Region and account do not narrow much (a function's own account is
	// the usual literal): only the resource part decides.
	res := p.segs[5]
	if strings.HasPrefix(res, nameMark) {
		// A symbol opens the resource part: it is a name
		// (${WebSocketApi}/*, ${Bucket}/*), so one resource.
		return false
	}
	switch p.segs[2] {
	case "s3":
		return res == "*" || res == "*/*"
	case "execute-api":
		// api-id/stage/method/path: the first part names the API.
		return res == "*" || strings.HasPrefix(res, "*/")
	}
	if i := strings.IndexAny(res, "/:"); i > 0 && !strings.ContainsAny(res[:i], "*?$") {
		res = res[i+1:]
	}
	return res == "*"
}

// statementLevels returns what statement st grants of service svc, by
// access level: for a service wildcard, the actions that apply to the
// statement's resources.
func (a *Analyzer) statementLevels(e *Effective, st StatementRef, svc string) []LevelGrants {
	var mine []Grant
	for _, g := range e.Grants {
		if g.Statement == st && g.Service == svc {
			mine = append(mine, g)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	return a.group(mine)[0].Levels
}
