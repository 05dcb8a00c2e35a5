//go:build unix

package pathenv

// setup puts govm's block into the rc file of every shell the user has.
func setup(o Options) (Report, error) { return rcSetup(o) }

// undo removes govm's block from every rc file that holds one.
func undo(o Options) (Report, error) { return rcUndo(o) }

// status reports which rc files hold govm's current block.
func status(o Options) (Status, error) { return rcStatus(o) }
