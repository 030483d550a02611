// Package cost is nightlight's denial-of-wallet model: for an entry point,
// the worst-case spend per hour when an attacker calls it as fast as the
// throttles allow and every invocation runs to its timeout, including
// what the function's writes cost downstream and the functions those
// writes trigger (fan-out). Prices come from a dated table (Prices).
package cost

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// PriceDate is when the price table was taken from the AWS pricing pages
// (us-east-1, on-demand, without free tier).
const PriceDate = "2026-11-22"

// Prices are unit prices in USD.
type Prices struct {
	// LambdaRequest is per invocation; LambdaGBSecondX86 and
	// LambdaGBSecondARM per GB-second of duration (first pricing tier).
	LambdaRequest     float64
	LambdaGBSecondX86 float64
	LambdaGBSecondARM float64
	// Per request or message of each front door and downstream service.
	RESTRequest      float64
	HTTPRequest      float64
	WebSocketMessage float64
	GraphQLOperation float64 // an AppSync query or mutation
	SQSRequest       float64
	SNSPublish       float64
	DynamoDBWrite    float64 // on-demand write request unit
	S3Put            float64
	EventBridgeEvent float64
	KinesisPut       float64 // PUT payload unit (25 KB)
	StepFunctionsRun float64 // a standard workflow start (one state transition)
	// StepFunctionsExpressRun is an express workflow request.
	StepFunctionsExpressRun float64
}

// DefaultPrices returns the table dated PriceDate.
func DefaultPrices() Prices {
	return Prices{
		LambdaRequest:     0.20 / 1e6,
		LambdaGBSecondX86: 0.0000166667,
		LambdaGBSecondARM: 0.0000133334,
		RESTRequest:       3.50 / 1e6,
		HTTPRequest:       1.00 / 1e6,
		WebSocketMessage:  1.00 / 1e6,
		GraphQLOperation:  4.00 / 1e6,
		SQSRequest:        0.40 / 1e6,
		SNSPublish:        0.50 / 1e6,
		DynamoDBWrite:     0.625 / 1e6,
		S3Put:             0.005 / 1e3,
		EventBridgeEvent:  1.00 / 1e6,
		KinesisPut:        0.014 / 1e6,
		StepFunctionsRun:  0.025 / 1e3,

		StepFunctionsExpressRun: 1.00 / 1e6,
	}
}

// Account-level defaults that bound spend when the template sets nothing.
const (
	// AccountRPS is API Gateway's default account-level throttle per
	// region (requests per second).
	AccountRPS = 10000
	// AppSyncRPS is AppSync's default rate of request tokens per account
	// and region; a simple query or mutation takes one token.
	AppSyncRPS = 2000
	// AccountConcurrency is Lambda's default concurrent executions per
	// region.
	AccountConcurrency = 1000
	// maxDepth bounds how far fan-out is followed.
	maxDepth = 3
)

// Item is one line of an estimate's breakdown.
type Item struct {
	What    string  `json:"what"`
	PerHour float64 `json:"perHour"`
}

// Estimate is the worst-case spend of one entry point.
type Estimate struct {
	EntryPoint string `json:"entryPoint"`
	// PerHour is the total in USD.
	PerHour float64 `json:"perHour"`
	// RPS is the request rate the front door lets through and RPSLimit
	// says what sets it.
	RPS      float64 `json:"rps"`
	RPSLimit string  `json:"rpsLimit"`
	// Invocations is the function invocations per second the
	// concurrency allows (Concurrency / Timeout), and ConcurrencyLimit
	// what sets the concurrency.
	Invocations      float64 `json:"invocations"`
	Concurrency      int     `json:"concurrency"`
	ConcurrencyLimit string  `json:"concurrencyLimit"`
	TimeoutSeconds   float64 `json:"timeoutSeconds"`
	MemoryMB         float64 `json:"memoryMB"`
	Arch             string  `json:"arch"`
	Breakdown        []Item  `json:"breakdown"`
	// Unbounded is true when neither a throttle nor reserved concurrency
	// in the template bounds the spend (only account defaults do).
	Unbounded bool `json:"unbounded"`
}

// Summary is a one-line explanation of the figure for messages.
func (e *Estimate) Summary() string {
	var parts []string
	if e.RPSLimit == noThrottleURL || e.RPSLimit == noThrottleALB {
		parts = append(parts, "no request throttle")
	} else {
		parts = append(parts, fmt.Sprintf("%s requests/s allowed by the %s", num(e.RPS), e.RPSLimit))
	}
	if e.Concurrency > 0 {
		parts = append(parts, fmt.Sprintf("%s concurrent runs allowed by the %s, each up to %gs × %g MB %s, ≈ %s invocations/s",
			num(float64(e.Concurrency)), e.ConcurrencyLimit, e.TimeoutSeconds, e.MemoryMB, e.Arch, num(e.Invocations)))
	}
	for _, it := range e.Breakdown {
		if strings.HasPrefix(it.What, "downstream") || strings.HasPrefix(it.What, "fan-out") {
			parts = append(parts, fmt.Sprintf("%s $%s/h", it.What, Money(it.PerHour)))
		}
	}
	return fmt.Sprintf("up to $%s per hour (%s)", Money(e.PerHour), strings.Join(parts, "; "))
}

