package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govm-dev/govm/internal/proc"
	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/install"
)

// toolchainFor returns the GOROOT of an installed version matching req,
// installing the newest match first when none is installed (exec and env
// are for CI jobs, which start from an empty cache and never prompt).
// When it installs, rec (nil-safe) is told, so the command logs a line.
func (a *app) toolchainFor(ctx context.Context, req goversion.Request, rec *opRecord) (goversion.Version, string, error) {
	h, err := a.home()
	if err != nil {
		return goversion.Version{}, "", err
	}
	if v, dir, ok := a.selectInstalled(h, req); ok {
		if err := a.allowVersion("run", v); err != nil {
			return goversion.Version{}, "", err
		}
		return v, dir, nil
	}
	if err := a.allowSource("install", ""); err != nil {
		return goversion.Version{}, "", err
	}
	src, err := a.source(ctx)
	if err != nil {
		return goversion.Version{}, "", err
	}
	in, err := a.installer(src)
	if err != nil {
		return goversion.Version{}, "", err
	}
	v, err := install.Resolve(ctx, src, req, runtime.GOOS, runtime.GOARCH, goversion.ResolveOptions{})
	if err != nil {
		return goversion.Version{}, "", err
	}
	if err := a.allowVersion("install", v); err != nil {
		return goversion.Version{}, "", err
	}
	if rec != nil {
		rec.noop = false // installing changes state: log it, failed or not
	}
	r, err := in.Install(ctx, v, "", "", false)
	if err != nil {
		return goversion.Version{}, "", err
	}
	rec.installed(r)
	return v, r.Path, nil
}

// toolchainEnv is what exec sets and what env prints: the version's bin first
// on PATH, GOROOT removed (each toolchain finds its own), GOTOOLCHAIN set so
// the go command does not silently switch to another toolchain.
type toolchainEnv struct {
	GOROOT      string `json:"goroot"`
	Bin         string `json:"path_prepend"`
	GOTOOLCHAIN string `json:"GOTOOLCHAIN"`
	Version     string `json:"version"`
}

func (a *app) envFor(v goversion.Version, dir string) (toolchainEnv, error) {
	cfg, err := a.config()
	if err != nil {
		return toolchainEnv{}, err
	}
	return toolchainEnv{GOROOT: dir, Bin: filepath.Join(dir, "bin"), GOTOOLCHAIN: cfg.GoToolchain, Version: v.String()}, nil
}

func (a *app) execCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exec VERSION -- COMMAND [ARG...]",
		Short: "Run a command with VERSION first on PATH (installs it if needed)",
		Long: `Run COMMAND with the toolchain for VERSION first on PATH, GOROOT removed
and GOTOOLCHAIN=local (configurable), without changing the global default.
VERSION may be a release, a line, a range, or a pin file (go.mod, .go-version).
A missing version is installed first. COMMAND's exit code is govm's.`,
		Example: "  govm exec 1.22 -- go test ./...\n  govm exec go.mod -- go build ./cmd/app",
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Only the version is logged: the command line may hold secrets.
			return a.logged(cmd, args[:1], func(rec *opRecord) error {
				rec.noop = true // running a command changes nothing; an install does
				return a.runExec(cmd.Context(), args[0], args[1:], rec)
			})
		},
	}
	// Everything after VERSION belongs to COMMAND, flags included.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// requestArg reads a version argument that may also be a pin file.
func requestArg(arg string) (goversion.Request, error) {
	if isPinFileName(arg) {
		pin, err := goversion.ReadPinFile(arg)
		if err != nil {
			return goversion.Request{}, err
		}
		return pin.Request, nil
	}
	return goversion.ParseRequest(arg)
}

func (a *app) runExec(ctx context.Context, version string, argv []string, rec *opRecord) error {
	if argv[0] == "--" {
		argv = argv[1:]
	}
	if len(argv) == 0 {
		return usagef("exec %s: no command given; write e.g. 'govm exec %s -- go version'", version, version)
	}
	req, err := requestArg(version)
	if err != nil {
		return err
	}
	v, dir, err := a.toolchainFor(ctx, req, rec)
	if err != nil {
		return err
	}
	te, err := a.envFor(v, dir)
	if err != nil {
		return err
	}
	env := proc.PrependPath(a.env.Environ(), te.Bin)
	env = proc.EnvWith(env, map[string]string{"GOTOOLCHAIN": te.GOTOOLCHAIN}, "GOROOT")
	path, err := lookPath(argv[0], env)
	if err != nil {
		return err
	}
	a.verbosef("running %s with %s", path, v)
	code, err := proc.Run(ctx, path, argv, env, proc.Stdio{In: a.io.In, Out: a.io.Out, Err: a.io.Err})
	if err != nil {
		return fmt.Errorf("exec %s: %w", argv[0], err)
	}
	if code != 0 {
		return exitError{code: code}
	}
	return nil
}

