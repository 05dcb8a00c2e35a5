#!/usr/bin/env bash
# Side-by-side timing of the everyday switching paths, with hyperfine:
#   govm ensure V (already in place)       target: median under 5 ms
#   go version through the shim vs direct  target: at most 2 ms slower
#   govm use between two installed versions (govm rollback toggles)  target: under 10 ms
#
#   bash .ci/bench/switch.sh [RUNS]
set -euo pipefail
runs=${1:-200}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
work=$(mktemp -d /tmp/govm-bench-switch.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Keep the Go caches where they are while HOME moves to a scratch directory.
export GOPATH="$(go env GOPATH)" GOMODCACHE="$(go env GOMODCACHE)" GOCACHE="$(go env GOCACHE)"
export GOVM_HOME="$work/home" GOVM_CONFIG= GOVM_MACHINE_CONFIG="$work/none.yaml" NO_COLOR=1 HOME="$work/userhome"
mkdir -p "$HOME"
cd "$repo"
GOVM_BENCH_HOME="$GOVM_HOME" go test ./internal/cli -run '^TestPrepareBenchHome$' -count=1 >"$work/prepare.log" 2>&1 ||
	{ cat "$work/prepare.log"; exit 1; }
go build -trimpath -o "$work/govm" ./cmd/govm
go build -trimpath -o "$work/govm-shim" ./cmd/govm-shim
"$work/govm" setup --shims --quiet
hello="$work/hello"; mkdir -p "$hello" && printf 'package main\n\nfunc main() {}\n' > "$hello/main.go" && printf 'module hello\n\ngo 1.21\n' > "$hello/go.mod"
(cd "$hello" && go build -o "$work/hellobin" .)
mkdir -p "$work/proj" && echo 1.22.5 > "$work/proj/.go-version"
cd "$work/proj"
hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/ensure.json" \
	-n "empty Go program (floor)" "$work/hellobin" \
	-n "govm version" "$work/govm version" \
	-n "govm ensure 1.22.5 (in place)" "$work/govm ensure 1.22.5"
hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/shim.json" \
	-n "go version (direct)" "$GOVM_HOME/versions/go1.22.5/bin/go version" \
	-n "go version (shim, .go-version pin)" "$GOVM_HOME/bin/go version"
hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/use.json" \
	-n "govm rollback (a real switch each run)" "$work/govm rollback --quiet"
# Medians, since the targets are medians and shared machines have outliers.
python3 - "$work"/ensure.json "$work"/shim.json "$work"/use.json <<'PY'
import json, sys
print("| command | median ms | mean ms | min ms |")
print("|---|---:|---:|---:|")
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        print(f"| {r['command']} | {r['median']*1000:.2f} | {r['mean']*1000:.2f} | {r['min']*1000:.2f} |")
PY
