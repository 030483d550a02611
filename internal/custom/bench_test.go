package custom_test

import (
	"testing"

	"github.com/nightlight-sec/nightlight/internal/custom"
)

func BenchmarkParse(b *testing.B) {
	src := []byte("id: X-1\ntitle: t\nseverity: low\nresources: [function]\ncondition: fn.memory > 1\nmessage: m\n")
	for i := 0; i < b.N; i++ {
		if _, err := custom.Parse("r.yaml", src, custom.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
