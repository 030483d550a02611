package code

import (
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Proposal is the identity policy a function's code needs: the actions of
// the AWS SDK calls it makes, on the resources it names.
type Proposal struct {
	Stack    string `json:"stack"`
	Function string `json:"function"`
	// Policy is an IAM policy document; resources are written the way the
	// stack's format refers to them (Fn::GetAtt/Ref/Fn::Sub for
	// CloudFormation, SAM and Serverless; "${addr.arn}" for Terraform), or
	// "*" where the code does not name the resource through an
	// environment variable the template links.
	Policy map[string]any `json:"policy"`
	// Notes say what the proposal could not decide.
	Notes []string `json:"notes,omitempty"`
}

// Propose returns the policy each function's code needs, for the functions
// whose code was read, sorted by stack and function.
func Propose(app *model.App) []Proposal {
	var out []Proposal
	for _, st := range app.Stacks {
		if st == nil {
			continue
		}
		for _, fn := range st.Functions {
			if fn.Code == nil {
				continue
			}
			out = append(out, propose(st, fn))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Stack != out[j].Stack {
			return out[i].Stack < out[j].Stack
		}
		return out[i].Function < out[j].Function
	})
	return out
}

func propose(st *model.Stack, fn *model.Function) Proposal {
	p := Proposal{Stack: st.ID, Function: fn.ID}
	byRes := map[string]map[string]bool{}
	resVal := map[string]any{}
	unnamed := map[string]bool{}
	outside := map[string]bool{}
	for _, c := range fn.Code.Calls {
		for _, a := range c.Actions {
			ref, id := resourceRef(st, c.Resource, a)
			if id == "*" && c.Name != "" && c.Service == "dynamodb" {
				// A table the code names but the stack does not define.
				ref, id = tableARN(st, c.Name), "table/"+c.Name
				outside[c.Name] = true
			}
			if id == "*" {
				unnamed[a] = true
			}
			if byRes[id] == nil {
				byRes[id] = map[string]bool{}
				resVal[id] = ref
			}
			byRes[id][a] = true
		}
	}
	ids := make([]string, 0, len(byRes))
	for id := range byRes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	stmts := []any{}
	for _, id := range ids {
		acts := make([]string, 0, len(byRes[id]))
		for a := range byRes[id] {
			acts = append(acts, a)
		}
		sort.Strings(acts)
		var action any = acts
		if len(acts) == 1 {
			action = acts[0]
		}
		stmts = append(stmts, map[string]any{"Effect": "Allow", "Action": action, "Resource": resVal[id]})
	}
	p.Policy = map[string]any{"Version": "2012-10-17", "Statement": stmts}
	if len(unnamed) > 0 {
		var as []string
		for a := range unnamed {
			as = append(as, a)
		}
		sort.Strings(as)
		p.Notes = append(p.Notes, "the code does not name the resource of "+strings.Join(as, ", ")+" through an environment variable linked to the template: narrow \"*\" by hand")
	}
	if len(outside) > 0 {
		names := make([]string, 0, len(outside))
		for n := range outside {
			names = append(names, n)
		}
		sort.Strings(names)
		p.Notes = append(p.Notes, "the code names DynamoDB tables the stack does not define ("+strings.Join(names, ", ")+"): their ARNs are written from the names")
	}
	if fn.Code.Partial {
		p.Notes = append(p.Notes, "part of the code could not be followed (a syntax error, a skipped file, a missing handler function, the analysis budget, or DynamoDB transaction items or PartiQL statements built at run time): calls there may be missing")
	}
	if len(fn.Code.Calls) == 0 {
		p.Notes = append(p.Notes, "the code makes no AWS SDK call nightlight recognises: it needs no permission beyond logging")
	}
	return p
}

// tableARN returns the ARN of the DynamoDB table named name in the
// account and Region the stack deploys to, as the stack's format writes
// it (Terraform: any account and Region of the aws partition).
func tableARN(st *model.Stack, name string) any {
	if st.Format == model.FormatTerraform || st.Format == model.FormatTerraformPlan {
		return "arn:aws:dynamodb:*:*:table/" + name
	}
	return map[string]any{"Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/" + name}
}

// resourceRef returns how the stack's format refers to the ARN a call on
// store id needs, and a key grouping calls on the same ARN.
func resourceRef(st *model.Stack, id, action string) (any, string) {
	s := st.Store(id)
	if s == nil {
		return "*", "*"
	}
	objectLevel := s.Kind == model.StoreBucket && strings.Contains(action, "Object")
	tf := st.Format == model.FormatTerraform || st.Format == model.FormatTerraformPlan
	if tf {
		if objectLevel {
			return "${" + id + ".arn}/*", id + "/*"
		}
		return "${" + id + ".arn}", id
	}
	switch s.Kind {
	case model.StoreTopic, model.StoreSecret, model.StoreStateMachine:
		return map[string]any{"Ref": id}, id
	case model.StoreParameter:
		sep := "/"
		if s.Name.IsResolved() && strings.HasPrefix(s.Name.Str, "/") {
			sep = ""
		}
		return map[string]any{"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter" + sep + "${" + id + "}"}, id
	}
	if objectLevel {
		return map[string]any{"Fn::Sub": "${" + id + ".Arn}/*"}, id + "/*"
	}
	return map[string]any{"Fn::GetAtt": []string{id, "Arn"}}, id
}
