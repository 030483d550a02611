package managed_test

import (
	"encoding/json"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
	"github.com/nightlight-sec/nightlight/internal/iam/managed"
)

// required lists the managed policies the issue asks for; each must be
// known.
var required = []string{
	"AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole", "AWSLambdaSQSQueueExecutionRole",
	"AWSLambdaDynamoDBExecutionRole", "AWSLambdaKinesisExecutionRole", "AWSXRayDaemonWriteAccess", "AWSLambdaRole",
	"AWSLambda_FullAccess", "AmazonS3FullAccess", "AmazonS3ReadOnlyAccess", "AmazonDynamoDBFullAccess",
	"AmazonDynamoDBReadOnlyAccess", "AmazonSQSFullAccess", "AmazonSNSFullAccess", "SecretsManagerReadWrite",
	"AmazonSSMReadOnlyAccess", "CloudWatchLogsFullAccess", "AdministratorAccess", "PowerUserAccess", "IAMFullAccess",
	// SAM attaches AWSXrayWriteOnlyAccess to every function with Tracing: Active.
	"AWSXrayWriteOnlyAccess", "AmazonECSTaskExecutionRolePolicy",
}

func TestRequired(t *testing.T) {
	s := managed.New()
	for _, name := range required {
		if _, ok := s.Lookup(name); !ok {
			t.Errorf("managed policy %s is missing", name)
		}
	}
}

func TestLookup(t *testing.T) {
	s := managed.New()
	for _, tc := range []struct {
		ref, want string
	}{
		{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "AWSLambdaBasicExecutionRole"},
		{"arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "AWSLambdaBasicExecutionRole"},
		{"arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess", "AmazonS3ReadOnlyAccess"},
		{"arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole", "AWSLambdaBasicExecutionRole"}, // path omitted
		{"AWSLambdaBasicExecutionRole", "AWSLambdaBasicExecutionRole"},
		{"service-role/AWSLambdaRole", "AWSLambdaRole"},
		{"AdministratorAccess", "AdministratorAccess"},
		{"arn:aws:iam::123456789012:policy/AdministratorAccess", ""}, // customer managed, same name
		{"arn:aws:iam::aws:policy/NoSuchPolicy", ""},
		{"NoSuchPolicy", ""},
	} {
		p, ok := s.Lookup(tc.ref)
		got := ""
		if ok {
			got = p.Name
		}
		if got != tc.want {
			t.Errorf("Lookup(%q) = %q, want %q", tc.ref, got, tc.want)
		}
	}
	if !managed.IsAWSManaged("arn:aws:iam::aws:policy/X") || managed.IsAWSManaged("arn:aws:iam::1:policy/X") {
		t.Error("IsAWSManaged")
	}
}

// TestDocuments checks every document is valid JSON whose actions all exist
// in the catalog.
func TestDocuments(t *testing.T) {
	cat := catalog.New()
	for _, p := range managed.New().All() {
		var doc struct {
			Version   string
			Statement []struct {
				Effect    string
				Action    any
				NotAction any
			}
		}
		if err := json.Unmarshal(p.Document, &doc); err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		if doc.Version != "2012-10-17" || len(doc.Statement) == 0 {
			t.Errorf("%s: bad version or no statements", p.Name)
		}
		for _, st := range doc.Statement {
			acts := st.Action
			if acts == nil {
				acts = st.NotAction
			}
			var list []string
			switch a := acts.(type) {
			case string:
				list = []string{a}
			case []any:
				for _, x := range a {
					list = append(list, x.(string))
				}
			}
			for _, a := range list {
				if pr := cat.Check(a); pr != catalog.OK {
					t.Errorf("%s: action %s: %s", p.Name, a, pr)
				}
			}
		}
	}
}
