package iam

import (
	"sort"
	"strings"
	"sync"
)

// EscalationPath is a known way for a principal to gain more permissions
// than it has: a set of actions that together let it act as a more
// privileged principal (the families catalogued by BishopFox's
// iam-vulnerable and Rhino Security Labs).
type EscalationPath struct {
	// ID is a stable identifier ("passrole-lambda-invoke").
	ID string `json:"id"`
	// Name describes the path in a few words.
	Name string `json:"name"`
	// Steps are the required permissions: each step is satisfied by any
	// one of its actions.
	Steps [][]string `json:"steps"`
	// PassedTo is the service principal iam:PassRole must be allowed to
	// pass a role to (evaluated against iam:PassedToService), or "".
	PassedTo string `json:"passedTo,omitempty"`
	// AnyResource requires the actions on every resource (sts:AssumeRole
	// on "*"), not just some.
	AnyResource bool `json:"anyResource,omitempty"`
}

// EscalationPaths returns the known privilege-escalation paths, sorted by
// ID. The slice is new on every call.
func EscalationPaths() []EscalationPath { return escalationPaths() }

// knownPaths is EscalationPaths, built once for the analysis, which only
// reads it (it ran once per policy set).
var knownPaths = sync.OnceValue(escalationPaths)

func escalationPaths() []EscalationPath {
	pr := "iam:PassRole"
	paths := []EscalationPath{
		{ID: "iam-create-policy-version", Name: "create a new default version of a managed policy", Steps: [][]string{{"iam:CreatePolicyVersion"}}},
		{ID: "iam-set-default-policy-version", Name: "switch a managed policy to a more permissive version", Steps: [][]string{{"iam:SetDefaultPolicyVersion"}}},
		{ID: "iam-create-access-key", Name: "create access keys for another user", Steps: [][]string{{"iam:CreateAccessKey"}}},
		{ID: "iam-create-login-profile", Name: "set a console password for another user", Steps: [][]string{{"iam:CreateLoginProfile"}}},
		{ID: "iam-update-login-profile", Name: "change another user's console password", Steps: [][]string{{"iam:UpdateLoginProfile"}}},
		{ID: "iam-attach-user-policy", Name: "attach a managed policy to a user", Steps: [][]string{{"iam:AttachUserPolicy"}}},
		{ID: "iam-attach-group-policy", Name: "attach a managed policy to a group", Steps: [][]string{{"iam:AttachGroupPolicy"}}},
		{ID: "iam-attach-role-policy", Name: "attach a managed policy to a role", Steps: [][]string{{"iam:AttachRolePolicy"}}},
		{ID: "iam-put-user-policy", Name: "write an inline policy on a user", Steps: [][]string{{"iam:PutUserPolicy"}}},
		{ID: "iam-put-group-policy", Name: "write an inline policy on a group", Steps: [][]string{{"iam:PutGroupPolicy"}}},
		{ID: "iam-put-role-policy", Name: "write an inline policy on a role", Steps: [][]string{{"iam:PutRolePolicy"}}},
		{ID: "iam-add-user-to-group", Name: "add a user to a more privileged group", Steps: [][]string{{"iam:AddUserToGroup"}}},
		{ID: "iam-update-assume-role-policy", Name: "rewrite a role's trust policy and assume it", Steps: [][]string{{"iam:UpdateAssumeRolePolicy"}, {"sts:AssumeRole"}}},
		{ID: "iam-put-role-permissions-boundary", Name: "replace or remove a role's permissions boundary", Steps: [][]string{{"iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary"}}},
		{ID: "sts-assume-any-role", Name: "assume any role (sts:AssumeRole on *)", Steps: [][]string{{"sts:AssumeRole"}}, AnyResource: true},
		{ID: "passrole-ec2-run-instances", Name: "pass a role to a new EC2 instance", Steps: [][]string{{pr}, {"ec2:RunInstances"}}, PassedTo: "ec2.amazonaws.com"},
		{ID: "passrole-lambda-invoke", Name: "pass a role to a new Lambda function and invoke it", Steps: [][]string{{pr}, {"lambda:CreateFunction"}, {"lambda:InvokeFunction", "lambda:CreateFunctionUrlConfig"}}, PassedTo: "lambda.amazonaws.com"},
		{ID: "passrole-lambda-event-source", Name: "pass a role to a new Lambda function triggered by an event source", Steps: [][]string{{pr}, {"lambda:CreateFunction"}, {"lambda:CreateEventSourceMapping"}}, PassedTo: "lambda.amazonaws.com"},
		{ID: "passrole-lambda-update-configuration", Name: "give an existing Lambda function a more privileged role", Steps: [][]string{{pr}, {"lambda:UpdateFunctionConfiguration"}}, PassedTo: "lambda.amazonaws.com"},
		{ID: "lambda-update-function-code", Name: "replace the code of a function that runs with another role", Steps: [][]string{{"lambda:UpdateFunctionCode"}}},
		{ID: "lambda-update-layers", Name: "inject a layer into a function that runs with another role", Steps: [][]string{{"lambda:UpdateFunctionConfiguration"}, {"lambda:PublishLayerVersion"}}},
		{ID: "passrole-glue-dev-endpoint", Name: "pass a role to a Glue development endpoint", Steps: [][]string{{pr}, {"glue:CreateDevEndpoint"}}, PassedTo: "glue.amazonaws.com"},
		{ID: "glue-update-dev-endpoint", Name: "add an SSH key to a Glue development endpoint", Steps: [][]string{{"glue:UpdateDevEndpoint"}}},
		{ID: "passrole-glue-job", Name: "pass a role to a Glue job and run it", Steps: [][]string{{pr}, {"glue:CreateJob", "glue:UpdateJob"}, {"glue:StartJobRun", "glue:CreateTrigger"}}, PassedTo: "glue.amazonaws.com"},
		{ID: "passrole-cloudformation", Name: "pass a role to a CloudFormation stack", Steps: [][]string{{pr}, {"cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:CreateChangeSet", "cloudformation:CreateStackSet", "cloudformation:UpdateStackSet"}}, PassedTo: "cloudformation.amazonaws.com"},
		{ID: "passrole-datapipeline", Name: "pass a role to a Data Pipeline", Steps: [][]string{{pr}, {"datapipeline:CreatePipeline"}, {"datapipeline:PutPipelineDefinition"}}, PassedTo: "datapipeline.amazonaws.com"},
		{ID: "passrole-codebuild", Name: "pass a role to a CodeBuild project and build it", Steps: [][]string{{pr}, {"codebuild:CreateProject", "codebuild:UpdateProject"}, {"codebuild:StartBuild", "codebuild:StartBuildBatch"}}, PassedTo: "codebuild.amazonaws.com"},
		{ID: "codebuild-start-build-override", Name: "run a CodeBuild project with an overridden buildspec", Steps: [][]string{{"codebuild:StartBuild", "codebuild:StartBuildBatch"}}},
		{ID: "passrole-sagemaker", Name: "pass a role to a SageMaker notebook, training or processing job", Steps: [][]string{{pr}, {"sagemaker:CreateNotebookInstance", "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"}}, PassedTo: "sagemaker.amazonaws.com"},
		{ID: "sagemaker-notebook-url", Name: "open a presigned URL into an existing SageMaker notebook", Steps: [][]string{{"sagemaker:CreatePresignedNotebookInstanceUrl"}}},
		{ID: "passrole-ecs", Name: "pass a role to an ECS task", Steps: [][]string{{pr}, {"ecs:RegisterTaskDefinition"}, {"ecs:RunTask", "ecs:StartTask", "ecs:CreateService", "ecs:UpdateService"}}, PassedTo: "ecs-tasks.amazonaws.com"},
		{ID: "passrole-stepfunctions", Name: "pass a role to a state machine and start it", Steps: [][]string{{pr}, {"states:CreateStateMachine", "states:UpdateStateMachine"}, {"states:StartExecution", "states:StartSyncExecution"}}, PassedTo: "states.amazonaws.com"},
		{ID: "passrole-apprunner", Name: "pass a role to an App Runner service", Steps: [][]string{{pr}, {"apprunner:CreateService"}}, PassedTo: "apprunner.amazonaws.com"},
		{ID: "passrole-autoscaling", Name: "pass a role to instances started by an Auto Scaling group", Steps: [][]string{{pr}, {"autoscaling:CreateLaunchConfiguration", "ec2:CreateLaunchTemplate"}, {"autoscaling:CreateAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup"}}, PassedTo: "ec2.amazonaws.com"},
		{ID: "ssm-run-command", Name: "run commands on instances that hold other roles", Steps: [][]string{{"ssm:SendCommand", "ssm:StartSession"}}},
		{ID: "ec2-instance-connect", Name: "push an SSH key to instances that hold other roles", Steps: [][]string{{"ec2-instance-connect:SendSSHPublicKey"}}},
	}
	sort.Slice(paths, func(i, j int) bool { return paths[i].ID < paths[j].ID })
	return paths
}

