package kit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// containedWhen is the condition, in the words of the findings, under
// which an open entry point is reported one level lower.
const containedWhen = "when everything the entry point reaches is functions of the stack whose roles grant nothing beyond writing logs and traces (on Azure and OpenWhisk: with no identity and no binding), outside a VPC and with no environment variable naming a database, host, URL or credential and no database client among its packages: calling it costs money and runs the handler, but reaches no data by configuration"

// contained declares the adjustment of Contain for a rule whose default
// is def: one level lower when the entry point reaches no data.
func contained(def rule.Severity) []rule.Adjustment {
	if Lower(def) == def {
		return nil
	}
	return []rule.Adjustment{{Severity: Lower(def), When: containedWhen}}
}

// Contain adjusts the severity of a finding about open entry points eps
// by what they reach: one level lower when they reach no data by
// configuration, and so expose less than a route into a store would; why
// is "" or the reason to append to the message. That holds when every
// node the graph reaches from them is a function of the stack (or the
// role of one of them) that
//   - on AWS, has its role in the stack, with every grant on CloudWatch
//     Logs or X-Ray and no permission nightlight cannot see (a managed
//     policy it does not know, an unresolved action);
//   - on Azure and OpenWhisk, has no identity and no binding to a store
//     (other platforms are never contained: Google's default service
//     account is an editor of the project);
//   - is not attached to a VPC (it could reach private databases without
//     IAM);
//   - has no environment variable whose name suggests a connection to a
//     database, host or service, or a credential for one;
//   - neither ships nor imports a database client (its credentials may be
//     in code or fetched at run time, out of nightlight's sight).
//
// Without a graph, or when any of the entry points reaches nothing (an
// integration the graph cannot follow), sev stays.
func Contain(ctx context.Context, p *rule.Pass, sev rule.Severity, eps ...*model.EntryPoint) (rule.Severity, string) {
	lower := Lower(sev)
	if p.Graph == nil || len(eps) == 0 || lower == sev {
		return sev, ""
	}
	var fns []string
	seen := map[string]bool{}
	roles := map[string]bool{} // roles reached
	own := map[string]bool{}   // roles of the functions reached
	for _, ep := range eps {
		reached := p.Graph.Reachable(EntryNode(p, ep))
		if len(reached) == 0 {
			return sev, ""
		}
		for _, id := range reached {
			if id.Stack != p.Stack.ID {
				return sev, ""
			}
			if id.Kind == graph.NodeRole {
				roles[id.Ref] = true
				continue
			}
			if id.Kind != graph.NodeFunction {
				return sev, ""
			}
			if seen[id.Ref] {
				continue
			}
			seen[id.Ref] = true
			fn := p.Stack.Function(id.Ref)
			if fn == nil || !containedFunction(ctx, p, fn) {
				return sev, ""
			}
			fns = append(fns, fn.ID)
			own[fn.Role] = true
		}
	}
	if len(fns) == 0 {
		return sev, ""
	}
	// The roles reached must be the reached functions' own: another role
	// assumed on the way could hold anything.
	for r := range roles {
		if !own[r] {
			return sev, ""
		}
	}
	can := " can only write logs and traces, with no VPC or connection settings"
	if p.Stack.Provider != model.AWS {
		can = " has no identity, binding, connection setting or database client"
		if len(fns) > 1 {
			can = " have no identity, binding, connection setting or database client"
		}
	}
	return lower, " (severity lowered from " + string(sev) + ": " + Who(model.SortedUnique(fns)) + can +
		", so calling it reaches no data by configuration; a flaw in the handler and the cost of calls still matter)"
}

