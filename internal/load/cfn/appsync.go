package cfn

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// AppSyncAuthType maps an AppSync authentication type (API_KEY, AWS_IAM,
// AMAZON_COGNITO_USER_POOLS, OPENID_CONNECT, AWS_LAMBDA) to the model's.
func AppSyncAuthType(s string) model.AuthType {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "API_KEY":
		return model.AuthAPIKey
	case "AWS_IAM":
		return model.AuthIAM
	case "AMAZON_COGNITO_USER_POOLS":
		return model.AuthCognito
	case "OPENID_CONNECT":
		return model.AuthJWT
	case "AWS_LAMBDA":
		return model.AuthLambda
	}
	return model.AuthUnknown
}

// graphQLAPI translates an AWS::AppSync::GraphQLApi: an API of kind
// graphql with its default and additional authentication providers, X-Ray
// tracing, field logging and visibility. Its resolvers become entry points
// in pass 3 (appSyncResolver).
func (t *Template) graphQLAPI(r *RawResource) {
	r.Handled = true
	p := r.Properties
	api := &model.API{ID: r.ID, Pos: r.Pos, Kind: model.APIGraphQL, Name: p.Get("Name"),
		Tracing: p.Get("XrayEnabled"), ExecutionLog: p.Path("LogConfig", "FieldLogLevel"),
		// AppSync writes request logs only with a role to write them.
		AccessLog: p.Path("LogConfig", "CloudWatchLogsRoleArn")}
	if v := p.Get("Visibility"); v.IsSet() {
		api.Endpoint = v // GLOBAL or PRIVATE
	}
	add := func(cfg *model.Value, pos model.Pos) *model.Authorizer {
		a := &model.Authorizer{Pos: pos, Type: AppSyncAuthType(cfg.Get("AuthenticationType").String())}
		switch a.Type {
		case model.AuthCognito:
			a.UserPools = cfg.Path("UserPoolConfig", "UserPoolId")
		case model.AuthJWT:
			a.Issuer = cfg.Path("OpenIDConnectConfig", "Issuer")
			a.Audience = cfg.Path("OpenIDConnectConfig", "ClientId")
		case model.AuthLambda:
			a.FunctionARN = cfg.Path("LambdaAuthorizerConfig", "AuthorizerUri")
			a.Function = t.FunctionRef(a.FunctionARN)
		}
		a.Name = string(a.Type)
		if a.Type == model.AuthUnknown {
			a.Name = cfg.Get("AuthenticationType").String()
		}
		api.Authorizers = append(api.Authorizers, a)
		return a
	}
	def := add(p, p.Get("AuthenticationType").PosOr(r.Pos))
	api.DefaultAuthorizer = def.Name
	for _, extra := range p.Get("AdditionalAuthenticationProviders").Elems() {
		add(extra, extra.PosOr(r.Pos))
	}
	t.Stack.APIs = append(t.Stack.APIs, api)
}

// appSyncDataSource returns the AWS::AppSync::DataSource a resolver or
// pipeline function names, by !GetAtt DataSource.Name or by its literal
// name, and nil when the template does not declare it.
func (t *Template) appSyncDataSource(name *model.Value) *RawResource {
	if id := t.RefTo(name, "AWS::AppSync::DataSource"); id != "" {
		return t.byID[id]
	}
	if !name.IsResolved() {
		return nil
	}
	for _, r := range t.Resources {
		if r.Type == "AWS::AppSync::DataSource" && r.Properties.Get("Name").String() == name.String() {
			return r
		}
	}
	return nil
}

// appSyncTarget returns what a data source reaches: the function, table,
// event bus, database cluster, search domain or HTTP endpoint, or nil for
// NONE (local resolvers).
func appSyncTarget(ds *RawResource) *model.Value {
	p := ds.Properties
	for _, path := range [][]string{
		{"LambdaConfig", "LambdaFunctionArn"},
		{"DynamoDBConfig", "TableName"},
		{"EventBridgeConfig", "EventBusArn"},
		{"RelationalDatabaseConfig", "RdsHttpEndpointConfig", "DbClusterIdentifier"},
		{"OpenSearchServiceConfig", "Endpoint"},
		{"ElasticsearchConfig", "Endpoint"},
		{"HttpConfig", "Endpoint"},
	} {
		if v := p.Path(path...); v.IsSet() {
			return v
		}
	}
	return nil
}

// appSyncResolver translates an AWS::AppSync::Resolver into an entry point
// of its API: the Lambda function it invokes (directly or through a
// pipeline function) and every data source it reaches.
func (t *Template) appSyncResolver(r *RawResource) {
	r.Handled = true
	p := r.Properties
	apiID := t.RefTo(p.Get("ApiId"), "AWS::AppSync::GraphQLApi")
	api := t.Stack.API(apiID)
	typ, field := p.Get("TypeName").String(), p.Get("FieldName").String()
	ep := &model.EntryPoint{ID: apiID + " " + typ + "." + field, Pos: r.Pos, Kind: model.EntryGraphQL, API: apiID,
		Method: typ, Path: field, Event: r.ID, Auth: model.Auth{Type: model.AuthUnknown, Pos: r.Pos}}
	if apiID == "" {
		ep.ID = r.ID
	}
	if api != nil {
		if a := t.findAuthorizer(api, api.DefaultAuthorizer); a != nil {
			ep.Auth = model.Auth{Type: a.Type, Authorizer: a.Name, Pos: a.Pos}
		}
	}
	sources := []*model.Value{p.Get("DataSourceName")}
	for _, fv := range p.Path("PipelineConfig", "Functions").Elems() {
		if id := t.RefTo(fv, "AWS::AppSync::FunctionConfiguration"); id != "" {
			sources = append(sources, t.byID[id].Properties.Get("DataSourceName"))
		}
	}
	var targets []*model.Value
	for _, name := range sources {
		ds := t.appSyncDataSource(name)
		if ds == nil {
			continue
		}
		target := appSyncTarget(ds)
		if target == nil {
			continue
		}
		targets = append(targets, target)
		if fid := t.FunctionRef(target); fid != "" && ep.Function == "" {
			ep.Function = fid
		}
	}
	switch len(targets) {
	case 0:
	case 1:
		ep.Target = targets[0]
	default:
		ep.Target = model.NewList(targets, targets[0].Pos)
	}
	t.Stack.EntryPoints = append(t.Stack.EntryPoints, ep)
}
