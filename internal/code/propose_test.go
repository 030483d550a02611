package code

import (
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// TestProposeNotes checks what a proposal says it could not decide: code
// the analysis could not follow (whatever the cause), and code that makes
// no SDK call.
func TestProposeNotes(t *testing.T) {
	call := model.SDKCall{Service: "dynamodb", Actions: []string{"dynamodb:GetItem"}}
	tests := []struct {
		name string
		code *model.Code
		want []string // substrings, one per note, in order
	}{
		{"complete", &model.Code{Calls: []model.SDKCall{call}}, []string{"does not name the resource"}},
		{"partial", &model.Code{Calls: []model.SDKCall{call}, Partial: true},
			[]string{"does not name the resource", "could not be followed", "built at run time", "may be missing"}},
		{"no calls", &model.Code{}, []string{"makes no AWS SDK call"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &model.Stack{ID: "app.yaml", Functions: []*model.Function{{ID: "Fn", Code: tt.code}}}
			ps := Propose(&model.App{Stacks: []*model.Stack{st}})
			if len(ps) != 1 {
				t.Fatalf("proposals = %d, want 1", len(ps))
			}
			notes := strings.Join(ps[0].Notes, "\n")
			for _, w := range tt.want {
				if !strings.Contains(notes, w) {
					t.Errorf("notes %q lack %q", notes, w)
				}
			}
			if tt.name == "complete" && strings.Contains(notes, "could not be followed") {
				t.Errorf("complete code noted as partial: %q", notes)
			}
		})
	}
}