// The front doors without a request throttle: the rate is whatever the
// function's concurrency sustains. (API Gateway's account-wide default
// throttle does not apply to them.)
const (
	noThrottleURL = "function URLs have no request throttle"
	noThrottleALB = "load balancers have no request throttle"
)

// Money formats dollars with two decimals and thousands separators.
func Money(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + "." + frac
}

func num(v float64) string {
	if v == math.Trunc(v) {
		return Money(v)[:len(Money(v))-3]
	}
	return fmt.Sprintf("%.1f", v)
}

// Model computes estimates over one stack.
type Model struct {
	Stack  *model.Stack
	Prices Prices
	// Writes returns the stores a function can write to (from the IAM
	// engine); nil means no downstream costs.
	Writes func(fn *model.Function) []*model.Store
}

// EntryPoint estimates the worst-case spend per hour of ep.
func (m *Model) EntryPoint(ctx context.Context, ep *model.EntryPoint) *Estimate {
	e := &Estimate{EntryPoint: ep.ID}
	api := m.Stack.API(ep.API)
	rps, limit := float64(AccountRPS), "account default throttle"
	bounded := false
	switch {
	case ep.Kind == model.EntryFunctionURL:
		rps, limit = math.Inf(1), noThrottleURL
	case ep.Kind == model.EntryALB:
		rps, limit = math.Inf(1), noThrottleALB
	case api != nil && api.Kind == model.APIGraphQL:
		// AppSync has no API Gateway throttle: its own request-token
		// quota bounds the rate.
		rps, limit = float64(AppSyncRPS), "AppSync default request-token rate"
	}
	for _, t := range []struct {
		th   *model.Throttle
		what string
	}{{ep.Throttle, "route throttle"}, {throttleOf(api), "stage throttle"}} {
		if t.th == nil {
			continue
		}
		if r, ok := t.th.Rate.AsFloat(); ok && r >= 0 && r < rps {
			rps, limit, bounded = r, t.what, true
		}
	}
	if api != nil && ep.Auth.APIKeyRequired {
		// With API keys, a caller is bound by its usage plan.
		for _, up := range api.UsagePlans {
			if up.Throttle == nil {
				continue
			}
			if r, ok := up.Throttle.Rate.AsFloat(); ok && r < rps {
				rps, limit, bounded = r, "usage plan "+up.ID, true
			}
		}
	}
	var apiPrice float64
	var apiWhat string
	if api != nil {
		switch api.Kind {
		case model.APIRest:
			apiPrice, apiWhat = m.Prices.RESTRequest, "REST API requests"
		case model.APIHTTP:
			apiPrice, apiWhat = m.Prices.HTTPRequest, "HTTP API requests"
		case model.APIWebSocket:
			apiPrice, apiWhat = m.Prices.WebSocketMessage, "WebSocket messages"
		case model.APIGraphQL:
			apiPrice, apiWhat = m.Prices.GraphQLOperation, "AppSync operations"
		}
	}
	fn := m.Stack.Function(ep.Function)
	var items []Item
	inv := 0.0
	if fn != nil {
		var b bool
		_, inv, b, items = m.function(ctx, fn, rps, 0, map[string]bool{})
		bounded = bounded || b
		e.Concurrency, e.ConcurrencyLimit = concurrency(fn)
		e.TimeoutSeconds, e.MemoryMB, e.Arch = timeout(fn), memory(fn), arch(fn)
	}
	if fn == nil {
		// A service integration: every request writes its store directly.
		// Reads (GET, GraphQL queries) cost only the requests.
		if stores := IntegrationStores(m.Stack, ep); len(stores) > 0 && !math.IsInf(rps, 1) && !readOnly(ep) {
			inv = rps
			_, items = m.downstream(ctx, stores, rps, 0, map[string]bool{})
		}
	}
	if math.IsInf(rps, 1) {
		rps = inv
	}
	e.RPS, e.RPSLimit, e.Invocations = rps, limit, inv
	if apiPrice > 0 {
		e.Breakdown = append(e.Breakdown, Item{What: apiWhat, PerHour: rps * 3600 * apiPrice})
	}
	e.Breakdown = append(e.Breakdown, items...)
	total := 0.0
	for _, it := range e.Breakdown {
		total += it.PerHour
	}
	e.PerHour = math.Round(total*100) / 100
	e.Unbounded = !bounded
	return e
}

func throttleOf(a *model.API) *model.Throttle {
	if a == nil {
		return nil
	}
	return a.Throttle
}

