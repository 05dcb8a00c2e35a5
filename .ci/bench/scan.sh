#!/usr/bin/env bash
# Side-by-side timing of `govm scan` against the go command on a real
# project (default: this repository's committed go.mod and go.sum), with
# hyperfine.
#
#   bash .ci/bench/scan.sh [PROJECT_DIR] [RUNS]
#
# Both tools get a GOPATH of their own (module cache, the go command's
# checksum-database cache and tree head) so that what is warm is exactly
# what `go mod download` and one `go list -m -u` leave there, whatever
# else this machine has downloaded. Rows (what is cold is said; the rest
# is warm):
#   graph          govm scan --offline   vs  go list -m -json all     no network
#   outdated warm  govm scan --outdated  vs  go list -m -u -json all  govm's cache warm too
#   govm cold      the same pair, govm's cache (GOVM_HOME) emptied before every run; govm still
#                  reads go.mod files from the warm module cache, as the go command does
#   all cold       the same pair, both starting from nothing before every run: an empty GOPATH
#                  and an empty GOVM_HOME (govm's checksum-database cache and tree head)
#
# The outdated rows need the module proxy in GOPROXY to be reachable. Its
# answers vary a lot (most version lists take a millisecond or two, some
# 60 ms and more), so figures are ratios from one run on one machine:
# compare within a row, not across runs.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=${2:-10}
command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }

work=$(mktemp -d /tmp/govm-bench-scan.XXXXXX)
# Module caches are read-only trees: make them writable to remove them.
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
if [ -n "${1:-}" ]; then
	project=$(cd "$1" && pwd)
else
	# Both commands read only go.mod and go.sum, so the default project is
	# this repository's committed pair: what a go.sum edit in progress
	# adds or drops changes which go.mod files need a checksum-database
	# lookup, and with it the figures.
	project="$work/project"
	mkdir "$project"
	git -C "$repo" show HEAD:go.mod >"$project/go.mod"
	git -C "$repo" show HEAD:go.sum >"$project/go.sum"
	echo "project: go.mod and go.sum of $(git -C "$repo" rev-parse --short HEAD)"
fi
(cd "$repo" && go build -o "$work/govm" ./cmd/govm)
govm="$work/govm"
export GOPATH="$work/gopath" GOMODCACHE="$work/gopath/pkg/mod" GOVM_HOME="$work/home"
cd "$project"
echo "filling the module cache for $project ..."
go mod download
echo "modules in the graph: $(go list -m all | wc -l)"

# The two must agree before their times mean anything.
diff <(go list -m all | awk '{print $1, $2}') <("$govm" scan --offline --json | python3 -c '
import json, sys
for m in json.load(sys.stdin)["reports"][0]["modules"]:
    print(m["path"], m.get("version", ""))
') >/dev/null || { echo "govm scan --offline and go list -m all disagree" >&2; exit 1; }

bench() { # name, hyperfine options...
	local name=$1
	shift
	echo "== $name"
	hyperfine -N --runs "$runs" --export-json "$work/$name.json" "$@"
}
bench graph --warmup 3 'go list -m -json all' "$govm scan --offline"
# Both warm: one run of each fills the module cache with the latest go.mod
# files (go) and the verified-record cache (govm).
go list -m -u -json all >/dev/null
"$govm" scan --outdated >/dev/null
bench outdated-warm --warmup 1 'go list -m -u -json all' "$govm scan --outdated"
bench outdated-govm-cold --prepare "rm -rf $GOVM_HOME" 'go list -m -u -json all' "$govm scan --outdated"
cold="$work/cold"
cold_env="env GOPATH=$cold GOMODCACHE=$cold/pkg/mod GOVM_HOME=$cold/home"
bench outdated-all-cold --prepare "bash -c 'chmod -R u+w $cold 2>/dev/null; rm -rf $cold'" \
	"$cold_env go list -m -u -json all" "$cold_env $govm scan --outdated"

python3 - "$work" <<'EOF'
import json, sys
work = sys.argv[1]

def ms(r):
    d = 1 if r["mean"] < 0.02 else 0
    return f"{r['mean']*1000:.{d}f} ms ± {r['stddev']*1000:.{d}f}, {r['median']*1000:.{d}f}"

print("\n| row | go command (mean ± σ, median) | govm (mean ± σ, median) | ratio of means | ratio of medians |")
print("|---|---:|---:|---:|---:|")
for name in ["graph", "outdated-warm", "outdated-govm-cold", "outdated-all-cold"]:
    go, govm = json.load(open(f"{work}/{name}.json"))["results"]
    print(f"| {name} | {ms(go)} | {ms(govm)} | {go['mean']/govm['mean']:.2f} | {go['median']/govm['median']:.2f} |")
EOF
