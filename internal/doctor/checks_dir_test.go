package doctor

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestPlan(t *testing.T) {
	tests := []struct {
		name        string
		gotoolchain string
		gomod       string
		gowork      string
		onPath      string // a go1.X.Y shim put on PATH
		action      string
		target      string
		reason      string
	}{
		{"no module", "auto", "", "", "", actRun, "go1.22.5", "current link points at go1.22.5"},
		{"module satisfied", "auto", "go 1.21.0\n", "", "", actRun, "go1.22.5", ""},
		{"auto downloads", "auto", "go 1.23.0\n", "", "", actDownload, "go1.23.0", "go downloads go1.23.0 from GOPROXY, outside govm"},
		{"auto finds the shim", "auto", "go 1.23.0\n", "", "go1.23.0", actSwitch, "go1.23.0", "found on PATH"},
		{"toolchain line newer", "auto", "go 1.21.0\ntoolchain go1.23rc2\n", "", "", actDownload, "go1.23rc2", "needs it"},
		{"language go line needs .0", "auto", "go 1.23\n", "", "", actDownload, "go1.23.0", ""},
		{"local refuses", "local", "go 1.23.0\n", "", "", actRefuse, "go1.23.0", "forbids switching: go refuses"},
		{"unset means local", "", "go 1.23.0\n", "", "", actRefuse, "go1.23.0", "GOTOOLCHAIN=local"},
		{"path without shim refuses", "path", "go 1.23.0\n", "", "", actRefuse, "go1.23.0", "GOTOOLCHAIN=path forbids downloading"},
		{"path with shim switches", "path", "go 1.23.0\n", "", "go1.23.0", actSwitch, "go1.23.0", ""},
		{"forced older", "go1.21.13", "go 1.21.0\n", "", "", actDownload, "go1.21.13", "forces it"},
		{"forced below go.mod refuses", "go1.21.13", "go 1.22.0\n", "", "", actRefuse, "go1.22.0", "forces go1.21.13 but"},
		{"minimum raises", "go1.23.0+auto", "", "", "go1.23.0", actSwitch, "go1.23.0", "asks for at least it"},
		{"go.work wins over go.mod", "auto", "go 1.21.0\n", "go 1.23.0\nuse .\n", "", actDownload, "go1.23.0", "go.work"},
		{"malformed setting runs local", "banana", "go 1.23.0\n", "", "", actRun, "go1.22.5", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := govmMachine(t)
			if tt.gotoolchain != "" {
				m.env["GOTOOLCHAIN"] = tt.gotoolchain
			}
			if tt.gomod != "" {
				m.write(filepath.Join(m.work, "go.mod"), "module example.com/m\n\n"+tt.gomod)
			}
			if tt.gowork != "" {
				m.write(filepath.Join(m.work, "go.work"), tt.gowork)
			}
			if tt.onPath != "" {
				shims := filepath.Join(m.root, "shims")
				m.exe(filepath.Join(shims, exeName(tt.onPath)))
				m.appendPath(shims)
			}
			p := m.Env().withDefaults().plan()
			if p.Action != tt.action || p.Target.String() != tt.target || !strings.Contains(p.Reason, tt.reason) {
				t.Errorf("plan = %s %s (%s), want %s %s containing %q", p.Action, p.Target, p.Reason, tt.action, tt.target, tt.reason)
			}
		})
	}
}

func TestPlanOldToolchainDoesNotSwitch(t *testing.T) {
	m := newMachine(t)
	m.install("go1.20")
	m.use("go1.20")
	m.appendPath(m.home.CurrentBin())
	m.env["GOTOOLCHAIN"] = "auto"
	m.write(filepath.Join(m.work, "go.mod"), "module m\ngo 1.22.0\n")
	p := m.Env().withDefaults().plan()
	if p.Action != actRun || !strings.Contains(p.Reason, "cannot switch toolchains") {
		t.Errorf("plan = %+v", p)
	}
}

