//go:build unix

package pathenv

import (
	"strings"
)

// Shell names used in reports and by Print.
const (
	ShellBash       = "bash"
	ShellZsh        = "zsh"
	ShellFish       = "fish"
	ShellPowerShell = "pwsh"
	ShellPOSIX      = "sh"
)

const blockNote = "# Added by `govm setup`; `govm setup --undo` removes this block."

// shellBlock returns the marked block that puts dirs (first one first) in
// front of PATH for shell, skipping any dir PATH already holds so that nested
// shells do not grow PATH.
func shellBlock(shell string, dirs []string) string {
	// Prepending one at a time reverses the order: walk dirs backwards.
	rev := make([]string, len(dirs))
	for i, d := range dirs {
		rev[len(dirs)-1-i] = d
	}
	var b strings.Builder
	b.WriteString(MarkerStart + "\n" + blockNote + "\n")
	switch shell {
	case ShellFish:
		b.WriteString("for _govm_dir in " + quoteAll(rev, fishQuote) + "\n")
		b.WriteString("    if not contains -- $_govm_dir $PATH\n")
		b.WriteString("        set -gx PATH $_govm_dir $PATH\n")
		b.WriteString("    end\n")
		b.WriteString("end\n")
		b.WriteString("set -e _govm_dir\n")
	case ShellPowerShell:
		b.WriteString("foreach ($govmDir in @(" + strings.Join(mapQuote(rev, psQuote), ", ") + ")) {\n")
		b.WriteString("    if (-not (($env:PATH -split [IO.Path]::PathSeparator) -ccontains $govmDir)) {\n")
		b.WriteString("        $env:PATH = $govmDir + [IO.Path]::PathSeparator + $env:PATH\n")
		b.WriteString("    }\n")
		b.WriteString("}\n")
		b.WriteString("Remove-Variable govmDir\n")
	default: // bash, zsh and POSIX sh share one syntax
		b.WriteString("for _govm_dir in " + quoteAll(rev, shQuote) + "; do\n")
		b.WriteString("    case \":${PATH}:\" in\n")
		b.WriteString("        *\":${_govm_dir}:\"*) ;;\n")
		b.WriteString("        *) PATH=\"${_govm_dir}${PATH:+:${PATH}}\" ;;\n")
		b.WriteString("    esac\n")
		b.WriteString("done\n")
		b.WriteString("unset _govm_dir\n")
		b.WriteString("export PATH\n")
	}
	b.WriteString(MarkerEnd + "\n")
	return b.String()
}

func quoteAll(s []string, quote func(string) string) string {
	return strings.Join(mapQuote(s, quote), " ")
}

func mapQuote(s []string, quote func(string) string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = quote(v)
	}
	return out
}

// shQuote single-quotes s for POSIX shells: nothing inside is special except
// the quote itself, which is closed, escaped and reopened.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fishQuote single-quotes s for fish, where backslash and quote are escaped with a backslash.
func fishQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}

// psQuote single-quotes s for PowerShell, where a quote is doubled.
func psQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
