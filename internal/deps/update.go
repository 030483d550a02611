package deps

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// DefaultSource is where OSV publishes its per-ecosystem exports
// (SOURCE/<Ecosystem>/all.zip).
const DefaultSource = "https://osv-vulnerabilities.storage.googleapis.com"

// maxExportBytes bounds one downloaded export.
const maxExportBytes = 4 << 30

// DefaultDir is the database directory used when --vuln-db is not given:
// nightlight/osv in the user cache directory, or "" when the system has
// none.
func DefaultDir() string {
	d, err := os.UserCacheDir()
	if err != nil || d == "" {
		return ""
	}
	return filepath.Join(d, "nightlight", "osv")
}

// ParseEcosystems turns a comma-separated list ("npm,pypi,Go") into OSV
// ecosystem names, accepting any letter case; empty means all.
func ParseEcosystems(list string) ([]string, error) {
	if strings.TrimSpace(list) == "" {
		return Ecosystems(), nil
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		found := ""
		for _, e := range Ecosystems() {
			if strings.EqualFold(s, e) {
				found = e
			}
		}
		if found == "" {
			return nil, fmt.Errorf("unknown ecosystem %q (known: %s)", s, strings.Join(Ecosystems(), ", "))
		}
		if !seen[found] {
			seen[found] = true
			out = append(out, found)
		}
	}
	return out, nil
}

// Progress is told how a download advances; a nil Progress is allowed.
type Progress interface {
	Start(stage string, total int)
	Add(n int)
	Finish()
}

// Updated is one ecosystem export written by Update.
type Updated struct {
	Ecosystem string
	Bytes     int64
	Records   int
}

// Update downloads the export of each ecosystem from source
// (SOURCE/<Ecosystem>/all.zip) into dir/<Ecosystem>/all.zip, replacing the
// previous one only once the new file is complete and reads as a zip of
// records. It is the only network access nightlight makes for
// dependencies. Ecosystems that fail do not stop the others; their errors
// are joined.
func Update(ctx context.Context, client *http.Client, source, dir string, ecos []string, prog Progress) ([]Updated, error) {
	if dir == "" {
		return nil, errors.New("no database directory: give --vuln-db DIR")
	}
	if client == nil {
		client = http.DefaultClient
	}
	var out []Updated
	var errs []error
	for _, eco := range ecos {
		u, err := updateOne(ctx, client, strings.TrimSuffix(source, "/"), dir, eco, prog)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", eco, err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		out = append(out, u)
	}
	return out, errors.Join(errs...)
}

func updateOne(ctx context.Context, client *http.Client, source, dir, eco string, prog Progress) (Updated, error) {
	url := source + "/" + eco + "/all.zip"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Updated{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return Updated{}, fmt.Errorf("download %s: %w (offline? `db update` is the only command that needs the network; you can also copy OSV exports to DIR/<Ecosystem>/all.zip)", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Updated{}, fmt.Errorf("download %s: %s", url, resp.Status)
	}
	if err := os.MkdirAll(filepath.Join(dir, eco), 0o755); err != nil {
		return Updated{}, fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(filepath.Join(dir, eco), "all.zip.*.part")
	if err != nil {
		return Updated{}, err
	}
	defer os.Remove(tmp.Name())
	total := resp.ContentLength
	if prog != nil {
		prog.Start("downloading "+eco+" (KiB)", int(max(total, 0)>>10))
	}
	n, err := io.Copy(tmp, &countingReader{r: io.LimitReader(resp.Body, maxExportBytes+1), prog: prog})
	if prog != nil {
		prog.Finish()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return Updated{}, fmt.Errorf("download %s: %w", url, err)
	case n > maxExportBytes:
		return Updated{}, fmt.Errorf("download %s: over %d bytes", url, int64(maxExportBytes))
	case total >= 0 && n != total:
		return Updated{}, fmt.Errorf("download %s: got %d of %d bytes", url, n, total)
	}
	zr, err := zip.OpenReader(tmp.Name())
	if err != nil {
		return Updated{}, fmt.Errorf("download %s: not a zip archive: %w", url, err)
	}
	records := 0
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".json") {
			records++
		}
	}
	zr.Close()
	if err := os.Rename(tmp.Name(), ZipPath(dir, eco)); err != nil {
		return Updated{}, err
	}
	return Updated{Ecosystem: eco, Bytes: n, Records: records}, nil
}

// countingReader reports progress in KiB.
type countingReader struct {
	r    io.Reader
	prog Progress
	part int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.prog != nil {
		c.part += int64(n)
		if k := c.part >> 10; k > 0 {
			c.prog.Add(int(k))
			c.part -= k << 10
		}
	}
	return n, err
}
