package doctor

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

func init() {
	register(Check{
		ID:       "GOENV-PROXY",
		Category: CatGoEnv,
		Title:    "module downloads are verified (GOPROXY, GOSUMDB, GONOSUMDB, GOPRIVATE, GOFLAGS)",
		Run:      checkGoProxy,
	})
}

// unsetFix names how to clear a go setting given where it came from.
func unsetFix(key string, v goEnvValue) string {
	if isUserEnvOrigin(v.Origin) {
		return "go env -u " + key
	}
	if v.Origin == "environment" {
		return "unset " + key + " in your shell profile or CI configuration"
	}
	return "go env -w " + key + "= (this overrides " + v.Origin + ")"
}

func checkGoProxy(_ context.Context, e *Env) []Finding {
	var out []Finding
	add := func(sev Severity, key string, v goEnvValue, msg, fix string) {
		out = append(out, Finding{Severity: sev, Message: msg, Fix: fix,
			Details: map[string]any{"key": key, "value": v.Value, "origin": v.Origin}})
	}
	if v := e.goEnv("GOPROXY"); v.set() {
		switch strings.TrimSpace(v.Value) {
		case "off":
			add(Warning, "GOPROXY", v, fmt.Sprintf("GOPROXY=off (from %s): go cannot download modules or switch toolchains", v.Origin), unsetFix("GOPROXY", v))
		case "direct":
			add(Info, "GOPROXY", v, fmt.Sprintf("GOPROXY=direct (from %s): every module comes straight from its VCS, which is slower and fails when a repository disappears", v.Origin), "go env -w GOPROXY=https://proxy.golang.org,direct (or your company proxy)")
		}
	}
	if v := e.goEnv("GOSUMDB"); strings.TrimSpace(v.Value) == "off" {
		add(Warning, "GOSUMDB", v, fmt.Sprintf("GOSUMDB=off (from %s): downloaded modules and toolchains are not checked against the checksum database", v.Origin), unsetFix("GOSUMDB", v))
	}
	for _, key := range []string{"GONOSUMDB", "GONOSUMCHECK", "GOINSECURE"} {
		v := e.goEnv(key)
		if !v.set() {
			continue
		}
		what := "skip the checksum database"
		if key == "GOINSECURE" {
			what = "are fetched over plain HTTP without certificate checks"
		}
		sev := Warning
		if key == "GONOSUMDB" && len(broadPatterns(v.Value)) == 0 {
			sev = Info
		}
		add(sev, key, v, fmt.Sprintf("%s=%s (from %s): modules matching it %s", key, v.Value, v.Origin, what),
			"limit it to your private module paths (e.g. corp.example.com/*), or "+unsetFix(key, v))
	}
	if v := e.goEnv("GOFLAGS"); v.set() && hasInsecureFlag(v.Value) {
		add(Warning, "GOFLAGS", v, fmt.Sprintf("GOFLAGS=%q (from %s) turns off verification of downloads", v.Value, v.Origin), unsetFix("GOFLAGS", v))
	}
	if v := e.goEnv("GOPRIVATE"); v.set() {
		if bad := badPrivatePatterns(v.Value); len(bad) > 0 {
			add(Warning, "GOPRIVATE", v, fmt.Sprintf("GOPRIVATE (from %s) has patterns that match no module path: %s", v.Origin, strings.Join(bad, ", ")),
				"write module path prefixes without a scheme, separated by commas: go env -w GOPRIVATE=corp.example.com,github.com/myorg/*")
		}
		if broad := broadPatterns(v.Value); len(broad) > 0 {
			add(Warning, "GOPRIVATE", v, fmt.Sprintf("GOPRIVATE (from %s) covers %s: those modules skip the proxy and the checksum database", v.Origin, strings.Join(broad, ", ")),
				"name only your own paths: go env -w GOPRIVATE=github.com/myorg/*")
		}
	}
	if len(out) == 0 {
		out = append(out, Finding{Severity: OK, Message: "module downloads go through a proxy and are checked against the checksum database"})
	}
	return out
}

// hasInsecureFlag reports whether GOFLAGS holds -insecure (any spelling the
// flag package accepts).
func hasInsecureFlag(goflags string) bool {
	for _, f := range strings.Fields(goflags) {
		name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if strings.HasPrefix(f, "-") && name == "insecure" {
			return true
		}
	}
	return false
}

// publicHosts serve modules of everyone: a pattern covering one of them
// whole exempts the world's modules, not a company's.
var publicHosts = []string{"github.com", "gitlab.com", "bitbucket.org", "golang.org", "gopkg.in", "go.googlesource.com"}

// broadPatterns returns the patterns of a GOPRIVATE-style list that cover
// everything ("*") or a whole public host ("github.com", "github.com/*").
func broadPatterns(list string) []string {
	var out []string
	for _, p := range splitPatterns(list) {
		elems := strings.Split(p, "/")
		if elems[0] == "*" || slices.Contains(publicHosts, elems[0]) && (len(elems) == 1 || len(elems) == 2 && elems[1] == "*") {
			out = append(out, p)
		}
	}
	return out
}

// splitPatterns splits a GOPRIVATE-style list at commas, dropping empties.
func splitPatterns(list string) []string {
	var out []string
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// badPrivatePatterns returns the GOPRIVATE patterns the go command can
// never match: with a URL scheme, a space, a backslash, or a trailing slash
// (patterns are module path prefixes such as corp.example.com/*).
func badPrivatePatterns(list string) []string {
	var bad []string
	for _, p := range strings.Split(list, ",") {
		t := strings.TrimSpace(p)
		switch {
		case t == "" && strings.TrimSpace(list) != "":
			continue
		case strings.Contains(t, "://"), strings.ContainsAny(t, " \t\\;"), strings.HasSuffix(t, "/"), t != p && t != "":
			bad = append(bad, fmt.Sprintf("%q", p))
		}
	}
	return bad
}
