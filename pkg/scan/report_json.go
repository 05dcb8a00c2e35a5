package scan

import (
	"encoding/json"
	"fmt"
	"io"
)

// JSONSchema names the layout WriteJSON produces; it changes only when a
// field is removed or changes meaning.
const JSONSchema = "govm.scan/v1"

// WriteJSON writes reports as one JSON document:
//
//	{
//	  "schema": "govm.scan/v1",
//	  "reports": [{                          one per scanned directory
//	    "dir": "path", "work_file": "path/go.work",
//	    "required_go": "1.23", "required_by": "example.com/a@v1.2.0",
//	    "modules": [{"path", "version", "main", "dir", "replace": {"path", "version"},
//	                 "go", "toolchain", "loaded", "direct", "deprecated", "error"}],
//	    "compat": {"target": "go1.22.5", "required_go", "required_by", "ok": false,
//	      "blockers": [{"path", "version", "go", "main", "enforced", "selected",
//	                    "chain": ["example.com/main", "example.com/a@v1.2.0"],
//	                    "fix": {"version", "go", "downgrade"}, "note"}],
//	      "toolchains": [{"file", "toolchain", "above_target"}]},
//	    "outdated": [{"path", "version", "latest", "latest_go", "latest_patch",
//	                  "latest_patch_go", "newer", "retracted": ["v1.2.0"],
//	                  "current_retracted", "deprecated", "error"}],
//	    "vulns": {"database", "modified": RFC 3339, "current", "target",
//	      "modules": [{"id", "aliases", "summary", "url", "module", "version", "fixed"}],
//	      "go": [{"id", "aliases", "summary", "url", "package": "stdlib"|"toolchain",
//	              "affects_current", "affects_target", "fixed_by_target", "fixed"}]},
//	    "binaries": [{"binary": {"file", "go", "main": {"path", "version", "sum"},
//	                             "modules": [{"path", "version", "sum", "replace"}], "settings": {}},
//	                  "blockers": [...as above], "built_below_target", "vulns": {...as above}}],
//	    "notes": ["offline: ..."]
//	  }]
//	}
//
// Empty fields are omitted, except "ok", "loaded", "enforced", "selected",
// the affects_* flags and the module and go lists of "vulns", so that
// consumers can tell "checked, nothing found" from "not checked" (absent
// "compat", "vulns" or "outdated").
func WriteJSON(w io.Writer, reports []*Report) error {
	doc := struct {
		Schema  string    `json:"schema"`
		Reports []*Report `json:"reports"`
	}{JSONSchema, reports}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}
