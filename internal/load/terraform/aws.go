package terraform

import (
	"path"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/load/aws"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// markUnresolved sets Unresolved on every list and map that holds an
// unresolved value, bottom-up.
func markUnresolved(v *model.Value) bool {
	if v == nil {
		return false
	}
	u := v.Unresolved
	for _, it := range v.Items {
		u = markUnresolved(it) || u
	}
	for _, f := range v.Fields {
		u = markUnresolved(f.Value) || u
	}
	v.Unresolved = u
	return u
}

// aws translates one AWS resource instance.
func (t *translator) aws(in *instance) {
	p := in.props
	switch in.typ {
	case "aws_lambda_function":
		t.lambda(in)
	case "aws_lambda_function_url":
		t.functionURL(in)
	case "aws_lambda_permission":
		t.lambdaPermission(in)
	case "aws_lambda_event_source_mapping":
		t.eventSourceMapping(in)
	case "aws_lambda_function_event_invoke_config":
		t.later(func() {
			f := t.fnOf(p.Get("function_name"))
			if f == nil {
				return
			}
			if v := get(p, "destination_config", "on_failure", "destination"); v != nil {
				f.OnFailure = v
			}
			if v := get(p, "destination_config", "on_success", "destination"); v != nil {
				f.OnSuccess = v
			}
			if v := p.Get("maximum_retry_attempts"); v.IsSet() {
				f.MaxRetries = v
			}
			if v := p.Get("maximum_event_age_in_seconds"); v.IsSet() {
				f.MaxEventAge = v
			}
		})
	case "aws_lambda_provisioned_concurrency_config":
		t.later(func() {
			if f := t.fnOf(p.Get("function_name")); f != nil {
				f.ProvisionedConcurrency = p.Get("provisioned_concurrent_executions")
			}
		})
	case "aws_iam_role":
		t.iamRole(in)
	case "aws_iam_policy":
		t.st.Policies = append(t.st.Policies, &model.Policy{
			ID: in.addr, Pos: in.pos, Name: p.Get("name"), Managed: true,
			Doc: &model.PolicyDoc{Name: in.addr, Pos: in.pos, Source: model.PolicyStandalone, Ref: in.addr, Document: t.doc(p.Get("policy"))},
		})
	case "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
		t.inlinePolicy(in)
	case "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment":
		t.later(func() { t.attachPolicy(in) })
	case "aws_iam_role_policies_exclusive", "aws_iam_role_policy_attachments_exclusive":
	case "aws_iam_user":
		t.st.Users = append(t.st.Users, &model.User{ID: in.addr, Pos: in.pos, Name: p.Get("name"), Boundary: p.Get("permissions_boundary")})
	case "aws_iam_group":
		t.st.Groups = append(t.st.Groups, &model.Group{ID: in.addr, Pos: in.pos, Name: p.Get("name")})
	case "aws_iam_access_key":
		t.later(func() {
			user := p.Get("user").String()
			if u := t.userOf(p.Get("user")); u != nil {
				user = u.ID
			}
			t.st.AccessKeys = append(t.st.AccessKeys, &model.AccessKey{ID: in.addr, Pos: in.pos, User: user})
		})
	case "aws_iam_user_login_profile":
		t.later(func() {
			if u := t.userOf(p.Get("user")); u != nil {
				u.Console = true
			}
		})
	case "aws_iam_group_membership":
		t.later(func() {
			g := t.groupID(p.Get("group"))
			for _, uv := range p.Get("users").Elems() {
				if u := t.userOf(uv); u != nil {
					u.Groups = model.SortedUnique(append(u.Groups, g))
				}
			}
		})
	case "aws_iam_user_group_membership":
		t.later(func() {
			if u := t.userOf(p.Get("user")); u != nil {
				for _, gv := range p.Get("groups").Elems() {
					u.Groups = model.SortedUnique(append(u.Groups, t.groupID(gv)))
				}
			}
		})
	case "aws_s3_bucket":
		t.bucket(in)
	case "aws_s3_bucket_policy":
		t.later(func() { t.resourcePolicy(in, model.RPBucket, p.Get("bucket"), p.Get("policy"), "aws_s3_bucket") })
	case "aws_s3_bucket_notification":
		t.later(func() { t.bucketNotification(in) })
	case "aws_s3_bucket_public_access_block":
		t.later(func() {
			if s := t.storeOf(p.Get("bucket"), "aws_s3_bucket"); s != nil {
				s.SetAttr(model.AttrBlockPublicACLs, p.Get("block_public_acls"))
				s.SetAttr(model.AttrBlockPublicPolicy, p.Get("block_public_policy"))
				s.SetAttr(model.AttrIgnorePublicACLs, p.Get("ignore_public_acls"))
				s.SetAttr(model.AttrRestrictPublicBuckets, p.Get("restrict_public_buckets"))
			}
		})
	case "aws_s3_account_public_access_block":
		// The account's settings apply to every bucket on top of its own:
		// the stricter wins, so they only turn settings on.
		t.last(func() {
			for _, s := range t.st.Stores {
				if s.Kind != model.StoreBucket {
					continue
				}
				for _, k := range []struct{ attr, arg string }{{model.AttrBlockPublicACLs, "block_public_acls"},
					{model.AttrBlockPublicPolicy, "block_public_policy"}, {model.AttrIgnorePublicACLs, "ignore_public_acls"},
					{model.AttrRestrictPublicBuckets, "restrict_public_buckets"}} {
					on, _ := p.Get(k.arg).AsBool()
					already, _ := s.Attr(k.attr).AsBool()
					if on && !already {
						s.SetAttr(k.attr, p.Get(k.arg))
					}
				}
			}
		})
	case "aws_s3_bucket_server_side_encryption_configuration":
		t.later(func() {
			if s := t.storeOf(p.Get("bucket"), "aws_s3_bucket"); s != nil {
				s.Encryption = s3Encryption(get(p, "rule", "apply_server_side_encryption_by_default"), s.Encryption)
			}
		})
	case "aws_s3_bucket_versioning":
		t.later(func() {
			if s := t.storeOf(p.Get("bucket"), "aws_s3_bucket"); s != nil {
				s.SetAttr(model.AttrVersioning, get(p, "versioning_configuration", "status"))
			}
		})
	case "aws_s3_bucket_acl":
		t.later(func() {
			if s := t.storeOf(p.Get("bucket"), "aws_s3_bucket"); s != nil {
				s.SetAttr(model.AttrACL, model.CannedACL(p.Get("acl")))
			}
		})
	case "aws_s3_bucket_website_configuration":
		t.later(func() {
			if s := t.storeOf(p.Get("bucket"), "aws_s3_bucket"); s != nil {
				s.SetAttr(model.AttrWebsite, p)
			}
		})
	case "aws_s3_bucket_logging":
		t.later(func() {
			if s := t.storeOf(p.Get("bucket"), "aws_s3_bucket"); s != nil {
				s.SetAttr(model.AttrLogging, p.Get("target_bucket"))
			}
		})
	case "aws_sqs_queue":
		t.queue(in)
	case "aws_sqs_queue_policy":
		t.later(func() { t.resourcePolicy(in, model.RPQueue, p.Get("queue_url"), p.Get("policy"), "aws_sqs_queue") })
	case "aws_sqs_queue_redrive_policy":
		t.later(func() {
			if s := t.storeOf(p.Get("queue_url"), "aws_sqs_queue"); s != nil {
				t.redrive(s, p.Get("redrive_policy"))
			}
		})
	case "aws_sns_topic":
		s := t.store(in, model.StoreTopic, p.Get("name"))
		s.Encryption = kmsEncryption(p.Get("kms_master_key_id"), model.EncryptionNone, in.pos, "alias/aws/sns")
		if pol := p.Get("policy"); pol.IsSet() {
			t.resourcePolicy(in, model.RPTopic, nil, pol, "")
			t.st.ResourcePolicies[len(t.st.ResourcePolicies)-1].Targets = []string{in.addr}
		}
	case "aws_sns_topic_policy":
		t.later(func() { t.resourcePolicy(in, model.RPTopic, p.Get("arn"), p.Get("policy"), "aws_sns_topic") })
	case "aws_sns_topic_subscription":
		if strings.EqualFold(p.Get("protocol").String(), "lambda") {
			t.later(func() {
				tr := &model.Trigger{ID: in.addr, Pos: in.pos, Kind: model.TriggerSNS,
					Function: t.fnID(p.Get("endpoint")), Source: t.ref(p.Get("topic_arn"), "aws_sns_topic"),
					SourceValue: p.Get("topic_arn"), Filter: p.Get("filter_policy")}
				t.st.Triggers = append(t.st.Triggers, tr)
			})
		}
	case "aws_dynamodb_table":
		t.table(in)
	case "aws_kinesis_stream":
		s := t.store(in, model.StoreStream, p.Get("name"))
		s.Encryption = model.Encryption{Kind: model.EncryptionNone, Pos: in.pos}
		if strings.EqualFold(p.Get("encryption_type").String(), "KMS") {
			s.Encryption = kmsEncryption(p.Get("kms_key_id"), model.EncryptionAWSManaged, p.Get("encryption_type").Pos, "alias/aws/kinesis")
		}
	case "aws_cloudwatch_event_bus":
		t.store(in, model.StoreEventBus, p.Get("name"))
	case "aws_cloudwatch_event_bus_policy":
		t.later(func() {
			t.resourcePolicy(in, model.RPEventBus, p.Get("event_bus_name"), p.Get("policy"), "aws_cloudwatch_event_bus")
		})
	case "aws_cloudwatch_event_target":
		t.later(func() { t.eventTarget(in) })
	case "aws_scheduler_schedule":
		t.later(func() {
			arn := get(p, "target", "arn")
			fn := t.fnID(arn)
			if fn == "" {
				return
			}
			t.st.Triggers = append(t.st.Triggers, &model.Trigger{ID: in.addr, Pos: in.pos, Kind: model.TriggerSchedule,
				Function: fn, Schedule: p.Get("schedule_expression"), Enabled: p.Get("state")})
		})
	case "aws_cloudwatch_log_subscription_filter":
		t.later(func() {
			if fn := t.fnID(p.Get("destination_arn")); fn != "" {
				t.st.Triggers = append(t.st.Triggers, &model.Trigger{ID: in.addr, Pos: in.pos, Kind: model.TriggerCloudWatchLogs,
					Function: fn, Source: t.ref(p.Get("log_group_name"), "aws_cloudwatch_log_group"), SourceValue: p.Get("log_group_name"),
					Filter: p.Get("filter_pattern")})
			}
		})
	case "aws_sfn_state_machine":
		s := t.store(in, model.StoreStateMachine, p.Get("name"))
		s.SetAttr(model.AttrStateMachineType, p.Get("type"))
		if d := p.Get("definition"); d.IsSet() {
			if dv := t.doc(d); dv != nil {
				s.SetAttr(model.AttrDefinition, dv)
			}
		}
		s.SetAttr(model.AttrLoggingConfig, first(p.Get("logging_configuration")))
		s.SetAttr(model.AttrTracing, get(p, "tracing_configuration", "enabled"))
		s.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
	case "aws_secretsmanager_secret":
		s := t.store(in, model.StoreSecret, p.Get("name"))
		s.Encryption = kmsEncryption(p.Get("kms_key_id"), model.EncryptionAWSManaged, in.pos, "alias/aws/secretsmanager")
		if pol := p.Get("policy"); pol.IsSet() {
			t.resourcePolicy(in, model.RPSecret, nil, pol, "")
			t.st.ResourcePolicies[len(t.st.ResourcePolicies)-1].Targets = []string{in.addr}
		}
	case "aws_secretsmanager_secret_rotation":
		t.later(func() {
			if s := t.storeOf(p.Get("secret_id"), "aws_secretsmanager_secret"); s != nil {
				s.SetAttr(model.AttrRotation, first(p.Get("rotation_rules")))
				if !s.Attrs[model.AttrRotation].IsSet() {
					s.SetAttr(model.AttrRotation, model.NewBool(true, in.pos))
				}
			}
		})
	case "aws_secretsmanager_secret_version":
		t.later(func() {
			if s := t.storeOf(p.Get("secret_id"), "aws_secretsmanager_secret"); s != nil {
				s.SetAttr(model.AttrParameterValue, firstSet(p.Get("secret_string"), p.Get("secret_binary")))
			}
		})
	case "aws_secretsmanager_secret_policy":
		t.later(func() {
			t.resourcePolicy(in, model.RPSecret, p.Get("secret_arn"), p.Get("policy"), "aws_secretsmanager_secret")
		})
	case "aws_ssm_parameter":
		s := t.store(in, model.StoreParameter, p.Get("name"))
		typ := p.Get("type")
		secure := strings.EqualFold(typ.String(), "SecureString")
		if typ.IsSet() {
			s.SetAttr(model.AttrSecureString, model.NewBool(secure, typ.Pos))
		}
		s.SetAttr(model.AttrParameterValue, p.Get("value"))
		s.Encryption = model.Encryption{Kind: model.EncryptionNone, Pos: in.pos}
		if secure {
			s.Encryption = kmsEncryption(p.Get("key_id"), model.EncryptionAWSManaged, typ.Pos, "alias/aws/ssm")
		}
	case "aws_kms_key":
		s := t.store(in, model.StoreKey, p.Get("description"))
		s.Encryption = model.Encryption{Kind: model.EncryptionCustomer, Pos: in.pos}
		s.SetAttr(model.AttrRotation, p.Get("enable_key_rotation"))
		s.SetAttr(model.AttrKeySpec, firstSet(p.Get("customer_master_key_spec"), p.Get("key_spec")))
		if pol := p.Get("policy"); pol.IsSet() {
			t.resourcePolicy(in, model.RPKey, nil, pol, "")
			t.st.ResourcePolicies[len(t.st.ResourcePolicies)-1].Targets = []string{in.addr}
		}
	case "aws_kms_key_policy":
		t.later(func() { t.resourcePolicy(in, model.RPKey, p.Get("key_id"), p.Get("policy"), "aws_kms_key") })
	case "aws_cognito_user_pool_client":
		t.userPoolClient(in)
	case "aws_cognito_identity_pool":
		t.identityPool(in)
	case "aws_cognito_identity_pool_roles_attachment":
		t.identityPoolRoles(in)
	case "aws_cognito_user_pool":
		t.userPool(in)
		s := t.store(in, model.StoreUserPool, p.Get("name"))
		s.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
		if lc := first(p.Get("lambda_config")); lc.IsSet() {
			t.later(func() {
				for _, f := range lc.Fields {
					if fn := t.fnID(f.Value); fn != "" {
						t.st.Triggers = append(t.st.Triggers, &model.Trigger{ID: in.addr + "/" + f.Key, Pos: f.KeyPos,
							Kind: model.TriggerCognito, Function: fn, Source: in.addr, Event: f.Key})
					}
				}
			})
		}
	case "aws_cloudwatch_log_group":
		s := t.store(in, model.StoreLogGroup, p.Get("name"))
		s.SetAttr(model.AttrRetentionDays, p.Get("retention_in_days"))
		s.Encryption = kmsEncryption(p.Get("kms_key_id"), model.EncryptionAWSOwned, in.pos, "")
		t.later(func() { t.linkLogGroup(in, s) })
	case "aws_lb_target_group_attachment", "aws_alb_target_group_attachment":
		t.later(func() { t.albTarget(in) })
	case "aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster":
		s := t.store(in, model.StoreDatabase, firstSet(p.Get("identifier"), p.Get("cluster_identifier")))
		s.Encryption = model.Encryption{Kind: model.EncryptionNone, Pos: in.pos}
		if b, ok := boolOf(p.Get("storage_encrypted")); ok && b {
			s.Encryption = kmsEncryption(p.Get("kms_key_id"), model.EncryptionAWSManaged, in.pos, "alias/aws/rds")
		}
	case "aws_elasticache_cluster", "aws_elasticache_replication_group":
		t.store(in, model.StoreCache, firstSet(p.Get("cluster_id"), p.Get("replication_group_id")))
	case "aws_efs_file_system":
		s := t.store(in, model.StoreFileSystem, p.Get("creation_token"))
		s.Encryption = model.Encryption{Kind: model.EncryptionNone, Pos: in.pos}
		if b, ok := boolOf(p.Get("encrypted")); ok && b {
			s.Encryption = kmsEncryption(p.Get("kms_key_id"), model.EncryptionAWSManaged, in.pos, "")
		}
	default:
		if strings.HasPrefix(in.typ, "aws_api_gateway_") || strings.HasPrefix(in.typ, "aws_apigatewayv2_") {
			t.apigw(in)
		}
	}
}

func firstSet(vs ...*model.Value) *model.Value {
	for _, v := range vs {
		if v.IsSet() {
			return v
		}
	}
	return nil
}

// store adds a store for in.
func (t *translator) store(in *instance, kind model.StoreKind, name *model.Value) *model.Store {
	s := &model.Store{ID: in.addr, Pos: in.pos, Kind: kind, Type: in.typ, Name: name, Tags: tagsOf(in.props.Get("tags"))}
	s.Encryption.Pos = in.pos
	for _, tg := range s.Tags {
		switch strings.ToLower(tg.Key) {
		case "dataclassification", "data_classification", "classification", "data-classification":
			s.Classification = tg.Value.String()
		}
	}
	t.st.Stores = append(t.st.Stores, s)
	return s
}

// storeOf returns the store v refers to (by reference or by name).
func (t *translator) storeOf(v *model.Value, types ...string) *model.Store {
	if id := t.ref(v, types...); id != "" {
		return t.st.Store(id)
	}
	if v.IsSet() && v.Str != "" {
		for _, s := range t.st.Stores {
			if s.Name.IsSet() && s.Name.Str == v.Str {
				return s
			}
		}
	}
	return nil
}

func kmsEncryption(key *model.Value, def model.EncryptionKind, pos model.Pos, awsAlias string) model.Encryption {
	if !key.IsSet() {
		return model.Encryption{Kind: def, Pos: pos}
	}
	if awsAlias != "" && key.IsResolved() && (key.Str == awsAlias || strings.HasSuffix(key.Str, ":"+awsAlias)) {
		return model.Encryption{Kind: model.EncryptionAWSManaged, Key: key, Pos: key.Pos}
	}
	return model.Encryption{Kind: model.EncryptionCustomer, Key: key, Pos: key.Pos}
}

func s3Encryption(def *model.Value, cur model.Encryption) model.Encryption {
	def = first(def)
	if def == nil {
		return cur
	}
	alg := def.Get("sse_algorithm")
	switch {
	case alg.IsResolved() && strings.HasPrefix(alg.Str, "aws:kms"):
		return kmsEncryption(def.Get("kms_master_key_id"), model.EncryptionAWSManaged, alg.Pos, "alias/aws/s3")
	case alg.IsResolved():
		return model.Encryption{Kind: model.EncryptionAWSOwned, Pos: alg.Pos}
	case alg.IsSet():
		return model.Encryption{Kind: model.EncryptionUnknown, Pos: alg.Pos}
	}
	return cur
}

// fnID returns the ID of the function v refers to: by reference (to the
// function, an alias of it, or its URL) or by name.
func (t *translator) fnID(v *model.Value) string {
	if f := t.fnOf(v); f != nil {
		return f.ID
	}
	return ""
}

func (t *translator) fnOf(v *model.Value) *model.Function {
	if id := t.ref(v, "aws_lambda_function"); id != "" {
		return t.st.Function(id)
	}
	if id := t.ref(v, "aws_lambda_alias"); id != "" {
		return t.fnOf(t.byID[id].props.Get("function_name"))
	}
	for _, r := range v.AllRefs() {
		if f := t.st.Function(r); f != nil {
			return f
		}
	}
	if v.IsSet() && v.Str != "" {
		name := v.Str
		if i := strings.Index(name, ":function:"); i >= 0 {
			name = name[i+len(":function:"):]
			if j := strings.IndexByte(name, ':'); j >= 0 {
				name = name[:j]
			}
		}
		if f := t.fnByName[name]; f != nil {
			return f
		}
	}
	return nil
}

func (t *translator) lambda(in *instance) {
	p := in.props
	f := &model.Function{
		ID: in.addr, Pos: in.pos,
		Name:                p.Get("function_name"),
		Runtime:             p.Get("runtime"),
		Handler:             p.Get("handler"),
		PackageType:         p.Get("package_type"),
		CodeURI:             firstSet(p.Get("filename"), p.Get("image_uri"), p.Get("s3_key")),
		MemorySize:          p.Get("memory_size"),
		Timeout:             p.Get("timeout"),
		Architectures:       p.Get("architectures"),
		Environment:         envVars(get(p, "environment", "variables")),
		RoleARN:             p.Get("role"),
		ReservedConcurrency: p.Get("reserved_concurrent_executions"),
		Tracing:             get(p, "tracing_config", "mode"),
		KMSKey:              p.Get("kms_key_arn"),
		DeadLetter:          get(p, "dead_letter_config", "target_arn"),
		Layers:              p.Get("layers").Elems(),
		Tags:                tagsOf(p.Get("tags")),
	}
	if vc := first(p.Get("vpc_config")); vc != nil {
		f.VPC = &model.VPC{Pos: vc.Pos, SubnetIDs: vc.Get("subnet_ids"), SecurityGroups: vc.Get("security_group_ids")}
	}
	f.CodeSource = t.archiveSource(p.Get("filename"))
	if f.Name.IsSet() && f.Name.Str != "" {
		t.fnByName[f.Name.Str] = f
	}
	for _, tg := range f.Tags {
		if k := strings.ToLower(tg.Key); k == "team" || k == "owner" || k == "group" {
			f.Group = tg.Value.String()
		}
	}
	t.st.Functions = append(t.st.Functions, f)
	if lg := first(p.Get("logging_config")).Get("log_group"); lg.IsSet() {
		// The function logs to the group its logging_config names.
		t.later(func() {
			for _, st := range t.st.Stores {
				if st.Kind != model.StoreLogGroup {
					continue
				}
				named := st.Name.IsSet() && st.Name.String() == lg.String()
				for _, r := range lg.AllRefs() {
					named = named || r == st.ID
				}
				if named {
					f.LogGroup = st.ID
					f.LogRetention = st.Attr(model.AttrRetentionDays)
					return
				}
			}
		})
	}
	t.later(func() {
		if id := t.ref(f.RoleARN, "aws_iam_role"); id != "" {
			f.Role = id
		} else if f.RoleARN.IsResolved() {
			for _, r := range t.st.Roles {
				if r.Name.IsResolved() && strings.HasSuffix(f.RoleARN.Str, ":role/"+r.Name.Str) {
					f.Role = r.ID
				}
			}
		}
	})
}

func (t *translator) linkLogGroup(in *instance, s *model.Store) {
	name := s.Name
	if name == nil {
		return
	}
	for _, f := range t.st.Functions {
		match := false
		switch {
		case name.IsResolved() && f.Name.IsResolved():
			match = name.Str == "/aws/lambda/"+f.Name.Str
		case f.Name.IsSet():
			match = name.Str == "/aws/lambda/"+f.Name.Str
		}
		if !match && strings.HasPrefix(name.Str, "/aws/lambda/") {
			for _, r := range name.Refs {
				if r == f.ID {
					match = true
				}
			}
		}
		if match {
			f.LogGroup = in.addr
			f.LogRetention = s.Attr(model.AttrRetentionDays)
		}
	}
}

func (t *translator) functionURL(in *instance) {
	p := in.props
	t.later(func() {
		auth := model.Auth{Type: model.AuthUnknown, Pos: in.pos}
		if a := p.Get("authorization_type"); a.IsSet() {
			auth.Pos = a.Pos
			switch strings.ToUpper(a.String()) {
			case "NONE":
				auth.Type = model.AuthNone
			case "AWS_IAM":
				auth.Type = model.AuthIAM
			}
		}
		ep := &model.EntryPoint{ID: in.addr, Pos: in.pos, Kind: model.EntryFunctionURL, Function: t.fnID(p.Get("function_name")), Auth: auth}
		if c := first(p.Get("cors")); c != nil {
			ep.CORS = &model.CORS{Pos: c.Pos, AllowOrigins: c.Get("allow_origins"), AllowCredentials: c.Get("allow_credentials"),
				AllowMethods: c.Get("allow_methods"), AllowHeaders: c.Get("allow_headers")}
		}
		if ep.Function == "" {
			ep.Target = p.Get("function_name")
		}
		t.st.EntryPoints = append(t.st.EntryPoints, ep)
	})
}

// lambdaPermission synthesizes the one-statement resource policy a Lambda
// permission adds to its function.
func (t *translator) lambdaPermission(in *instance) {
	p := in.props
	t.later(func() {
		pos := in.pos
		f := t.fnOf(p.Get("function_name"))
		resource := p.Get("function_name")
		if f != nil {
			rpos := pos
			if resource != nil {
				rpos = resource.Pos
			}
			resource = sym(f.ID+".arn", rpos, f.ID)
		}
		if q := p.Get("qualifier"); q.IsSet() && resource != nil {
			resource = &model.Value{Kind: model.String, Str: resource.Str + ":" + q.Str, Pos: resource.Pos,
				Unresolved: resource.Unresolved || q.Unresolved, Source: resource.Source, Refs: model.SortedUnique(append(append([]string(nil), resource.Refs...), q.Refs...))}
		}
		// The same synthesized statement as AWS::Lambda::Permission, so that
		// SAM and Terraform twins give the same policy.
		doc := aws.Permission{Principal: p.Get("principal"), Action: p.Get("action"), Resource: resource, SourceArn: p.Get("source_arn"),
			SourceAccount: p.Get("source_account"), OrgID: p.Get("principal_org_id"), URLAuth: p.Get("function_url_auth_type"),
			EventSourceToken: p.Get("event_source_token")}.Doc(pos)
		if sid := p.Get("statement_id"); sid.IsSet() {
			stmt := doc.Get("Statement").Items[0]
			stmt.Fields = append([]model.Field{{Key: "Sid", KeyPos: sid.Pos, Value: sid}}, stmt.Fields...)
		}
		markUnresolved(doc)
		rp := &model.ResourcePolicy{ID: in.addr, Pos: pos, Kind: model.RPLambdaPermission,
			TargetValues: []*model.Value{p.Get("function_name")},
			Doc:          &model.PolicyDoc{Name: in.addr, Pos: pos, Source: model.PolicyGenerated, Document: doc}}
		if f != nil {
			rp.Targets = []string{f.ID}
		}
		t.st.ResourcePolicies = append(t.st.ResourcePolicies, rp)
	})
}

func (t *translator) eventSourceMapping(in *instance) {
	p := in.props
	t.later(func() {
		src := p.Get("event_source_arn")
		kind := model.TriggerOther
		id := t.ref(src)
		typ := ""
		if id != "" {
			typ = t.byID[id].typ
		}
		s := src.String()
		switch {
		case typ == "aws_sqs_queue" || strings.Contains(s, ":sqs:"):
			kind = model.TriggerSQS
		case typ == "aws_dynamodb_table" || strings.Contains(s, ":dynamodb:"):
			kind = model.TriggerDynamoDB
		case typ == "aws_kinesis_stream" || strings.Contains(s, ":kinesis:"):
			kind = model.TriggerKinesis
		case typ == "aws_msk_cluster" || strings.Contains(s, ":kafka:") || p.Has("self_managed_event_source"):
			kind = model.TriggerKafka
		case typ == "aws_mq_broker" || strings.Contains(s, ":mq:"):
			kind = model.TriggerMQ
		case typ == "aws_docdb_cluster" || strings.Contains(s, ":rds:"):
			kind = model.TriggerDocumentDB
		}
		if id != "" && t.st.Store(id) == nil {
			id = ""
		}
		t.st.Triggers = append(t.st.Triggers, &model.Trigger{ID: in.addr, Pos: in.pos, Kind: kind,
			Function: t.fnID(p.Get("function_name")), Source: id, SourceValue: src,
			Filter: first(p.Get("filter_criteria")), Enabled: p.Get("enabled"), BatchSize: p.Get("batch_size"),
			OnFailure: get(p, "destination_config", "on_failure", "destination_arn")})
	})
}

func (t *translator) iamRole(in *instance) {
	p := in.props
	r := &model.Role{ID: in.addr, Pos: in.pos, Name: p.Get("name"), Boundary: p.Get("permissions_boundary")}
	if tr := p.Get("assume_role_policy"); tr.IsSet() {
		r.Trust = &model.PolicyDoc{Name: "trust", Pos: tr.Pos, Source: model.PolicyInline, Document: t.doc(tr)}
	}
	for _, ip := range p.Get("inline_policy").Elems() {
		if d := ip.Get("policy"); d.IsSet() {
			r.Policies = append(r.Policies, &model.PolicyDoc{Name: ip.Get("name").String(), Pos: ip.Pos, Source: model.PolicyInline, Document: t.doc(d)})
		}
	}
	t.st.Roles = append(t.st.Roles, r)
	if arns := p.Get("managed_policy_arns"); arns.IsSet() {
		t.later(func() {
			for _, a := range arns.Elems() {
				t.attach(r, a, "")
			}
		})
	}
}

// attach adds the policy named by arn (a reference to an aws_iam_policy or
// a managed policy ARN) to role r.
func (t *translator) attach(r *model.Role, arn *model.Value, attachment string) {
	if id := t.ref(arn, "aws_iam_policy"); id != "" {
		for _, pol := range t.st.Policies {
			if pol.ID == id {
				pol.Roles = model.SortedUnique(append(pol.Roles, r.ID))
				d := *pol.Doc
				r.Policies = append(r.Policies, &d)
				return
			}
		}
	}
	name := arn.String()
	if n := t.managedPolicyName(arn); n != "" {
		name = n
	}
	r.Policies = append(r.Policies, &model.PolicyDoc{Name: name, Pos: arn.Pos, Source: model.PolicyManaged, Ref: attachment})
}

// attachedDoc returns the policy document arn names: a copy of an
// aws_iam_policy's document, or a managed policy reference.
func (t *translator) attachedDoc(arn *model.Value, attachment string) *model.PolicyDoc {
	if id := t.ref(arn, "aws_iam_policy"); id != "" {
		for _, pol := range t.st.Policies {
			if pol.ID == id {
				d := *pol.Doc
				return &d
			}
		}
	}
	name := arn.String()
	if n := t.managedPolicyName(arn); n != "" {
		name = n
	}
	return &model.PolicyDoc{Name: name, Pos: arn.Pos, Source: model.PolicyManaged, Ref: attachment}
}

// userOf returns the user v refers to, by reference or by name.
func (t *translator) userOf(v *model.Value) *model.User {
	if !v.IsSet() {
		return nil
	}
	if id := t.ref(v, "aws_iam_user"); id != "" {
		return t.st.User(id)
	}
	for _, u := range t.st.Users {
		if u.Name.IsResolved() && v.IsResolved() && u.Name.Str == v.Str {
			return u
		}
	}
	return nil
}

// groupOf returns the group v refers to, by reference or by name.
func (t *translator) groupOf(v *model.Value) *model.Group {
	if !v.IsSet() {
		return nil
	}
	if id := t.ref(v, "aws_iam_group"); id != "" {
		return t.st.Group(id)
	}
	for _, g := range t.st.Groups {
		if g.Name.IsResolved() && v.IsResolved() && g.Name.Str == v.Str {
			return g
		}
	}
	return nil
}

// groupID returns the ID of the group v names, or v as written for a
// group outside the stack.
func (t *translator) groupID(v *model.Value) string {
	if g := t.groupOf(v); g != nil {
		return g.ID
	}
	return v.String()
}

// managedPolicyName returns the name a data "aws_iam_policy" looks a
// managed policy up by, when arn is that data source's arn.
func (t *translator) managedPolicyName(arn *model.Value) string {
	if arn == nil || arn.Kind != model.Symbolic || !strings.HasPrefix(arn.Source, "data.aws_iam_policy.") && !strings.Contains(arn.Source, ".data.aws_iam_policy.") {
		return ""
	}
	addr := strings.TrimSuffix(arn.Source, ".arn")
	if addr == arn.Source {
		return ""
	}
	if n := t.data[addr].Get("name"); n.IsResolved() {
		return n.Str
	}
	return ""
}

// roleOf returns the role v refers to, by reference or by name.
func (t *translator) roleOf(v *model.Value) *model.Role {
	if id := t.ref(v, "aws_iam_role"); id != "" {
		return t.st.Role(id)
	}
	if v.IsSet() && v.Str != "" {
		for _, r := range t.st.Roles {
			if r.Name.IsSet() && r.Name.Str != "" && (r.Name.Str == v.Str || strings.HasSuffix(v.Str, ":role/"+r.Name.Str)) {
				return r
			}
		}
	}
	return nil
}

func (t *translator) inlinePolicy(in *instance) {
	p := in.props
	pol := &model.Policy{ID: in.addr, Pos: in.pos, Name: p.Get("name"),
		Doc: &model.PolicyDoc{Name: p.Get("name").String(), Pos: in.pos, Source: model.PolicyInline, Document: t.doc(p.Get("policy"))}}
	if pol.Doc.Name == "" {
		pol.Doc.Name = in.addr
	}
	t.st.Policies = append(t.st.Policies, pol)
	t.later(func() {
		switch in.typ {
		case "aws_iam_role_policy":
			if r := t.roleOf(p.Get("role")); r != nil {
				pol.Roles = []string{r.ID}
				d := *pol.Doc
				r.Policies = append(r.Policies, &d)
			}
		case "aws_iam_user_policy":
			pol.Users = []string{firstNonEmpty(t.ref(p.Get("user")), p.Get("user").String())}
			if u := t.userOf(p.Get("user")); u != nil {
				d := *pol.Doc
				u.Policies = append(u.Policies, &d)
			}
		case "aws_iam_group_policy":
			pol.Groups = []string{firstNonEmpty(t.ref(p.Get("group")), p.Get("group").String())}
			if g := t.groupOf(p.Get("group")); g != nil {
				d := *pol.Doc
				g.Policies = append(g.Policies, &d)
			}
		}
	})
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func (t *translator) attachPolicy(in *instance) {
	p := in.props
	arn := p.Get("policy_arn")
	var pol *model.Policy
	if id := t.ref(arn, "aws_iam_policy"); id != "" {
		for _, x := range t.st.Policies {
			if x.ID == id {
				pol = x
			}
		}
	}
	roles := p.Get("roles").Elems()
	if r := p.Get("role"); r.IsSet() {
		roles = append(roles, r)
	}
	for _, rv := range roles {
		if r := t.roleOf(rv); r != nil {
			t.attach(r, arn, in.addr)
		}
	}
	for _, u := range append(p.Get("users").Elems(), p.Get("user")) {
		if usr := t.userOf(u); usr != nil {
			usr.Policies = append(usr.Policies, t.attachedDoc(arn, in.addr))
		}
	}
	for _, g := range append(p.Get("groups").Elems(), p.Get("group")) {
		if grp := t.groupOf(g); grp != nil {
			grp.Policies = append(grp.Policies, t.attachedDoc(arn, in.addr))
		}
	}
	if pol == nil {
		return
	}
	for _, u := range append(p.Get("users").Elems(), p.Get("user")) {
		if u.IsSet() {
			pol.Users = model.SortedUnique(append(pol.Users, firstNonEmpty(t.ref(u), u.String())))
		}
	}
	for _, g := range append(p.Get("groups").Elems(), p.Get("group")) {
		if g.IsSet() {
			pol.Groups = model.SortedUnique(append(pol.Groups, firstNonEmpty(t.ref(g), g.String())))
		}
	}
}

// resourcePolicy adds a resource policy of kind on the target v refers to.
func (t *translator) resourcePolicy(in *instance, kind model.ResourcePolicyKind, target, policy *model.Value, targetType string) {
	rp := &model.ResourcePolicy{ID: in.addr, Pos: in.pos, Kind: kind,
		Doc: &model.PolicyDoc{Name: in.addr, Pos: in.pos, Source: model.PolicyResource, Document: t.doc(policy)}}
	if policy != nil {
		rp.Doc.Pos = policy.Pos
	}
	if target.IsSet() {
		rp.TargetValues = []*model.Value{target}
	}
	if targetType != "" {
		if s := t.storeOf(target, targetType); s != nil {
			rp.Targets = []string{s.ID}
			s.Policy = rp.Doc
		} else if id := t.ref(target, targetType); id != "" {
			rp.Targets = []string{id}
		}
	}
	t.st.ResourcePolicies = append(t.st.ResourcePolicies, rp)
}

func (t *translator) bucket(in *instance) {
	p := in.props
	name := firstSet(p.Get("bucket"), p.Get("bucket_prefix"))
	s := t.store(in, model.StoreBucket, name)
	s.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
	s.Encryption = s3Encryption(get(p, "server_side_encryption_configuration", "rule", "apply_server_side_encryption_by_default"), s.Encryption)
	s.SetAttr(model.AttrACL, model.CannedACL(p.Get("acl")))
	if v := get(p, "versioning", "enabled"); v != nil {
		s.SetAttr(model.AttrVersioning, v)
	}
	s.SetAttr(model.AttrWebsite, first(p.Get("website")))
	s.SetAttr(model.AttrLogging, get(p, "logging", "target_bucket"))
	if pol := p.Get("policy"); pol.IsSet() {
		t.resourcePolicy(in, model.RPBucket, nil, pol, "")
		rp := t.st.ResourcePolicies[len(t.st.ResourcePolicies)-1]
		rp.Targets = []string{in.addr}
		s.Policy = rp.Doc
	}
}

func (t *translator) bucketNotification(in *instance) {
	p := in.props
	bucket := t.ref(p.Get("bucket"), "aws_s3_bucket")
	if s := t.storeOf(p.Get("bucket"), "aws_s3_bucket"); s != nil {
		bucket = s.ID
	}
	for i, lf := range p.Get("lambda_function").Elems() {
		id := in.addr + "/lambda_function/" + itoa(i)
		if lid := lf.Get("id"); lid.IsResolved() {
			id = in.addr + "/" + lid.Str
		}
		filter := model.NewMap(nil, lf.Pos)
		for _, k := range []string{"filter_prefix", "filter_suffix"} {
			if v := lf.Get(k); v.IsSet() {
				filter.Fields = append(filter.Fields, model.Field{Key: strings.TrimPrefix(k, "filter_"), KeyPos: v.Pos, Value: v})
			}
		}
		tr := &model.Trigger{ID: id, Pos: lf.Pos, Kind: model.TriggerS3, Function: t.fnID(lf.Get("lambda_function_arn")),
			Source: bucket, SourceValue: p.Get("bucket"), Events: strs(lf.Get("events"))}
		if len(filter.Fields) > 0 {
			tr.Filter = filter
		}
		t.st.Triggers = append(t.st.Triggers, tr)
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func (t *translator) queue(in *instance) {
	p := in.props
	s := t.store(in, model.StoreQueue, firstSet(p.Get("name"), p.Get("name_prefix")))
	s.SetAttr(model.AttrVisibilityTimeout, p.Get("visibility_timeout_seconds"))
	s.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
	if v := p.Get("sqs_managed_sse_enabled"); v.IsSet() {
		if b, ok := boolOf(v); ok && !b {
			s.Encryption = model.Encryption{Kind: model.EncryptionNone, Pos: v.Pos}
		}
	}
	if k := p.Get("kms_master_key_id"); k.IsSet() {
		s.Encryption = kmsEncryption(k, model.EncryptionAWSManaged, k.Pos, "alias/aws/sqs")
	}
	s.SetAttr(model.AttrFIFO, p.Get("fifo_queue"))
	t.redrive(s, p.Get("redrive_policy"))
	if pol := p.Get("policy"); pol.IsSet() {
		t.resourcePolicy(in, model.RPQueue, nil, pol, "")
		rp := t.st.ResourcePolicies[len(t.st.ResourcePolicies)-1]
		rp.Targets = []string{in.addr}
		s.Policy = rp.Doc
	}
}

func (t *translator) redrive(s *model.Store, rp *model.Value) {
	d := t.doc(rp)
	if d == nil || d.Kind != model.Map {
		return
	}
	s.SetAttr(model.AttrRedriveTarget, d.Get("deadLetterTargetArn"))
	s.SetAttr(model.AttrMaxReceiveCount, d.Get("maxReceiveCount"))
}

func (t *translator) table(in *instance) {
	p := in.props
	s := t.store(in, model.StoreTable, p.Get("name"))
	s.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
	if sse := first(p.Get("server_side_encryption")); sse != nil {
		if b, ok := boolOf(sse.Get("enabled")); ok && b {
			s.Encryption = kmsEncryption(sse.Get("kms_key_arn"), model.EncryptionAWSManaged, sse.Pos, "alias/aws/dynamodb")
		} else if !ok && sse.Get("enabled").IsSet() {
			s.Encryption = model.Encryption{Kind: model.EncryptionUnknown, Pos: sse.Pos}
		}
	}
	if b, ok := boolOf(p.Get("stream_enabled")); ok && b {
		s.SetAttr(model.AttrStreamViewType, p.Get("stream_view_type"))
		s.SetAttr(model.AttrStreamArn, sym(in.addr+".stream_arn", in.pos, in.addr))
	}
	s.SetAttr(model.AttrPointInTimeRecovery, get(p, "point_in_time_recovery", "enabled"))
	s.SetAttr(model.AttrDeletionProtection, p.Get("deletion_protection_enabled"))
	s.SetAttr(model.AttrBillingMode, p.Get("billing_mode"))
}

func (t *translator) eventTarget(in *instance) {
	p := in.props
	fn := t.fnID(p.Get("arn"))
	if fn == "" {
		return
	}
	rule := t.ref(p.Get("rule"), "aws_cloudwatch_event_rule")
	var rp *model.Value
	if rule != "" {
		rp = t.byID[rule].props
	} else if p.Get("rule").IsResolved() {
		for _, x := range t.insts {
			if x.typ == "aws_cloudwatch_event_rule" && x.props.Get("name").IsResolved() && x.props.Get("name").Str == p.Get("rule").Str {
				rule, rp = x.addr, x.props
			}
		}
	}
	tr := &model.Trigger{ID: in.addr, Pos: in.pos, Kind: model.TriggerEventBridge, Function: fn, Event: rule}
	if rp != nil {
		if s := rp.Get("schedule_expression"); s.IsSet() {
			tr.Kind, tr.Schedule = model.TriggerSchedule, s
		}
		if ep := rp.Get("event_pattern"); ep.IsSet() {
			tr.Filter = t.doc(ep)
		}
		if bus := rp.Get("event_bus_name"); bus.IsSet() {
			tr.SourceValue = bus
			tr.Source = t.ref(bus, "aws_cloudwatch_event_bus")
		}
		tr.Enabled = firstSet(rp.Get("state"), rp.Get("is_enabled"))
	}
	t.st.Triggers = append(t.st.Triggers, tr)
}

// archiveSource returns the source_dir or source_file of the data
// "archive_file" whose output_path is a function's filename, or nil.
func (t *translator) archiveSource(filename *model.Value) *model.Value {
	if filename == nil || len(t.data) == 0 {
		return nil
	}
	addrs := make([]string, 0, len(t.data))
	for a := range t.data {
		if strings.HasPrefix(a, "data.archive_file.") || strings.Contains(a, ".data.archive_file.") {
			addrs = append(addrs, a)
		}
	}
	sort.Strings(addrs)
	for _, a := range addrs {
		d := t.data[a]
		out := d.Get("output_path")
		same := filename.IsResolved() && out.IsResolved() && path.Clean(out.Str) == path.Clean(filename.Str)
		if !same && filename.Source != "" && strings.HasPrefix(filename.Source, a+".") {
			same = true
		}
		if !same {
			continue
		}
		if v := d.Get("source_dir"); v.IsSet() {
			return v
		}
		if v := d.Get("source_file"); v.IsSet() {
			return v
		}
	}
	return nil
}
