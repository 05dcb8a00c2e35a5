package archive

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// entryPath validates an entry name and returns it relative to the
// extraction directory, without a trailing slash ("." for the prefix
// directory itself). allowDotSlash accepts a leading "./", which tar
// archives made with `tar -C dir .` carry; zip names must be canonical so
// that Manifest.H1 sees the names the checksum database saw.
func entryPath(name, prefix string, o *Options, allowDotSlash bool) (string, *UnsafeEntryError) {
	if reason := nameProblem(name); reason != "" {
		return "", unsafeEntry(name, "%s", reason)
	}
	full := name
	if allowDotSlash {
		for strings.HasPrefix(full, "./") {
			full = full[2:]
		}
	}
	full = strings.TrimSuffix(full, "/")
	if full == "" {
		return "", unsafeEntry(name, "empty name")
	}
	for c := range strings.SplitSeq(full, "/") {
		switch c {
		case "":
			return "", unsafeEntry(name, "empty path component")
		case ".":
			return "", unsafeEntry(name, "'.' path component")
		case "..":
			return "", unsafeEntry(name, "'..' path component")
		}
	}
	rel := full
	if prefix != "" {
		if full+"/" == prefix {
			return ".", nil
		}
		var ok bool
		if rel, ok = strings.CutPrefix(full, prefix); !ok {
			return "", unsafeEntry(name, "outside the expected prefix %q", prefix)
		}
	}
	if o.WindowsNames {
		for c := range strings.SplitSeq(rel, "/") {
			if reason := windowsNameProblem(c); reason != "" {
				return "", unsafeEntry(name, "%s", reason)
			}
		}
	}
	return rel, nil
}

// nameProblem reports what makes a raw name unsafe on any system: it is
// absolute (also in Windows forms), uses backslashes (a separator on
// Windows), or holds NUL or control characters (which also break terminal
// output and the h1: hash's line format). Names must be valid UTF-8.
func nameProblem(name string) string {
	switch {
	case strings.HasPrefix(name, "/"):
		return "absolute path"
	case strings.ContainsRune(name, '\\'):
		return "backslash in name"
	case strings.IndexByte(name, 0) >= 0:
		return "NUL byte in name"
	case len(name) >= 2 && isLetter(name[0]) && name[1] == ':':
		return "absolute path (Windows drive)"
	case !utf8.ValidString(name):
		return "name is not valid UTF-8"
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "control character in name"
		}
	}
	return ""
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// windowsNameProblem reports why Windows cannot hold c as a file name.
func windowsNameProblem(c string) string {
	if i := strings.IndexAny(c, `<>:"|?*`); i >= 0 {
		return "character " + string(c[i]) + " is not allowed on Windows"
	}
	if last := c[len(c)-1]; last == '.' || last == ' ' {
		return "trailing dot or space (Windows drops it)"
	}
	// Windows maps these to devices in any directory and with any
	// extension: "nul.txt" and "NUL .tar.gz" both open the null device.
	base, _, _ := strings.Cut(c, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return "reserved name on Windows"
	}
	if len(base) > 3 && (base[:3] == "COM" || base[:3] == "LPT") {
		switch base[3:] {
		case "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return "reserved name on Windows"
		}
	}
	return ""
}

// symlinkTargetProblem checks a symlink target on its own: it must be a
// relative, slash-separated path. Where it leads is checked by
// checkSymlinks once every link of the archive is known.
func symlinkTargetProblem(target string) string {
	switch {
	case target == "":
		return "empty symlink target"
	case strings.HasPrefix(target, "/"), len(target) >= 2 && isLetter(target[0]) && target[1] == ':':
		return "absolute symlink target " + target
	case strings.ContainsRune(target, '\\'):
		return "backslash in symlink target"
	}
	for _, r := range target {
		if r < 0x20 || r == 0x7f {
			return "control character in symlink target"
		}
	}
	return ""
}

// resolveInside follows the symlink at link (relative to the root) through
// every link of the archive, as the operating system would, and reports
// whether it stays inside the root. Following links matters: "a/up -> .."
// stays inside, but "t -> a/up/.." then leads above the root.
func resolveInside(links map[string]string, link string) bool {
	stack := strings.Split(path.Dir(link), "/")
	if stack[0] == "." {
		stack = stack[:0]
	}
	todo := strings.Split(links[link], "/")
	for hops := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				return false
			}
			stack = stack[:len(stack)-1]
			continue
		}
		stack = append(stack, c)
		target, ok := links[strings.Join(stack, "/")]
		if !ok {
			continue
		}
		if hops++; hops > 255 {
			return false // a loop: refuse rather than leave a trap behind
		}
		if symlinkTargetProblem(target) != "" {
			return false
		}
		stack = stack[:len(stack)-1]
		todo = append(strings.Split(target, "/"), todo...)
	}
	return true
}

// fold maps a name to the key under which names equal up to case collide.
func fold(s string) string { return strings.Map(unicode.ToUpper, s) }

// isModuleExecutable reports the files the go command marks executable in
// a toolchain module zip.
func isModuleExecutable(rel string) bool {
	if m, _ := path.Match("bin/*", rel); m {
		return true
	}
	m, _ := path.Match("pkg/tool/*/*", rel)
	return m
}
