package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/buildinfo"
)

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print govm's version, commit, build date and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runVersion(cmd.Context())
		},
	}
}

func (a *app) runVersion(_ context.Context) error {
	info := buildinfo.Get()
	if a.flags.json {
		return a.printJSON(info)
	}
	fmt.Fprintf(a.out(), "govm %s (commit %s, built %s, %s, %s)\n", info.Version, info.Commit, info.Date, info.GoVersion, info.Platform)
	return nil
}

func (a *app) completionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Print a completion script for your shell. For example:

  bash:        source <(govm completion bash)
  zsh:         govm completion zsh > "${fpath[1]}/_govm"
  fish:        govm completion fish > ~/.config/fish/completions/govm.fish
  powershell:  govm completion powershell | Out-String | Invoke-Expression`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(a.out(), true)
			case "zsh":
				return root.GenZshCompletion(a.out())
			case "fish":
				return root.GenFishCompletion(a.out(), true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(a.out())
			}
			return usagef("unknown shell %q: want bash, zsh, fish or powershell", args[0])
		},
	}
}
