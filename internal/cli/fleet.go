package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/fleet"
)

type fleetReportOptions struct {
	files  []string
	expect string
	format string
}

func (a *app) fleetCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fleet",
		Short: "Compare the state of many hosts (with Ansible, see docs/fleet)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("missing subcommand; run 'govm fleet report FILE...'")
		},
	}
	cmd.AddCommand(a.fleetReportCommand())
	return cmd
}

func (a *app) fleetReportCommand() *cobra.Command {
	var o fleetReportOptions
	cmd := &cobra.Command{
		Use:   "report FILE...",
		Short: "Report version drift and health from many 'govm status --json' files",
		Long: `Read one 'govm status --json' document per host (the files verify.yml
fetches, named after the inventory host) and print one row per host: the
active version, the health verdict, the last operation, drift from the
expected version, and failures in the log tail (read from FILE.log beside
FILE.json when present). Odd hosts come first.

Without --expect, the expected version is the fleet's most common one.

Exit status: 0 when every host is healthy and runs the expected version,
1 when any host drifted or is unhealthy (the report is still printed),
2 on a bad flag or version, 1 on a file that cannot be read or parsed.`,
		Example: `  govm fleet report --expect 1.23.0 reports/*.json
  govm fleet report --format markdown reports/*.json > fleet.md
  govm fleet report --json reports/*.json | jq '.rows[] | select(.drift)'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = args
			return a.runFleetReport(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.expect, "expect", "", "the version every host must run (default: the most common one)")
	f.StringVar(&o.format, "format", "table", "table, markdown or csv (--json overrides)")
	return cmd
}

func (a *app) runFleetReport(_ context.Context, o fleetReportOptions) error {
	format, err := fleet.ParseFormat(o.format)
	if err != nil {
		return usagef("--format: %v", err)
	}
	if o.expect != "" {
		// Checked before reading files so a typo is a usage error (exit 2).
		if _, err := fleet.Build(nil, o.expect); err != nil {
			return usagef("--expect: %v", err)
		}
	}
	hosts, err := fleet.Load(o.files)
	if err != nil {
		return err
	}
	rep, err := fleet.Build(hosts, o.expect)
	if err != nil {
		return err
	}
	if a.flags.json {
		err = a.printJSON(rep)
	} else {
		err = fleet.Write(a.out(), rep, format)
	}
	if err != nil {
		return err
	}
	if !rep.Clean() {
		return exitError{code: ExitError}
	}
	return nil
}
