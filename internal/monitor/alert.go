package monitor

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// MaxAlertEvents bounds the event IDs kept per alert; Alert.More counts the
// rest.
const MaxAlertEvents = 1000

// Alert is what a detection found: one principal acting on one resource,
// with the events behind it. JSON field names follow the `monitor --format
// json` contract.
type Alert struct {
	Detection string    `json:"detection"`
	Severity  Severity  `json:"severity"`
	Principal string    `json:"principal"`
	Resource  string    `json:"resource"`
	Message   string    `json:"message"`
	First     time.Time `json:"first"`
	Last      time.Time `json:"last"`
	// Events are the CloudTrail eventIDs behind the alert, sorted.
	Events []string `json:"events"`
	// More counts events left out of Events (beyond MaxAlertEvents).
	More int `json:"more,omitempty"`
	// Sources are the source addresses and user agents seen, sorted.
	Sources []string `json:"sources,omitempty"`
	// Actions are the actions seen, sorted.
	Actions []string `json:"actions,omitempty"`
	// Failed is true when every call behind the alert failed.
	Failed bool `json:"failed,omitempty"`
}

// Run runs the detections on q and groups their rows into alerts, sorted by
// severity (most severe first), detection, principal and resource.
func Run(ctx context.Context, q Querier, ds []Detection, wrap func(string) string) ([]Alert, error) {
	var out []Alert
	for _, d := range ds {
		sql := d.SQL
		if wrap != nil {
			sql = wrap(sql)
		}
		cols, rows, err := q.Query(ctx, sql)
		if err != nil {
			return nil, fmt.Errorf("detection %s: %w", d.ID, err)
		}
		if len(cols) != len(AlertColumns) {
			return nil, fmt.Errorf("detection %s: %d columns, want %d (%s)", d.ID, len(cols), len(AlertColumns), strings.Join(AlertColumns, ", "))
		}
		out = append(out, Group(d, rows)...)
	}
	SortAlerts(out)
	return out, nil
}

// SortAlerts orders alerts most severe first, then by detection, principal,
// resource and first time.
func SortAlerts(as []Alert) {
	sort.SliceStable(as, func(i, j int) bool {
		a, b := as[i], as[j]
		if a.Severity.rank() != b.Severity.rank() {
			return a.Severity.rank() > b.Severity.rank()
		}
		if a.Detection != b.Detection {
			return a.Detection < b.Detection
		}
		if a.Principal != b.Principal {
			return a.Principal < b.Principal
		}
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		return a.First.Before(b.First)
	})
}

type acc struct {
	alert   Alert
	ids     map[string]bool
	sources map[string]bool
	actions map[string]bool
	details map[string]bool
	failed  int
	errors  map[string]bool
	n       int
}

// Group turns a detection's rows (AlertColumns) into alerts, one per
// principal and resource. The alerts depend on the rows, not on their
// order: an event ID is counted once, from its first row in the rows'
// sorted order (the store may hold several events with one ID at
// different times, and queries return rows in no fixed order).
func Group(d Detection, rows [][]string) []Alert {
	rows = slices.Clone(rows)
	slices.SortFunc(rows, slices.Compare)
	byKey := map[[2]string]*acc{}
	var keys [][2]string
	for _, r := range rows {
		if len(r) < len(AlertColumns) {
			continue
		}
		principal, resource, ts, id, action, ip, ua, errCode, detail := r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]
		k := [2]string{principal, resource}
		a := byKey[k]
		if a == nil {
			a = &acc{ids: map[string]bool{}, sources: map[string]bool{}, actions: map[string]bool{}, details: map[string]bool{}, errors: map[string]bool{}}
			a.alert = Alert{Detection: d.ID, Severity: d.Severity, Principal: principal, Resource: resource}
			byKey[k] = a
			keys = append(keys, k)
		}
		if a.ids[id] {
			continue
		}
		a.ids[id] = true
		a.n++
		if t, ok := ParseTime(ts); ok {
			if a.alert.First.IsZero() || t.Before(a.alert.First) {
				a.alert.First = t
			}
			if t.After(a.alert.Last) {
				a.alert.Last = t
			}
		}
		src := ip
		if ua != "" {
			src += " (" + truncate(ua, 80) + ")"
		}
		a.sources[src] = true
		a.actions[action] = true
		if detail != "" {
			a.details[detail] = true
		}
		if errCode != "" {
			a.failed++
			a.errors[errCode] = true
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	out := make([]Alert, 0, len(keys))
	for _, k := range keys {
		a := byKey[k]
		al := a.alert
		al.Events = sortedSet(a.ids)
		if len(al.Events) > MaxAlertEvents {
			al.More = len(al.Events) - MaxAlertEvents
			al.Events = al.Events[:MaxAlertEvents]
		}
		al.Sources = sortedSet(a.sources)
		al.Actions = sortedSet(a.actions)
		if a.failed == a.n {
			al.Failed = true
			if !d.FailedStillCounts {
				al.Severity = al.Severity.lower()
			}
		}
		al.Message = message(d, &al, sortedSet(a.details), sortedSet(a.errors), a.n)
		out = append(out, al)
	}
	return out
}

func message(d Detection, a *Alert, details, errs []string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", d.Title, a.Principal)
	fmt.Fprintf(&b, " called %s", strings.Join(a.Actions, ", "))
	if a.Resource != "" {
		fmt.Fprintf(&b, " on %s", a.Resource)
	}
	switch {
	case a.First.IsZero():
	case a.First.Equal(a.Last):
		fmt.Fprintf(&b, " at %s", a.First.Format(time.RFC3339))
	default:
		fmt.Fprintf(&b, " between %s and %s", a.First.Format(time.RFC3339), a.Last.Format(time.RFC3339))
	}
	if n > 1 {
		fmt.Fprintf(&b, " (%d events)", n)
	}
	if len(a.Sources) > 0 {
		src := a.Sources
		extra := ""
		if len(src) > 3 {
			extra = fmt.Sprintf(" and %d more", len(src)-3)
			src = src[:3]
		}
		fmt.Fprintf(&b, " from %s%s", strings.Join(src, ", "), extra)
	}
	// Details that only repeat an action's name say nothing new.
	var said []string
	for _, d := range details {
		repeat := false
		for _, act := range a.Actions {
			if strings.HasSuffix(act, ":"+d) || versionSuffix.ReplaceAllString(d, "") == act[strings.Index(act, ":")+1:] {
				repeat = true
			}
		}
		if !repeat {
			said = append(said, d)
		}
	}
	details = said
	if len(details) > 0 && len(details) <= 3 {
		fmt.Fprintf(&b, "; %s", strings.Join(details, "; "))
	}
	if a.Failed {
		fmt.Fprintf(&b, "; every call failed (%s)", strings.Join(errs, ", "))
	}
	return b.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
