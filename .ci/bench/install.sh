#!/usr/bin/env bash
# Side-by-side timing of `govm install` against the shell baseline, on loopback.
#
#   bash .ci/bench/install.sh [RUNS]
#
# Builds a real go.dev-style archive (tar.gz and zip, prefix go/) from the Go
# toolchain on this machine, serves it as an internal mirror (index.json in
# go.dev's schema) with a static file server on 127.0.0.1, then times with
# hyperfine:
#   tar.gz: govm install  vs  curl -s URL | tee >(sha256sum) | tar -xz
#   zip:    govm install --os windows (a zip install)  vs  curl -o + unzip -q + sha256sum
# and measures govm's peak RSS with /usr/bin/time -v. Figures are ratios from
# one run on a shared machine: compare columns, not absolute times.
set -euo pipefail
runs=${1:-10}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
need=()
for t in hyperfine curl unzip /usr/bin/time python3; do command -v "$t" >/dev/null || need+=("$t"); done
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine curl unzip time python3 >/dev/null
fi

work=$(mktemp -d /tmp/govm-bench.XXXXXX)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
goroot=$(go env GOROOT)
ver=$(head -1 "$goroot/VERSION")
goos=$(go env GOOS) goarch=$(go env GOARCH)
mirror="$work/mirror"
mkdir -p "$mirror"

echo "building archives of $goroot ($ver) ..."
tgz="$ver.$goos-$goarch.tar.gz"
zipname="$ver.windows-$goarch.zip"
tar -C "$(dirname "$goroot")" --transform "s|^$(basename "$goroot")|go|" -czf "$mirror/$tgz" "$(basename "$goroot")"
(cd "$(dirname "$goroot")" && python3 - "$mirror/$zipname" "$(basename "$goroot")" <<'PY'
import os, sys, zipfile
out, root = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    for d, _, files in os.walk(root):
        for f in sorted(files):
            p = os.path.join(d, f)
            if os.path.islink(p):
                continue
            z.write(p, "go/" + os.path.relpath(p, root))
PY
)
python3 - "$mirror" "$ver" "$tgz" "$zipname" "$goos" "$goarch" <<'PY'
import hashlib, json, os, sys
mirror, ver, tgz, zipname, goos, goarch = sys.argv[1:]
def f(name, os_):
    p = os.path.join(mirror, name)
    h = hashlib.sha256(open(p, "rb").read()).hexdigest()
    return {"filename": name, "os": os_, "arch": goarch, "version": ver, "sha256": h, "size": os.path.getsize(p), "kind": "archive"}
json.dump([{"version": ver, "stable": True, "files": [f(tgz, goos), f(zipname, "windows")]}], open(os.path.join(mirror, "index.json"), "w"))
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$mirror" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$base/index.json" >/dev/null && break; sleep 0.1; done

(cd "$repo" && go build -trimpath -o "$work/govm" ./cmd/govm)
export GOVM_HOME="$work/home" GOVM_CONFIG= GOVM_MACHINE_CONFIG="$work/none.yaml" NO_COLOR=1
ls -l "$mirror"

echo
echo "== tar.gz ($(du -h "$mirror/$tgz" | cut -f1)): govm install vs curl | tee >(sha256sum) | tar -xz"
hyperfine --warmup 1 --runs "$runs" --export-markdown "$work/tgz.md" \
	--prepare "rm -rf $work/home $work/x && mkdir -p $work/x" \
	-n "govm install (tar.gz)" "$work/govm install --quiet --source $base/ $ver" \
	-n "curl | tee >(sha256sum) | tar -xz" "bash -c 'curl -s $base/$tgz | tee >(sha256sum >/dev/null) | tar -xz -C $work/x'"

echo
echo "== zip ($(du -h "$mirror/$zipname" | cut -f1)): govm install --os windows vs curl + unzip -q + sha256sum"
hyperfine --warmup 1 --runs "$runs" --export-markdown "$work/zip.md" \
	--prepare "rm -rf $work/home $work/x $work/dl.zip && mkdir -p $work/x" \
	-n "govm install (zip)" "$work/govm install --quiet --source $base/ --os windows --arch $goarch $ver" \
	-n "curl -o; unzip -q; sha256sum" "bash -c 'curl -s -o $work/dl.zip $base/$zipname && unzip -q $work/dl.zip -d $work/x && sha256sum $work/dl.zip >/dev/null'"

echo
echo "== peak RSS"
for args in "$ver" "--os windows --arch $goarch $ver"; do
	rm -rf "$work/home"
	/usr/bin/time -v "$work/govm" install --quiet --source "$base/" $args 2>"$work/time.txt" >/dev/null
	echo "govm install $args: $(grep 'Maximum resident' "$work/time.txt" | awk '{print $NF}') KB"
done
cat "$work/tgz.md" "$work/zip.md"
