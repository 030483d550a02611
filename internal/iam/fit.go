package iam

import (
	"fmt"
	"strings"
	"sync"

	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
)

// Resource-type fit: an action only does something on a resource of a
// type it accepts. The catalog lists, per action, the resource types it
// takes (with their ARN formats) and whether a type is required; an action
// with no required type can also be called on "*" (AWS's spelling for "no
// resource"). A grant whose Resource can name none of those is inert: AWS
// never evaluates the action against such an ARN, so it grants nothing.

// formatSet is the request resources an action can be evaluated against:
// ARN formats with the catalog's placeholders renamed to ${fmt:…} (so that
// they never meet a template's symbol of the same name), and "*" when the
// action can be called without a resource.
type formatSet struct {
	arns []string
	star bool
	// unknown is set when a type has no ARN format in the catalog: the
	// action is not judged.
	unknown bool
}

// fitCache holds the format set of each catalog action, built once, and
// interned: actions that take the same resource types share one set, so
// that whether a policy's resource fits is decided once for all of them.
type fitCache struct {
	m    sync.Map // *catalog.Action → *formatSet
	sets sync.Map // content key → *formatSet
}

// formats returns the format set of act.
func (c *fitCache) formats(cat *catalog.Catalog, act *catalog.Action) *formatSet {
	if v, ok := c.m.Load(act); ok {
		return v.(*formatSet)
	}
	// Like hasResourceTypes: a required type, or a choice among several,
	// means the request always names a resource.
	fs := &formatSet{star: !hasResourceTypes(act)}
	svc := cat.Service(act.Service)
	for _, r := range act.Resources {
		if svc == nil {
			continue
		}
		f, ok := svc.ResourceTypes[r.Type]
		if !ok {
			fs.unknown = true
			continue
		}
		f = renamePlaceholders(f)
		fs.arns = append(fs.arns, f)
	}
	if fs.star && act.Service == "s3" {
		// S3 authorizes its service-level operations (ListAllMyBuckets,
		// ListAccessPoints, …) against the service's own ARN, with an empty
		// resource part: "arn:aws:s3:::*" grants them, as the IAM User
		// Guide's example policies do, and a bucket's ARN does not.
		fs.arns = append(fs.arns, s3ServiceARN)
	}
	key := fmt.Sprintf("%t %t %q", fs.star, fs.unknown, fs.arns)
	shared, _ := c.sets.LoadOrStore(key, fs)
	v, _ := c.m.LoadOrStore(act, shared)
	return v.(*formatSet)
}

// s3ServiceARN is the resource S3's service-level operations are evaluated
// against (the format placeholders renamed, as for the catalog's formats).
const s3ServiceARN = "arn:${fmt:Partition}:s3:::"

// renamePlaceholders turns ${Name} into ${fmt:Name}.
func renamePlaceholders(f string) string {
	return strings.ReplaceAll(f, "${", "${fmt:")
}

// requestResources returns the resources a request for act can name, for
// evaluating policies against every kind of resource the action accepts:
// its ARN formats, and "*" when it can be called without a resource.
func (a *Analyzer) requestResources(act *catalog.Action) []string {
	fs := a.fits().formats(a.Catalog, act)
	out := append([]string(nil), fs.arns...)
	if fs.star || len(out) == 0 {
		out = append(out, "*")
	}
	return out
}

// fitsFormats reports whether the resource pattern (as written in a
// policy, with ${…} symbols; resolved through idx where a symbol is an
// object's ARN) can name a resource of a type in the format set (an
// action's). A set with a type the catalog has no format for, and patterns
// that stay fully symbolic, fit.
func (a *Analyzer) fitsFormats(idx *targetIndex, fs *formatSet, resource string) bool {
	if fs.unknown {
		return true
	}
	resource = idx.arnOf(resource)
	p := compileARN(resource, false)
	if p.any {
		return true
	}
	if fs.star && p.match("*", false, nil) != No {
		return true
	}
	if !p.arn && !p.ph {
		// Not an ARN (a bucket name by mistake, "arn*"): glob it against
		// the formats as text.
		for _, f := range fs.arns {
			if glob(resource, f) {
				return true
			}
		}
		return len(fs.arns) == 0 && fs.star && glob(resource, "*")
	}
	if !strings.HasPrefix(resource, "arn:") {
		// Starts with a symbol that is not an object's ARN: anything.
		return true
	}
	pat := SplitARN(resource)
	for _, f := range fs.arns {
		if segmentsMatch(pat, SplitARN(f)) {
			return true
		}
	}
	return false
}

