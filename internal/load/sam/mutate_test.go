package sam

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/nightlight-sec/nightlight/internal/decode/yamlv"
	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// TestTypeConfusion replaces, in every fixture, each value below a
// resource's Properties (and Globals) with values of every other shape,
// and loads the result: a wrong type must give a diagnostic or a
// positioned error, never a panic.
func TestTypeConfusion(t *testing.T) {
	pos := model.Pos{File: "m.json", Line: 1, Col: 1}
	variants := []*model.Value{
		{Kind: model.Null, Pos: pos},
		model.NewNumber("7", pos),
		model.NewString("x", pos),
		model.NewList([]*model.Value{model.NewString("a", pos), model.NewMap(nil, pos)}, pos),
		model.NewMap([]model.Field{{Key: "Ref", KeyPos: pos, Value: model.NewString("Missing", pos)}}, pos),
		model.NewMap([]model.Field{{Key: "Type", KeyPos: pos, Value: model.NewList(nil, pos)}}, pos),
	}
	archives, _ := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	loads := 0
	for _, a := range archives {
		ar, err := txtar.ParseFile(a)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			doc, err := yamlv.Decode(f.Name, f.Data, load.Limits{})
			if err != nil || doc.Root == nil {
				continue
			}
			var targets []*model.Field
			var collect func(v *model.Value, depth int)
			collect = func(v *model.Value, depth int) {
				if v == nil || depth > 6 {
					return
				}
				for i := range v.Fields {
					targets = append(targets, &v.Fields[i])
					collect(v.Fields[i].Value, depth+1)
				}
				for _, it := range v.Items {
					collect(it, depth+1)
				}
			}
			for _, r := range doc.Root.Get("Resources").Entries() {
				collect(r.Value.Get("Properties"), 0)
				collect(r.Value.Get("Connectors"), 0)
			}
			collect(doc.Root.Get("Globals"), 0)
			for _, fd := range targets {
				orig := fd.Value
				for _, v := range variants {
					fd.Value = v
					data, _ := doc.Root.MarshalJSON()
					_, err := Load(context.Background(), load.Unit{Path: "m.json", Files: []load.File{{Path: "m.json", Data: data}}}, load.Options{})
					loads++
					if err != nil && strings.Contains(err.Error(), "internal error") {
						t.Errorf("%s: %s = %s: %v", f.Name, fd.Key, v.GoString(), err)
					}
				}
				fd.Value = orig
			}
		}
	}
	t.Logf("%d mutated templates loaded", loads)
}
