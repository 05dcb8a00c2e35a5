#!/usr/bin/env bash
# Runs govm's GOOS=windows tests under Wine, following shared/WINDOWS.md.
#
#   bash .ci/wine.sh                  every package holding *_windows.go or *_windows_test.go
#   bash .ci/wine.sh ./internal/x ... only those packages
#
# GOVM_WINE_TESTFLAGS adds go test flags (for example "-run TestX -v").
# The install step runs once per machine; every run builds a fresh Wine prefix
# in its own temp dir (about 11 s), so runs never share registry state.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t_start=$(now)
declare -a phases=()
phase_done() { phases+=("$1 $(elapsed "$2")s"); }

# 1. Packages. apt's clean hook can delete downloaded archives between dpkg
# batches, so the first install may fail with "cannot access archive": retry once.
t=$(now)
need_install() {
	! command -v wine >/dev/null || ! command -v wineserver >/dev/null ||
		! command -v x86_64-w64-mingw32-as >/dev/null || ! command -v x86_64-w64-mingw32-ld >/dev/null
}
if need_install; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	pkgs=(wine wine64 binutils-mingw-w64-x86-64)
	if ! apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; then
		echo "wine.sh: apt-get install failed once; retrying" >&2
		apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
	fi
fi
# Debian ships wineserver outside PATH on some versions.
if ! command -v wineserver >/dev/null; then
	for d in /usr/lib/wine /usr/lib/x86_64-linux-gnu/wine /usr/libexec/wine; do
		if [ -x "$d/wineserver" ]; then PATH="$PATH:$d"; break; fi
	done
fi
command -v wineserver >/dev/null || { echo "wine.sh: wineserver not found after install" >&2; exit 1; }
phase_done install "$t"

# 2. Which packages. Computed from the tree (tracked or not) so new Windows
# code is picked up without editing this script.
if [ "$#" -gt 0 ]; then
	packages=("$@")
else
	mapfile -t packages < <(
		find . \( -name .git -o -name testdata -o -name vendor -o -name '.*' -a ! -name . \) -prune -o \
			-type f \( -name '*_windows.go' -o -name '*_windows_test.go' \) -print |
			xargs -r -n1 dirname | sort -u | sed 's|^\./||; s|^|./|'
	)
fi
if [ "${#packages[@]}" -eq 0 ]; then
	echo "wine.sh: no package has *_windows.go or *_windows_test.go files; nothing to test"
	exit 0
fi

# 3. A headless prefix of this run's own.
tmp_root=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
run_dir=$(mktemp -d "$tmp_root/govm-wine.XXXXXX")
export WINEPREFIX="$run_dir/prefix"
export WINEARCH=win64
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY

cleanup() {
	local rc=$?
	# Stops only the server of this run's prefix; other Wine users are untouched.
	# -w waits for the server to save the registry and exit before the
	# prefix is removed under it.
	wineserver -k >/dev/null 2>&1 || true
	wineserver -w >/dev/null 2>&1 || true
	rm -rf "$run_dir"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "wine.sh: prefix $WINEPREFIX, packages: ${packages[*]}"
t=$(now)
wineboot --init >/dev/null 2>&1
wineserver -w
phase_done prefix "$t"

# 4. Go >= 1.22 imports ProcessPrng from bcryptprimitives.dll, which Wine 8 lacks:
# install a DLL that forwards it to advapi32.SystemFunction036.
t=$(now)
sys32="$WINEPREFIX/drive_c/windows/system32"
: | x86_64-w64-mingw32-as -o "$run_dir/empty.o"
x86_64-w64-mingw32-ld --dll -shared -e 0 -o "$sys32/bcryptprimitives.dll" \
	"$run_dir/empty.o" "$repo/.ci/wine/bcryptprimitives.def"
phase_done forwarder "$t"

# 5. A persistent, warm server: without the warm-up Wine's services inherit go
# test's output pipe and every package waits 60 s for them to exit.
t=$(now)
wineserver -p
wine cmd /c exit >/dev/null 2>&1
phase_done warm "$t"

# 6. The tests.
t=$(now)
log="$run_dir/test.log"
read -r -a extra <<<"${GOVM_WINE_TESTFLAGS:-}"
set +e
GOOS=windows go test -exec wine "${extra[@]}" "${packages[@]}" 2>&1 | tee "$log"
test_rc=${PIPESTATUS[0]}
set -e
phase_done test "$t"

passed=$(grep -cE '^ok[[:space:]]' "$log" || true)
mapfile -t failed < <(grep -E '^FAIL[[:space:]]' "$log" | awk '{print $2}' | sort -u)
echo
echo "wine.sh summary: ${#packages[@]} package(s) asked, $passed ok, ${#failed[@]} failed, go test exit $test_rc"
for p in "${failed[@]}"; do echo "wine.sh   FAIL $p"; done
echo "wine.sh timings: ${phases[*]} total $(elapsed "$t_start")s"
exit "$test_rc"
