package iam

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// trustCase is one trust statement and what an outsider gets from it.
type trustCase struct {
	name string
	stmt string // one statement, JSON
	// want is "kind open|closed|externalid [missing]" per principal.
	want []string
}

var trustCases = []trustCase{
	// Any AWS principal.
	{"star", `{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`, []string{"anyone open"}},
	{"aws star", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}`, []string{"anyone open"}},
	{"star other action", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:TagSession"}`, nil},
	{"star sts wildcard", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:*"}`, []string{"anyone open"}},
	{"not principal", `{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/x"},"Action":"sts:AssumeRole"}`, []string{"anyone open"}},
	{"star org", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`, []string{"anyone closed"}},
	{"star org ifexists", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}}`, []string{"anyone open"}},
	{"star org not equals", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}`, []string{"anyone open"}},
	{"star org wildcard", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"aws:PrincipalOrgID":"*"}}}`, []string{"anyone open"}},
	{"star principal arn", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/ci-*"}}}`, []string{"anyone closed"}},
	{"star account", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}`, []string{"anyone closed"}},
	{"star source ip", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}`, []string{"anyone closed"}},
	{"star source ip any", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}`, []string{"anyone open"}},
	{"star mfa", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`, []string{"anyone open mfa"}},
	{"star mfa ifexists", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}`, []string{"anyone open"}},
	{"star principal tag", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalTag/team":"payments"}}}`, []string{"anyone open"}},
	{"star external id", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-123"}}}`, []string{"anyone externalid"}},
	{"star unknown key", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"acme:Thing":"x"}}}`, []string{"anyone closed"}},
	{"star bad operator", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEqualz":{"aws:PrincipalOrgID":"o-1"}}}`, []string{"anyone closed"}},
	{"star expired", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}}}`, []string{"anyone closed"}},
	{"star forallvalues", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"ForAllValues:StringEquals":{"aws:PrincipalOrgPaths":["o-a/r-b/ou-c/"]}}}`, []string{"anyone open"}},
	// Accounts and entities.
	{"foreign account", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole"}`, []string{"account open 999988887777"}},
	{"foreign account id", `{"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sts:AssumeRole"}`, []string{"account open 999988887777"}},
	{"foreign account external id", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"partner-7f3a"}}}`, []string{"account externalid 999988887777"}},
	{"own account", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${AWS::AccountId}:root"},"Action":"sts:AssumeRole"}`, []string{"account closed own"}},
	{"terraform own account", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"},"Action":"sts:AssumeRole"}`, []string{"account closed own"}},
	{"parameter account", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${Partner}:root"},"Action":"sts:AssumeRole"}`, []string{"unknown closed"}},
	{"foreign role", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:role/deployer"},"Action":"sts:AssumeRole"}`, []string{"entity closed 999988887777"}},
	{"service", `{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`, []string{"service closed"}},
	// Web identity.
	{"github no sub", `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}`, []string{"web-identity open sub"}},
	{"github any repo", `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*"}}}`, []string{"web-identity open sub"}},
	{"github owner prefix", `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme*"}}}`, []string{"web-identity open sub"}},
	{"github one of many open", `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":["repo:acme/api:*","*"]}}}`, []string{"web-identity open sub"}},
	{"github not like", `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringNotLike":{"token.actions.githubusercontent.com:sub":"repo:evil/*"}}}`, []string{"web-identity open sub"}},
	{"github org", `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}}`, []string{"web-identity closed"}},
	{"github repo branch", `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:acme/api:ref:refs/heads/main","token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}`, []string{"web-identity closed"}},
	{"github variable owner", `{"Effect":"Allow","Principal":{"Federated":"${local.github}"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:${var.org}/${var.repo}:*"}}}`, []string{"web-identity closed"}},
	{"github owner claim", `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:repository_owner":"acme"}}}`, []string{"web-identity closed"}},
	{"github deny", `[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"},{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringNotLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}}]`, []string{"web-identity closed"}},
	{"cognito no aud", `{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}`, []string{"web-identity open aud"}},
	{"cognito aud", `{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"${IdentityPool}"}}}`, []string{"web-identity closed"}},
	{"cognito aud wildcard", `{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"cognito-identity.amazonaws.com:aud":"us-east-1:*"}}}`, []string{"web-identity open aud"}},
	{"google no aud", `{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`, []string{"web-identity open aud"}},
	{"eks no sub", `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:aud":"sts.amazonaws.com"}}}`, []string{"web-identity open sub"}},
	{"eks sub", `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:sub":"system:serviceaccount:app:api"}}}`, []string{"web-identity closed"}},
	{"web identity source ip", `{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}`, []string{"web-identity closed"}},
	{"web identity wrong action", `{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRole"}`, nil},
	{"saml", `{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML"}`, []string{"saml closed"}},
	// Deny statements close.
	{"deny outside org", `[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]`, []string{"anyone closed"}},
	{"deny on tag", `[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalTag/blocked":"yes"}}}]`, []string{"anyone open"}},
}

func TestTrustGrants(t *testing.T) {
	for _, tc := range trustCases {
		t.Run(tc.name, func(t *testing.T) {
			stmts := tc.stmt
			if !strings.HasPrefix(stmts, "[") {
				stmts = "[" + stmts + "]"
			}
			d := &model.PolicyDoc{Name: "trust", Document: value(t, "trust.json", `{"Version":"2012-10-17","Statement":`+stmts+`}`)}
			gs, _ := TrustGrants(d)
			var got []string
			for _, g := range gs {
				s := string(g.Kind)
				switch {
				case g.Open:
					s += " open"
				case g.ExternalID:
					s += " externalid"
				default:
					s += " closed"
				}
				if g.MFA {
					s += " mfa"
				}
				if g.Missing != "" {
					s += " " + g.Missing
				}
				if g.Account != "" {
					s += " " + g.Account
				}
				if g.OwnAccount {
					s += " own"
				}
				got = append(got, s)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("grants (-want +got):\n%s\n%+v", diff, gs)
			}
		})
	}
}
