package monitor

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Proposal is the least-privilege policy for one role, from what CloudTrail
// shows it used.
type Proposal struct {
	// Role is the role's ARN; Functions the declared functions running
	// with it (with --app).
	Role      string   `json:"role"`
	Functions []string `json:"functions,omitempty"`
	// Used lists each action with the resources it was called on.
	Used []UsedAction `json:"used"`
	// Policy is the proposed identity policy document.
	Policy PolicyDocument `json:"policy"`
	// Unused are granted actions never called (with --app); Denied are
	// actions called but refused.
	Unused []string `json:"unused,omitempty"`
	Denied []string `json:"denied,omitempty"`
	// Ungranted are actions called successfully that the design does not
	// grant (with --app, when every grant is known): the deployed role
	// differs from the template.
	Ungranted []string `json:"ungranted,omitempty"`
	// GrantsUnknown is true when the design's grants are not all known, so
	// Unused is a lower bound.
	GrantsUnknown bool `json:"grantsUnknown,omitempty"`
}

// UsedAction is one action a role called.
type UsedAction struct {
	Action    string   `json:"action"`
	Resources []string `json:"resources"`
	Calls     int      `json:"calls"`
	Denied    int      `json:"denied,omitempty"`
}

// PolicyDocument is an IAM policy document.
type PolicyDocument struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one Allow statement.
type Statement struct {
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource []string `json:"Resource"`
}

// UsageSQL returns the query behind Propose: calls per role, action and
// resource by function roles (sessions from a Lambda execution environment,
// or the roles of fns), leaving out calls made from outside Lambda with
// a CLI, the console or deployment tools.
func UsageSQL(fns []DesignFunction) string {
	var roles []string
	for _, f := range fns {
		if f.Role != "" {
			roles = append(roles, f.Role)
		}
	}
	return `SELECT principal, role_name, action, resource, region, account, CAST(count(*) AS VARCHAR) AS calls,
  CAST(sum(CASE WHEN error_code LIKE '%AccessDenied%' OR error_code LIKE '%Unauthorized%' OR error_code LIKE '%Forbidden%' THEN 1 ELSE 0 END) AS VARCHAR) AS denied
FROM events
WHERE identity_type = 'AssumedRole' AND agent_kind NOT IN ('tool', 'console', 'cloudformation', 'terraform')
  AND (agent_kind = 'lambda' OR ` + likeAny("role_name", roles) + `)
GROUP BY principal, role_name, action, resource, region, account
ORDER BY principal, action, resource`
}

// Propose runs UsageSQL on q and builds one proposal per role.
func Propose(ctx context.Context, q Querier, fns []DesignFunction, wrap func(string) string) ([]Proposal, error) {
	sql := UsageSQL(fns)
	if wrap != nil {
		sql = wrap(sql)
	}
	_, rows, err := q.Query(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("usage query: %w", err)
	}
	type key struct{ role, action string }
	byRole := map[string]*Proposal{}
	used := map[key]*UsedAction{}
	resSets := map[key]map[string]bool{}
	roleNames := map[string]string{}
	for _, r := range rows {
		if len(r) < 8 {
			continue
		}
		principal, rname, action, resource, region, account := r[0], r[1], r[2], r[3], r[4], r[5]
		calls, _ := strconv.Atoi(r[6])
		denied, _ := strconv.Atoi(r[7])
		p := byRole[principal]
		if p == nil {
			p = &Proposal{Role: principal}
			byRole[principal] = p
			roleNames[principal] = rname
		}
		k := key{principal, action}
		u := used[k]
		if u == nil {
			u = &UsedAction{Action: action}
			used[k] = u
			resSets[k] = map[string]bool{}
		}
		u.Calls += calls
		u.Denied += denied
		resSets[k][resourceARN(action, resource, region, account)] = true
	}
	var out []Proposal
	for _, p := range byRole {
		var allowed []UsedAction
		for k, u := range used {
			if k.role != p.Role {
				continue
			}
			u.Resources = sortedSet(resSets[k])
			if len(u.Resources) > 1 && contains(u.Resources, "*") {
				u.Resources = []string{"*"}
			}
			p.Used = append(p.Used, *u)
			if u.Denied == u.Calls {
				p.Denied = append(p.Denied, u.Action)
				continue
			}
			allowed = append(allowed, *u)
		}
		sort.Slice(p.Used, func(i, j int) bool { return p.Used[i].Action < p.Used[j].Action })
		sort.Strings(p.Denied)
		p.Policy = policyFor(allowed)
		for _, f := range fns {
			if f.Role != "" && likeMatch(f.Role, roleNames[p.Role]) {
				p.Functions = append(p.Functions, f.ID)
				p.GrantsUnknown = p.GrantsUnknown || f.GrantsUnknown
				usedSet := map[string]bool{}
				for _, u := range p.Used {
					usedSet[strings.ToLower(u.Action)] = true
				}
				grantedSet := map[string]bool{}
				for _, g := range f.Granted {
					grantedSet[strings.ToLower(g)] = true
					if !usedSet[strings.ToLower(g)] {
						p.Unused = append(p.Unused, g)
					}
				}
				if !f.GrantsUnknown {
					for _, u := range allowed {
						if !grantedSet[strings.ToLower(u.Action)] {
							p.Ungranted = append(p.Ungranted, u.Action)
						}
					}
				}
			}
		}
		sort.Strings(p.Functions)
		p.Unused = sortedUnique(p.Unused)
		p.Ungranted = sortedUnique(p.Ungranted)
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Role < out[j].Role })
	return out, nil
}

