package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/shim"
)

// shimCommand is what a shim runs when the version a pin (or a go1.X.Y
// name) asks for is missing: the shim binary loads no configuration, so the
// decision to install, and the policy that may forbid it, live here.
func (a *app) shimCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "shim NAME [ARG...]",
		Short: "Run the shim NAME (go, gofmt, go1.X.Y) here, installing a missing pinned version first",
		Long: `Decide the toolchain exactly as the shim NAME does in the working directory
and run it with ARGS. When the pinned version is not installed, install it
first, unless auto_install is off (user config, GOVM_AUTO_INSTALL) or the
machine policy sets shim_auto_install: false (exit 5). A version the machine
policy forbids does not run (exit 5), as through the shim itself. Shims call
this on a miss; it is not meant to be typed.`,
		Hidden: true,
		Args:   cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runShim(cmd, args[0], args[1:])
		},
	}
	// Everything after NAME belongs to the tool, flags included.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

func (a *app) runShim(cmd *cobra.Command, name string, args []string) error {
	tool, exact, ok := shim.Tool(name)
	if !ok {
		return usagef("shim %q: not a shim name; want go, gofmt or go1.X.Y", name)
	}
	h, err := a.home()
	if err != nil {
		return err
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	d, err := shim.Decide(h, wd, exact, a.env.Getenv)
	var missing *shim.NotInstalledError
	if errors.As(err, &missing) {
		cfg, cerr := a.config()
		if cerr != nil {
			return cerr
		}
		action := fmt.Sprintf("shim install %s (%s)", missing.Request, missing.Reason)
		if perr := cfg.Policy.CheckShimAutoInstall(action); perr != nil {
			return perr
		}
		if !cfg.AutoInstall {
			return fmt.Errorf("%w (shims do not install: auto_install is false, from %s)", err, cfg.Origins["auto_install"])
		}
		a.io.Infof("%s: installing %s", missing.Reason, missing.Request)
		err = a.logged(cmd, []string{missing.Request.Arg()}, func(rec *opRecord) error {
			rec.noop = true // another process may have installed it meanwhile
			_, _, err := a.toolchainFor(cmd.Context(), missing.Request, rec)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", missing.Reason, err)
		}
		d, err = shim.Decide(h, wd, exact, a.env.Getenv)
	}
	if err != nil {
		return err
	}
	// The same check as the shim's own, for the same reason: a version the
	// machine policy forbids does not run, however it was decided.
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if err := shim.CheckVersion(&cfg.Policy, d); err != nil {
		return err
	}
	return shim.Run(d, tool, args)
}