// containedFunction reports whether fn's configuration gives it no access
// to data: see contained.
func containedFunction(ctx context.Context, p *rule.Pass, fn *model.Function) bool {
	if fn.VPC != nil || usesDataClient(fn) {
		return false
	}
	for _, ev := range fn.Environment {
		if connectionVar(ev.Name) {
			return false
		}
	}
	switch p.Stack.Provider {
	case model.Azure, model.OpenWhisk:
		// No identity (a managed identity may hold role assignments
		// nightlight cannot see) and no binding to a store.
		if fn.Role != "" {
			return false
		}
		for _, b := range p.Stack.Bindings {
			if b.Function == fn.ID {
				return false
			}
		}
		return true
	case model.AWS:
	default:
		// Google's default service account is an editor of the project.
		return false
	}
	if fn.Role == "" || p.Stack.Role(fn.Role) == nil || p.Stack.Role(fn.Role).External {
		return false
	}
	e := p.Facts.Effective(ctx, fn)
	if e == nil || len(e.Unknown) > 0 || len(e.Problems) > 0 || len(e.ParseErrors) > 0 {
		return false
	}
	for _, g := range e.Grants {
		if !observability(g.Service) {
			return false
		}
	}
	// The statements as written too: the engine drops a grant whose
	// resource does not fit the action, and a catalog behind AWS may miss
	// a resource type that AWS honours.
	for _, st := range p.Facts.Allows(fn.Role) {
		if st.NotAction {
			return false
		}
		for _, a := range st.ActionStrings() {
			svc, _, ok := strings.Cut(a, ":")
			if !ok || !observability(svc) {
				return false
			}
		}
	}
	return true
}

// observability reports whether an IAM service prefix is CloudWatch Logs
// or X-Ray, which every function's basic role holds.
func observability(svc string) bool {
	svc = strings.ToLower(svc)
	return svc == "logs" || svc == "xray"
}

// connectionHints are parts of environment variable names that point at a
// data store, a remote service or a credential.
var connectionHints = set(
	"db", "database", "sql", "mongo", "redis", "dynamo", "table", "bucket", "queue", "topic", "stream",
	"host", "endpoint", "url", "uri", "dsn", "conn", "connection", "connstr", "connectionstring", "server", "port",
	"storage", "cosmos", "servicebus", "eventhub", "blob", "s3", "sqs", "sns", "kafka", "broker",
	"secret", "password", "passwd", "pwd", "token", "key", "credential", "auth",
)

// platformVars are prefixes of the settings a platform or its SDK sets
// for every function (runtime, logging and tracing plumbing), which name
// no data of the application's.
var platformVars = []string{"AWS_", "POWERTOOLS_", "FUNCTIONS_", "WEBSITE_", "APPINSIGHTS_", "APPLICATIONINSIGHTS_", "AZUREWEBJOBS", "SCM_", "AZURE_FUNCTIONS_"}

// connectionVar reports whether an environment variable's name, split at
// underscores, dashes and case changes, contains a connection hint.
func connectionVar(name string) bool {
	up := strings.ToUpper(name)
	for _, pre := range platformVars {
		if strings.HasPrefix(up, pre) {
			return false
		}
	}
	for _, w := range Words(name) {
		if connectionHints[w] {
			return true
		}
	}
	return false
}

