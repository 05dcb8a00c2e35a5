package cli

import "github.com/spf13/cobra"

// commands lists govm's top-level commands in the order help shows them.
func (a *app) commands() []*cobra.Command {
	return []*cobra.Command{
		a.installCommand(),
		a.uninstallCommand(),
		a.listCommand(),
		a.listRemoteCommand(),
		a.useCommand(),
		a.ensureCommand(),
		a.rollbackCommand(),
		a.currentCommand(),
		a.whichCommand(),
		a.execCommand(),
		a.setupCommand(),
		a.envCommand(),
		a.pruneCommand(),
		a.verifyCommand(),
		a.doctorCommand(),
		a.statusCommand(),
		a.configCommand(),
		a.mirrorCommand(),
		a.fleetCommand(),
		a.scanCommand(),
		a.cacheCommand(),
		a.versionCommand(),
		a.completionCommand(),
		a.selfCommand(),
		a.shimCommand(),
		a.gendocsCommand(),
	}
}
