//go:build cgo

package duckstore

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nightlight-sec/nightlight/internal/monitor"
)

// sharedCloudTrail finds shared/cloudtrail beside the checkout or skips.
func sharedCloudTrail(t testing.TB) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		p := filepath.Join(dir, "shared", "cloudtrail")
		if _, err := os.Stat(filepath.Join(p, "MANIFEST.md")); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/cloudtrail not found beside the checkout")
		}
		dir = parent
	}
}

// corpus is every real record of shared/cloudtrail in one in-memory store,
// plus derived records (a real record with one field changed, to make the
// case a detection must tell apart), keyed by a name for the test.
type corpus struct {
	store   monitor.Store
	byFile  map[string][]monitor.Event // base name → events
	derived map[string]string          // name → event ID
}

func loadCorpus(t *testing.T) *corpus {
	t.Helper()
	root := sharedCloudTrail(t)
	ctx := context.Background()
	s, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	files, _, err := monitor.Discover([]string{filepath.Join(root, "stratus-red-team"), filepath.Join(root, "invictus-ir-aws-dataset")})
	if err != nil {
		t.Fatal(err)
	}
	scen, _ := filepath.Glob(filepath.Join(root, "panther-analysis", "scenario_*.jsonl"))
	for _, p := range scen {
		files = append(files, monitor.File{Path: p})
	}
	c := &corpus{store: s, byFile: map[string][]monitor.Event{}, derived: map[string]string{}}
	var batches []monitor.Batch
	err = monitor.ReadFiles(ctx, files, monitor.ReadOptions{}, func(b monitor.Batch) error {
		if len(b.Errors) > 0 {
			t.Fatalf("%v", b.Errors[0])
		}
		c.byFile[filepath.Base(b.File.Path)] = b.Events
		batches = append(batches, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Panther rule tests: each test's event, as its own file.
	data, err := os.ReadFile(filepath.Join(root, "panther-analysis", "panther_cloudtrail_rule_tests.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var pb monitor.Batch
	pb.File = monitor.File{Path: "panther_cloudtrail_rule_tests.jsonl"}
	for i, line := range strings.Split(string(data), "\n") {
		var w struct {
			Rule  string          `json:"rule_id"`
			Test  string          `json:"test_name"`
			Event json.RawMessage `json:"event"`
		}
		if json.Unmarshal([]byte(line), &w) != nil {
			continue
		}
		e, err := monitor.ParseRecord(w.Event)
		if err != nil {
			continue
		}
		// Panther tests reuse eventIDs across tests; keep each.
		e.ID = "panther:" + w.Rule + "/" + w.Test + ":" + e.ID
		e.File, e.Index = pb.File.Path, i
		pb.Events = append(pb.Events, e)
		c.byFile["panther:"+w.Rule+"/"+w.Test] = []monitor.Event{e}
	}
	batches = append(batches, pb)
	batches = append(batches, c.derive(t))
	if _, _, err := s.Add(ctx, batches); err != nil {
		t.Fatal(err)
	}
	return c
}

// derive makes the records real data lacks: a real record with the one
// field changed that a detection turns on.
func (c *corpus) derive(t *testing.T) monitor.Batch {
	t.Helper()
	b := monitor.Batch{File: monitor.File{Path: "derived"}}
	add := func(name string, e monitor.Event, change func(*monitor.Event)) {
		change(&e)
		e.ID = "derived:" + name
		e.AgentKind = monitor.AgentKindOf(e.UserAgent)
		e.SourceKind = monitor.SourceKindOf(e.SourceIP)
		e.File = "derived"
		c.derived[name] = e.ID
		b.Events = append(b.Events, e)
	}
	// A Lambda function's own call (Panther's compactor, SDK in Lambda),
	// then the same session from a laptop with the AWS CLI.
	lambdaCall := c.one(t, "panther:AWS.Modify.Cloud.Compute.Infrastructure/Get Partition")
	add("stolen-function-credentials", lambdaCall, func(e *monitor.Event) {
		e.UserAgent = "aws-cli/2.13.0 Python/3.11.4 Darwin/22.5.0 exe/x86_64 prompt/off command/glue.get-partition"
		e.SourceIP = "203.0.113.7"
	})
	// One execution environment's credential (a real Lambda call, its
	// user agent kept) used from two networks within minutes; and the
	// cases that are not that: another address of the same /16 a minute
	// later, another network two hours later (a new environment's key
	// would differ anyway), and calls without an access key.
	at := func(name, key, ip string, d time.Duration) {
		add(name, lambdaCall, func(e *monitor.Event) {
			e.AccessKeyID, e.SourceIP = key, ip
			e.Time = lambdaCall.Time.Add(d)
		})
	}
	at("two-places-a", "ASIADERIVEDTWOPLACE", "3.80.1.2", 0)
	at("two-places-b", "ASIADERIVEDTWOPLACE", "198.51.100.23", 2*time.Minute)
	at("same-net-a", "ASIADERIVEDSAMENET1", "3.80.1.2", 0)
	at("same-net-b", "ASIADERIVEDSAMENET1", "3.80.200.9", time.Minute)
	at("later-a", "ASIADERIVEDLATER001", "3.80.1.2", 0)
	at("later-b", "ASIADERIVEDLATER001", "198.51.100.23", 2*time.Hour)
	at("no-key-a", "", "3.80.1.2", 0)
	at("no-key-b", "", "198.51.100.23", time.Minute)
	at("vpc-and-public-a", "ASIADERIVEDVPC00001", "10.0.3.4", 0)
	at("vpc-and-public-b", "ASIADERIVEDVPC00001", "3.80.1.2", 3*time.Minute)
	// Terraform reading a function (invictus) → the same read by the CLI.
	var tfGet monitor.Event
	for _, es := range c.byFile {
		for _, e := range es {
			if e.Action == "lambda:GetFunction" && e.AgentKind == monitor.AgentTerraform {
				tfGet = e
			}
		}
	}
	if tfGet.ID == "" {
		t.Fatal("no Terraform GetFunction in the invictus data")
	}
	add("cli-get-function", tfGet, func(e *monitor.Event) {
		e.UserAgent = "aws-cli/2.13.0 Python/3.11.4 Linux/6.1 command/lambda.get-function"
	})
	add("console-get-function", tfGet, func(e *monitor.Event) { e.UserAgent = "console.amazonaws.com" })
	return b
}

func (c *corpus) one(t *testing.T, name string) monitor.Event {
	t.Helper()
	es := c.byFile[name]
	if len(es) == 0 {
		t.Fatalf("no events in %s", name)
	}
	return es[0]
}

// ids returns the event IDs of a file's events with the given action
// ("" for all).
func (c *corpus) ids(t *testing.T, file, action string) []string {
	t.Helper()
	var out []string
	for _, e := range c.byFile[file] {
		if action == "" || e.Action == action {
			out = append(out, e.ID)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s events in %s", action, file)
	}
	return out
}

func alertedIDs(alerts []monitor.Alert) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, a := range alerts {
		if out[a.Detection] == nil {
			out[a.Detection] = map[string]bool{}
		}
		for _, id := range a.Events {
			out[a.Detection][id] = true
		}
	}
	return out
}

func TestDetectionsOnSharedData(t *testing.T) {
	c := loadCorpus(t)
	alerts, err := monitor.Run(context.Background(), c.store, monitor.Detections(monitor.Params{}), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := alertedIDs(alerts)
	type expect struct {
		detection string
		ids       []string
	}
	tfEvents := func(action string) []string {
		var out []string
		for name, es := range c.byFile {
			if !strings.HasPrefix(name, "218007301253_") {
				continue
			}
			for _, e := range es {
				if e.Action == action && e.AgentKind == monitor.AgentTerraform {
					out = append(out, e.ID)
				}
			}
		}
		if len(out) == 0 {
			t.Fatalf("no Terraform %s in invictus data", action)
		}
		return out
	}
	positive := []expect{
		{"function-changed-outside-pipeline", c.ids(t, "aws.persistence.lambda-overwrite-code.json", "")},
		{"function-changed-outside-pipeline", c.ids(t, "aws.persistence.lambda-layer-extension.json", "")},
		{"function-changed-outside-pipeline", c.ids(t, "aws.persistence.lambda-backdoor-function.json", "")},
		{"logging-disabled", c.ids(t, "aws.defense-evasion.cloudtrail-stop.json", "")},
		{"logging-disabled", c.ids(t, "aws.defense-evasion.cloudtrail-delete.json", "")},
		{"logging-disabled", c.ids(t, "aws.defense-evasion.cloudtrail-event-selectors.json", "")},
		{"logging-disabled", c.ids(t, "aws.defense-evasion.vpc-remove-flow-logs.json", "")},
		{"logging-disabled", c.ids(t, "aws.defense-evasion.dns-delete-logs.json", "")},
		{"logging-disabled", c.ids(t, "aws.defense-evasion.organizations-leave.json", "organizations:LeaveOrganization")},
		{"credentials-for-other-user", c.ids(t, "aws.persistence.iam-backdoor-user.json", "")},
		{"credentials-for-other-user", c.ids(t, "aws.persistence.iam-create-admin-user.json", "iam:AttachUserPolicy")},
		{"credentials-for-other-user", c.ids(t, "aws.persistence.iam-create-admin-user.json", "iam:CreateAccessKey")},
		{"credentials-for-other-user", c.ids(t, "aws.persistence.iam-create-user-login-profile.json", "iam:CreateLoginProfile")},
		{"credentials-for-other-user", c.ids(t, "aws.privilege-escalation.iam-update-user-login-profile.json", "")},
		{"credentials-for-other-user", c.ids(t, "aws.persistence.iam-backdoor-role.json", "")},
		{"snapshot-or-image-shared", c.ids(t, "aws.exfiltration.ec2-share-ami.json", "")},
		{"snapshot-or-image-shared", c.ids(t, "aws.exfiltration.ec2-share-ebs-snapshot.json", "")},
		{"snapshot-or-image-shared", c.ids(t, "aws.exfiltration.rds-share-snapshot.json", "")},
		{"secrets-burst", c.ids(t, "aws.credential-access.secretsmanager-retrieve-secrets.json", "secretsmanager:GetSecretValue")},
		{"secrets-burst", c.ids(t, "aws.credential-access.ec2-get-password-data.json", "ec2:GetPasswordData")},
		{"secrets-burst", c.ids(t, "aws.credential-access.secretsmanager-batch-retrieve-secrets.json", "")},
		{"secrets-burst", c.ids(t, "aws.credential-access.ssm-retrieve-securestring-parameters.json", "ssm:GetParameters")},
		{"function-credentials-outside", []string{c.derived["stolen-function-credentials"]}},
		{"function-code-read", []string{c.derived["cli-get-function"]}},
		{"function-credentials-two-places", []string{c.derived["two-places-a"], c.derived["two-places-b"], c.derived["vpc-and-public-a"], c.derived["vpc-and-public-b"]}},
	}
	negative := []expect{
		// Infrastructure as code and the console are quiet.
		{"function-changed-outside-pipeline", tfEvents("lambda:CreateFunction")},
		{"logging-disabled", tfEvents("cloudtrail:DeleteTrail")},
		{"credentials-for-other-user", tfEvents("iam:CreateLoginProfile")},
		{"function-code-read", tfEvents("lambda:GetFunction")},
		{"function-code-read", []string{c.derived["console-get-function"]}},
		// A single SendCommand is not a burst; unencrypted parameter reads
		// are not secret reads.
		{"secrets-burst", c.ids(t, "aws.execution.ssm-send-command.json", "ssm:SendCommand")},
		// The function's own call from Lambda.
		{"function-credentials-outside", c.ids(t, "panther:AWS.Modify.Cloud.Compute.Infrastructure/Get Partition", "")},
		// Panther samples: the same session and address from Lambda and a browser.
		{"function-credentials-outside", c.ids(t, "panther:AWS.UnusedRegion/Authorized region", "")},
		// One network, or two hours apart, or no access key.
		{"function-credentials-two-places", []string{c.derived["same-net-a"], c.derived["same-net-b"], c.derived["later-a"], c.derived["later-b"], c.derived["no-key-a"], c.derived["no-key-b"]}},
		// A successful login without failures.
		{"console-login-after-failures", c.ids(t, "aws.initial-access.console-login-without-mfa.json", "")},
	}
	for _, p := range positive {
		for _, id := range p.ids {
			if !got[p.detection][id] {
				t.Errorf("%s: event %s not alerted", p.detection, id)
			}
		}
	}
	for _, n := range negative {
		for _, id := range n.ids {
			if got[n.detection][id] {
				t.Errorf("%s: event %s alerted, want quiet", n.detection, id)
			}
		}
	}
	// On the real data (no function credential moves) only the derived
	// cases alert.
	for id := range got["function-credentials-two-places"] {
		if !strings.HasPrefix(id, "derived:two-places") && !strings.HasPrefix(id, "derived:vpc-and-public") {
			t.Errorf("function-credentials-two-places: real event %s alerted", id)
		}
	}
	// Summarise for the reader of -v.
	counts := map[string]int{}
	for _, a := range alerts {
		counts[a.Detection+" "+string(a.Severity)]++
	}
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-50s %d alerts", k, counts[k])
	}
	for _, a := range alerts {
		t.Logf("%s", a.Message)
	}
}

func TestDesignDetections(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mk := func(id string, change func(*monitor.Event)) monitor.Event {
		e, err := monitor.ParseRecord([]byte(fmt.Sprintf(record, "2024-08-01T12:00:00Z", id)))
		if err != nil {
			t.Fatal(err)
		}
		if change != nil {
			change(&e)
		}
		return e
	}
	events := []monitor.Event{
		mk("declared-read", nil),
		mk("undeclared-read", func(e *monitor.Event) { e.Resource = "arn:aws:dynamodb:us-east-1:111122223333:table/payments" }),
		mk("generated-name-read", func(e *monitor.Event) {
			e.Resource = "arn:aws:dynamodb:us-east-1:111122223333:table/shop-AuditTable-1X2Y3Z"
		}),
		mk("other-role-read", func(e *monitor.Event) {
			e.Principal, e.RoleName = "arn:aws:iam::111122223333:role/admin", "admin"
			e.Resource = "arn:aws:dynamodb:us-east-1:111122223333:table/payments"
		}),
		mk("anonymous-get", func(e *monitor.Event) {
			e.Action, e.Resource, e.Principal, e.IdentityType, e.PrincipalAccount, e.RoleName = "s3:GetObject", "private-data", "anonymous", "AWSAccount", "ANONYMOUS_PRINCIPAL", ""
		}),
		mk("anonymous-public-get", func(e *monitor.Event) {
			e.Action, e.Resource, e.Principal, e.IdentityType, e.PrincipalAccount, e.RoleName = "s3:GetObject", "website", "anonymous", "AWSAccount", "ANONYMOUS_PRINCIPAL", ""
		}),
		mk("cross-account-get", func(e *monitor.Event) {
			e.Action, e.Resource, e.Principal, e.IdentityType, e.PrincipalAccount, e.RoleName = "s3:GetObject", "private-data", "account:444455556666", "AWSAccount", "444455556666", ""
		}),
	}
	if _, _, err := s.Add(ctx, []monitor.Batch{{File: monitor.File{Path: "design"}, Events: events}}); err != nil {
		t.Fatal(err)
	}
	p := monitor.Params{
		Functions: []monitor.DesignFunction{{ID: "OrdersFn", Name: "orders-fn", Role: "orders-role", Stores: []string{"Orders"}}},
		Stores: []monitor.DesignStore{
			{ID: "Orders", Kind: "table", Name: "orders"},
			{ID: "Payments", Kind: "table", Name: "payments"},
			{ID: "AuditTable", Kind: "table", Name: "%-AuditTable-%"},
			{ID: "Private", Kind: "bucket", Name: "private-data"},
			{ID: "Website", Kind: "bucket", Name: "website", Public: true},
		},
	}
	alerts, err := monitor.Run(ctx, s, monitor.Detections(p), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := alertedIDs(alerts)
	for det, ids := range map[string][]string{
		"flow-not-in-design":           {"undeclared-read", "generated-name-read"},
		"private-store-outside-access": {"anonymous-get", "cross-account-get"},
	} {
		var gotIDs []string
		for id := range got[det] {
			gotIDs = append(gotIDs, id)
		}
		sort.Strings(gotIDs)
		sort.Strings(ids)
		if strings.Join(gotIDs, " ") != strings.Join(ids, " ") {
			t.Errorf("%s alerted %q, want %q", det, gotIDs, ids)
		}
	}
	for _, a := range alerts {
		t.Log(a.Message)
	}
}
