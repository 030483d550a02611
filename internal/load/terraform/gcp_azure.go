package terraform

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// publicMembers are the IAM members that make a Google resource public.
func isPublicMember(s string) bool { return s == "allUsers" || s == "allAuthenticatedUsers" }

// google translates one Google Cloud resource instance.
func (t *translator) google(in *instance) {
	p := in.props
	switch in.typ {
	case "google_cloudfunctions_function":
		f := &model.Function{ID: in.addr, Pos: in.pos, Name: p.Get("name"), Runtime: p.Get("runtime"), Handler: p.Get("entry_point"),
			CodeURI:    firstSet(p.Get("source_archive_object"), get(p, "source_repository", "url")),
			MemorySize: p.Get("available_memory_mb"), Timeout: p.Get("timeout"),
			Environment: envVars(p.Get("environment_variables")), RoleARN: p.Get("service_account_email"),
			ReservedConcurrency: p.Get("max_instances"), Tags: tagsOf(p.Get("labels"))}
		f.Settings = settings(p, "ingress_settings", "https_trigger_security_level", "vpc_connector", "secret_environment_variables", "docker_repository", "kms_key_name")
		f.CodeSource = t.gcsArchiveSource(p.Get("source_archive_object"))
		t.st.Functions = append(t.st.Functions, f)
		if ev := first(p.Get("event_trigger")); ev != nil {
			t.later(func() { t.gcpTrigger(in, f, ev.Get("event_type"), ev.Get("resource")) })
		} else if isTrue(p.Get("trigger_http")) || !p.Has("event_trigger") {
			t.later(func() { t.gcpHTTP(in, f) })
		}
		t.later(func() { t.gcpRole(f) })
	case "google_cloudfunctions2_function", "google_cloud_run_service", "google_cloud_run_v2_service":
		t.gcpGen2(in)
	case "google_service_account":
		t.st.Roles = append(t.st.Roles, &model.Role{ID: in.addr, Pos: in.pos, Name: firstSet(p.Get("account_id"), p.Get("display_name"))})
	case "google_project_iam_member", "google_project_iam_binding", "google_service_account_iam_member":
		t.later(func() {
			members := append(p.Get("members").Elems(), p.Get("member"))
			for _, m := range members {
				if !m.IsSet() {
					continue
				}
				if id := t.ref(m, "google_service_account"); id != "" {
					r := t.st.Role(id)
					r.Policies = append(r.Policies, &model.PolicyDoc{Name: p.Get("role").String(), Pos: in.pos, Source: model.PolicyManaged, Ref: in.addr})
				}
			}
		})
	case "google_storage_bucket":
		s := t.store(in, model.StoreBucket, p.Get("name"))
		s.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
		if k := get(p, "encryption", "default_kms_key_name"); k != nil {
			s.Encryption = model.Encryption{Kind: model.EncryptionCustomer, Key: k, Pos: k.Pos}
		}
		s.SetAttr(model.AttrVersioning, get(p, "versioning", "enabled"))
		s.SetAttr(model.AttrWebsite, first(p.Get("website")))
		if v := p.Get("public_access_prevention"); v.IsSet() {
			s.SetAttr(model.AttrBlockPublicPolicy, model.NewBool(v.String() == "enforced", v.Pos))
		}
	case "google_pubsub_topic":
		s := t.store(in, model.StoreTopic, p.Get("name"))
		s.Encryption = kmsEncryption(p.Get("kms_key_name"), model.EncryptionAWSOwned, in.pos, "")
	case "google_pubsub_subscription":
		t.store(in, model.StoreQueue, p.Get("name"))
	case "google_secret_manager_secret":
		t.store(in, model.StoreSecret, p.Get("secret_id")).Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
	case "google_firestore_database", "google_sql_database_instance", "google_bigtable_instance", "google_spanner_instance":
		t.store(in, model.StoreDatabase, p.Get("name"))
	case "google_kms_crypto_key":
		t.store(in, model.StoreKey, p.Get("name")).Encryption = model.Encryption{Kind: model.EncryptionCustomer, Pos: in.pos}
	default:
		switch {
		case isGCPInvokerIAM(in.typ):
			t.later(func() { t.gcpInvoker(in) })
		case strings.HasPrefix(in.typ, "google_storage_bucket_iam_"), strings.HasPrefix(in.typ, "google_pubsub_topic_iam_"), strings.HasPrefix(in.typ, "google_secret_manager_secret_iam_"):
			t.later(func() { t.gcpStoreIAM(in) })
		}
	}
}

