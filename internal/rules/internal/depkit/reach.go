package depkit

import "github.com/nightlight-sec/nightlight/internal/model"

// ReachOf says whether fn's handler code imports pkg. Until the handler
// analysis records a function's imports on the model, every package is
// ReachUnknown: nothing is down-weighted on a guess.
func ReachOf(fn *model.Function, pkg *model.Package) Reachability {
	_, _ = fn, pkg
	return ReachUnknown
}
