// Package aws holds the AWS semantics that more than one AWS loader needs
// (CloudFormation, SAM, Serverless, Terraform): the resource policy a
// Lambda permission stands for, the names Cognito gives user attributes.
// It sits beside the loaders so that none of them has to import another
// for these (Terraform is not CloudFormation).
package aws

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Permission holds the properties of a Lambda permission
// (AWS::Lambda::Permission, aws_lambda_permission, or one a SAM or
// Serverless event generates); nil fields are not set.
type Permission struct {
	Principal        *model.Value // nil: "*"
	Action           *model.Value // nil: lambda:InvokeFunction
	Resource         *model.Value // the function
	SourceArn        *model.Value
	SourceAccount    *model.Value
	OrgID            *model.Value // PrincipalOrgID
	URLAuth          *model.Value // FunctionUrlAuthType
	EventSourceToken *model.Value // the Alexa skill ID
}

// Doc synthesizes the one-statement resource policy the permission stands
// for, with its properties as the conditions Lambda evaluates.
func (p Permission) Doc(pos model.Pos) *model.Value {
	var pr *model.Value
	ps := p.Principal.String()
	switch {
	case p.Principal == nil:
		pr = model.NewString("*", pos)
	case ps == "*":
		pr = p.Principal
	case strings.HasSuffix(ps, ".amazonaws.com") || strings.HasSuffix(ps, ".amazonaws.com.cn") || strings.HasSuffix(ps, ".amazon.com"):
		// Service principals, including Alexa's (alexa-appkit.amazon.com).
		pr = model.NewMap([]model.Field{{Key: "Service", KeyPos: p.Principal.Pos, Value: p.Principal}}, p.Principal.Pos)
	default:
		pr = model.NewMap([]model.Field{{Key: "AWS", KeyPos: p.Principal.Pos, Value: p.Principal}}, p.Principal.Pos)
	}
	action := p.Action
	if action == nil {
		action = model.NewString("lambda:InvokeFunction", pos)
	}
	stmt := []model.Field{
		{Key: "Effect", KeyPos: pos, Value: model.NewString("Allow", pos)},
		{Key: "Principal", KeyPos: pos, Value: pr},
		{Key: "Action", KeyPos: pos, Value: action},
	}
	if p.Resource != nil {
		stmt = append(stmt, model.Field{Key: "Resource", KeyPos: pos, Value: p.Resource})
	}
	var conds []model.Field
	if p.SourceArn.IsSet() {
		conds = append(conds, model.Field{Key: "ArnLike", KeyPos: p.SourceArn.Pos, Value: model.NewMap([]model.Field{{Key: "aws:SourceArn", KeyPos: p.SourceArn.Pos, Value: p.SourceArn}}, p.SourceArn.Pos)})
	}
	var eq []model.Field
	for _, c := range []struct {
		key string
		v   *model.Value
	}{
		{"aws:SourceAccount", p.SourceAccount},
		{"aws:PrincipalOrgID", p.OrgID},
		{"lambda:FunctionUrlAuthType", p.URLAuth},
		{"lambda:EventSourceToken", p.EventSourceToken},
	} {
		if c.v.IsSet() {
			eq = append(eq, model.Field{Key: c.key, KeyPos: c.v.Pos, Value: c.v})
		}
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

// standardAttributes are the user pool attributes Cognito defines; any other
// schema attribute is a custom one ("custom:<name>" in tokens).
var standardAttributes = map[string]bool{
	"address": true, "birthdate": true, "email": true, "email_verified": true, "family_name": true,
	"gender": true, "given_name": true, "locale": true, "middle_name": true, "name": true,
	"nickname": true, "phone_number": true, "phone_number_verified": true, "picture": true,
	"preferred_username": true, "profile": true, "sub": true, "updated_at": true, "website": true,
	"zoneinfo": true, "identities": true,
}

// UserAttributeName returns the name tokens carry for a schema attribute
// declared as name ("role" → "custom:role"), and whether it is custom.
func UserAttributeName(name string) (string, bool) {
	if standardAttributes[name] {
		return name, false
	}
	if strings.HasPrefix(name, "custom:") {
		return name, true
	}
	return "custom:" + name, true
}