// gcsArchiveSource returns the local source directory or file of a Cloud
// Functions source object: the google_storage_bucket_object of that name
// whose source is an archive_file's output (its source_dir or
// source_file); nil otherwise.
func (t *translator) gcsArchiveSource(obj *model.Value) *model.Value {
	if id := t.ref(obj, "google_storage_bucket_object"); id != "" {
		return t.archiveSource(t.byID[id].props.Get("source"))
	}
	// A reference to the object's name evaluates to the name itself.
	if obj == nil || obj.Kind != model.String || obj.Str == "" {
		return nil
	}
	for _, in := range t.insts {
		if in.typ == "google_storage_bucket_object" && in.props.Get("name").String() == obj.Str {
			return t.archiveSource(in.props.Get("source"))
		}
	}
	return nil
}

// blobArchiveSource returns the local source directory or file of a
// package URL that names an azurerm_storage_blob uploaded from an
// archive_file's output; nil otherwise.
func (t *translator) blobArchiveSource(url *model.Value) *model.Value {
	if id := t.ref(url, "azurerm_storage_blob"); id != "" {
		return t.archiveSource(t.byID[id].props.Get("source"))
	}
	return nil
}

func settings(p *model.Value, keys ...string) *model.Value {
	out := model.NewMap(nil, p.Pos)
	for _, k := range keys {
		if v := p.Get(k); v.IsSet() {
			out.Fields = append(out.Fields, model.Field{Key: k, KeyPos: v.Pos, Value: v})
			out.Unresolved = out.Unresolved || v.Unresolved
		}
	}
	if len(out.Fields) == 0 {
		return nil
	}
	return out
}

func isGCPInvokerIAM(typ string) bool {
	for _, pre := range []string{"google_cloudfunctions_function_iam_", "google_cloudfunctions2_function_iam_", "google_cloud_run_service_iam_", "google_cloud_run_v2_service_iam_"} {
		if strings.HasPrefix(typ, pre) {
			return true
		}
	}
	return false
}

func (t *translator) gcpGen2(in *instance) {
	p := in.props
	f := &model.Function{ID: in.addr, Pos: in.pos, Name: p.Get("name"), Tags: tagsOf(p.Get("labels"))}
	var sc *model.Value
	switch in.typ {
	case "google_cloudfunctions2_function":
		bc := first(p.Get("build_config"))
		sc = first(p.Get("service_config"))
		f.Runtime, f.Handler = bc.Get("runtime"), bc.Get("entry_point")
		f.CodeURI = get(bc, "source", "storage_source", "object")
		f.CodeSource = t.gcsArchiveSource(f.CodeURI)
		f.MemorySize, f.Timeout = sc.Get("available_memory"), sc.Get("timeout_seconds")
		f.Environment = envVars(sc.Get("environment_variables"))
		f.RoleARN = sc.Get("service_account_email")
		f.ReservedConcurrency = sc.Get("max_instance_count")
		if sc != nil {
			f.Settings = settings(sc, "ingress_settings", "vpc_connector", "vpc_connector_egress_settings", "secret_environment_variables", "all_traffic_on_latest_revision")
		}
	case "google_cloud_run_service":
		spec := first(get(p, "template", "spec"))
		c := first(get(spec, "containers"))
		f.CodeURI = c.Get("image")
		f.RoleARN = spec.Get("service_account_name")
		f.Timeout = spec.Get("timeout_seconds")
		f.Environment = gcpEnvList(c.Get("env"))
		f.PackageType = model.NewString("Image", in.pos)
		f.Settings = settings(p, "metadata")
	case "google_cloud_run_v2_service":
		tm := first(p.Get("template"))
		c := first(get(tm, "containers"))
		f.CodeURI = c.Get("image")
		f.RoleARN = tm.Get("service_account")
		f.Timeout = tm.Get("timeout")
		f.Environment = gcpEnvList(c.Get("env"))
		f.PackageType = model.NewString("Image", in.pos)
		f.Settings = settings(p, "ingress", "invoker_iam_disabled", "default_uri_disabled")
	}
	t.st.Functions = append(t.st.Functions, f)
	t.later(func() { t.gcpRole(f) })
	if ev := first(p.Get("event_trigger")); ev != nil {
		src := firstSet(ev.Get("pubsub_topic"))
		for _, flt := range ev.Get("event_filters").Elems() {
			if flt.Get("attribute").String() == "bucket" {
				src = flt.Get("value")
			}
		}
		t.later(func() { t.gcpTrigger(in, f, ev.Get("event_type"), src) })
		return
	}
	t.later(func() { t.gcpHTTP(in, f) })
}

