#!/usr/bin/env bash
# Release checks for CI, and the signing hook .goreleaser.yaml calls.
#
#   bash .ci/release.sh               CI: build goreleaser (pinned) from the module proxy,
#                                     `goreleaser check`, a full snapshot release, then check
#                                     what it produced: six archives, checksums, SBOMs, the
#                                     Scoop/winget/Homebrew manifests, stamped versions,
#                                     reproducible binaries, and Authenticode signing with a
#                                     throwaway certificate verified by osslsigncode.
#   bash .ci/release.sh sign OS FILE  goreleaser build hook: Authenticode-sign FILE when OS is
#                                     windows and GOVM_SIGN_PKCS12 is set; otherwise nothing.
#
# Signing settings (docs/releasing.md): GOVM_SIGN_PKCS12 (a .p12/.pfx file),
# GOVM_SIGN_PASSWORD (its password), GOVM_SIGN_TIMESTAMP_URL (an RFC 3161 server; optional).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

GORELEASER_VERSION=v2.16.0 # v2.17+ needs nfpm modules our proxy refuses; v2.18+ needs Go 1.27

sign() {
	local os=$1 file=$2
	if [ "$os" != windows ] || [ -z "${GOVM_SIGN_PKCS12:-}" ]; then
		return 0
	fi
	command -v osslsigncode >/dev/null || { echo "release.sh: GOVM_SIGN_PKCS12 is set but osslsigncode is not installed" >&2; return 1; }
	local dir pass ts=()
	dir=$(mktemp -d)
	# The password goes through a private file, never argv (visible in ps).
	pass="$dir/pass"
	(umask 077 && printf '%s' "${GOVM_SIGN_PASSWORD:-}" >"$pass")
	if [ -n "${GOVM_SIGN_TIMESTAMP_URL:-}" ]; then
		ts=(-ts "$GOVM_SIGN_TIMESTAMP_URL")
	fi
	osslsigncode sign -pkcs12 "$GOVM_SIGN_PKCS12" -readpass "$pass" -h sha256 \
		-n govm -i https://github.com/govm-dev/govm "${ts[@]}" \
		-in "$file" -out "$dir/signed" >/dev/null
	mv -f "$dir/signed" "$file"
	rm -rf "$dir"
	echo "signed $file"
}

step() { printf '\n=== release: %s\n' "$*"; }
fail() { echo "release.sh: $*" >&2; exit 1; }

