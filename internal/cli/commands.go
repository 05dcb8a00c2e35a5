package cli

import "github.com/spf13/cobra"

// commands lists govm's top-level commands in the order help shows them.
func (a *app) commands() []*cobra.Command {
	return []*cobra.Command{
		a.versionCommand(),
		a.completionCommand(),
	}
}