func gcpEnvList(v *model.Value) []model.EnvVar {
	var out []model.EnvVar
	for _, e := range v.Elems() {
		name := e.Get("name").String()
		val := e.Get("value")
		if val == nil {
			val = first(e.Get("value_from"))
			if val == nil {
				val = first(e.Get("value_source"))
			}
		}
		if name != "" {
			out = append(out, model.EnvVar{Name: name, Pos: e.Pos, Value: val})
		}
	}
	return out
}

// gcpRole links a function to the service account it runs as.
func (t *translator) gcpRole(f *model.Function) {
	if id := t.ref(f.RoleARN, "google_service_account"); id != "" {
		f.Role = id
	}
}

func (t *translator) gcpTrigger(in *instance, f *model.Function, eventType, src *model.Value) {
	et := eventType.String()
	kind := model.TriggerOther
	switch {
	case strings.Contains(et, "pubsub"):
		kind = model.TriggerPubSub
	case strings.Contains(et, "storage"):
		kind = model.TriggerBlob
	case strings.Contains(et, "firestore"), strings.Contains(et, "datastore"):
		kind = model.TriggerOther
	}
	tr := &model.Trigger{ID: in.addr + "/event_trigger", Pos: in.pos, Kind: kind, Function: f.ID, SourceValue: src, Events: strs(eventType)}
	if s := t.storeOf(src, "google_pubsub_topic", "google_storage_bucket"); s != nil {
		tr.Source = s.ID
	}
	t.st.Triggers = append(t.st.Triggers, tr)
}

// gcpHTTP adds the HTTPS endpoint of a Google function; its auth is
// decided once the invoker bindings are known (gcpInvoker runs first as it
// is pending earlier or later: the auth is recomputed there).
func (t *translator) gcpHTTP(in *instance, f *model.Function) {
	api := &model.API{ID: in.addr + "/http", Pos: in.pos, Kind: model.APIFunction, Name: f.Name, Implicit: true}
	t.st.APIs = append(t.st.APIs, api)
	ep := &model.EntryPoint{ID: in.addr + "/http", Pos: in.pos, Kind: model.EntryRoute, API: api.ID, Method: "ANY", Path: "/",
		Function: f.ID, Auth: model.Auth{Type: model.AuthIAM, Pos: in.pos}}
	if v := in.props.Get("invoker_iam_disabled"); isTrue(v) {
		ep.Auth = model.Auth{Type: model.AuthNone, Pos: v.Pos}
	}
	t.st.EntryPoints = append(t.st.EntryPoints, ep)
	t.later(func() {
		for _, rp := range t.st.ResourcePolicies {
			if rp.Kind != model.RPInvoker || len(rp.Targets) == 0 || rp.Targets[0] != f.ID {
				continue
			}
			if publicDoc(rp.Doc.Document) {
				ep.Auth = model.Auth{Type: model.AuthNone, Pos: rp.Pos}
			}
		}
	})
}

func publicDoc(d *model.Value) bool {
	for _, s := range d.Get("Statement").Elems() {
		for _, m := range s.Get("Principal").Elems() {
			if isPublicMember(m.String()) || m.String() == "*" {
				return true
			}
		}
	}
	return false
}

