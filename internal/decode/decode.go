// Package decode holds what the YAML and JSON decoders (decode/yamlv,
// decode/jsonv) share with everything that decodes input text — the
// loaders, and the IAM engine for policy documents written as JSON: the
// limits that bound the work a hostile input can cause, and the
// positioned error every decoder returns. It sits below both internal/load
// and internal/iam, so that the IAM engine decodes policy text without
// importing the loaders (internal/load keeps Limits and Error as aliases).
package decode

import (
	"errors"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// Limits bound the work a hostile input can cause. The zero value of a
// field means "use the default".
type Limits struct {
	// MaxFileBytes is the largest input file read.
	MaxFileBytes int64
	// MaxDepth is the deepest nesting of maps and lists accepted.
	MaxDepth int
	// MaxNodes is the most value nodes one file may expand to, counting
	// each YAML alias expansion.
	MaxNodes int
	// MaxResources is the most resources one stack may declare (after
	// count/for_each expansion).
	MaxResources int
	// MaxResolveSteps bounds variable/intrinsic resolution work per file.
	MaxResolveSteps int
}

// Default limits.
const (
	DefaultMaxFileBytes    = 20 << 20
	DefaultMaxDepth        = 256
	DefaultMaxNodes        = 2_000_000
	DefaultMaxResources    = 20_000
	DefaultMaxResolveSteps = 1_000_000
)

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultMaxNodes
	}
	if l.MaxResources <= 0 {
		l.MaxResources = DefaultMaxResources
	}
	if l.MaxResolveSteps <= 0 {
		l.MaxResolveSteps = DefaultMaxResolveSteps
	}
	return l
}

// Error is a problem with the input at a position. Its text is
// "file:line:col: message", the form editors and CI annotate.
type Error struct {
	Pos model.Pos
	Msg string
}

// Error formats the problem as file:line:col: message.
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errorf returns an *Error at pos.
func Errorf(pos model.Pos, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// PosOf returns the position carried by err when it is (or wraps) an
// *Error, and the zero Pos otherwise.
func PosOf(err error) model.Pos {
	var e *Error
	if errors.As(err, &e) {
		return e.Pos
	}
	return model.Pos{}
}
