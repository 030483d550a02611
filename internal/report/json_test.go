package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// TestWriteJSONEveryAppField: the streamed JSON writer writes the app field
// by field, so a field added to model.App must be written there too. Every
// field of the app is set here and the output compared with what
// encoding/json gives for the whole document.
func TestWriteJSONEveryAppField(t *testing.T) {
	d := sampleDoc()
	app := reflect.ValueOf(d.App).Elem()
	for i := 0; i < app.NumField(); i++ {
		f := app.Field(i)
		switch f.Kind() {
		case reflect.String:
			if f.String() == "" {
				f.SetString("x")
			}
		case reflect.Pointer:
			if f.IsNil() {
				f.Set(reflect.New(f.Type().Elem()))
			}
		case reflect.Slice:
			if f.Len() == 0 {
				s := reflect.MakeSlice(f.Type(), 1, 1)
				if e := s.Index(0); e.Kind() == reflect.Pointer {
					e.Set(reflect.New(e.Type().Elem()))
				}
				f.Set(s)
			}
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int, reflect.Int64:
			f.SetInt(1)
		default:
			t.Fatalf("model.App.%s: kind %s not covered by this test; extend it", app.Type().Field(i).Name, f.Kind())
		}
	}
	d.App.VulnDB.Missing = []string{"npm"}
	var streamed, whole bytes.Buffer
	if err := WriteJSON(&streamed, d); err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(&whole)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	if streamed.String() != whole.String() {
		t.Errorf("WriteJSON differs from encoding/json (a model.App field is not written?)\nstreamed:\n%s\nwhole:\n%s", streamed.String(), whole.String())
	}
}