// gcpInvoker turns a function/service IAM member, binding or policy into
// an invoker resource policy.
func (t *translator) gcpInvoker(in *instance) {
	p := in.props
	target := firstSet(p.Get("cloud_function"), p.Get("service"), p.Get("name"))
	fn := ""
	for _, r := range target.AllRefs() {
		if t.st.Function(r) != nil {
			fn = r
		}
	}
	if fn == "" && target.IsResolved() {
		for _, f := range t.st.Functions {
			if f.Name.IsResolved() && (f.Name.Str == target.Str || strings.HasSuffix(target.Str, "/"+f.Name.Str)) {
				fn = f.ID
			}
		}
	}
	doc := gcpDoc(p, in.pos)
	rp := &model.ResourcePolicy{ID: in.addr, Pos: in.pos, Kind: model.RPInvoker, TargetValues: []*model.Value{target},
		Doc: &model.PolicyDoc{Name: in.addr, Pos: in.pos, Source: model.PolicyResource, Document: doc}}
	if fn != "" {
		rp.Targets = []string{fn}
	}
	t.st.ResourcePolicies = append(t.st.ResourcePolicies, rp)
}

// gcpDoc synthesizes an IAM-shaped document from a Google IAM member,
// binding or policy: one Allow statement per role with its members as
// Principal and the role as Action.
func gcpDoc(p *model.Value, pos model.Pos) *model.Value {
	var stmts []*model.Value
	addStmt := func(role, members *model.Value, cond *model.Value) {
		s := model.NewMap([]model.Field{
			{Key: "Effect", KeyPos: pos, Value: model.NewString("Allow", pos)},
			{Key: "Principal", KeyPos: pos, Value: members},
			{Key: "Action", KeyPos: pos, Value: role},
		}, pos)
		if cond.IsSet() {
			s.Fields = append(s.Fields, model.Field{Key: "Condition", KeyPos: cond.Pos, Value: cond})
		}
		s.Unresolved = (members != nil && members.Unresolved) || (role != nil && role.Unresolved)
		stmts = append(stmts, s)
	}
	if m := p.Get("member"); m.IsSet() {
		addStmt(p.Get("role"), model.NewList([]*model.Value{m}, m.Pos), first(p.Get("condition")))
	}
	if ms := p.Get("members"); ms.IsSet() {
		addStmt(p.Get("role"), ms, first(p.Get("condition")))
	}
	if pd := p.Get("policy_data"); pd.IsSet() {
		if d, ok := decodeJSON(pd.String(), pd.Pos, pd); ok {
			for _, b := range d.Get("bindings").Elems() {
				addStmt(b.Get("role"), b.Get("members"), b.Get("condition"))
			}
		} else {
			return pd
		}
	}
	return model.NewMap([]model.Field{{Key: "Statement", KeyPos: pos, Value: model.NewList(stmts, pos)}}, pos)
}

func (t *translator) gcpStoreIAM(in *instance) {
	p := in.props
	target := firstSet(p.Get("bucket"), p.Get("topic"), p.Get("secret_id"))
	kind := model.RPBucket
	switch {
	case strings.HasPrefix(in.typ, "google_pubsub_topic_iam_"):
		kind = model.RPTopic
	case strings.HasPrefix(in.typ, "google_secret_manager_secret_iam_"):
		kind = model.RPSecret
	}
	rp := &model.ResourcePolicy{ID: in.addr, Pos: in.pos, Kind: kind, TargetValues: []*model.Value{target},
		Doc: &model.PolicyDoc{Name: in.addr, Pos: in.pos, Source: model.PolicyResource, Document: gcpDoc(p, in.pos)}}
	if s := t.storeOf(target, "google_storage_bucket", "google_pubsub_topic", "google_secret_manager_secret"); s != nil {
		rp.Targets = []string{s.ID}
		s.Policy = rp.Doc
		if publicDoc(rp.Doc.Document) {
			s.SetAttr(model.AttrPublic, model.NewBool(true, in.pos))
		}
	}
	t.st.ResourcePolicies = append(t.st.ResourcePolicies, rp)
}

