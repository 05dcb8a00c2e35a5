package pathenv

import "os"

// setup puts govm's block into the rc file of every shell the user has.
//
// On Windows that "rc file" is the registry: the Path value of
// HKCU\Environment (HKLM's Session Manager\Environment with System).
func setup(o Options) (Report, error) { return winSetup(o, o.winStores()) }

// undo removes govm's block from every rc file that holds one.
//
// On Windows: govm's entries, in either spelling, from the registry value.
func undo(o Options) (Report, error) { return winUndo(o, o.winStores()) }

// status reports which rc files hold govm's current block.
//
// On Windows: whether the registry value holds govm's entries.
func status(o Options) (Status, error) { return winStatus(o, o.winStores()) }

func (o Options) winStores() winStores {
	s := winStores{target: o.Store, system: o.SystemStore, broadcast: o.Broadcast, exists: fileExists}
	if s.system == nil {
		s.system = machineStore()
	}
	if s.target == nil {
		s.target = userStore()
		if o.System {
			s.target = machineStore()
		}
	}
	if s.broadcast == nil {
		s.broadcast = broadcastEnvironmentChange
	}
	return s
}

func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir()
}
