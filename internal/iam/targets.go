package iam

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// targetIndex maps resource patterns back to the stack's objects.
type targetIndex struct {
	objs []targetObj
	ids  map[string]*targetObj
	// types maps every resource ID of the stack to its type, to know the
	// service of an ARN given as a reference.
	types map[string]string
	// byService lists the objects (indexes into objs) of each service.
	byService map[string][]int
	// cache holds pattern-matching results by service and resource (for
	// resources without references).
	cache map[string][]Target
}

type targetObj struct {
	id, kind, service string
	// arns are the object's ARNs with unknown parts as ${…} symbols, and
	// units the same split for matching (once, not per lookup).
	arns  []string
	units [][]unit
}

// storeService gives the service prefix and ARN layout of a store kind;
// NAME is replaced by the store's name (or ${ID} when unresolved).
var storeARNs = map[model.StoreKind]struct {
	service string
	arns    []string
}{
	model.StoreTable:        {"dynamodb", []string{"arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/NAME", "arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/NAME/${Sub}"}},
	model.StoreBucket:       {"s3", []string{"arn:aws:s3:::NAME", "arn:aws:s3:::NAME/${Key}"}},
	model.StoreQueue:        {"sqs", []string{"arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:NAME"}},
	model.StoreTopic:        {"sns", []string{"arn:aws:sns:${AWS::Region}:${AWS::AccountId}:NAME"}},
	model.StoreStream:       {"kinesis", []string{"arn:aws:kinesis:${AWS::Region}:${AWS::AccountId}:stream/NAME"}},
	model.StoreEventBus:     {"events", []string{"arn:aws:events:${AWS::Region}:${AWS::AccountId}:event-bus/NAME"}},
	model.StoreStateMachine: {"states", []string{"arn:aws:states:${AWS::Region}:${AWS::AccountId}:stateMachine:NAME"}},
	model.StoreSecret:       {"secretsmanager", []string{"arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:NAME-${Suffix}"}},
	model.StoreParameter:    {"ssm", []string{"arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/NAME"}},
	model.StoreKey:          {"kms", []string{"arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/${KeyId}"}},
	model.StoreLogGroup:     {"logs", []string{"arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:NAME", "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:NAME:${Stream}"}},
	model.StoreUserPool:     {"cognito-idp", []string{"arn:aws:cognito-idp:${AWS::Region}:${AWS::AccountId}:userpool/${PoolId}"}},
}

func newTargetIndex(stack *model.Stack) *targetIndex {
	x := &targetIndex{ids: map[string]*targetObj{}, cache: map[string][]Target{}, types: map[string]string{}}
	if stack == nil {
		return x
	}
	for _, r := range stack.Resources {
		x.types[r.ID] = r.Type
	}
	name := func(id string, v *model.Value) string {
		if v.IsResolved() && v.Kind == model.String && v.Str != "" {
			return v.Str
		}
		return "${" + id + "}"
	}
	for _, st := range stack.Stores {
		layout, ok := storeARNs[st.Kind]
		if svc := serviceOfType(st.Type); svc != "" && svc != layout.service {
			// A store of this kind from another service (a Firehose
			// delivery stream is a stream, not a Kinesis stream): its
			// service is known, its ARN layout is not.
			layout.service, layout.arns, ok = svc, nil, false
		}
		o := targetObj{id: st.ID, kind: string(st.Kind), service: layout.service}
		if ok {
			n := name(st.ID, st.Name)
			if st.Kind == model.StoreParameter {
				n = strings.TrimPrefix(n, "/")
			}
			for _, a := range layout.arns {
				o.arns = append(o.arns, strings.ReplaceAll(a, "NAME", n))
			}
		}
		x.objs = append(x.objs, o)
	}
	for _, fn := range stack.Functions {
		n := name(fn.ID, fn.Name)
		x.objs = append(x.objs, targetObj{id: fn.ID, kind: "function", service: "lambda", arns: []string{
			"arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:" + n,
			"arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:" + n + ":${Qualifier}",
		}})
	}
	for _, r := range stack.Roles {
		n := name(r.ID, r.Name)
		x.objs = append(x.objs, targetObj{id: r.ID, kind: "role", service: "iam", arns: []string{"arn:aws:iam::${AWS::AccountId}:role/" + n, "arn:aws:iam::${AWS::AccountId}:role/${Path}/" + n}})
	}
	for _, u := range stack.Users {
		n := name(u.ID, u.Name)
		x.objs = append(x.objs, targetObj{id: u.ID, kind: "user", service: "iam", arns: []string{"arn:aws:iam::${AWS::AccountId}:user/" + n, "arn:aws:iam::${AWS::AccountId}:user/${Path}/" + n}})
	}
	for _, g := range stack.Groups {
		n := name(g.ID, g.Name)
		x.objs = append(x.objs, targetObj{id: g.ID, kind: "group", service: "iam", arns: []string{"arn:aws:iam::${AWS::AccountId}:group/" + n, "arn:aws:iam::${AWS::AccountId}:group/${Path}/" + n}})
	}
	for _, pol := range stack.Policies {
		if !pol.Managed {
			continue
		}
		n := name(pol.ID, pol.Name)
		x.objs = append(x.objs, targetObj{id: pol.ID, kind: "policy", service: "iam", arns: []string{"arn:aws:iam::${AWS::AccountId}:policy/" + n, "arn:aws:iam::${AWS::AccountId}:policy/${Path}/" + n}})
	}
	x.byService = map[string][]int{}
	for i := range x.objs {
		for _, a := range x.objs[i].arns {
			x.objs[i].units = append(x.objs[i].units, splitUnits(a, false, true, nil))
		}
		x.ids[x.objs[i].id] = &x.objs[i]
		x.byService[x.objs[i].service] = append(x.byService[x.objs[i].service], i)
	}
	return x
}