// azure translates one Azure resource instance.
func (t *translator) azure(in *instance) {
	p := in.props
	switch in.typ {
	case "azurerm_function_app", "azurerm_linux_function_app", "azurerm_windows_function_app", "azurerm_function_app_flex_consumption":
		t.azureFunction(in)
	case "azurerm_storage_account":
		s := t.store(in, model.StoreBucket, p.Get("name"))
		s.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
		if k := first(p.Get("customer_managed_key")); k != nil {
			s.Encryption = model.Encryption{Kind: model.EncryptionCustomer, Key: k.Get("key_vault_key_id"), Pos: k.Pos}
		}
		pub := firstSet(p.Get("allow_nested_items_to_be_public"), p.Get("allow_blob_public_access"))
		s.SetAttr(model.AttrPublic, pub)
		s.SetAttr("https_only", firstSet(p.Get("https_traffic_only_enabled"), p.Get("enable_https_traffic_only")))
		s.SetAttr("min_tls_version", p.Get("min_tls_version"))
		s.SetAttr("public_network_access", p.Get("public_network_access_enabled"))
	case "azurerm_storage_container":
		s := t.store(in, model.StoreBucket, p.Get("name"))
		s.SetAttr(model.AttrPublic, p.Get("container_access_type"))
		s.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
	case "azurerm_storage_queue", "azurerm_servicebus_queue":
		t.store(in, model.StoreQueue, p.Get("name")).Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
	case "azurerm_servicebus_topic", "azurerm_eventgrid_topic":
		t.store(in, model.StoreTopic, p.Get("name")).Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
	case "azurerm_eventhub":
		t.store(in, model.StoreStream, p.Get("name")).Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
	case "azurerm_cosmosdb_account", "azurerm_mssql_database", "azurerm_postgresql_flexible_server":
		t.store(in, model.StoreDatabase, p.Get("name")).Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: in.pos}
	case "azurerm_key_vault":
		s := t.store(in, model.StoreSecret, p.Get("name"))
		s.Encryption = model.Encryption{Kind: model.EncryptionAWSManaged, Pos: in.pos}
		s.SetAttr("purge_protection", p.Get("purge_protection_enabled"))
		s.SetAttr("public_network_access", p.Get("public_network_access_enabled"))
	case "azurerm_key_vault_secret":
		s := t.store(in, model.StoreSecret, p.Get("name"))
		s.Encryption = model.Encryption{Kind: model.EncryptionAWSManaged, Pos: in.pos}
	case "azurerm_user_assigned_identity":
		t.st.Roles = append(t.st.Roles, &model.Role{ID: in.addr, Pos: in.pos, Name: p.Get("name")})
	case "azurerm_role_assignment":
		t.later(func() { t.azureRoleAssignment(in) })
	case "azurerm_function_app_function":
		t.later(func() { t.azureFunctionConfig(in) })
	}
}