// lookPath finds name in the PATH of env (not this process's PATH, which
// does not yet hold the toolchain), with PATHEXT on Windows.
func lookPath(name string, env []string) (string, error) {
	if strings.ContainsAny(name, `/\`) {
		return name, nil
	}
	var pathList, pathext string
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case strings.EqualFold(k, "PATH") && (runtime.GOOS == "windows" || k == "PATH"):
			pathList = v
		case strings.EqualFold(k, "PATHEXT"):
			pathext = v
		}
	}
	exts := []string{""}
	if runtime.GOOS == "windows" {
		exts = []string{}
		if pathext == "" {
			pathext = ".COM;.EXE;.BAT;.CMD"
		}
		for _, e := range strings.Split(pathext, ";") {
			if e != "" {
				exts = append(exts, strings.ToLower(e))
			}
		}
	}
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			continue
		}
		for _, ext := range exts {
			p := filepath.Join(dir, name+ext)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() && (runtime.GOOS == "windows" || fi.Mode()&0o111 != 0) {
				return p, nil
			}
		}
	}
	return "", notFoundf("command %q not found on PATH (the toolchain's bin directory was searched first)", name)
}

var shells = []string{"bash", "zsh", "fish", "powershell", "cmd", "github", "json"}

func (a *app) envCommand() *cobra.Command {
	var shell string
	cmd := &cobra.Command{
		Use:   "env [VERSION]",
		Short: "Print the environment that puts a version first on PATH",
		Long: `Print shell code that puts VERSION (or the version in effect here) first on
PATH, removes GOROOT and sets GOTOOLCHAIN. Evaluate it in your shell, or use
--shell github inside GitHub Actions to append to $GITHUB_PATH and $GITHUB_ENV.`,
		Example: `  eval "$(govm env 1.22 --shell bash)"
  govm env 1.22 --shell powershell | Invoke-Expression
  govm env go.mod --shell github`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.logged(cmd, args, func(rec *opRecord) error {
				rec.noop = true // printing changes nothing; an install does
				return a.runEnv(cmd.Context(), args, shell, rec)
			})
		},
	}
	def := "bash"
	if runtime.GOOS == "windows" {
		def = "powershell"
	}
	cmd.Flags().StringVar(&shell, "shell", def, "output for: "+strings.Join(shells, ", "))
	return cmd
}

func (a *app) runEnv(ctx context.Context, args []string, shell string, rec *opRecord) error {
	if a.flags.json {
		shell = "json"
	}
	known := false
	for _, s := range shells {
		known = known || s == shell
	}
	if !known {
		return usagef("--shell %q: want one of %s", shell, strings.Join(shells, ", "))
	}
	var v goversion.Version
	var dir string
	if len(args) == 1 {
		req, err := requestArg(args[0])
		if err != nil {
			return err
		}
		if v, dir, err = a.toolchainFor(ctx, req, rec); err != nil {
			return err
		}
	} else {
		d, err := a.decide()
		if err != nil {
			return err
		}
		v, dir = d.Version, d.Dir
	}
	te, err := a.envFor(v, dir)
	if err != nil {
		return err
	}
	if shell == "github" {
		return a.writeGitHubEnv(te)
	}
	if shell == "json" {
		return a.printJSON(te)
	}
	fmt.Fprint(a.out(), shellCode(shell, te))
	return nil
}

// shellCode renders te for one shell, quoting paths so that spaces, quotes
// and $ in a home directory survive evaluation.
func shellCode(shell string, te toolchainEnv) string {
	var b strings.Builder
	switch shell {
	case "bash", "zsh":
		fmt.Fprintf(&b, "export PATH=%s\"${PATH:+:$PATH}\"\n", posixQuote(te.Bin))
		fmt.Fprintf(&b, "export GOTOOLCHAIN=%s\n", posixQuote(te.GOTOOLCHAIN))
		b.WriteString("unset GOROOT\n")
	case "fish":
		fmt.Fprintf(&b, "set -gx PATH %s $PATH\n", posixQuote(te.Bin))
		fmt.Fprintf(&b, "set -gx GOTOOLCHAIN %s\n", posixQuote(te.GOTOOLCHAIN))
		b.WriteString("set -e GOROOT\n")
	case "powershell":
		fmt.Fprintf(&b, "$env:PATH = %s + [IO.Path]::PathSeparator + $env:PATH\n", psQuote(te.Bin))
		fmt.Fprintf(&b, "$env:GOTOOLCHAIN = %s\n", psQuote(te.GOTOOLCHAIN))
		b.WriteString("Remove-Item Env:GOROOT -ErrorAction SilentlyContinue\n")
	case "cmd":
		fmt.Fprintf(&b, "set \"PATH=%s;%%PATH%%\"\n", te.Bin)
		fmt.Fprintf(&b, "set \"GOTOOLCHAIN=%s\"\n", te.GOTOOLCHAIN)
		b.WriteString("set GOROOT=\n")
	}
	return b.String()
}

// posixQuote single-quotes s for sh, bash, zsh and fish.
func posixQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// psQuote single-quotes s for PowerShell, where ” is a literal quote.
func psQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// writeGitHubEnv appends to the files GitHub Actions reads between steps.
func (a *app) writeGitHubEnv(te toolchainEnv) error {
	pathFile, envFile := a.env.Getenv("GITHUB_PATH"), a.env.Getenv("GITHUB_ENV")
	if pathFile == "" || envFile == "" {
		return usagef("--shell github needs GITHUB_PATH and GITHUB_ENV (set by GitHub Actions); use --shell bash elsewhere")
	}
	if err := appendLine(pathFile, te.Bin); err != nil {
		return err
	}
	if err := appendLine(envFile, "GOTOOLCHAIN="+te.GOTOOLCHAIN); err != nil {
		return err
	}
	a.io.Infof("added %s to GITHUB_PATH and GOTOOLCHAIN=%s to GITHUB_ENV", te.Bin, te.GOTOOLCHAIN)
	return nil
}

func appendLine(path, line string) error {
	if strings.ContainsAny(line, "\r\n") {
		return errors.New("refusing to write a value with a newline to " + path)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
