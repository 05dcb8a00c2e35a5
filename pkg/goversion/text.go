package goversion

// MarshalText writes the canonical name, so a Version is a plain string in
// JSON, YAML and state files ("go1.22.5"); the zero Version writes "".
func (v Version) MarshalText() ([]byte, error) { return []byte(v.name), nil }

// UnmarshalText reads what MarshalText wrote, or any form Parse accepts. An
// empty text gives the zero Version, so absent fields round-trip.
func (v *Version) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*v = Version{}
		return nil
	}
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*v = p
	return nil
}

// MarshalText writes the normalised request (String); the zero Request
// writes "".
func (r Request) MarshalText() ([]byte, error) { return []byte(r.text), nil }

// UnmarshalText reads any form ParseRequest accepts; empty text gives the
// zero Request.
func (r *Request) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*r = Request{}
		return nil
	}
	p, err := ParseRequest(string(text))
	if err != nil {
		return err
	}
	*r = p
	return nil
}
