#!/usr/bin/env bash
# Side-by-side timing of `govm scan` against the go command on a real
# project (default: this repository), with hyperfine.
#
#   bash .ci/bench/scan.sh [PROJECT_DIR] [RUNS]
#
#   graph:    govm scan --offline         vs  go list -m -json all      (warm module cache, no network)
#   outdated: govm scan --outdated        vs  go list -m -u -json all   (both through GOPROXY)
#             once with govm's verified-record cache warm, once cold (emptied before every run)
#
# `go mod download` runs first so that the module cache is warm for both.
# The outdated rows need the module proxy in GOPROXY to be reachable.
# Figures are ratios from one run on a shared machine: compare columns.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
project=$(cd "${1:-$repo}" && pwd)
runs=${2:-10}
command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }

work=$(mktemp -d /tmp/govm-bench-scan.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$repo" && go build -o "$work/govm" ./cmd/govm)
export GOVM_HOME="$work/home"
cd "$project"
echo "warming the module cache of $project ..."
go mod download
echo "modules in the graph: $(go list -m all | wc -l)"

# The two must agree before their times mean anything.
diff <(go list -m all | awk '{print $1, $2}') <("$work/govm" scan --offline --json | python3 -c '
import json, sys
for m in json.load(sys.stdin)["reports"][0]["modules"]:
    print(m["path"], m.get("version", ""))
') >/dev/null || { echo "govm scan --offline and go list -m all disagree" >&2; exit 1; }

echo "== graph (warm module cache)"
hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$work/graph.md" \
	'go list -m -json all' "$work/govm scan --offline"
echo "== outdated, govm cache warm"
"$work/govm" scan --outdated >/dev/null
hyperfine -N --warmup 1 --runs "$runs" --export-markdown "$work/outdated.md" \
	'go list -m -u -json all' "$work/govm scan --outdated"
echo "== outdated, govm cache cold"
hyperfine -N --runs "$runs" --prepare "rm -rf $GOVM_HOME" --export-markdown "$work/outdated-cold.md" \
	'go list -m -u -json all' "$work/govm scan --outdated"
cat "$work/graph.md" "$work/outdated.md" "$work/outdated-cold.md"