// Escalation is an escalation path the policies allow.
type Escalation struct {
	Path EscalationPath `json:"path"`
	// Conditional is true when some step is allowed only under conditions
	// or on specific resources (lower confidence).
	Conditional bool `json:"conditional,omitempty"`
	// Actions are the actions found for each step, in step order.
	Actions []string `json:"actions"`
	// Statements are the statements that allow the steps.
	Statements []StatementRef `json:"statements"`
}

// Escalations returns the escalation paths the policy set allows, sorted by
// path ID. Each step is decided by Evaluate on a symbolic resource, so
// denies, boundaries, NotAction/NotResource and conditions
// (iam:PassedToService) are honoured.
func (ps *PolicySet) Escalations() []Escalation { return ps.escalations(nil) }

// escalationResources returns the resources a step action is evaluated
// on: every ARN format of the resource types it accepts (and "*" when it
// can be called without one), so that a grant on an unrelated resource
// (glue:UpdateDevEndpoint on a Glue job) is no escalation.
func (a *Analyzer) escalationResources(action string) []string {
	act := a.Catalog.Lookup(action)
	if act == nil || a.fits().formats(a.Catalog, act).unknown {
		return nil
	}
	return a.requestResources(act)
}

// escalations is Escalations with each step evaluated on the resources
// resources returns for its action (nil resources, or a nil result: a
// symbol standing for any resource).
func (ps *PolicySet) escalations(resources func(action string) []string) []Escalation {
	var out []Escalation
	cache := map[string]Decision{}
	decide := func(action, passedTo string, anyRes bool) Decision {
		key := action + "|" + passedTo
		if anyRes {
			key += "|any"
		}
		if d, ok := cache[key]; ok {
			return d
		}
		targets := []string{"${Resource}"}
		if anyRes {
			targets = []string{"arn:aws:iam::${AWS::AccountId}:role/${AnyRole}"}
		} else if resources != nil {
			if rs := resources(action); len(rs) > 0 {
				targets = rs
			}
		}
		var best Decision
		for i, res := range targets {
			r := Request{Action: action, Resource: res}
			if passedTo != "" && strings.EqualFold(action, "iam:PassRole") {
				r.Context.Set("iam:PassedToService", passedTo)
			}
			d := ps.Evaluate(&r)
			if i == 0 || (d.Allowed() && (!best.Allowed() || best.Conditional && !d.Conditional)) {
				best = d
			}
		}
		cache[key] = best
		return best
	}
	for _, p := range knownPaths() {
		e := Escalation{Path: p}
		ok := true
		for _, step := range p.Steps {
			found := false
			var best Decision
			var bestAction string
			for _, a := range step {
				d := decide(a, p.PassedTo, p.AnyResource)
				if !d.Allowed() || (p.AnyResource && d.Conditional) || onlyUnknown(d) {
					continue
				}
				if !found || (best.Conditional && !d.Conditional) {
					best, bestAction, found = d, a, true
				}
			}
			if !found {
				ok = false
				break
			}
			e.Actions = append(e.Actions, bestAction)
			if best.Conditional {
				e.Conditional = true
			}
			for _, m := range best.Matched {
				if m.Kind == KindIdentity || m.Kind == KindResource {
					e.Statements = append(e.Statements, m.StatementRef)
				}
			}
		}
		if ok {
			out = append(out, e)
		}
	}
	return out
}

// onlyUnknown reports whether an allow rests only on unknown policies
// (reported as unknown grants, not as escalation).
func onlyUnknown(d Decision) bool {
	for _, m := range d.Matched {
		if !m.Unknown && (m.Kind == KindIdentity || m.Kind == KindResource) {
			return false
		}
	}
	return true
}
