package modproxy

import "golang.org/x/mod/semver"

func compareSemver(a, b string) int { return semver.Compare(a, b) }
