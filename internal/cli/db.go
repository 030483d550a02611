package cli

import (
	"fmt"
	"net/http"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/nightlight-sec/nightlight/internal/cli/progress"
	"github.com/nightlight-sec/nightlight/internal/deps"
)

// dbCommand is `nightlight db`: the offline vulnerability database.
func dbCommand(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the offline vulnerability database (OSV exports)",
		Long: `The dependency rules match the packages functions deploy against an offline
copy of OSV's per-ecosystem exports, kept in DIR/<Ecosystem>/all.zip exactly as
OSV publishes them (default DIR: ` + deps.DefaultDir() + `).
'db update' downloads them: it is the only command of scan's family that uses
the network. Scans never download anything.`,
	}
	cmd.AddCommand(dbUpdateCommand(env), dbStatusCommand(env))
	return cmd
}

func dbUpdateCommand(env *Env) *cobra.Command {
	var dir, ecos, source string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Download the OSV exports of the ecosystems nightlight reads",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			list, err := deps.ParseEcosystems(ecos)
			if err != nil {
				return usageError("--ecosystem: %v", err)
			}
			if dir == "" {
				return usageError("--vuln-db: no directory (this system has no user cache directory)")
			}
			var prog deps.Progress
			if bar := progress.New(env.Stderr, quiet); bar.Enabled() {
				prog = bar
			}
			done, err := deps.Update(cmd.Context(), &http.Client{Timeout: 30 * time.Minute}, source, dir, list, prog)
			for _, u := range done {
				fmt.Fprintf(env.Stdout, "%s: %d records (%s) in %s\n", u.Ecosystem, u.Records, bytesString(u.Bytes), deps.ZipPath(dir, u.Ecosystem))
			}
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&dir, "vuln-db", deps.DefaultDir(), "database directory")
	fl.StringVar(&ecos, "ecosystem", "", "comma-separated ecosystems to download (default: all of "+fmt.Sprint(deps.Ecosystems())+")")
	fl.StringVar(&source, "source", deps.DefaultSource, "base URL of the OSV exports (a mirror: SOURCE/<Ecosystem>/all.zip)")
	fl.BoolVarP(&quiet, "quiet", "q", false, "no progress bar")
	return cmd
}

func dbStatusCommand(env *Env) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show which ecosystems the offline database holds and how old they are",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(env.Stdout, "vulnerability database: %s\n", dir)
			tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ECOSYSTEM\tRECORDS\tSIZE\tUPDATED")
			now := time.Now()
			for _, s := range deps.Stat(dir) {
				switch {
				case s.Err != nil:
					fmt.Fprintf(tw, "%s\t-\t-\tunreadable: %v\n", s.Ecosystem, s.Err)
				case !s.Present:
					fmt.Fprintf(tw, "%s\t-\t-\tmissing (nightlight db update --ecosystem %s)\n", s.Ecosystem, s.Ecosystem)
				default:
					t := time.Unix(s.ModTime, 0)
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s (%s ago)\n", s.Ecosystem, s.Records, bytesString(s.Size), t.UTC().Format("2006-01-02 15:04 UTC"), age(now.Sub(t)))
				}
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&dir, "vuln-db", deps.DefaultDir(), "database directory")
	return cmd
}

func bytesString(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
