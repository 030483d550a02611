package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes doc as indented JSON with the stable top level described
// in DESIGN.md. Output is deterministic: every list in doc is sorted by the
// scan, and map keys are sorted by encoding/json.
func WriteJSON(w io.Writer, doc *Document) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}
