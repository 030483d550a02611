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
