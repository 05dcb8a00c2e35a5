package pathenv

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// machineEnvironment is where Windows keeps the machine-wide variables.
const machineEnvironment = `SYSTEM\CurrentControlSet\Control\Session Manager\Environment`

// regStore is the Path value of one registry key.
type regStore struct {
	root     registry.Key
	rootName string
	path     string
}

func userStore() regStore { return regStore{registry.CURRENT_USER, "HKCU", "Environment"} }

func machineStore() regStore {
	return regStore{registry.LOCAL_MACHINE, "HKLM", machineEnvironment}
}

// Name is the value's full name, for messages.
func (s regStore) Name() string { return s.rootName + `\` + s.path + `\Path` }

// Read returns the raw value without expanding it, and its type.
func (s regStore) Read() (string, Kind, error) {
	k, err := registry.OpenKey(s.root, s.path, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return "", KindMissing, nil
	}
	if err != nil {
		return "", KindMissing, s.explain(err)
	}
	defer k.Close()
	v, typ, err := k.GetStringValue("Path")
	switch {
	case errors.Is(err, registry.ErrNotExist):
		return "", KindMissing, nil
	case errors.Is(err, registry.ErrUnexpectedType):
		return "", KindMissing, fmt.Errorf("%w %d", ErrUnsupportedKind, typ)
	case err != nil:
		return "", KindMissing, s.explain(err)
	case typ == registry.EXPAND_SZ:
		return v, KindExpandString, nil
	default:
		return v, KindString, nil
	}
}

// Write stores value with kind: SetStringValue would turn a REG_EXPAND_SZ
// into REG_SZ and every %VAR% entry would stop resolving.
func (s regStore) Write(value string, kind Kind) error {
	k, _, err := registry.CreateKey(s.root, s.path, registry.SET_VALUE)
	if err != nil {
		return s.explain(err)
	}
	defer k.Close()
	switch kind {
	case KindExpandString:
		err = k.SetExpandStringValue("Path", value)
	case KindString:
		err = k.SetStringValue("Path", value)
	default:
		return fmt.Errorf("%w %v", ErrUnsupportedKind, kind)
	}
	return s.explain(err)
}

func (s regStore) explain(err error) error {
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		return fmt.Errorf("%w to change %s: run govm from an elevated shell (Run as administrator): %w", ErrNeedsElevation, s.Name(), err)
	}
	return err
}

var procSendMessageTimeoutW = windows.NewLazySystemDLL("user32.dll").NewProc("SendMessageTimeoutW")

const (
	hwndBroadcast    = 0xFFFF
	wmSettingChange  = 0x001A
	smtoAbortIfHung  = 0x0002
	broadcastTimeout = 5 * time.Second
)

// broadcastEnvironmentChange tells every top-level window (Explorer above
// all, which starts new shells) to reload the environment from the registry.
// A hung window is skipped rather than waited for.
func broadcastEnvironmentChange() error {
	if err := procSendMessageTimeoutW.Find(); err != nil {
		return fmt.Errorf("broadcast WM_SETTINGCHANGE: %w", err)
	}
	param, err := windows.UTF16PtrFromString("Environment")
	if err != nil {
		return err
	}
	var result uintptr
	r, _, callErr := procSendMessageTimeoutW.Call(
		hwndBroadcast, wmSettingChange, 0, uintptr(unsafe.Pointer(param)),
		smtoAbortIfHung, uintptr(broadcastTimeout.Milliseconds()), uintptr(unsafe.Pointer(&result)))
	// With HWND_BROADCAST a window that does not answer in time makes the
	// call return 0 with ERROR_TIMEOUT after every other window got it.
	if r == 0 && !errors.Is(callErr, windows.ERROR_TIMEOUT) {
		return fmt.Errorf("broadcast WM_SETTINGCHANGE: %w", callErr)
	}
	return nil
}