// function returns the hourly cost of fn invoked at up to rps requests per
// second, the invocations per second it sustains, whether reserved
// concurrency bounds it, and the breakdown (its own cost, then downstream
// writes and the functions they trigger).
func (m *Model) function(ctx context.Context, fn *model.Function, rps float64, depth int, seen map[string]bool) (float64, float64, bool, []Item) {
	seen[fn.ID] = true
	defer delete(seen, fn.ID)
	conc, limit := concurrency(fn)
	to := timeout(fn)
	inv := float64(conc) / to
	if rps < inv {
		inv = rps
	}
	gbs := memory(fn) / 1024 * to
	price := m.Prices.LambdaGBSecondX86
	if arch(fn) == "arm64" {
		price = m.Prices.LambdaGBSecondARM
	}
	own := inv * 3600 * (m.Prices.LambdaRequest + gbs*price)
	label := "Lambda " + fn.ID
	if depth > 0 {
		label = "fan-out: Lambda " + fn.ID
	}
	items := []Item{{What: label, PerHour: own}}
	total := own
	if m.Writes != nil {
		c, sub := m.downstream(ctx, m.Writes(fn), inv, depth, seen)
		items = append(items, sub...)
		total += c
	}
	return total, inv, limit == "reserved concurrency", items
}

// downstream returns the hourly cost of writing each of stores inv times a
// second and of the functions those writes trigger, with its breakdown.
func (m *Model) downstream(ctx context.Context, stores []*model.Store, inv float64, depth int, seen map[string]bool) (float64, []Item) {
	if depth >= maxDepth || ctx.Err() != nil {
		return 0, nil
	}
	stores = append([]*model.Store(nil), stores...)
	sort.Slice(stores, func(i, j int) bool { return stores[i].ID < stores[j].ID })
	var items []Item
	total := 0.0
	for _, st := range stores {
		if p := m.writePrice(st); p > 0 {
			c := inv * 3600 * p
			items = append(items, Item{What: "downstream " + string(st.Kind) + " " + st.ID, PerHour: c})
			total += c
		}
		for _, tr := range m.Stack.Triggers {
			if tr.Source != st.ID || tr.Function == "" || seen[tr.Function] {
				continue
			}
			if next := m.Stack.Function(tr.Function); next != nil {
				c, _, _, sub := m.function(ctx, next, inv, depth+1, seen)
				items = append(items, sub...)
				total += c
			}
		}
	}
	return total, items
}

// IntegrationStores returns the stores a function-less entry point (an API
// Gateway service integration, an AppSync data source) writes directly.
func IntegrationStores(st *model.Stack, ep *model.EntryPoint) []*model.Store {
	var out []*model.Store
	for _, ref := range ep.Target.AllRefs() {
		if s := st.Store(ref); s != nil {
			out = append(out, s)
		}
	}
	return out
}

// readOnly reports whether ep only reads: an HTTP GET or HEAD route, or a
// GraphQL query or subscription field.
func readOnly(ep *model.EntryPoint) bool {
	switch strings.ToUpper(ep.Method) {
	case "GET", "HEAD", "QUERY", "SUBSCRIPTION":
		return true
	}
	return false
}

func (m *Model) writePrice(st *model.Store) float64 {
	switch st.Kind {
	case model.StoreQueue:
		return m.Prices.SQSRequest
	case model.StoreTopic:
		return m.Prices.SNSPublish
	case model.StoreTable:
		return m.Prices.DynamoDBWrite
	case model.StoreBucket:
		return m.Prices.S3Put
	case model.StoreEventBus:
		return m.Prices.EventBridgeEvent
	case model.StoreStream:
		return m.Prices.KinesisPut
	case model.StoreStateMachine:
		if strings.EqualFold(st.Attr(model.AttrStateMachineType).String(), "EXPRESS") {
			return m.Prices.StepFunctionsExpressRun
		}
		return m.Prices.StepFunctionsRun
	}
	return 0
}

func concurrency(fn *model.Function) (int, string) {
	if n, ok := fn.ReservedConcurrency.AsInt(); ok && n >= 0 {
		return int(n), "reserved concurrency"
	}
	return AccountConcurrency, "account default concurrency"
}

func timeout(fn *model.Function) float64 {
	if t, ok := fn.Timeout.AsFloat(); ok && t > 0 {
		return t
	}
	return model.DefaultLambdaTimeoutSeconds
}

func memory(fn *model.Function) float64 {
	if m, ok := fn.MemorySize.AsFloat(); ok && m > 0 {
		return m
	}
	return model.DefaultLambdaMemoryMB
}

func arch(fn *model.Function) string {
	for _, a := range fn.Architectures.AsStrings() {
		if strings.EqualFold(a, "arm64") {
			return "arm64"
		}
	}
	return "x86_64"
}
