package model

import "testing"

func TestCannedACL(t *testing.T) {
	for in, want := range map[string]string{
		"PublicRead":             ACLPublicRead,
		"public-read":            ACLPublicRead,
		"PublicReadWrite":        ACLPublicReadWrite,
		"AuthenticatedRead":      ACLAuthenticatedRead,
		"authenticated-read":     ACLAuthenticatedRead,
		"Private":                "private",
		"BucketOwnerFullControl": "bucket-owner-full-control",
		"LogDeliveryWrite":       "log-delivery-write",
		" private ":              "private",
	} {
		v := NewString(in, Pos{File: "t.yaml", Line: 3})
		got := CannedACL(v)
		if got.Str != want || got.Pos != v.Pos {
			t.Errorf("CannedACL(%q) = %q at %v, want %q at %v", in, got.Str, got.Pos, want, v.Pos)
		}
		if v.Str != in {
			t.Errorf("CannedACL changed its argument: %q", v.Str)
		}
	}
	sym := NewSymbol("parameter Acl", Pos{})
	if got := CannedACL(sym); got != sym {
		t.Errorf("CannedACL(symbol) = %v, want the symbol itself", got)
	}
	if CannedACL(nil) != nil {
		t.Error("CannedACL(nil) != nil")
	}
}
