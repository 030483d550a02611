package model

import (
	"sort"
	"strings"
)

// roleUseKinds maps resource types that run with (or hand out) a role to
// the kind of use. Types not listed here that reference a role are "other";
// functions and IAM policy/attachment resources are not uses.
var roleUseKinds = map[string]string{
	"AWS::IAM::InstanceProfile":                  "instance-profile",
	"aws_iam_instance_profile":                   "instance-profile",
	"AWS::StepFunctions::StateMachine":           "state-machine",
	"AWS::Serverless::StateMachine":              "state-machine",
	"aws_sfn_state_machine":                      "state-machine",
	"AWS::ApiGateway::Method":                    "api-integration",
	"AWS::ApiGatewayV2::Integration":             "api-integration",
	"aws_api_gateway_integration":                "api-integration",
	"aws_apigatewayv2_integration":               "api-integration",
	"AWS::ApiGateway::Account":                   "api-gateway-logging",
	"aws_api_gateway_account":                    "api-gateway-logging",
	"AWS::CodeBuild::Project":                    "codebuild",
	"aws_codebuild_project":                      "codebuild",
	"AWS::CodePipeline::Pipeline":                "codepipeline",
	"aws_codepipeline":                           "codepipeline",
	"AWS::Scheduler::Schedule":                   "scheduler",
	"aws_scheduler_schedule":                     "scheduler",
	"AWS::Events::Rule":                          "events-target",
	"aws_cloudwatch_event_target":                "events-target",
	"AWS::Pipes::Pipe":                           "pipes",
	"aws_pipes_pipe":                             "pipes",
	"AWS::CloudFormation::Stack":                 "cloudformation",
	"AWS::CloudFormation::StackSet":              "cloudformation",
	"AWS::KinesisFirehose::DeliveryStream":       "firehose",
	"aws_kinesis_firehose_delivery_stream":       "firehose",
	"AWS::AppSync::DataSource":                   "appsync-data-source",
	"aws_appsync_datasource":                     "appsync-data-source",
	"AWS::ECS::TaskDefinition":                   "ecs-task",
	"aws_ecs_task_definition":                    "ecs-task",
	"AWS::Glue::Job":                             "glue-job",
	"aws_glue_job":                               "glue-job",
	"AWS::SageMaker::NotebookInstance":           "sagemaker-notebook",
	"aws_sagemaker_notebook_instance":            "sagemaker-notebook",
	"AWS::Cognito::IdentityPoolRoleAttachment":   "identity-pool",
	"aws_cognito_identity_pool_roles_attachment": "identity-pool",
}

// notRoleUses are resource types whose references to a role are not uses:
// the role's own policies and attachments, functions (Function.Role says
// which role a function runs with), permissions and outputs.
var notRoleUses = map[string]bool{
	"AWS::IAM::Role": true, "AWS::IAM::Policy": true, "AWS::IAM::ManagedPolicy": true, "AWS::IAM::RolePolicy": true,
	"AWS::Lambda::Function": true, "AWS::Serverless::Function": true, "AWS::Lambda::Permission": true,
	"aws_iam_role": true, "aws_iam_role_policy": true, "aws_iam_role_policy_attachment": true, "aws_iam_policy_attachment": true,
	"aws_iam_role_policies_exclusive": true, "aws_iam_role_policy_attachments_exclusive": true, "aws_lambda_function": true,
	"aws_lambda_permission": true, "aws_iam_policy": true,
}

// LinkRoleUses fills Role.UsedBy from the stack's resources: every resource
// (other than functions and IAM policy resources) whose properties refer
// to a role of the stack uses it. Cognito identity pools say whether the
// role is for authenticated or unauthenticated identities. Loaders call
// it once, after translating; calling it again recomputes the lists.
func (s *Stack) LinkRoleUses() {
	if len(s.Roles) == 0 {
		return
	}
	ids := map[string]*Role{}
	for _, r := range s.Roles {
		r.UsedBy = nil
		ids[r.ID] = r
	}
	roleOf := func(ref string) *Role {
		if r := ids[ref]; r != nil {
			return r
		}
		// CloudFormation "Role.Arn", Terraform "aws_iam_role.r.arn".
		if i := strings.LastIndexByte(ref, '.'); i > 0 {
			return ids[ref[:i]]
		}
		return nil
	}
	for _, res := range s.Resources {
		if notRoleUses[res.Type] || res.Properties == nil || s.Function(res.ID) != nil ||
			strings.Contains(res.Type, "_iam_") || strings.Contains(res.Type, "role_assignment") {
			// Grants to the identity (google_project_iam_member,
			// azurerm_role_assignment) are not uses of it.
			continue
		}
		kind, ok := roleUseKinds[res.Type]
		if !ok {
			kind = "other"
		}
		seen := map[string]bool{}
		var walk, use func(path string, v *Value)
		walk = func(path string, v *Value) {
			if v == nil {
				return
			}
			use(path, v)
			switch v.Kind {
			case Map:
				for _, f := range v.Fields {
					walk(path+"."+strings.ToLower(f.Key), f.Value)
				}
				return
			case List:
				for _, e := range v.Items {
					walk(path, e)
				}
				return
			}
		}
		use = func(path string, v *Value) {
			for _, ref := range v.Refs {
				r := roleOf(ref)
				if r == nil || r.ID == res.ID {
					continue
				}
				k := kind
				if kind == "identity-pool" {
					switch {
					case strings.Contains(path, "unauthenticated"):
						k = "identity-pool-unauthenticated"
					case strings.Contains(path, "authenticated"):
						k = "identity-pool-authenticated"
					}
				}
				if seen[r.ID+"\x00"+k] {
					continue
				}
				seen[r.ID+"\x00"+k] = true
				r.UsedBy = append(r.UsedBy, RoleUse{ID: res.ID, Type: res.Type, Kind: k, Pos: v.PosOr(res.Pos)})
			}
		}
		walk("", res.Properties)
	}
	// Roles a loader generated for a resource (SAM's state machine role)
	// are used by it.
	for _, r := range s.Roles {
		res := s.ByID(r.ID)
		if res == nil || res.Generated == "" || s.Function(res.Generated) != nil {
			continue
		}
		gen := s.ByID(res.Generated)
		if gen == nil {
			continue
		}
		kind, ok := roleUseKinds[gen.Type]
		if !ok {
			kind = "other"
		}
		r.UsedBy = append(r.UsedBy, RoleUse{ID: gen.ID, Type: gen.Type, Kind: kind, Pos: gen.Pos})
	}
	for _, r := range s.Roles {
		sort.SliceStable(r.UsedBy, func(i, j int) bool {
			if r.UsedBy[i].ID != r.UsedBy[j].ID {
				return r.UsedBy[i].ID < r.UsedBy[j].ID
			}
			return r.UsedBy[i].Kind < r.UsedBy[j].Kind
		})
	}
}
