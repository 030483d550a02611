package kit

import (
	"context"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/graph"
	"github.com/nightlight-sec/nightlight/internal/model"
	"github.com/nightlight-sec/nightlight/internal/rule"
)

// ContainedWhen is the condition, in the words of the findings, under
// which an open entry point is reported one level lower.
const ContainedWhen = "when everything the entry point reaches is functions of the stack whose roles grant nothing beyond writing logs and traces (on Azure and OpenWhisk: with no identity and no binding), outside a VPC and with no environment variable naming a database, host, URL or credential and no database client among its packages: calling it costs money and runs the handler, but reaches no data by configuration"

// Contained reports whether the open entry points eps reach no data by
// configuration, and so expose less than a route into a store would. It
// holds when every node the graph reaches from them is a function of the
// stack (or the role of one of them) that
//   - has its role in the stack, with every grant on CloudWatch Logs or
//     X-Ray and no permission nightlight cannot see (a managed policy it
//     does not know, an unresolved action);
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
// why is the reason to append to a lowered finding's message. Without a
// graph, or when any of the entry points reaches nothing (an integration
// the graph cannot follow), Contained is false: the severity stays.
func Contained(ctx context.Context, p *rule.Pass, eps ...*model.EntryPoint) (why string, ok bool) {
	if p.Graph == nil || len(eps) == 0 {
		return "", false
	}
	var fns []string
	seen := map[string]bool{}
	roles := map[string]bool{}
	for _, ep := range eps {
		reached := p.Graph.Reachable(EntryNode(p, ep))
		if len(reached) == 0 {
			return "", false
		}
		for _, id := range reached {
			if id.Stack != p.Stack.ID {
				return "", false
			}
			if id.Kind == graph.NodeRole {
				roles[id.Ref] = true
				continue
			}
			if id.Kind != graph.NodeFunction {
				return "", false
			}
			if seen[id.Ref] {
				continue
			}
			seen[id.Ref] = true
			fn := p.Stack.Function(id.Ref)
			if fn == nil || !containedFunction(ctx, p, fn) {
				return "", false
			}
			fns = append(fns, fn.ID)
		}
	}
	// The roles reached must be the reached functions' own: another role
	// assumed on the way could hold anything.
	for _, id := range fns {
		delete(roles, p.Stack.Function(id).Role)
	}
	if len(roles) > 0 || len(fns) == 0 {
		return "", false
	}
	can := " can only write logs and traces, with no VPC or connection settings"
	if p.Stack.Provider != model.AWS {
		can = " has no identity, binding, connection setting or database client"
		if len(fns) > 1 {
			can = " have no identity, binding, connection setting or database client"
		}
	}
	return " (severity lowered from " + string(p.Rule.Severity) + ": " + Who(model.SortedUnique(fns)) + can +
		", so calling it reaches no data by configuration; a flaw in the handler and the cost of calls still matter)", true
}

// containedFunction reports whether fn's configuration gives it no access
// to data: see Contained.
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
	// resource does not fit the action (s3:ListAllMyBuckets on
	// arn:aws:s3:::*), which AWS may still honour.
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
var connectionHints = []string{
	"DB", "DATABASE", "SQL", "MONGO", "REDIS", "DYNAMO", "TABLE", "BUCKET", "QUEUE", "TOPIC", "STREAM",
	"HOST", "ENDPOINT", "URL", "URI", "DSN", "CONN", "CONNECTION", "CONNSTR", "CONNECTIONSTRING", "SERVER", "PORT",
	"STORAGE", "COSMOS", "SERVICEBUS", "EVENTHUB", "BLOB", "S3", "SQS", "SNS", "KAFKA", "BROKER",
	"SECRET", "PASSWORD", "PASSWD", "PWD", "TOKEN", "KEY", "CREDENTIAL", "AUTH",
}

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
	for _, w := range nameWords(name) {
		for _, h := range connectionHints {
			if w == h {
				return true
			}
		}
	}
	return false
}

// nameWords splits DB_HOST, dbHost and db-host into upper-case words.
func nameWords(name string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, strings.ToUpper(cur.String()))
			cur.Reset()
		}
	}
	prevLower := false
	for _, r := range name {
		switch {
		case r == '_' || r == '-' || r == '.':
			flush()
			prevLower = false
			continue
		case r >= 'A' && r <= 'Z' && prevLower:
			flush()
		}
		cur.WriteRune(r)
		prevLower = r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
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
