package kit

import (
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/iam"
	"github.com/nightlight-sec/nightlight/internal/iam/catalog"
)

// RolePower summarises what a principal can do, for a message ("; the
// role is administrator"), and whether that is strong: administrator, an
// escalation path, permissions nightlight cannot see, or any write or
// permissions-management action. A nil principal is strong (unknown).
func RolePower(a *iam.Actor) (string, bool) {
	if a == nil || a.Effective == nil {
		return "", true
	}
	switch {
	case a.Admin:
		return "; the role is administrator", true
	case a.Reach != nil:
		return "; the role can reach " + a.Reach.Summary() + " (NL3005)", true
	}
	writes, n := 0, 0
	for _, g := range a.Effective.Grants {
		n++
		if g.Access == catalog.Write || g.Access == catalog.PermissionsManagement {
			writes++
		}
	}
	switch {
	case len(a.Effective.Unknown) > 0:
		return "; the role holds permissions nightlight cannot see", true
	case writes > 0:
		return fmt.Sprintf("; the role may write (%d write or permissions-management grants)", writes), true
	case n > 0:
		return "; the role can only read or list", false
	}
	return "; the role holds no permissions in the app", false
}
