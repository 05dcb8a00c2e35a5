// Package policy is the machine policy an administrator sets in the machine
// config file: which Go versions may run, where toolchains may come from,
// whether verification may be skipped. Users cannot override it, so every
// decision here names the file and the rule that made it.
package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/govm-dev/govm/pkg/goversion"
)

// ErrDenied is wrapped by every denial; the CLI maps it to exit code 5.
var ErrDenied = errors.New("denied by machine policy")

// Source kinds a policy may allow. A mirror location counts as "mirror",
// a local archive as "file".
const (
	SourceAuto   = "auto"
	SourceGoDev  = "godev"
	SourceProxy  = "proxy"
	SourceMirror = "mirror"
	SourceFile   = "file"
)

// Block forbids the versions a request matches, with a reason shown to users.
type Block struct {
	Versions string `json:"versions"`
	Reason   string `json:"reason"`
}

// Policy is the `policy` section of the machine config file. The zero
// Policy allows everything.
type Policy struct {
	// File is the machine config file the policy came from, named in denials.
	File string `json:"file,omitempty"`
	// Allowed is a version request (1.22, ">=1.21 <1.24", 1.22.5); empty allows all.
	Allowed string `json:"allowed_versions,omitempty"`
	// Blocked lists versions that may not run, whatever Allowed says.
	Blocked []Block `json:"blocked_versions,omitempty"`
	// Sources lists the source kinds allowed; empty allows all.
	Sources []string `json:"sources,omitempty"`
	// RequireVerification forbids --insecure and insecure=true.
	RequireVerification bool `json:"require_verification,omitempty"`
	// Mirror is the only place toolchains come from when set.
	Mirror string `json:"mirror,omitempty"`
	// ShimAutoInstall says whether a shim may install the version a pin asks
	// for when it is missing; nil (unset) allows it, as the user's
	// auto_install setting then decides. Such an install is still checked
	// against every other rule.
	ShimAutoInstall *bool `json:"shim_auto_install,omitempty"`

	allowed goversion.Request
	blocked []goversion.Request
}

// Denial says which rule of which file refused an action.
type Denial struct {
	File   string
	Rule   string
	Action string
	Detail string
}

func (d *Denial) Error() string {
	file := d.File
	if file == "" {
		file = "the machine config"
	}
	return fmt.Sprintf("%s: %s (rule policy.%s in %s)", d.Action, d.Detail, d.Rule, file)
}

// Unwrap makes every denial an ErrDenied.
func (d *Denial) Unwrap() error { return ErrDenied }

// Compile checks the policy's requests and source names; Load-time errors
// point at the file so an administrator finds the typo.
func (p *Policy) Compile() error {
	if p.Allowed != "" {
		r, err := goversion.ParseRequest(p.Allowed)
		if err != nil {
			return fmt.Errorf("policy.allowed_versions %q in %s: %w", p.Allowed, p.File, err)
		}
		p.allowed = r
	}
	p.blocked = p.blocked[:0]
	for i, b := range p.Blocked {
		r, err := goversion.ParseRequest(b.Versions)
		if err != nil {
			return fmt.Errorf("policy.blocked_versions[%d] %q in %s: %w", i, b.Versions, p.File, err)
		}
		p.blocked = append(p.blocked, r)
	}
	for _, s := range p.Sources {
		switch s {
		case SourceAuto, SourceGoDev, SourceProxy, SourceMirror, SourceFile:
		default:
			return fmt.Errorf("policy.sources in %s: unknown source %q; want auto, godev, proxy, mirror or file", p.File, s)
		}
	}
	return nil
}

// CheckVersion refuses a version the policy does not allow to run.
// action names the command ("install go1.22.4") for the message.
func (p *Policy) CheckVersion(action string, v goversion.Version) error {
	all := goversion.ResolveOptions{Pre: true}
	for i, r := range p.blocked {
		if r.Matches(v, all) {
			reason := p.Blocked[i].Reason
			if reason == "" {
				reason = "no reason given"
			}
			return &Denial{File: p.File, Rule: "blocked_versions", Action: action,
				Detail: fmt.Sprintf("%s is blocked: %s", v, reason)}
		}
	}
	if !p.allowed.IsZero() && !p.allowed.Matches(v, all) {
		return &Denial{File: p.File, Rule: "allowed_versions", Action: action,
			Detail: fmt.Sprintf("%s is not in the allowed versions %q", v, p.Allowed)}
	}
	return nil
}

// CheckSource refuses a source kind the policy does not list.
func (p *Policy) CheckSource(action, kind, location string) error {
	if len(p.Sources) == 0 || slices.Contains(p.Sources, kind) {
		return nil
	}
	return &Denial{File: p.File, Rule: "sources", Action: action,
		Detail: fmt.Sprintf("source %s (%s) is not allowed; allowed: %s", kind, location, strings.Join(p.Sources, ", "))}
}

// CheckInsecure refuses skipping verification when the policy requires it.
func (p *Policy) CheckInsecure(action string, insecure bool) error {
	if insecure && p.RequireVerification {
		return &Denial{File: p.File, Rule: "require_verification", Action: action,
			Detail: "--insecure (or insecure=true) is forbidden: every archive must verify"}
	}
	return nil
}

// CheckShimAutoInstall refuses a shim's install of a missing version when
// the policy sets shim_auto_install to false.
func (p *Policy) CheckShimAutoInstall(action string) error {
	if p.ShimAutoInstall == nil || *p.ShimAutoInstall {
		return nil
	}
	return &Denial{File: p.File, Rule: "shim_auto_install", Action: action,
		Detail: "shims may not install missing versions on this machine; run 'govm install' (subject to the same policy) or ask your administrator"}
}

// SourceKind classifies a configured source value for CheckSource.
func SourceKind(source, mirror string) string {
	switch source {
	case SourceGoDev, SourceProxy:
		return source
	case SourceAuto, "":
		if mirror != "" {
			return SourceMirror
		}
		return SourceAuto
	default:
		return SourceMirror
	}
}

// CheckMirror refuses a source other than the policy's mirror when the
// policy names one; "auto" (the default) is fine, as config points it at
// the mirror.
func (p *Policy) CheckMirror(action, source string) error {
	if p.Mirror == "" || source == "" || source == SourceAuto || source == p.Mirror {
		return nil
	}
	return &Denial{File: p.File, Rule: "mirror", Action: action,
		Detail: fmt.Sprintf("source %s is not allowed: toolchains come only from the mirror %s", source, p.Mirror)}
}