func (t *translator) azureFunction(in *instance) {
	p := in.props
	sc := first(p.Get("site_config"))
	f := &model.Function{ID: in.addr, Pos: in.pos, Name: p.Get("name"), Tags: tagsOf(p.Get("tags")),
		Environment: envVars(p.Get("app_settings"))}
	if as := first(get(sc, "application_stack")); as != nil && as.Kind == model.Map {
		for _, fl := range as.Fields {
			if fl.Value.IsSet() && fl.Key != "use_dotnet_isolated_runtime" && fl.Key != "docker" {
				sep := "-"
				if v := fl.Value.String(); v != "" && v[0] >= '0' && v[0] <= '9' {
					sep = ""
				}
				f.Runtime = model.NewString(strings.TrimSuffix(fl.Key, "_version")+sep+fl.Value.String(), fl.Value.Pos)
				if fl.Value.Unresolved {
					f.Runtime = fl.Value
				}
				break
			}
		}
	}
	if f.Runtime == nil {
		f.Runtime = firstSet(get(p, "app_settings", "FUNCTIONS_WORKER_RUNTIME"), p.Get("version"))
	}
	// The code: a zip deployed by Terraform (zip_deploy_file) or the
	// package the app runs from (WEBSITE_RUN_FROM_PACKAGE: a blob's URL),
	// with the local folder an archive_file built it from.
	f.CodeURI = p.Get("zip_deploy_file")
	if pkg := get(p, "app_settings", "WEBSITE_RUN_FROM_PACKAGE"); f.CodeURI == nil && pkg.IsSet() && pkg.String() != "1" && pkg.String() != "0" {
		f.CodeURI = pkg
	}
	f.CodeSource = t.archiveSource(p.Get("zip_deploy_file"))
	if f.CodeSource == nil {
		f.CodeSource = t.blobArchiveSource(get(p, "app_settings", "WEBSITE_RUN_FROM_PACKAGE"))
	}
	f.Settings = settings(p, "https_only", "client_certificate_enabled", "client_certificate_mode", "public_network_access_enabled",
		"auth_settings", "auth_settings_v2", "key_vault_reference_identity_id", "storage_account_access_key", "functions_extension_version", "builtin_logging_enabled")
	if sc != nil {
		if f.Settings == nil {
			f.Settings = model.NewMap(nil, sc.Pos)
		}
		f.Settings.Fields = append(f.Settings.Fields, model.Field{Key: "site_config", KeyPos: sc.Pos, Value: sc})
	}
	if id := first(p.Get("identity")); id != nil {
		r := &model.Role{ID: in.addr + "/identity", Pos: id.Pos, Name: id.Get("type"), Implicit: true}
		t.st.Roles = append(t.st.Roles, r)
		f.Role = r.ID
		for _, uid := range id.Get("identity_ids").Elems() {
			if rid := t.ref(uid, "azurerm_user_assigned_identity"); rid != "" {
				f.Role = rid
			}
		}
	}
	t.st.Functions = append(t.st.Functions, f)
	api := &model.API{ID: in.addr + "/http", Pos: in.pos, Kind: model.APIFunction, Name: f.Name, Implicit: true}
	t.st.APIs = append(t.st.APIs, api)
	auth := model.Auth{Type: model.AuthKey, Pos: in.pos}
	if a := first(p.Get("auth_settings")); a != nil && isTrue(a.Get("enabled")) {
		if !strings.EqualFold(a.Get("unauthenticated_client_action").String(), "AllowAnonymous") {
			auth = model.Auth{Type: model.AuthJWT, Pos: a.Pos}
		}
	}
	if a := first(p.Get("auth_settings_v2")); a != nil && isTrue(a.Get("auth_enabled")) {
		if !strings.EqualFold(a.Get("unauthenticated_action").String(), "AllowAnonymous") {
			auth = model.Auth{Type: model.AuthJWT, Pos: a.Pos}
		}
	}
	t.appAuth[f.ID] = auth
	t.st.EntryPoints = append(t.st.EntryPoints, &model.EntryPoint{ID: in.addr + "/http", Pos: in.pos, Kind: model.EntryRoute,
		API: api.ID, Method: "ANY", Path: "/api/*", Function: f.ID, Auth: auth})
}

func (t *translator) azureRoleAssignment(in *instance) {
	p := in.props
	pid := p.Get("principal_id")
	var r *model.Role
	for _, ref := range pid.AllRefs() {
		if x := t.st.Role(ref + "/identity"); x != nil {
			r = x
		} else if x := t.st.Role(ref); x != nil {
			r = x
		}
	}
	if r == nil {
		return
	}
	role := firstSet(p.Get("role_definition_name"), p.Get("role_definition_id"))
	pos := in.pos
	stmt := model.NewMap([]model.Field{
		{Key: "Effect", KeyPos: pos, Value: model.NewString("Allow", pos)},
		{Key: "Action", KeyPos: pos, Value: role},
		{Key: "Resource", KeyPos: pos, Value: p.Get("scope")},
	}, pos)
	r.Policies = append(r.Policies, &model.PolicyDoc{Name: role.String(), Pos: pos, Source: model.PolicyManaged, Ref: in.addr,
		Document: model.NewMap([]model.Field{{Key: "Statement", KeyPos: pos, Value: model.NewList([]*model.Value{stmt}, pos)}}, pos)})
}