func TestDirGoMod(t *testing.T) {
	t.Run("needs newer, local", func(t *testing.T) {
		m := govmMachine(t)
		m.env["GOTOOLCHAIN"] = "local"
		m.write(filepath.Join(m.work, "go.mod"), "module m\ngo 1.23.0\n")
		expect(t, only(t, m.run(false, "DIR-GOMOD")), Error, "go refuses to run", "govm install 1.23.0 && govm use 1.23.0")
	})
	t.Run("needs newer, auto downloads", func(t *testing.T) {
		m := govmMachine(t)
		m.env["GOTOOLCHAIN"] = "auto"
		m.write(filepath.Join(m.work, "go.mod"), "module m\ngo 1.23.0\n")
		expect(t, only(t, m.run(false, "DIR-GOMOD")), Warning, "outside govm", "govm install 1.23.0 && govm setup --shims")
	})
	t.Run("satisfied", func(t *testing.T) {
		m := govmMachine(t)
		m.write(filepath.Join(m.work, "go.mod"), "module m\ngo 1.21.0\n")
		expect(t, only(t, m.run(false, "DIR-GOMOD")), OK, "needs go1.21.0; go1.22.5 is new enough", "")
	})
	t.Run("found in a parent directory", func(t *testing.T) {
		m := govmMachine(t)
		m.write(filepath.Join(m.work, "go.mod"), "module m\ngo 1.23.0\n")
		sub := filepath.Join(m.work, "internal", "x")
		m.mkdir(sub)
		env := m.Env()
		env.WorkDir = sub
		checks, _ := Select([]string{"DIR-GOMOD"})
		expect(t, only(t, Run(t.Context(), env, Options{Checks: checks})), Error, filepath.Join(m.work, "go.mod"), "")
	})
	t.Run("broken go.mod", func(t *testing.T) {
		m := govmMachine(t)
		m.write(filepath.Join(m.work, "go.mod"), "module m\ngo one.two\n")
		expect(t, only(t, m.run(false, "DIR-GOMOD")), Error, "go.mod", "correct the go or toolchain line")
	})
	t.Run("GO111MODULE=off", func(t *testing.T) {
		m := govmMachine(t)
		m.env["GO111MODULE"] = "off"
		m.write(filepath.Join(m.work, "go.mod"), "module m\ngo 1.23.0\n")
		expect(t, only(t, m.run(false, "DIR-GOMOD")), OK, "no go.mod", "")
	})
}

func TestDirPin(t *testing.T) {
	t.Run("nothing pinned", func(t *testing.T) {
		m := govmMachine(t)
		expect(t, only(t, m.run(false, "DIR-PIN")), OK, "nothing pins", "")
	})
	t.Run("pin not installed", func(t *testing.T) {
		m := govmMachine(t)
		m.write(filepath.Join(m.work, ".go-version"), "1.23.0\n")
		expect(t, only(t, m.run(false, "DIR-PIN")), Warning, ".go-version pins 1.23.0, which is not installed", "govm install")
	})
	t.Run("pin installed but ignored in link mode", func(t *testing.T) {
		m := govmMachine(t)
		m.install("go1.21.13")
		m.write(filepath.Join(m.work, ".go-version"), "1.21.13\n")
		expect(t, only(t, m.run(false, "DIR-PIN")), Warning, "honoured only in shim mode", "govm setup --shims")
	})
	t.Run("pin installed and active", func(t *testing.T) {
		m := govmMachine(t)
		m.write(filepath.Join(m.work, ".go-version"), "1.22.5\n")
		expect(t, only(t, m.run(false, "DIR-PIN")), OK, "go1.22.5 is installed", "")
	})
	t.Run("malformed pin", func(t *testing.T) {
		m := govmMachine(t)
		m.write(filepath.Join(m.work, ".go-version"), "latest-ish\n")
		expect(t, only(t, m.run(false, "DIR-PIN")), Error, "cannot be read", ".go-version")
	})
}

func TestDirEffective(t *testing.T) {
	m := govmMachine(t)
	m.env["GOTOOLCHAIN"] = "auto"
	m.write(filepath.Join(m.work, "go.mod"), "module m\ngo 1.21.0\ntoolchain go1.23.0\n")
	f := only(t, m.run(false, "DIR-EFFECTIVE"))
	expect(t, f, Info, "go resolves to go1.23.0 because "+filepath.Join(m.work, "go.mod")+" needs it and GOTOOLCHAIN=auto (from environment) allows switching", "")

	empty := newMachine(t)
	expect(t, only(t, empty.run(false, "DIR-EFFECTIVE")), Info, "go resolves to nothing known because no go is on PATH", "govm setup")
}
