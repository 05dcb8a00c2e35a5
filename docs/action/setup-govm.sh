#!/usr/bin/env bash
# The action's main step: resolve the requested Go version, install and
# activate it with `govm ensure`, and export it to later steps with
# `govm env --shell github`. Inputs arrive as INPUT_GO_VERSION and
# INPUT_GO_VERSION_FILE; GITHUB_PATH, GITHUB_ENV and GITHUB_OUTPUT are the
# files GitHub Actions reads back after the step.
set -euo pipefail

fail() { echo "::error title=setup-govm::$*" >&2; exit 1; }

version=${INPUT_GO_VERSION:-}
file=${INPUT_GO_VERSION_FILE:-}
[ -z "$version" ] || [ -z "$file" ] || fail "set go-version or go-version-file, not both"

# json_version pulls "version" out of govm's JSON without needing jq.
json_version() { sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' | head -n 1; }

if [ -n "$file" ]; then
	[ -f "$file" ] || fail "go-version-file $file does not exist"
	case $(basename "$file") in
	go.mod | go.work | .go-version) ;;
	*) fail "go-version-file $file: want go.mod, go.work or .go-version" ;;
	esac
	# env reads the pin the way the go command does and installs what it names.
	version=$(govm env "$file" --json | json_version)
	[ -n "$version" ] || fail "no Go version found in $file"
fi

if [ -n "$version" ]; then
	out=$(govm ensure "$version" --json)
else
	# Neither input: the pins of the working directory decide.
	out=$(govm ensure --json)
fi
active=$(printf '%s\n' "$out" | json_version)
[ -n "$active" ] || fail "govm ensure reported no version: $out"

govm env "$active" --shell github
echo "go-version=$active" >> "$GITHUB_OUTPUT"
echo "Go $active is active"
