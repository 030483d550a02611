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
