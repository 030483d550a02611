package graph

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// NodeID identifies a graph node: the stack it belongs to, its kind and the
// model object it stands for. It is the graph's key, compared as a value;
// its text form (String, and in JSON) is stable across runs:
// "<stack>#<kind>:<ref>" for objects of a stack, "<kind>:<ref>" for
// principals, which are shared across stacks and have no Stack
// ("principal:internet", "principal:service:sqs.amazonaws.com",
// "principal:authenticated:<stack>#<API>/<authorizer>").
//
// Code reads the fields; it never splits the text form.
type NodeID struct {
	// Stack is the ID of the stack the node belongs to, "" for principals.
	Stack string
	Kind  NodeKind
	// Ref is the model ID of the object (a function, store or role ID;
	// "policy:<ID>", "authorizer:<API>/<name>" or "trust:<role>" for entry
	// points that are not routes), or the principal's name.
	Ref string
}

// ModelID returns the ID of the node of a stack's model object.
func ModelID(stack string, kind NodeKind, ref string) NodeID {
	return NodeID{Stack: stack, Kind: kind, Ref: ref}
}

// PrincipalID returns the ID of a shared principal node ("internet",
// "service:sqs.amazonaws.com", …).
func PrincipalID(ref string) NodeID { return NodeID{Kind: NodePrincipal, Ref: ref} }

// StepID returns the path element of a step inside handler code (text is
// "file:line: note"). It names no graph node; its text form is text.
func StepID(text string) NodeID { return NodeID{Kind: NodeStep, Ref: text} }

// IsZero reports whether id is the zero NodeID (no node).
func (id NodeID) IsZero() bool { return id == NodeID{} }

// String returns the stable text form of id.
func (id NodeID) String() string {
	if id.IsZero() {
		return ""
	}
	if id.Kind == NodeStep {
		return id.Ref
	}
	if id.Stack == "" {
		return string(id.Kind) + ":" + id.Ref
	}
	return id.Stack + "#" + string(id.Kind) + ":" + id.Ref
}

// segs returns the pieces whose concatenation is id.String().
func (id NodeID) segs() [5]string {
	if id.IsZero() {
		return [5]string{}
	}
	if id.Kind == NodeStep {
		return [5]string{"", "", "", "", id.Ref}
	}
	if id.Stack == "" {
		return [5]string{"", "", string(id.Kind), ":", id.Ref}
	}
	return [5]string{id.Stack, "#", string(id.Kind), ":", id.Ref}
}

// Compare orders IDs as their text forms order (-1, 0 or +1), without
// building the strings.
func (id NodeID) Compare(o NodeID) int {
	if id == o {
		return 0
	}
	a, b := id.segs(), o.segs()
	i, j, ai, bj := 0, 0, 0, 0 // segment and byte offsets
	for {
		for i < len(a) && ai == len(a[i]) {
			i, ai = i+1, 0
		}
		for j < len(b) && bj == len(b[j]) {
			j, bj = j+1, 0
		}
		switch {
		case i == len(a) && j == len(b):
			return 0
		case i == len(a):
			return -1
		case j == len(b):
			return 1
		}
		x, y := a[i][ai], b[j][bj]
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
		ai++
		bj++
	}
}

// Less reports whether id orders before o.
func (id NodeID) Less(o NodeID) bool { return id.Compare(o) < 0 }

// MarshalText writes the text form.
func (id NodeID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText parses the text form. Text that is not a node ID is a
// step inside handler code (StepID): a finding's path holds both.
func (id *NodeID) UnmarshalText(b []byte) error {
	v, err := ParseNodeID(string(b))
	if err != nil {
		v = StepID(string(b))
	}
	*id = v
	return nil
}

var nodeKinds = []NodeKind{NodePrincipal, NodeEntryPoint, NodeFunction, NodeStore, NodeRole, NodeUser}

// ParseNodeID parses the text form of a node ID (as in a JSON report or a
// baseline). "" is the zero ID.
func ParseNodeID(s string) (NodeID, error) {
	if s == "" {
		return NodeID{}, nil
	}
	if ref, ok := strings.CutPrefix(s, string(NodePrincipal)+":"); ok {
		return PrincipalID(ref), nil
	}
	// The stack is a path and may hold any character; the first
	// "#<kind>:" ends it.
	best := -1
	var kind NodeKind
	for _, k := range nodeKinds {
		if i := strings.Index(s, "#"+string(k)+":"); i >= 0 && (best < 0 || i < best) {
			best, kind = i, k
		}
	}
	if best < 0 {
		return NodeID{}, fmt.Errorf("graph: %q is not a node ID (want <stack>#<kind>:<ref> or principal:<name>)", s)
	}
	return NodeID{Stack: s[:best], Kind: kind, Ref: s[best+len(kind)+2:]}, nil
}

// SortIDs sorts ids in text order.
func SortIDs(ids []NodeID) {
	slices.SortFunc(ids, NodeID.Compare)
}

// sortedUniqueIDs sorts ids and drops repeats.
func sortedUniqueIDs(ids []NodeID) []NodeID {
	SortIDs(ids)
	return slices.Compact(ids)
}

// sortedIDKeys returns the keys of m in text order.
func sortedIDKeys[V any](m map[NodeID]V) []NodeID {
	out := make([]NodeID, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	SortIDs(out)
	return out
}

// Step returns the parts of a step inside handler code (a StepID whose
// text is "file:line: note"): the file, the line (0 when the text has
// none) and the note. ok is false for any other ID.
func (id NodeID) Step() (file string, line int, note string, ok bool) {
	if id.Kind != NodeStep {
		return "", 0, "", false
	}
	at, note, found := strings.Cut(id.Ref, ": ")
	if !found {
		return "", 0, id.Ref, true
	}
	file = at
	if i := strings.LastIndexByte(at, ':'); i > 0 {
		if n, err := strconv.Atoi(at[i+1:]); err == nil && n > 0 {
			file, line = at[:i], n
		}
	}
	return file, line, note, true
}
