//go:build cgo

package code

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// BenchmarkParseHandlers measures tree-sitter alone on the handler files
// of the generated benchmark app (written by TestWriteBenchApp to
// $NL_BENCH_APP), on one goroutine: every file parsed whole, and the
// handler modules parsed only as far as their handler reaches (keepRanges,
// with the pre-scan's own time), as the analysis does. Shared modules
// (lib/, common/) are parsed whole both ways.
func BenchmarkParseHandlers(b *testing.B) {
	dir := os.Getenv("NL_BENCH_APP")
	if dir == "" {
		b.Skip("set NL_BENCH_APP=DIR to a generated app (go test -run TestWriteBenchApp)")
	}
	type file struct {
		lang    model.Format
		src     []byte
		handler bool
	}
	var files []file
	total := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		lang := langOfFile(p)
		if lang == "" {
			return nil
		}
		if strings.HasSuffix(p, ".ts") {
			lang = model.FormatTypeScript
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		total += len(src)
		files = append(files, file{lang: lang, src: src, handler: strings.HasPrefix(filepath.Base(p), "h")})
		return nil
	})
	if err != nil || len(files) == 0 {
		b.Fatalf("no source files under %s: %v", dir, err)
	}
	for _, mode := range []string{"whole", "partial"} {
		b.Run(mode, func(b *testing.B) {
			p, err := newParser(nil)
			if err != nil {
				b.Fatal(err)
			}
			defer p.close()
			b.SetBytes(int64(total))
			skipped := 0
			for b.Loop() {
				skipped = 0
				for _, f := range files {
					var ranges []srcRange
					if mode == "partial" && f.handler {
						r, s, ok := keepRanges(f.lang, f.src, []string{"handler"})
						if ok {
							ranges, skipped = r, skipped+s
						}
					}
					if _, err := p.parse(f.lang, f.src, ranges); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(skipped)/float64(total)*100, "%skipped")
		})
	}
}
