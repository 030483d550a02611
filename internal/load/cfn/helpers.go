package cfn

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// RefTo returns the first ID referenced by v that names a resource of one
// of the given types in the template (any type when none is given), or "".
func (t *Template) RefTo(v *model.Value, types ...string) string {
	for _, id := range v.AllRefs() {
		r := t.byID[id]
		if r == nil {
			continue
		}
		if len(types) == 0 {
			return id
		}
		for _, typ := range types {
			if r.Type == typ {
				return id
			}
		}
	}
	return ""
}

// RefsTo returns every ID referenced by v that names a resource of one of
// the given types.
func (t *Template) RefsTo(v *model.Value, types ...string) []string {
	var out []string
	for _, id := range v.AllRefs() {
		r := t.byID[id]
		if r == nil {
			continue
		}
		for _, typ := range types {
			if r.Type == typ {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// functionTypes are the resource types that become model functions.
var functionTypes = []string{"AWS::Lambda::Function", "AWS::Serverless::Function"}

// FunctionRef returns the ID of the function that v refers to (by !Ref,
// !GetAtt X.Arn, or an ARN built with !Sub), or "".
func (t *Template) FunctionRef(v *model.Value) string {
	if id := t.RefTo(v, functionTypes...); id != "" {
		return id
	}
	// Aliases and versions: MyFunctionAliaslive, MyFunction.Version.
	for _, id := range v.AllRefs() {
		if f := t.Stack.Function(id); f != nil {
			return id
		}
		if r := t.byID[id]; r != nil && (r.Type == "AWS::Lambda::Alias" || r.Type == "AWS::Lambda::Version") {
			if fid := t.RefTo(r.Properties.Get("FunctionName"), functionTypes...); fid != "" {
				return fid
			}
		}
	}
	return ""
}

// Encryption kinds by key: an alias/aws/… key is provider-managed, any
// other key is the customer's.
func keyEncryption(key *model.Value, pos model.Pos) model.Encryption {
	if !key.IsSet() {
		return model.Encryption{Kind: model.EncryptionAWSOwned, Pos: pos}
	}
	s := key.String()
	if strings.HasPrefix(s, "alias/aws/") || strings.Contains(s, ":alias/aws/") {
		return model.Encryption{Kind: model.EncryptionAWSManaged, Key: key, Pos: key.Pos}
	}
	return model.Encryption{Kind: model.EncryptionCustomer, Key: key, Pos: key.Pos}
}

// envVars reads an Environment.Variables map.
func envVars(vars *model.Value) []model.EnvVar {
	var out []model.EnvVar
	if vars == nil || vars.Kind != model.Map {
		return nil
	}
	for _, f := range vars.Entries() {
		out = append(out, model.EnvVar{Name: f.Key, Pos: f.KeyPos, Value: f.Value})
	}
	return out
}

// PolicyDocument makes a PolicyDoc from a policy Value.
func PolicyDocument(name string, src model.PolicySource, doc *model.Value) *model.PolicyDoc {
	pd := &model.PolicyDoc{Name: name, Source: src, Document: doc}
	if doc != nil {
		pd.Pos = doc.Pos
	}
	return pd
}

// ManagedPolicy makes a PolicyDoc for a managed policy ARN (document
// unknown: internal/iam resolves AWS managed policies it knows).
func ManagedPolicy(arn *model.Value) *model.PolicyDoc {
	name := arn.String()
	return &model.PolicyDoc{Name: name, Source: model.PolicyManaged, Pos: arn.Pos}
}

// PermissionDoc synthesizes the one-statement resource policy that a Lambda
// permission (AWS::Lambda::Permission, a SAM event, aws_lambda_permission)
// stands for.
func PermissionDoc(pos model.Pos, principal, action, resource, sourceArn, sourceAccount, orgID, urlAuth *model.Value) *model.Value {
	var pr *model.Value
	ps := principal.String()
	switch {
	case principal == nil:
		pr = model.NewString("*", pos)
	case ps == "*":
		pr = principal
	case strings.HasSuffix(ps, ".amazonaws.com") || strings.HasSuffix(ps, ".amazonaws.com.cn"):
		pr = model.NewMap([]model.Field{{Key: "Service", KeyPos: principal.Pos, Value: principal}}, principal.Pos)
	default:
		pr = model.NewMap([]model.Field{{Key: "AWS", KeyPos: principal.Pos, Value: principal}}, principal.Pos)
	}
	if action == nil {
		action = model.NewString("lambda:InvokeFunction", pos)
	}
	stmt := []model.Field{
		{Key: "Effect", KeyPos: pos, Value: model.NewString("Allow", pos)},
		{Key: "Principal", KeyPos: pos, Value: pr},
		{Key: "Action", KeyPos: pos, Value: action},
	}
	if resource != nil {
		stmt = append(stmt, model.Field{Key: "Resource", KeyPos: pos, Value: resource})
	}
	var conds []model.Field
	if sourceArn.IsSet() {
		conds = append(conds, model.Field{Key: "ArnLike", KeyPos: sourceArn.Pos, Value: model.NewMap([]model.Field{{Key: "aws:SourceArn", KeyPos: sourceArn.Pos, Value: sourceArn}}, sourceArn.Pos)})
	}
	var eq []model.Field
	if sourceAccount.IsSet() {
		eq = append(eq, model.Field{Key: "aws:SourceAccount", KeyPos: sourceAccount.Pos, Value: sourceAccount})
	}
	if orgID.IsSet() {
		eq = append(eq, model.Field{Key: "aws:PrincipalOrgID", KeyPos: orgID.Pos, Value: orgID})
	}
	if urlAuth.IsSet() {
		eq = append(eq, model.Field{Key: "lambda:FunctionUrlAuthType", KeyPos: urlAuth.Pos, Value: urlAuth})
	}
	if len(eq) > 0 {
		conds = append(conds, model.Field{Key: "StringEquals", KeyPos: pos, Value: model.NewMap(eq, pos)})
	}
	if len(conds) > 0 {
		stmt = append(stmt, model.Field{Key: "Condition", KeyPos: pos, Value: model.NewMap(conds, pos)})
	}
	st := model.NewMap(stmt, pos)
	return model.NewMap([]model.Field{
		{Key: "Version", KeyPos: pos, Value: model.NewString("2012-10-17", pos)},
		{Key: "Statement", KeyPos: pos, Value: model.NewList([]*model.Value{st}, pos)},
	}, pos)
}
