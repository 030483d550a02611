package sam

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/nightlight-sec/nightlight/internal/load"
)

// errList flattens a loader error into its messages.
func errList(err error) []string {
	if err == nil {
		return nil
	}
	if m, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range m.Unwrap() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

// TestErrors checks malformed input: positioned errors, no panic, and the
// stack kept when the template could be parsed.
func TestErrors(t *testing.T) {
	got := loadArchive(t, "errors.txtar")
	for _, tc := range []struct {
		file      string
		errs      []string
		diags     []string
		functions int // -1: no stack at all
	}{
		{"bad-yaml.yaml", []string{"bad-yaml.yaml:4: invalid YAML: did not find expected ',' or '}'"}, nil, -1},
		{"globals-list.yaml", []string{"globals-list.yaml:3:3: Globals must be a mapping, got list"}, nil, 1},
		{"globals-bad-section.yaml", []string{"globals-bad-section.yaml:3:13: Globals.Function must be a mapping, got number"},
			[]string{`warning: Globals section "Lambda" is not one SAM supports (Function, Api, HttpApi, SimpleTable, StateMachine, LayerVersion)`}, 1},
		{"properties-list.yaml", []string{"properties-list.yaml:5:17: resource Fn: Properties must be a mapping, got list"}, nil, 1},
		{"events-wrong.yaml", []string{
			"events-wrong.yaml:10:9: Fn: event Str must be a mapping",
			"events-wrong.yaml:13:23: Fn: event BadProps: Properties must be a mapping, got list",
			"events-wrong.yaml:11:9: Fn: SQS event BadProps has no event source",
			"events-wrong.yaml:14:9: Fn: Api event NoPath needs Path and Method",
			"events-wrong.yaml:17:9: Fn: SQS event NoQueue has no event source",
		}, nil, 1},
		{"unknown-intrinsic.yaml", []string{"unknown-intrinsic.yaml:6:16: unknown YAML tag !Magic (not a CloudFormation intrinsic function)"}, nil, -1},
		{"no-resources.yaml", []string{"no-resources.yaml:1:1: template has no Resources section"}, nil, 0},
		{"not-a-map.yaml", []string{"not-a-map.yaml:1:1: template must be a mapping, got list"}, nil, -1},
		{"role-clash.yaml", []string{"role-clash.yaml:6:3: resource FnRole has the logical ID SAM gives the execution role of function Fn (which sets no Role)"}, nil, 1},
	} {
		t.Run(tc.file, func(t *testing.T) {
			l := got[tc.file]
			if diff := cmp.Diff(tc.errs, errList(l.err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if l.err != nil && !load.PosOf(l.err).IsValid() {
				t.Errorf("error without position: %v", l.err)
			}
			if tc.functions < 0 {
				if l.st != nil {
					t.Errorf("stack returned for a file that is not a template")
				}
				return
			}
			if l.st == nil {
				t.Fatalf("no stack")
			}
			if tc.file == "role-clash.yaml" && (len(l.st.Roles) != 1 || l.st.Functions[0].Role != "FnRole") {
				t.Errorf("roles = %d, function role = %q: want the declared role only", len(l.st.Roles), l.st.Functions[0].Role)
			}
			if len(l.st.Functions) != tc.functions {
				t.Errorf("%d functions, want %d", len(l.st.Functions), tc.functions)
			}
			if diff := cmp.Diff(tc.diags, diags(l.st)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}
