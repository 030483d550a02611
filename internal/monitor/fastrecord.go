package monitor

import (
	"encoding/json"
)

// The fast record reader: one pass over a record's bytes that checks the
// JSON syntax and takes out only the fields the normaliser reads, without
// reflection (encoding/json costs ~23 µs per record, most of the Go
// reader's time). It accepts only records it reads exactly as
// encoding/json would, and says so; for anything else — a field of the
// wrong type, a key that differs from a field's name only in case (which
// encoding/json matches), a key given twice, an escaped or non-ASCII key,
// nesting deeper than maxFastDepth, broken JSON — it gives up and
// ParseRecord decodes the record with encoding/json, which also writes the
// error. FuzzFastRecord holds the two together.

// maxFastDepth bounds the nesting the fast reader follows (encoding/json's
// own limit is 10,000).
const maxFastDepth = 200

// fastScan is a position in a record's bytes.
type fastScan struct {
	b     []byte
	i     int
	depth int
}

func (s *fastScan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// str reads a JSON string at s.i and returns its bytes between the quotes
// and whether they are plain (printable ASCII without escapes: the value
// is those bytes). ok is false for a broken string.
func (s *fastScan) str() (content []byte, plain, ok bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false, false
	}
	start := s.i + 1
	plain = true
	for i := start; i < len(s.b); i++ {
		c := s.b[i]
		switch {
		case c == '"':
			s.i = i + 1
			return s.b[start:i], plain, true
		case c < 0x20:
			return nil, false, false
		case c == '\\':
			plain = false
			i++
			if i >= len(s.b) {
				return nil, false, false
			}
			switch s.b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(s.b) {
					return nil, false, false
				}
				for _, h := range s.b[i+1 : i+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return nil, false, false
					}
				}
				i += 4
			default:
				return nil, false, false
			}
		case c >= 0x80:
			plain = false
		}
	}
	return nil, false, false
}

// skip reads any JSON value at s.i, checking its syntax.
func (s *fastScan) skip() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		_, _, ok := s.str()
		return ok
	case c == '{':
		return s.object(func([]byte) bool { return s.skip() })
	case c == '[':
		return s.array(func() bool { return s.skip() })
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	default:
		return s.number()
	}
}

func (s *fastScan) literal(l string) bool {
	if len(s.b)-s.i < len(l) || string(s.b[s.i:s.i+len(l)]) != l {
		return false
	}
	s.i += len(l)
	return true
}

