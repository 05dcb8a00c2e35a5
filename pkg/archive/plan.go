package archive

import (
	"io/fs"
	"path"
)

// kind is what an archive path holds.
type kind uint8

const (
	kindDir kind = iota + 1
	kindFile
	kindSymlink
)

// seenPath is what the namespace knows about one path.
type seenPath struct {
	name     string // the path as first seen, for case-collision messages
	kind     kind
	explicit bool // listed by the archive, not only implied as a parent
}

// namespace tracks every path an archive creates, explicit or implied, so
// that duplicates, case collisions, entries under a symlink and entries
// under a file are refused before anything is written. It also enforces
// Limits on what was declared so far.
type namespace struct {
	o     *Options
	lim   Limits
	paths map[string]*seenPath
	links map[string]string // symlink path -> target
	files map[string]Entry  // regular files, for hard links
	count int
	total int64
}

func newNamespace(o *Options) *namespace {
	return &namespace{
		o:     o,
		lim:   o.Limits.withDefaults(),
		paths: make(map[string]*seenPath),
		links: make(map[string]string),
		files: make(map[string]Entry),
	}
}

func (ns *namespace) key(p string) string {
	if ns.o.CaseInsensitive {
		return fold(p)
	}
	return p
}

// add registers entry name (raw) at rel with kind k and a declared size,
// checking it against everything registered before.
func (ns *namespace) add(name, rel string, k kind, size int64) *UnsafeEntryError {
	ns.count++
	if ns.count > ns.lim.MaxFiles {
		return &UnsafeEntryError{Entry: name, Reason: "more than MaxFiles entries", Err: ErrLimit}
	}
	if k == kindFile {
		if size > ns.lim.MaxFileBytes {
			return &UnsafeEntryError{Entry: name, Reason: "file larger than MaxFileBytes", Err: ErrLimit}
		}
		ns.total += size
		if ns.total > ns.lim.MaxTotalBytes {
			return &UnsafeEntryError{Entry: name, Reason: "archive unpacks to more than MaxTotalBytes", Err: ErrLimit}
		}
	}
	if rel == "." {
		if k != kindDir {
			return unsafeEntry(name, "the prefix directory itself is not a directory")
		}
		if p := ns.paths["."]; p != nil {
			return unsafeEntry(name, "duplicate entry")
		}
		ns.paths["."] = &seenPath{name: ".", kind: kindDir, explicit: true}
		return nil
	}
	// Every parent must be a directory, or become an implied one.
	for i := 0; i < len(rel); i++ {
		if rel[i] != '/' {
			continue
		}
		parent := rel[:i]
		p := ns.paths[ns.key(parent)]
		switch {
		case p == nil:
			ns.paths[ns.key(parent)] = &seenPath{name: parent, kind: kindDir}
		case p.name != parent:
			return unsafeEntry(name, "directory %q differs only in case from %q", parent, p.name)
		case p.kind == kindSymlink:
			return unsafeEntry(name, "path goes through symlink %q", parent)
		case p.kind != kindDir:
			return unsafeEntry(name, "parent %q is not a directory", parent)
		}
	}
	p := ns.paths[ns.key(rel)]
	switch {
	case p == nil:
		ns.paths[ns.key(rel)] = &seenPath{name: rel, kind: k, explicit: true}
	case p.name != rel:
		return unsafeEntry(name, "differs only in case from %q", p.name)
	case p.explicit && p.kind == k:
		return unsafeEntry(name, "duplicate entry")
	case p.explicit || k != kindDir:
		return unsafeEntry(name, "conflicts with an earlier entry of another type at the same path")
	default:
		p.explicit = true // a directory listed after its contents
	}
	return nil
}

// addSymlink registers a symlink after checking its target's form.
func (ns *namespace) addSymlink(name, rel, target string) *UnsafeEntryError {
	if reason := symlinkTargetProblem(target); reason != "" {
		return unsafeEntry(name, "%s", reason)
	}
	if err := ns.add(name, rel, kindSymlink, 0); err != nil {
		return err
	}
	ns.links[rel] = target
	return nil
}

// checkSymlinks verifies, once every link is known, that each one
// resolves inside the root. names maps rel to the raw entry name.
func (ns *namespace) checkSymlinks(names map[string]string) *UnsafeEntryError {
	for rel, target := range ns.links {
		if !resolveInside(ns.links, rel) {
			return unsafeEntry(names[rel], "symlink target %q leaves the extraction directory", target)
		}
	}
	return nil
}

// fileMode is the mode a file is created with: exec bits are the only
// permission an archive decides, everything else is 0644.
func (ns *namespace) fileMode(rel string, archived fs.FileMode) fs.FileMode {
	if archived&0o111 != 0 || (ns.o.ModuleZip && isModuleExecutable(rel)) {
		return 0o755
	}
	return 0o644
}

// parentDirs lists rel's parent directories, outermost first.
func parentDirs(rel string) []string {
	var dirs []string
	for d := path.Dir(rel); d != "."; d = path.Dir(d) {
		dirs = append(dirs, d)
	}
	for i, j := 0, len(dirs)-1; i < j; i, j = i+1, j-1 {
		dirs[i], dirs[j] = dirs[j], dirs[i]
	}
	return dirs
}