// Words splits snake, kebab, dotted and camel case ("DB_HOST", "dbHost",
// "db-host", "s3Bucket") into lower-case words.
func Words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ':':
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// dataClients are the database and storage clients, by ecosystem, whose
// presence among a function's packages or imports means it reaches data
// outside IAM: npm and PyPI package names, and the module names Python
// code imports them by.
var dataClients = map[string]map[string]bool{
	"npm": set("mongoose", "mongodb", "pg", "pg-promise", "postgres", "mysql", "mysql2", "mssql", "tedious",
		"oracledb", "redis", "ioredis", "@upstash/redis", "sequelize", "typeorm", "@prisma/client", "knex",
		"drizzle-orm", "firebase-admin", "@google-cloud/firestore", "@google-cloud/storage",
		"@google-cloud/bigquery", "@elastic/elasticsearch", "elasticsearch", "@opensearch-project/opensearch",
		"cassandra-driver", "neo4j-driver", "@planetscale/database", "@neondatabase/serverless",
		"@supabase/supabase-js", "faunadb", "couchbase", "nano", "@azure/cosmos", "@azure/storage-blob",
		"@azure/data-tables", "sqlite3", "better-sqlite3", "snowflake-sdk"),
	"PyPI": set("pymongo", "motor", "mongoengine", "psycopg2", "psycopg2-binary", "psycopg", "pg8000", "asyncpg",
		"pymysql", "mysqlclient", "mysql-connector-python", "mysqldb", "mysql", "sqlalchemy", "redis",
		"elasticsearch", "opensearch-py", "opensearchpy", "cassandra-driver", "cassandra", "neo4j", "peewee",
		"firebase-admin", "firebase_admin", "google-cloud-firestore", "google-cloud-storage",
		"google-cloud-bigquery", "azure-cosmos", "azure-storage-blob", "azure-data-tables", "pyodbc",
		"cx-oracle", "cx_oracle", "oracledb", "supabase", "snowflake-connector-python", "snowflake"),
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// usesDataClient reports whether fn ships (as a direct, non-development
// package) or imports a database or storage client.
func usesDataClient(fn *model.Function) bool {
	if fn.Deps != nil {
		for _, pk := range fn.Deps.Packages {
			if pk.Direct && !pk.Dev && dataClients[pk.Ecosystem][strings.ToLower(pk.Name)] {
				return true
			}
		}
	}
	if fn.Code != nil {
		for _, im := range fn.Code.Imports {
			if dataClients[im.Ecosystem][strings.ToLower(im.Package)] {
				return true
			}
		}
	}
	return false
}

// checkedWhen is the condition of the caller-check adjustment.
const checkedWhen = "when the code of the function behind the entry point verifies the caller itself (a webhook signature or HMAC compared in constant time, a token verified against a key)"

// OpenEntryAdjust declares OpenEntry's adjustments for a rule whose
// default is def: contained's and the caller check's.
func OpenEntryAdjust(def rule.Severity) []rule.Adjustment {
	return append(contained(def), CallerCheckAdjust(def)...)
}

// CallerCheckAdjust declares CallerCheck's adjustment for a rule whose
// default is def.
func CallerCheckAdjust(def rule.Severity) []rule.Adjustment {
	if Lower(def) == def {
		return nil
	}
	return []rule.Adjustment{{Severity: Lower(def), When: checkedWhen}}
}

// OpenEntry grades a finding about an entry point ep that anyone can call,
// from the rule's default severity: Contain over reach (ep itself when
// empty: a WebSocket $connect passes every route of its API), then
// CallerCheck on ep. why is "" or the reasons to append to the message.
func OpenEntry(ctx context.Context, p *rule.Pass, ep *model.EntryPoint, reach ...*model.EntryPoint) (rule.Severity, string) {
	if len(reach) == 0 {
		reach = []*model.EntryPoint{ep}
	}
	def := p.Rule.Severity
	sev, why := Contain(ctx, p, def, reach...)
	sev, checked := CallerCheck(p, def, sev, ep)
	return sev, why + checked
}

// CallerCheck lowers sev one level when the handler code of the function
// behind ep verifies who is calling (model.Code.Checks): the entry point
// is open by configuration, but the function authenticates requests
// itself, as webhooks that check a signature do. It does not stack with
// another lowering (sev below def stays); why is "" or the reason to
// append to the message, naming the check and its position.
func CallerCheck(p *rule.Pass, def, sev rule.Severity, ep *model.EntryPoint) (rule.Severity, string) {
	if sev != def || Lower(def) == def || ep == nil {
		return sev, ""
	}
	fn := p.Stack.Function(ep.Function)
	if fn == nil || fn.Code == nil || len(fn.Code.Checks) == 0 {
		return sev, ""
	}
	c := fn.Code.Checks[0]
	what := "a request signature"
	if c.Kind == model.CheckToken {
		what = "a token"
	}
	return Lower(def), fmt.Sprintf(" (severity lowered from %s: function %s verifies %s in its code, %s at %s; make sure every request passes that check before it does anything)",
		def, fn.ID, what, c.Call, c.Pos.File+":"+strconv.Itoa(c.Pos.Line))
}