// googlePolicyData renders a data "google_iam_policy" as the policy JSON
// Google uses: {"bindings":[{"role":…,"members":[…]}]}.
func googlePolicyData(props *model.Value) *model.Value {
	var bindings []*model.Value
	for _, b := range props.Get("binding").Elems() {
		f := []model.Field{{Key: "role", KeyPos: b.Pos, Value: b.Get("role")}, {Key: "members", KeyPos: b.Pos, Value: b.Get("members")}}
		if c := first(b.Get("condition")); c != nil {
			f = append(f, model.Field{Key: "condition", KeyPos: c.Pos, Value: c})
		}
		bindings = append(bindings, model.NewMap(f, b.Pos))
	}
	return model.NewMap([]model.Field{{Key: "bindings", KeyPos: props.Pos, Value: model.NewList(bindings, props.Pos)}}, props.Pos)
}

// azureFunctionConfig translates an azurerm_function_app_function: its
// config_json bindings give HTTP routes with their auth level and the
// timer, queue and blob triggers.
func (t *translator) azureFunctionConfig(in *instance) {
	p := in.props
	appID := ""
	for _, r := range p.Get("function_app_id").AllRefs() {
		if t.st.Function(r) != nil {
			appID = r
		}
	}
	if appID == "" {
		return
	}
	cfg := t.structured(p.Get("config_json"))
	name := p.Get("name").String()
	for i, b := range cfg.Get("bindings").Elems() {
		if strings.EqualFold(b.Get("direction").String(), "out") {
			continue
		}
		id := in.addr + "/" + itoa(i)
		switch strings.ToLower(b.Get("type").String()) {
		case "httptrigger":
			route := b.Get("route").String()
			if route == "" {
				route = name
			}
			auth := model.Auth{Type: model.AuthKey, Pos: b.Pos}
			if lvl := b.Get("authLevel"); strings.EqualFold(lvl.String(), "anonymous") {
				auth = model.Auth{Type: model.AuthNone, Pos: lvl.Pos}
			}
			methods := strs(b.Get("methods"))
			if len(methods) == 0 {
				methods = []string{"ANY"}
			}
			if a, ok := t.appAuth[appID]; ok && a.Type == model.AuthJWT {
				auth = a // App Service authentication in front of every function
			}
			t.dropGeneric(appID + "/http")
			for _, m := range methods {
				t.st.EntryPoints = append(t.st.EntryPoints, &model.EntryPoint{ID: id + " " + strings.ToUpper(m), Pos: b.Pos, Kind: model.EntryRoute,
					API: appID + "/http", Method: strings.ToUpper(m), Path: "/api/" + strings.TrimPrefix(route, "/"), Function: appID, Auth: auth, Event: name})
			}
		case "timertrigger":
			t.st.Triggers = append(t.st.Triggers, &model.Trigger{ID: id, Pos: b.Pos, Kind: model.TriggerTimer, Function: appID, Schedule: b.Get("schedule"), Event: name})
		case "queuetrigger", "servicebustrigger":
			t.st.Triggers = append(t.st.Triggers, &model.Trigger{ID: id, Pos: b.Pos, Kind: model.TriggerQueue, Function: appID,
				SourceValue: firstSet(b.Get("queueName"), b.Get("topicName")), Event: name})
		case "blobtrigger":
			t.st.Triggers = append(t.st.Triggers, &model.Trigger{ID: id, Pos: b.Pos, Kind: model.TriggerBlob, Function: appID, SourceValue: b.Get("path"), Event: name})
		case "eventhubtrigger", "eventgridtrigger", "cosmosdbtrigger":
			t.st.Triggers = append(t.st.Triggers, &model.Trigger{ID: id, Pos: b.Pos, Kind: model.TriggerOther, Function: appID, Event: name})
		}
	}
}

// dropGeneric removes the app-wide HTTP entry point id once the app's own
// functions declare their routes.
func (t *translator) dropGeneric(id string) {
	eps := t.st.EntryPoints[:0]
	for _, ep := range t.st.EntryPoints {
		if ep.ID != id {
			eps = append(eps, ep)
		}
	}
	t.st.EntryPoints = eps
}
