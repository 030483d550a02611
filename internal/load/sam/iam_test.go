package sam

import (
	"context"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/iam"
)

// TestIAMTargets checks, through internal/iam, that the policies the
// loader builds (policy templates with !Ref/!GetAtt parameters, inline
// documents) name the example app's stores: the references kept in the
// expanded ARNs map them back to the table, queue and bucket.
func TestIAMTargets(t *testing.T) {
	st, err := loadFile(t, "../../../examples/orders-api/template.yaml", "orders-api/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	an, err := iam.Analyze(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		fn, action string
		want       []string // target:confidence
	}{
		{"ListOrdersFunction", "dynamodb:GetItem", []string{"OrdersTable:high"}},
		// DynamoDBWritePolicy names the table; the broad dynamodb:* on "*"
		// covers it too, with low confidence.
		{"CreateOrderFunction", "dynamodb:PutItem", []string{"OrdersTable:high", "OrdersTable:low"}},
		{"CreateOrderFunction", "sqs:SendMessage", []string{"OrdersQueue:high"}},
		{"ProcessOrderFunction", "s3:PutObject", []string{"ReceiptsBucket:high"}},
		{"ThumbnailFunction", "s3:PutObject", []string{"ReceiptsBucket:high"}},
		{"ReportFunction", "dynamodb:Scan", []string{"OrdersTable:high"}},
	} {
		t.Run(tc.fn+"/"+tc.action, func(t *testing.T) {
			eff := an.Function(tc.fn)
			if eff == nil {
				t.Fatalf("no analysis of %s", tc.fn)
			}
			seen := map[string]bool{}
			for _, g := range eff.Grants {
				if g.Action != tc.action {
					continue
				}
				for _, tg := range g.Targets {
					if tg.Kind != "function" && tg.Kind != "role" {
						seen[tg.ID+":"+string(tg.Confidence)] = true
					}
				}
			}
			var got []string
			for k := range seen {
				got = append(got, k)
			}
			sort.Strings(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("targets of %s (-want +got):\n%s", tc.action, diff)
			}
		})
	}
}