// relatedServices lists the services whose objects an action of service can
// act on (see relatedService).
func relatedServices(service string) []string {
	switch service {
	case "s3-object-lambda":
		return []string{service, "s3"}
	case "dax":
		return []string{service, "dynamodb"}
	case "sts":
		return []string{service, "iam"}
	case "rds-db", "rds-data":
		return []string{service, "rds"}
	}
	return []string{service}
}

// relatedService reports whether an action's service can act on objects of
// the target's service.
func relatedService(action, target string) bool {
	if action == target {
		return true
	}
	switch action {
	case "s3-object-lambda":
		return target == "s3"
	case "dax":
		return target == "dynamodb"
	case "sts":
		return target == "iam"
	case "rds-db", "rds-data":
		// IAM database authentication (a dbuser ARN with the instance's
		// resource ID) and the Data API act on an RDS instance or cluster.
		return target == "rds"
	}
	return false
}

// targets returns the objects the resource pattern covers for an action of
// the given service.
func (x *targetIndex) targets(service, resource string, rv *model.Value) []Target {
	if x == nil || len(x.objs) == 0 {
		return nil
	}
	var out []Target
	seen := map[string]bool{}
	// A reference in the policy names the object exactly.
	if rv != nil {
		for _, ref := range rv.AllRefs() {
			id, _, _ := strings.Cut(ref, ".") // Table.Arn → Table
			if o := x.ids[id]; o != nil && !seen[id] && relatedService(service, o.service) {
				seen[id] = true
				out = append(out, Target{ID: id, Kind: o.kind, Confidence: model.ConfidenceHigh})
			}
		}
	}
	if len(out) > 0 && onlyKnownSymbols(resource, seen) {
		// Every symbol in the ARN is a referenced object or a pseudo
		// parameter: the resource is exactly those objects.
		return out
	}
	ck := ""
	if len(out) == 0 {
		ck = service + "\x00" + resource
		if t, ok := x.cache[ck]; ok {
			return t
		}
	}
	p := compileARN(resource, false)
	var pat []unit
	if !p.any && !p.sym {
		pat = p.patternUnits()
	}
	for _, svc := range relatedServices(service) {
		for _, i := range x.byService[svc] {
			o := &x.objs[i]
			if seen[o.id] {
				continue
			}
			best := No
			for k, a := range o.arns {
				best = maxTri(best, p.matchSplit(pat, a, o.units[k]))
			}
			if best == No {
				continue
			}
			conf := model.ConfidenceMedium
			switch {
			case resource == "*" || strings.HasSuffix(resource, ":*") && strings.Count(resource, "*") > 2:
				conf = model.ConfidenceLow
			case best == Yes && !strings.Contains(resource, "*"):
				conf = model.ConfidenceHigh
			}
			seen[o.id] = true
			out = append(out, Target{ID: o.id, Kind: o.kind, Confidence: conf})
		}
	}
	if ck != "" {
		x.cache[ck] = out
	}
	return out
}

// onlyKnownSymbols reports whether each ${…} in resource is a pseudo
// parameter (AWS::Region) or one of the referenced objects.
func onlyKnownSymbols(resource string, refs map[string]bool) bool {
	for _, ph := range placeholders(resource) {
		if strings.Contains(ph, "::") {
			continue
		}
		id, _, _ := strings.Cut(ph, ".")
		if !refs[id] {
			return false
		}
	}
	return true
}
