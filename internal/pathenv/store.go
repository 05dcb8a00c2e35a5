package pathenv

import "errors"

// Kind is the registry type of a PATH value.
type Kind int

// Registry value kinds that a PATH can have.
const (
	// KindMissing: no value yet. Setup creates it as KindExpandString.
	KindMissing Kind = iota
	// KindString is REG_SZ: %VAR% references in it are NOT expanded.
	KindString
	// KindExpandString is REG_EXPAND_SZ, the normal type of Path.
	KindExpandString
)

// String names the kind as regedit does.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "REG_SZ"
	case KindExpandString:
		return "REG_EXPAND_SZ"
	default:
		return "missing"
	}
}

// ErrUnsupportedKind is wrapped when a PATH value has a type other than
// REG_SZ or REG_EXPAND_SZ: govm will not rewrite what it cannot read.
var ErrUnsupportedKind = errors.New("unsupported registry value type")

// Store is one persistent PATH value, such as the Path value of
// HKCU\Environment. It is the seam that lets tests use a scratch key.
type Store interface {
	// Name identifies the value in messages, e.g. `HKCU\Environment\Path`.
	Name() string
	// Read returns the raw, unexpanded value and its kind; a missing value
	// is "", KindMissing, nil.
	Read() (string, Kind, error)
	// Write replaces the value, with the given kind (never KindMissing).
	Write(value string, kind Kind) error
}
