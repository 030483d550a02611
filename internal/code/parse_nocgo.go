//go:build !cgo

package code

// Available reports whether this build can parse handler code: it cannot,
// as it was built without cgo.
func Available() bool { return false }

func newParser(*nodePool) (parser, error) { return nil, errNoParser }

// grammar is empty: this build parses nothing.
var grammar = &grammarTables{fields: []string{""}}
