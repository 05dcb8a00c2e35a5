package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/config"
	"github.com/govm-dev/govm/internal/policy"
)

func (a *app) configCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show the effective configuration, or validate a config file",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "show",
		Short: "Print every setting, its value, and where it came from",
		Long: `Print the effective configuration: each key with its value and origin
(default, a file path, env GOVM_X, flag --x, or the machine policy), then
the machine policy, which only the machine config file can set.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runConfigShow(cmd.Context()) },
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "validate FILE",
		Short: "Check a config file (machine or user) before deploying it; exit 2 when invalid",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return a.runConfigValidate(cmd.Context(), args[0]) },
	})
	return cmd
}

// configEntry is one key of `govm config show --json`.
type configEntry struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Origin string `json:"origin"`
}

// configShow is `govm config show --json`.
type configShow struct {
	Settings    []configEntry `json:"settings"`
	MachineFile string        `json:"machine_file"`
	// MachineIgnored says why the machine file was not read; omitted when it was.
	MachineIgnored string         `json:"machine_file_ignored,omitempty"`
	Policy         *policy.Policy `json:"policy"`
}

func (a *app) runConfigShow(_ context.Context) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	values := map[string]string{
		"home": cfg.Home, "source": cfg.Source, "mirror": cfg.Mirror, "godev_url": cfg.GoDevURL,
		"download_url": cfg.DownloadURL, "insecure": fmt.Sprint(cfg.Insecure), "index_ttl": cfg.IndexTTL.String(),
		"http_timeout": cfg.HTTPTimeout.String(), "retries": fmt.Sprint(cfg.Retries),
		"max_unpack_bytes": fmt.Sprint(cfg.MaxUnpackBytes), "gotoolchain": cfg.GoToolchain, "log_file": cfg.LogFile,
		"auto_install": fmt.Sprint(cfg.AutoInstall), "machine_wide": fmt.Sprint(cfg.MachineWide),
	}
	if cfg.Home == "" {
		if h, err := a.home(); err == nil {
			values["home"] = h.Root
		}
	}
	out := configShow{MachineFile: cfg.MachineFile}
	if cfg.MachineIgnored != nil {
		out.MachineIgnored = cfg.MachineIgnored.Reason
	}
	for _, k := range config.Keys() {
		out.Settings = append(out.Settings, configEntry{Key: k, Value: values[k], Origin: cfg.Origins[k]})
	}
	if cfg.Policy.File != "" {
		out.Policy = &cfg.Policy
	}
	if a.flags.json {
		return a.printJSON(out)
	}
	w := a.out()
	for _, e := range out.Settings {
		fmt.Fprintf(w, "%-17s %-40s (%s)\n", e.Key, e.Value, e.Origin)
	}
	switch {
	case cfg.MachineIgnored != nil:
		fmt.Fprintf(w, "policy: none (machine config file %s ignored: users who are not administrators can change it: %s)\n", cfg.MachineFile, cfg.MachineIgnored.Reason)
		return nil
	case out.Policy == nil:
		fmt.Fprintf(w, "policy: none (machine config file %s has no policy section)\n", cfg.MachineFile)
		return nil
	}
	p := out.Policy
	fmt.Fprintf(w, "policy from %s (users cannot override it):\n", p.File)
	fmt.Fprintf(w, "  allowed_versions:     %s\n", orAll(p.Allowed))
	for _, b := range p.Blocked {
		fmt.Fprintf(w, "  blocked_versions:     %s (%s)\n", b.Versions, b.Reason)
	}
	fmt.Fprintf(w, "  sources:              %s\n", orAll(fmt.Sprint(p.Sources)))
	fmt.Fprintf(w, "  require_verification: %t\n", p.RequireVerification)
	fmt.Fprintf(w, "  mirror:               %s\n", p.Mirror)
	shimInstall := "(not set: users' auto_install decides)"
	if p.ShimAutoInstall != nil {
		shimInstall = fmt.Sprint(*p.ShimAutoInstall)
	}
	fmt.Fprintf(w, "  shim_auto_install:    %s\n", shimInstall)
	return nil
}

func orAll(s string) string {
	if s == "" || s == "[]" {
		return "(any)"
	}
	return s
}

// configValidation is `govm config validate --json`.
type configValidation struct {
	File   string         `json:"file"`
	Valid  bool           `json:"valid"`
	Keys   []string       `json:"keys"`
	Policy *policy.Policy `json:"policy,omitempty"`
}

func (a *app) runConfigValidate(_ context.Context, file string) error {
	keys, pol, err := config.ValidateFile(file)
	if err != nil {
		return usageError{err}
	}
	res := configValidation{File: file, Valid: true, Keys: keys}
	if pol.File != "" {
		res.Policy = &pol
	}
	if a.flags.json {
		return a.printJSON(res)
	}
	fmt.Fprintf(a.out(), "%s is valid (%d settings", file, len(keys))
	if res.Policy != nil {
		fmt.Fprint(a.out(), ", a policy section")
	}
	fmt.Fprintln(a.out(), ")")
	return nil
}
