package depkit

import "github.com/nightlight-sec/nightlight/internal/model"

// ReachOf says whether fn's handler code uses pkg, from the import graph
// the dependency analysis recorded on the package, and how (the import
// chain) or why it is not known.
func ReachOf(fn *model.Function, pkg *model.Package) (Reachability, string) {
	_ = fn
	switch pkg.Reach {
	case model.ReachImported:
		return Imported, pkg.ReachNote
	case model.ReachNotImported:
		return NotImported, pkg.ReachNote
	}
	return ReachUnknown, pkg.ReachNote
}
