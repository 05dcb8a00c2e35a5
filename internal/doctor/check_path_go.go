package doctor

import (
	"context"
	"fmt"
	"path/filepath"
)

func init() {
	register(Check{
		ID:       "PATH-GO",
		Category: CatPath,
		Title:    "the go (and gofmt) a shell runs is govm's",
		Run:      checkPathGo,
	})
}

func checkPathGo(_ context.Context, e *Env) []Finding {
	gos := e.look("go")
	if len(gos) == 0 {
		return []Finding{{Severity: Error,
			Message: "no go is on PATH: a shell here cannot run go",
			Fix:     "govm setup, then open a new shell"}}
	}
	first := e.ownerOf(gos[0])
	govmFirst := first.Kind == ownerCurrent || first.Kind == ownerShim
	var out []Finding
	all := make([]map[string]any, 0, len(gos))
	for _, g := range gos {
		o := e.ownerOf(g)
		all = append(all, map[string]any{"path": g, "owner": string(o.Kind)})
	}
	if govmFirst {
		out = append(out, Finding{Severity: OK, Details: map[string]any{"go": all},
			Message: fmt.Sprintf("go runs %s (%s)", gos[0], first.Name)})
	} else {
		govmAt := -1
		for i, g := range gos {
			if k := e.ownerOf(g).Kind; k == ownerCurrent || k == ownerShim {
				govmAt = i
				break
			}
		}
		msg := fmt.Sprintf("go runs %s, installed by %s, not govm's", gos[0], first.Name)
		fix := "govm setup, then open a new shell"
		if govmAt > 0 {
			msg = fmt.Sprintf("%s (%s) comes before govm's %s on PATH and runs instead", gos[0], first.Name, gos[govmAt])
			fix = first.Remove
			if e.windows() {
				msg += "; Windows searches the system PATH before the user PATH"
				fix += "; or, as administrator, govm setup --system"
			}
		}
		out = append(out, Finding{Severity: Error, Details: map[string]any{"go": all}, Message: msg, Fix: fix})
	}
	if govmFirst {
		for _, g := range gos[1:] {
			o := e.ownerOf(g)
			if o.Kind == ownerCurrent || o.Kind == ownerShim {
				continue
			}
			out = append(out, Finding{Severity: Info, Details: map[string]any{"path": g, "owner": string(o.Kind)},
				Message: fmt.Sprintf("%s (%s) is also on PATH, shadowed by govm's go; it runs if govm's entries are ever removed", g, o.Name),
				Fix:     o.Remove})
		}
	}
	if fmts := e.look("gofmt"); len(fmts) > 0 && !e.samePath(filepath.Dir(fmts[0]), filepath.Dir(gos[0])) {
		out = append(out, Finding{Severity: Warning, Details: map[string]any{"gofmt": fmts[0], "go": gos[0]},
			Message: fmt.Sprintf("gofmt runs from %s but go from %s: they may be different releases", fmts[0], filepath.Dir(gos[0])),
			Fix:     e.ownerOf(fmts[0]).Remove})
	}
	return out
}
