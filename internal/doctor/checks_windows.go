package doctor

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows/registry"

	"github.com/govm-dev/govm/internal/activate"
)

func init() {
	register(Check{ID: "WIN-JUNCTION", Category: CatWindows, Title: "the govm home's volume supports junctions", Run: checkJunction})
	register(Check{ID: "WIN-LONGPATHS", Category: CatWindows, Title: "long paths are enabled (LongPathsEnabled)", Run: checkLongPaths})
	register(Check{ID: "WIN-DEVMODE", Category: CatWindows, Title: "Developer Mode (not needed for junctions)", Run: checkDevMode})
	register(Check{ID: "WIN-ENVKEY", Category: CatWindows, Title: `the user can write HKCU\Environment`, Run: checkEnvKey})
}

// checkJunction creates a junction in a scratch directory of the home (the
// volume that matters) and removes it again.
func checkJunction(_ context.Context, e *Env) []Finding {
	if !e.Home.Exists() {
		return nil // GOVM-HOME reports it
	}
	dir, err := os.MkdirTemp(e.Home.Root, ".doctor-junction-*")
	if err != nil {
		return judgeJunction(e.Home.Root, err)
	}
	defer removeProbe(dir)
	target := filepath.Join(dir, "target")
	if err := os.Mkdir(target, 0o755); err != nil {
		return judgeJunction(e.Home.Root, err)
	}
	link := filepath.Join(dir, "link")
	err = activate.SetCurrent(link, target)
	if err == nil {
		// Wine's stubs report success and create nothing: read it back.
		if got, rerr := activate.ReadCurrent(link); rerr != nil || !e.samePath(got, target) {
			err = errors.Join(activate.ErrLinksUnsupported, rerr)
		}
	}
	return judgeJunction(e.Home.Root, err)
}

// removeProbe removes the probe tree without following the junction (the
// junction goes first, as a directory entry of its own).
func removeProbe(dir string) {
	os.Remove(filepath.Join(dir, "link"))
	os.Remove(filepath.Join(dir, "target"))
	os.Remove(dir)
}

// readDWORD reads a DWORD value under HKLM.
func readDWORD(path, name string) (uint64, bool, error) {
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, path, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	defer k.Close()
	v, _, err := k.GetIntegerValue(name)
	if errors.Is(err, registry.ErrNotExist) {
		return 0, false, nil
	}
	return v, err == nil, err
}

func checkLongPaths(context.Context, *Env) []Finding {
	return judgeLongPaths(readDWORD(`SYSTEM\CurrentControlSet\Control\FileSystem`, "LongPathsEnabled"))
}

func checkDevMode(context.Context, *Env) []Finding {
	v, ok, _ := readDWORD(`SOFTWARE\Microsoft\Windows\CurrentVersion\AppModelUnlock`, "AllowDevelopmentWithoutDevLicense")
	return judgeDevMode(v, ok)
}

// checkEnvKey opens HKCU\Environment for writing without writing anything.
func checkEnvKey(context.Context, *Env) []Finding {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, "Environment", registry.SET_VALUE|registry.QUERY_VALUE)
	if err == nil {
		k.Close()
	}
	return judgeEnvKey(err)
}
