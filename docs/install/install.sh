#!/bin/sh
# Install govm on Linux or macOS:
#
#   curl -fsSL https://raw.githubusercontent.com/govm-dev/govm/main/docs/install/install.sh | sh
#   sh install.sh --version 1.2.0 --dir ~/bin --no-setup
#
# Downloads a release archive, checks its SHA-256 against the release's
# checksums.txt, places govm (and govm-shim) in the install directory and
# runs `govm setup` to put Go on PATH. Nothing is installed when a check
# fails. Settings (flags win over the environment):
#
#   --version V   GOVM_VERSION      release to install (default: the latest)
#   --base-url U  GOVM_RELEASES_URL releases base: GitHub's layout, also a mirror
#                                   (default https://github.com/govm-dev/govm/releases)
#   --dir D       GOVM_INSTALL_DIR  where govm goes (default: <govm home>/bin)
#   --no-setup    GOVM_NO_SETUP=1   do not run `govm setup`
set -eu

base=${GOVM_RELEASES_URL:-https://github.com/govm-dev/govm/releases}
version=${GOVM_VERSION:-}
dir=${GOVM_INSTALL_DIR:-}
setup=1
[ "${GOVM_NO_SETUP:-}" = 1 ] && setup=0

say() { printf 'govm-install: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--version) [ $# -ge 2 ] || die "--version needs a value"; version=$2; shift 2 ;;
	--base-url) [ $# -ge 2 ] || die "--base-url needs a value"; base=$2; shift 2 ;;
	--dir) [ $# -ge 2 ] || die "--dir needs a value"; dir=$2; shift 2 ;;
	--no-setup) setup=0; shift ;;
	-h | --help) sed -n '2,18p' "$0" 2>/dev/null | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument $1 (see --help)" ;;
	esac
done
version=${version#v}
base=${base%/}

case $(uname -s) in
Linux) os=linux ;;
Darwin) os=darwin ;;
*) die "unsupported system $(uname -s): use install.ps1 on Windows" ;;
esac
case $(uname -m) in
x86_64 | amd64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
*) die "unsupported architecture $(uname -m)" ;;
esac

if [ -z "$dir" ]; then
	if [ -n "${GOVM_HOME:-}" ]; then
		dir=$GOVM_HOME/bin
	else
		[ -n "${HOME:-}" ] || die "HOME is not set: pass --dir"
		dir=${XDG_DATA_HOME:-$HOME/.local/share}/govm/bin
	fi
fi

fetch() { # fetch URL FILE
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL --retry 3 -o "$2" "$1"
	elif command -v wget >/dev/null 2>&1; then
		wget -q -O "$2" "$1"
	else
		die "neither curl nor wget is installed"
	fi
}

sha256() { # sha256 FILE -> hex
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d' ' -f1
	elif command -v shasum >/dev/null 2>&1; then
		shasum -a 256 "$1" | cut -d' ' -f1
	else
		die "neither sha256sum nor shasum is installed: cannot verify the download"
	fi
}

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t govm-install)
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ -n "$version" ]; then
	sums_url=$base/download/v$version/checksums.txt
else
	sums_url=$base/latest/download/checksums.txt
fi
say "reading $sums_url"
fetch "$sums_url" "$tmp/checksums.txt" || die "cannot download $sums_url"

# The archive line for this platform names the version: govm_1.2.3_linux_amd64.tar.gz
line=$(grep -E "^[0-9a-fA-F]{64}[ ]+\*?govm_[^_ ]+_${os}_${arch}\.tar\.gz$" "$tmp/checksums.txt" | head -n 1 || true)
[ -n "$line" ] || die "$sums_url lists no govm archive for $os/$arch"
want=$(printf '%s\n' "$line" | cut -d' ' -f1 | tr 'A-F' 'a-f')
asset=$(printf '%s\n' "$line" | sed 's/^[0-9a-fA-F]* *\*\{0,1\}//')
found=${asset#govm_}
found=${found%%_*}
[ -z "$version" ] || [ "$found" = "$version" ] || die "$sums_url is for $found, not $version"

url=$base/download/v$found/$asset
say "downloading $url"
fetch "$url" "$tmp/$asset" || die "cannot download $url"
got=$(sha256 "$tmp/$asset")
[ "$got" = "$want" ] || die "checksum mismatch for $asset: got $got, checksums.txt says $want; nothing was installed"

mkdir -p "$tmp/x"
tar -xzf "$tmp/$asset" -C "$tmp/x" || die "cannot unpack $asset"
[ -f "$tmp/x/govm" ] || die "$asset holds no govm binary"

mkdir -p "$dir"
for bin in govm govm-shim; do
	[ -f "$tmp/x/$bin" ] || continue
	# Copy then rename: a running govm is replaced atomically, never torn.
	cp "$tmp/x/$bin" "$dir/.$bin.new"
	chmod 0755 "$dir/.$bin.new"
	mv -f "$dir/.$bin.new" "$dir/$bin"
done
say "installed govm $found in $dir (sha256 $got verified)"

if [ "$setup" = 1 ]; then
	"$dir/govm" setup || die "govm setup failed; run it again with: $dir/govm setup --verbose"
else
	say "skipped setup; run: $dir/govm setup"
fi