ci() {
	local bin start
	bin="$(go env GOPATH)/bin"
	step "goreleaser $GORELEASER_VERSION"
	if ! "$bin/goreleaser" --version 2>/dev/null | grep -q "GitVersion: *$GORELEASER_VERSION\$"; then
		start=$SECONDS
		go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION"
		echo "built in $((SECONDS - start)) s"
	fi
	local gr="$bin/goreleaser"

	step "goreleaser check"
	"$gr" check

	step "snapshot release (all six targets)"
	start=$SECONDS
	"$gr" release --snapshot --clean
	echo "snapshot in $((SECONDS - start)) s"

	step "artifacts"
	local version
	version=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' dist/metadata.json | head -n 1)
	[ -n "$version" ] || fail "no version in dist/metadata.json"
	local os arch ext a
	for os in linux darwin windows; do
		for arch in amd64 arm64; do
			ext=tar.gz
			[ $os = windows ] && ext=zip
			a="govm_${version}_${os}_${arch}.$ext"
			[ -f "dist/$a" ] || fail "missing dist/$a"
			grep -q "  $a\$" dist/checksums.txt || fail "checksums.txt does not list $a"
			[ -s "dist/$a.cdx.json" ] || fail "no SBOM for $a"
			grep -q '"bomFormat": "CycloneDX"' "dist/$a.cdx.json" || fail "$a.cdx.json is not CycloneDX"
		done
	done
	(cd dist && sha256sum --quiet -c checksums.txt) || fail "checksums.txt does not match dist/"
	[ -s dist/scoop/govm.json ] || fail "no Scoop manifest"
	ls dist/winget/manifests/g/govm-dev/govm/*/govm-dev.govm.installer.yaml >/dev/null || fail "no winget manifest"
	[ -s dist/homebrew/Casks/govm.rb ] || fail "no Homebrew cask"
	grep -q "$(sha256sum "dist/govm_${version}_windows_amd64.zip" | cut -d' ' -f1)" dist/scoop/govm.json ||
		fail "the Scoop manifest does not carry the zip's hash"

	step "version stamp"
	local host
	host="$(go env GOOS)_$(go env GOARCH)"
	tmp=$(mktemp -d) # global: the EXIT trap runs after ci returns
	trap 'rm -rf "${tmp:-}"' EXIT
	tar -xzf "dist/govm_${version}_${host}.tar.gz" -C "$tmp"
	"$tmp/govm" version | tee "$tmp/version.txt"
	grep -q "govm $version (commit $(git rev-parse HEAD)" "$tmp/version.txt" || fail "govm version is not stamped"

	step "reproducible: rebuild from another directory, compare bytes"
	local date src commit
	commit=$(git rev-parse HEAD)
	date=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y-%m-%dT%H:%M:%SZ)
	src="$tmp/elsewhere/src"
	mkdir -p "$src"
	git archive HEAD | tar -x -C "$src"
	(cd "$src" && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -o "$tmp/rebuilt" \
		-ldflags "-s -w -buildid= -X github.com/govm-dev/govm/internal/buildinfo.Version=$version -X github.com/govm-dev/govm/internal/buildinfo.Commit=$commit -X github.com/govm-dev/govm/internal/buildinfo.Date=$date" ./cmd/govm)
	local built
	built=$(ls dist/govm_linux_amd64*/govm)
	cmp "$built" "$tmp/rebuilt" || fail "linux/amd64 govm differs when rebuilt elsewhere: not reproducible"
	echo "identical: $(sha256sum "$tmp/rebuilt" | cut -d' ' -f1)"

	step "Authenticode signing with a throwaway certificate"
	if ! command -v osslsigncode >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get update -qq && apt-get install -y -qq --no-install-recommends osslsigncode openssl >/dev/null
	fi
	command -v osslsigncode >/dev/null || fail "osslsigncode is not installed (apt-get install osslsigncode)"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
		-subj "/CN=govm throwaway test" -days 1 -addext extendedKeyUsage=codeSigning 2>/dev/null
	openssl pkcs12 -export -in "$tmp/cert.pem" -inkey "$tmp/key.pem" -out "$tmp/cert.p12" -passout pass:throwaway
	cp "$(ls dist/govm_windows_amd64*/govm.exe)" "$tmp/govm.exe"
	cp "$tmp/govm.exe" "$tmp/unsigned.exe"
	# Without a certificate the hook changes nothing; with one it signs.
	GOVM_SIGN_PKCS12="" sign windows "$tmp/govm.exe"
	cmp "$tmp/govm.exe" "$tmp/unsigned.exe" || fail "the signing hook changed a file with no certificate configured"
	GOVM_SIGN_PKCS12="$tmp/cert.p12" GOVM_SIGN_PASSWORD=throwaway sign linux "$tmp/govm.exe"
	cmp "$tmp/govm.exe" "$tmp/unsigned.exe" || fail "the signing hook signed a non-Windows binary"
	GOVM_SIGN_PKCS12="$tmp/cert.p12" GOVM_SIGN_PASSWORD=throwaway sign windows "$tmp/govm.exe"
	osslsigncode verify -in "$tmp/govm.exe" -CAfile "$tmp/cert.pem" >"$tmp/verify.txt" 2>&1 ||
		{ cat "$tmp/verify.txt"; fail "osslsigncode verify rejected the signature"; }
	grep -q "Signature verification: ok" "$tmp/verify.txt" || fail "no verified signature"
	if osslsigncode verify -in "$tmp/unsigned.exe" -CAfile "$tmp/cert.pem" >/dev/null 2>&1; then
		fail "osslsigncode verify accepted an unsigned binary: the check proves nothing"
	fi
	echo "signature verified"
}

case "${1:-ci}" in
sign) [ $# -eq 3 ] || fail "usage: release.sh sign OS FILE"; sign "$2" "$3" ;;
ci) ci ;;
*) fail "usage: release.sh [ci | sign OS FILE]" ;;
esac
