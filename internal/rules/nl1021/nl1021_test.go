package nl1021_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/rules/nl1021"
)

func TestAuthorizing(t *testing.T) {
	for name, want := range map[string]bool{
		"custom:role": true, "custom:is_admin": true, "custom:isAdmin": true, "custom:tenant_id": true,
		"custom:tenantId": true, "custom:access_level": true, "custom:favourite_colour": false,
		"custom:nickname2": false, "custom:groups": true, "custom:programme": false,
	} {
		if got := nl1021.Authorizing(name); got != want {
			t.Errorf("Authorizing(%q) = %v, want %v", name, got, want)
		}
	}
}