func (s *fastScan) digits() int {
	n := 0
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *fastScan) number() bool {
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	if s.i >= len(s.b) {
		return false
	}
	if s.b[s.i] == '0' {
		s.i++
	} else if s.digits() == 0 {
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

// object reads a JSON object at s.i, calling field for each member with
// s.i at the member's value, which field must read. A key that is not
// plain (escaped or non-ASCII) stops the reader: encoding/json would
// unescape it and might match it to a field.
func (s *fastScan) object(field func(key []byte) bool) bool {
	if s.depth++; s.depth > maxFastDepth || s.i >= len(s.b) || s.b[s.i] != '{' {
		return false
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		s.depth--
		return true
	}
	for {
		key, plain, ok := s.str()
		if !ok || !plain {
			return false
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		s.ws()
		if !field(key) {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
			s.ws()
		case '}':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// array reads a JSON array at s.i, calling elem with s.i at each element,
// which elem must read.
func (s *fastScan) array(elem func() bool) bool {
	if s.depth++; s.depth > maxFastDepth || s.i >= len(s.b) || s.b[s.i] != '[' {
		return false
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		s.depth--
		return true
	}
	for {
		if !elem() {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
			s.ws()
		case ']':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// raw reads any value and returns its bytes (as json.RawMessage holds
// them).
func (s *fastScan) raw() ([]byte, bool) {
	start := s.i
	if !s.skip() {
		return nil, false
	}
	return s.b[start:s.i], true
}

// string reads a value encoding/json stores in a string field: a string
// (its value) or null (""); ok is false for any other type.
func (s *fastScan) string() (string, bool) {
	if s.i < len(s.b) && s.b[s.i] == 'n' {
		return "", s.literal("null")
	}
	start := s.i
	content, plain, ok := s.str()
	if !ok {
		return "", false
	}
	if plain {
		return string(content), true
	}
	var v string
	if json.Unmarshal(s.b[start:s.i], &v) != nil {
		return "", false
	}
	return v, true
}

// fieldKey matches key to the names of fields, exactly; a key equal to a
// name but for ASCII case returns -2 (encoding/json would match it), any
// other -1.
func fieldKey(key []byte, names []string) int {
	for i, n := range names {
		if string(key) == n {
			return i
		}
	}
	for _, n := range names {
		if asciiEqualFold(key, n) {
			return -2
		}
	}
	return -1
}

func asciiEqualFold(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// strings fields reads an object's members into the string fields dst
// (dst[i] for names[i]), skipping the others; a repeated or case-folded
// field name, or a value that is not a string or null, stops it.
func (s *fastScan) stringFields(names []string, dst []*string) bool {
	var seen uint64
	return s.object(func(key []byte) bool {
		k := fieldKey(key, names)
		switch {
		case k == -1:
			return s.skip()
		case k < 0 || seen&(1<<k) != 0:
			return false
		}
		seen |= 1 << k
		v, ok := s.string()
		*dst[k] = v
		return ok
	})
}

// recordKeys are the record's fields rawRecord reads, in fastRecord's
// order.
var recordKeys = []string{
	"eventID", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent",
	"errorCode", "errorMessage", "readOnly", "eventType", "recipientAccountId", "userIdentity",
	"requestParameters", "responseElements", "additionalEventData", "resources",
}

var (
	identityKeys = []string{"type", "arn", "accountId", "accessKeyId", "userName", "invokedBy", "sessionContext"}
	issuerKeys   = []string{"type", "arn", "userName"}
	// paramKeys are rawParams' fields as encoding/json matches them: by
	// name, whatever the case.
	paramKeys = []string{
		"functionname", "bucketname", "tablename", "queueurl", "topicarn", "secretid", "statemachinearn",
		"streamname", "loggroupname", "keyid", "rolename", "username", "policyarn", "name", "trailname",
		"snapshotid", "imageid", "dbsnapshotidentifier", "instanceid", "layername",
	}
)

// fastRecord reads raw (a record, trimmed) into f as decodeRecord would;
// ok is false when it cannot tell (see above), and f is then to be thrown
// away.
func fastRecord(raw []byte, f *recordFields) bool {
	s := &fastScan{b: raw}
	r := &f.rawRecord
	strs := []*string{&r.EventID, nil, &r.EventSource, &r.EventName, &r.AWSRegion, &r.SourceIPAddress, &r.UserAgent,
		&r.ErrorCode, &r.ErrorMessage, nil, &r.EventType, &r.RecipientAccountID}
	var seen uint64
	ok := s.object(func(key []byte) bool {
		k := fieldKey(key, recordKeys)
		switch {
		case k == -1:
			return s.skip()
		case k < 0 || seen&(1<<k) != 0:
			return false
		}
		seen |= 1 << k
		var ok bool
		switch recordKeys[k] {
		case "eventTime":
			r.EventTime, ok = s.raw()
		case "readOnly":
			r.ReadOnly, ok = s.raw()
		case "userIdentity":
			ok = s.identity(r)
		case "requestParameters":
			r.RequestParameters, ok = s.raw()
		case "responseElements":
			r.ResponseElements, ok = s.raw()
		case "additionalEventData":
			r.AdditionalEventData, ok = s.raw()
		case "resources":
			ok = s.resources(r)
		default:
			*strs[k], ok = s.string()
		}
		return ok
	})
	s.ws()
	if !ok || s.i != len(raw) {
		return false
	}
	if len(r.RequestParameters) > 0 && r.RequestParameters[0] == '{' {
		f.paramsOK = true
		ps := &fastScan{b: r.RequestParameters}
		vals := f.params.values()
		if !ps.object(func(key []byte) bool {
			v, ok := ps.raw()
			for i, n := range paramKeys {
				if asciiEqualFold(key, n) {
					*vals[i] = v // the last of repeated keys, as encoding/json
				}
			}
			return ok
		}) {
			return false
		}
	}
	var okM, okL bool
	f.mfa, okM = fastObjectString(r.AdditionalEventData, "MFAUsed")
	f.login, okL = fastObjectString(r.ResponseElements, "ConsoleLogin")
	return okM && okL
}

// identity reads userIdentity: null or an object.
func (s *fastScan) identity(r *rawRecord) bool {
	if s.i < len(s.b) && s.b[s.i] == 'n' {
		return s.literal("null")
	}
	id := &rawIdentity{}
	r.UserIdentity = id
	dst := []*string{&id.Type, &id.ARN, &id.AccountID, &id.AccessKeyID, &id.UserName, &id.InvokedBy}
	var seen uint64
	return s.object(func(key []byte) bool {
		k := fieldKey(key, identityKeys)
		switch {
		case k == -1:
			return s.skip()
		case k < 0 || seen&(1<<k) != 0:
			return false
		}
		seen |= 1 << k
		if identityKeys[k] != "sessionContext" {
			v, ok := s.string()
			*dst[k] = v
			return ok
		}
		if s.i < len(s.b) && s.b[s.i] == 'n' {
			return s.literal("null")
		}
		id.SessionContext = &struct {
			SessionIssuer *struct {
				Type     string `json:"type"`
				ARN      string `json:"arn"`
				UserName string `json:"userName"`
			} `json:"sessionIssuer"`
		}{}
		var seenIssuer bool
		return s.object(func(key []byte) bool {
			switch fieldKey(key, []string{"sessionIssuer"}) {
			case -1:
				return s.skip()
			case -2:
				return false
			}
			if seenIssuer {
				return false
			}
			seenIssuer = true
			if s.i < len(s.b) && s.b[s.i] == 'n' {
				return s.literal("null")
			}
			is := &struct {
				Type     string `json:"type"`
				ARN      string `json:"arn"`
				UserName string `json:"userName"`
			}{}
			id.SessionContext.SessionIssuer = is
			return s.stringFields(issuerKeys, []*string{&is.Type, &is.ARN, &is.UserName})
		})
	})
}

// resources reads resources: null or an array of objects (or nulls) whose
// ARN is read.
func (s *fastScan) resources(r *rawRecord) bool {
	if s.i < len(s.b) && s.b[s.i] == 'n' {
		return s.literal("null")
	}
	r.Resources = r.Resources[:0]
	return s.array(func() bool {
		var arn string
		if s.i < len(s.b) && s.b[s.i] == 'n' {
			r.Resources = append(r.Resources, struct {
				ARN string `json:"ARN"`
			}{})
			return s.literal("null")
		}
		// One key matching ARN in any case: more than one (ARN and arn)
		// stops the reader (encoding/json keeps the last non-null).
		ok := s.stringFields([]string{"ARN"}, []*string{&arn})
		r.Resources = append(r.Resources, struct {
			ARN string `json:"ARN"`
		}{arn})
		return ok
	})
}

// fastObjectString is objectString for a value the fast reader checked:
// ok is false when a key is not plain (a map's keys are unescaped).
func fastObjectString(raw []byte, k string) (string, bool) {
	if len(raw) == 0 || raw[0] != '{' {
		return "", true
	}
	s := &fastScan{b: raw}
	var v []byte
	ok := s.object(func(key []byte) bool {
		val, ok := s.raw()
		if string(key) == k {
			v = val // the last of repeated keys, as a map keeps it
		}
		return ok
	})
	return str(v), ok
}
