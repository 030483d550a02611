// Package managed holds the documents of the AWS managed policies that
// serverless templates commonly attach, as data: one JSON file per policy
// under policies/, at its ARN path (policies/service-role/X.json is
// arn:aws:iam::aws:policy/service-role/X).
//
// The documents are written from AWS's published policies (default
// versions) and checked by tests against the action catalog.
package managed

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

//go:embed policies
var files embed.FS

// Policy is one AWS managed policy.
type Policy struct {
	// Name is the policy name ("AWSLambdaBasicExecutionRole").
	Name string
	// ARN is the policy's ARN in the aws partition.
	ARN string
	// File is the document's path in this package ("managed/service-role/AWSLambdaBasicExecutionRole.json"),
	// used as the file name of positions.
	File string
	// Document is the policy JSON.
	Document []byte
}

// Set is the set of known managed policies. The zero value is not usable;
// call New. It indexes the embedded files once, on first use.
type Set struct {
	once   sync.Once
	byName map[string]*Policy // lower-case name and path → policy
	all    []*Policy
}

// New returns the set of embedded managed policies.
func New() *Set { return &Set{} }

func (s *Set) load() {
	s.once.Do(func() {
		s.byName = map[string]*Policy{}
		_ = fs.WalkDir(files, "policies", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
				return err
			}
			b, err := files.ReadFile(p)
			if err != nil {
				return err
			}
			rel := strings.TrimSuffix(strings.TrimPrefix(p, "policies/"), ".json")
			pol := &Policy{
				Name:     path.Base(rel),
				ARN:      "arn:aws:iam::aws:policy/" + rel,
				File:     "managed/" + rel + ".json",
				Document: b,
			}
			s.all = append(s.all, pol)
			s.byName[strings.ToLower(rel)] = pol
			if _, dup := s.byName[strings.ToLower(pol.Name)]; !dup {
				s.byName[strings.ToLower(pol.Name)] = pol
			}
			return nil
		})
		sort.Slice(s.all, func(i, j int) bool { return s.all[i].Name < s.all[j].Name })
	})
}

// All returns every known managed policy, sorted by name.
func (s *Set) All() []*Policy {
	s.load()
	return s.all
}

// IsAWSManaged reports whether ref names an AWS managed policy by ARN
// ("arn:aws:iam::aws:policy/…", in any partition, also
// "arn:${AWS::Partition}:iam::aws:policy/…").
func IsAWSManaged(ref string) bool {
	_, ok := awsPath(ref)
	return ok
}

// awsPath returns the policy path of an AWS managed policy ARN.
func awsPath(ref string) (string, bool) {
	if !strings.HasPrefix(ref, "arn:") {
		return "", false
	}
	i := strings.Index(ref, ":iam::aws:policy/")
	if i < 0 {
		return "", false
	}
	return ref[i+len(":iam::aws:policy/"):], true
}

// Lookup finds a managed policy by ARN (any partition, including the
// ${AWS::Partition} and ${aws:partition} forms, with or without its path)
// or by bare name. ok is false when the policy is not known (a customer
// managed policy, or an AWS one not in the set).
func (s *Set) Lookup(ref string) (*Policy, bool) {
	s.load()
	ref = strings.TrimSpace(ref)
	if p, ok := awsPath(ref); ok {
		ref = p
	} else if strings.HasPrefix(ref, "arn:") {
		return nil, false // a customer managed policy
	}
	ref = strings.TrimPrefix(ref, "/")
	if p, ok := s.byName[strings.ToLower(ref)]; ok {
		return p, true
	}
	if p, ok := s.byName[strings.ToLower(path.Base(ref))]; ok {
		return p, true
	}
	return nil, false
}