// policyFor groups actions with the same resources into statements.
func policyFor(used []UsedAction) PolicyDocument {
	byRes := map[string][]string{}
	for _, u := range used {
		k := strings.Join(u.Resources, "\x00")
		byRes[k] = append(byRes[k], u.Action)
	}
	doc := PolicyDocument{Version: "2012-10-17", Statement: []Statement{}}
	for k, actions := range byRes {
		sort.Strings(actions)
		doc.Statement = append(doc.Statement, Statement{Effect: "Allow", Action: actions, Resource: strings.Split(k, "\x00")})
	}
	sort.Slice(doc.Statement, func(i, j int) bool {
		return strings.Join(doc.Statement[i].Action, ",") < strings.Join(doc.Statement[j].Action, ",")
	})
	return doc
}

// s3ObjectActions act on objects (arn:aws:s3:::bucket/*) rather than the
// bucket.
var s3ObjectActions = map[string]bool{"GetObject": true, "PutObject": true, "DeleteObject": true, "GetObjectAcl": true, "PutObjectAcl": true, "GetObjectTagging": true, "PutObjectTagging": true, "HeadObject": true, "CopyObject": true, "RestoreObject": true, "GetObjectVersion": true, "DeleteObjectVersion": true}

// resourceARN turns the resource column into an ARN for a policy: ARNs stay,
// names become the service's ARN, and what cannot be named is "*".
func resourceARN(action, resource, region, account string) string {
	if strings.HasPrefix(resource, "arn:") {
		return resource
	}
	if resource == "" || region == "" || account == "" {
		if resource != "" && strings.HasPrefix(action, "s3:") {
			return s3ARN(action, resource)
		}
		return "*"
	}
	svc, name, _ := strings.Cut(action, ":")
	_ = name
	switch svc {
	case "s3":
		return s3ARN(action, resource)
	case "dynamodb":
		return fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", region, account, resource)
	case "sqs":
		q := resource
		if i := strings.LastIndex(q, "/"); i >= 0 {
			q = q[i+1:]
		}
		return fmt.Sprintf("arn:aws:sqs:%s:%s:%s", region, account, q)
	case "lambda":
		return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", region, account, resource)
	case "secretsmanager":
		return fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-*", region, account, resource)
	case "ssm":
		return fmt.Sprintf("arn:aws:ssm:%s:%s:parameter/%s", region, account, strings.TrimPrefix(resource, "/"))
	case "kinesis":
		return fmt.Sprintf("arn:aws:kinesis:%s:%s:stream/%s", region, account, resource)
	case "logs":
		return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", region, account, resource)
	}
	return "*"
}

func s3ARN(action, bucket string) string {
	_, name, _ := strings.Cut(action, ":")
	if s3ObjectActions[name] {
		return "arn:aws:s3:::" + bucket + "/*"
	}
	return "arn:aws:s3:::" + bucket
}

// likeMatch matches s against a SQL LIKE pattern using only % (the
// patterns Design produces).
func likeMatch(pattern, s string) bool {
	if !strings.Contains(pattern, "%") {
		return pattern == s
	}
	parts := strings.Split(pattern, "%")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		last := i == len(parts)-2
		if last {
			return strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return true
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func sortedUnique(ss []string) []string {
	sort.Strings(ss)
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}