// SplitARN splits an ARN into its six parts (arn, partition, service,
// region, account, resource) at the colons outside ${…} placeholders; the
// resource part keeps its own colons. A shorter pattern has fewer parts.
func SplitARN(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s) && len(out) < 5; i++ {
		switch {
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			depth++
			i++
		case s[i] == '}' && depth > 0:
			depth--
		case s[i] == ':' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// segmentsMatch reports whether the policy pattern's parts can match the
// format's parts, part by part; a pattern with fewer parts matches the rest
// of the format with its last part. In an S3 ARN a symbol that starts the
// resource part is a bucket name, which cannot absorb '/'.
func segmentsMatch(pat, f []string) bool {
	s3 := len(pat) > 2 && pat[2] == "s3"
	for i, seg := range pat {
		if i >= len(f) {
			return false
		}
		subj := f[i]
		if i == len(pat)-1 && len(pat) < len(f) {
			subj = strings.Join(f[i:], ":")
		}
		pu := splitUnits(seg, true, false, nil)
		su := splitUnits(subj, false, false, nil)
		if i == 5 && s3 {
			if len(pu) > 0 && pu[0].kind == uSym {
				pu[0].noSlash = true
			}
			if len(su) > 0 && su[0].kind == uSym {
				su[0].noSlash = true
			}
		}
		if matchUnits(pu, su, false) == No {
			return false
		}
	}
	return true
}

// arnOf rewrites a resource that starts with a symbol standing for an
// object's ARN (${Table.Arn}, ${aws_s3_bucket.b.arn}) into that object's
// ARN layout, so that its service and resource type are known. Other
// resources are returned unchanged.
func (x *targetIndex) arnOf(resource string) string {
	if x == nil || !strings.HasPrefix(resource, "${") {
		return resource
	}
	end := strings.IndexByte(resource, '}')
	if end < 0 {
		return resource
	}
	name, rest := resource[2:end], resource[end+1:]
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		return resource
	}
	id, attr := name[:dot], name[dot+1:]
	if !strings.HasSuffix(attr, "Arn") && !strings.HasSuffix(attr, "arn") {
		return resource
	}
	if o := x.ids[id]; o != nil && len(o.arns) > 0 && (attr == "Arn" || attr == "arn") {
		return o.arns[0] + rest
	}
	svc := serviceOfType(x.types[id])
	if o := x.ids[id]; svc == "" && o != nil {
		svc = o.service
	}
	if svc != "" {
		return "arn:aws:" + svc + ":${AWS::Region}:${AWS::AccountId}:${" + name + "}" + rest
	}
	return resource
}

// cfnServices maps CloudFormation type namespaces to IAM service prefixes
// where they differ from the lower-cased namespace.
var cfnServices = map[string]string{
	"kinesisfirehose": "firehose", "stepfunctions": "states", "elasticloadbalancingv2": "elasticloadbalancing",
	"apigatewayv2": "apigateway", "opensearchservice": "es", "elasticsearch": "es", "certificatemanager": "acm",
	"amazonmq": "mq", "msk": "kafka", "efs": "elasticfilesystem", "docdb": "rds", "neptune": "rds",
	"cloudwatch": "cloudwatch", "logs": "logs", "events": "events", "scheduler": "scheduler", "pipes": "pipes",
	"s3": "s3", "sqs": "sqs", "sns": "sns", "dynamodb": "dynamodb", "lambda": "lambda", "iam": "iam",
	"kinesis": "kinesis", "secretsmanager": "secretsmanager", "ssm": "ssm", "kms": "kms", "glue": "glue",
	"rds": "rds", "ec2": "ec2", "ecs": "ecs", "ecr": "ecr", "elasticache": "elasticache", "appsync": "appsync",
	"athena": "athena", "codebuild": "codebuild", "batch": "batch", "ses": "ses", "iot": "iot",
	"sagemaker": "sagemaker", "redshift": "redshift", "wafv2": "wafv2", "cloudfront": "cloudfront",
	"timestream": "timestream", "apigateway": "apigateway", "mediaconvert": "mediaconvert",
}

// tfServices maps Terraform type prefixes to IAM service prefixes, longest
// first where they overlap.
var tfServices = []struct{ prefix, svc string }{
	{"aws_kinesis_firehose_", "firehose"}, {"aws_cloudwatch_log_", "logs"}, {"aws_cloudwatch_event_", "events"},
	{"aws_cloudwatch_", "cloudwatch"}, {"aws_sfn_", "states"}, {"aws_s3_", "s3"}, {"aws_sqs_", "sqs"},
	{"aws_sns_", "sns"}, {"aws_dynamodb_", "dynamodb"}, {"aws_lambda_", "lambda"}, {"aws_iam_", "iam"},
	{"aws_kinesis_", "kinesis"}, {"aws_secretsmanager_", "secretsmanager"}, {"aws_ssm_", "ssm"},
	{"aws_kms_", "kms"}, {"aws_glue_", "glue"}, {"aws_db_", "rds"}, {"aws_rds_", "rds"},
	{"aws_ecr_", "ecr"}, {"aws_ecs_", "ecs"}, {"aws_efs_", "elasticfilesystem"}, {"aws_mq_", "mq"},
	{"aws_msk_", "kafka"}, {"aws_appsync_", "appsync"}, {"aws_elasticache_", "elasticache"},
	{"aws_cognito_user_pool", "cognito-idp"}, {"aws_scheduler_", "scheduler"}, {"aws_pipes_", "pipes"},
}

// serviceOfType returns the IAM service prefix of a CloudFormation or
// Terraform resource type, or "" when nightlight does not know it.
func serviceOfType(t string) string {
	switch {
	case strings.HasPrefix(t, "AWS::"):
		ns, _, _ := strings.Cut(strings.TrimPrefix(t, "AWS::"), "::")
		if strings.EqualFold(ns, "Cognito") {
			if strings.Contains(t, "IdentityPool") {
				return "cognito-identity"
			}
			return "cognito-idp"
		}
		return cfnServices[strings.ToLower(ns)]
	case strings.HasPrefix(t, "aws_"):
		for _, s := range tfServices {
			if strings.HasPrefix(t, s.prefix) {
				return s.svc
			}
		}
	}
	return ""
}
