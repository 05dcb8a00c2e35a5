package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/shim"
	"github.com/govm-dev/govm/pkg/goversion"
)

// currentResult is the JSON of `govm current` and `govm which`.
type currentResult struct {
	Version string `json:"version"`
	Reason  string `json:"reason"`
	// PinFile is the file that pinned the version, when one did.
	PinFile string `json:"pin_file,omitempty"`
	GOROOT  string `json:"goroot"`
	Path    string `json:"path"`
}

// decide answers "which Go runs here, and why" with the shim's own logic.
func (a *app) decide() (shim.Decision, error) {
	h, err := a.home()
	if err != nil {
		return shim.Decision{}, err
	}
	wd, err := os.Getwd()
	if err != nil {
		return shim.Decision{}, err
	}
	a.machine(h) // warns when the machine-wide home is ignored
	return shim.Decide(h, wd, goversion.Version{}, a.env.Getenv)
}

func (a *app) currentCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "current",
		Short: "Print the Go version in effect here, and why",
		Long: `Print the version that runs in this directory and what decided it: a pin
(GOVM_GO_VERSION, .go-version, .tool-versions, go.work, go.mod) or the
global link set by 'govm use'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runCurrent(cmd.Context(), "")
		},
	}
}

func (a *app) whichCommand() *cobra.Command {
	return &cobra.Command{
		Use:       "which [go|gofmt]",
		Short:     "Print the full path of the go (or gofmt) binary in effect here",
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: []string{"go", "gofmt"},
		RunE: func(cmd *cobra.Command, args []string) error {
			tool := "go"
			if len(args) == 1 {
				tool = args[0]
			}
			if tool != "go" && tool != "gofmt" {
				return usagef("which %q: want go or gofmt", tool)
			}
			return a.runCurrent(cmd.Context(), tool)
		},
	}
}

func (a *app) runCurrent(_ context.Context, tool string) error {
	d, err := a.decide()
	if err != nil {
		return err
	}
	t := tool
	if t == "" {
		t = "go"
	}
	res := currentResult{Version: d.Version.String(), Reason: d.Reason, GOROOT: d.Dir, Path: d.Exe(t)}
	if d.Pin != nil {
		res.PinFile = d.Pin.File
	}
	if a.flags.json {
		return a.printJSON(res)
	}
	if tool != "" {
		fmt.Fprintln(a.out(), res.Path)
		return nil
	}
	fmt.Fprintf(a.out(), "%s (%s)\n", res.Version, res.Reason)
	return nil
}
