#!/usr/bin/env bash
# Fleet suite: the Ansible collection in docs/fleet rolls a Go upgrade across
# test hosts made of network namespaces on this machine, each with its own
# sshd and govm home; a mirror is served from the controller's namespace.
# Needs root. Everything it creates is removed on exit, even on failure, and
# a second run on the same machine works (leftovers of a killed run are
# removed first).
#
#   bash .ci/fleet/run.sh            (FLEET_HOSTS=4 by default, 3 to 6)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
N=${FLEET_HOSTS:-4}
PFX=gvfleet           # namespace and link names
NET=10.231.0          # private range used only between our namespaces
CTL_IP=$NET.1
PORT=8231
COLL=$ROOT/docs/fleet/ansible_collections/govm/toolchain
started=$(date +%s)

step() { printf '\n=== fleet: %s (%ds)\n' "$*" $(($(date +%s) - started)); }
die() { echo "FAIL: $*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then die "needs root (network namespaces, sshd)"; fi
if [ "$N" -lt 3 ] || [ "$N" -gt 6 ]; then die "FLEET_HOSTS=$N: want 3 to 6"; fi

step "packages"
# ansible (not only ansible-core) ships ansible.windows, which the Windows
# variant's syntax check resolves modules from.
if ! command -v ansible-playbook >/dev/null || ! command -v sshd >/dev/null ||
	[ ! -d /usr/lib/python3/dist-packages/ansible_collections/ansible/windows ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	pkgs=(ansible ansible-core openssh-server openssh-client iproute2 python3)
	apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null ||
		apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

WORK=$(mktemp -d /tmp/govm-fleet.XXXXXX)
hosts() { seq 1 "$N"; }

teardown() {
	set +e
	for f in "$WORK"/*.pid "$WORK"/h*/sshd.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	for i in $(seq 1 6); do ip netns del "${PFX}h$i" 2>/dev/null; done
	ip netns del "${PFX}ctl" 2>/dev/null
	rm -rf "$WORK"
}
# Leftovers of a run that was killed before its trap ran.
for i in $(seq 1 6); do ip netns del "${PFX}h$i" 2>/dev/null || true; done
ip netns del "${PFX}ctl" 2>/dev/null || true
trap teardown EXIT INT TERM

step "build govm and the mirror"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
mkdir -p "$WORK/www/mirror"
go build -o "$WORK/www/govm" ./cmd/govm
go run ./.ci/fleet/mkmirror "$WORK/www/mirror" go1.22.5 go1.23.0 go1.23.1 go1.23.2
GOVM=$WORK/www/govm
SUM=$(sha256sum "$GOVM" | cut -d' ' -f1)

step "network: $N hosts on $NET.0/24"
ip netns add "${PFX}ctl"
ip -n "${PFX}ctl" link set lo up
ip -n "${PFX}ctl" link add br0 type bridge
ip -n "${PFX}ctl" addr add "$CTL_IP/24" dev br0
ip -n "${PFX}ctl" link set br0 up
for i in $(hosts); do
	ns=${PFX}h$i
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip -n "${PFX}ctl" link add "v$i" type veth peer name eth0 netns "$ns"
	ip -n "${PFX}ctl" link set "v$i" master br0 up
	ip -n "$ns" addr add "$NET.1$i/24" dev eth0
	ip -n "$ns" link set eth0 up
done

step "sshd per host"
ssh-keygen -q -t ed25519 -N '' -C govm-fleet-ci -f "$WORK/id"
cp "$WORK/id.pub" "$WORK/authorized_keys"
mkdir -p /run/sshd
for i in $(hosts); do
	d=$WORK/h$i
	# Its own HOME too: govm setup writes shell rc files there, and the
	# namespaces share this machine's file system.
	mkdir -p "$d/userhome"
	ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey"
	cat >"$d/sshd_config" <<-CFG
		ListenAddress $NET.1$i
		Port 22
		HostKey $d/hostkey
		PidFile $d/sshd.pid
		AuthorizedKeysFile $WORK/authorized_keys
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes no
		MaxStartups 50
	CFG
	ip netns exec "${PFX}h$i" /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log"
done

step "mirror on http://$CTL_IP:$PORT/"
ip netns exec "${PFX}ctl" python3 -m http.server "$PORT" --bind "$CTL_IP" --directory "$WORK/www" \
	>"$WORK/http.log" 2>&1 &
echo $! >"$WORK/http.pid"
for _ in $(seq 50); do
	ip netns exec "${PFX}ctl" bash -c "exec 3<>/dev/tcp/$CTL_IP/$PORT" 2>/dev/null && break
	sleep 0.1
done

# inventory [EXTRA-LINE-FOR-HOST i=...]: every host with its own home and
# govm path; the mirror is the only source.
inventory() {
	local inv=$WORK/inventory.ini
	{
		echo "[govm_fleet]"
		for i in $(hosts); do
			echo "h$i ansible_host=$NET.1$i govm_home=$WORK/h$i/home govm_bin=$WORK/h$i/bin/govm govm_environment=\"{'HOME': '$WORK/h$i/userhome'}\" ${EXTRA[$i]:-}"
		done
		cat <<-INV
			[govm_fleet:vars]
			ansible_user=root
			ansible_ssh_private_key_file=$WORK/id
			ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=3'
			ansible_python_interpreter=/usr/bin/python3
			govm_source=http://$CTL_IP:$PORT/mirror/
			govm_binary_url=http://$CTL_IP:$PORT/govm
			govm_binary_sha256=$SUM
			govm_connect_timeout=5
		INV
	} >"$inv"
	echo "$inv"
}
declare -A EXTRA=()

# play NAME PLAYBOOK ARGS...: runs ansible-playbook on the controller's
# namespace; output in $WORK/NAME.out, exit status in $RC.
play() {
	local name=$1 pb=$2
	shift 2
	set +e
	ip netns exec "${PFX}ctl" env \
		ANSIBLE_COLLECTIONS_PATH="$ROOT/docs/fleet" ANSIBLE_HOST_KEY_CHECKING=False \
		ANSIBLE_PIPELINING=True ANSIBLE_FORKS=10 ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=False \
		ANSIBLE_LOCAL_TEMP="$WORK/ansible-local" ANSIBLE_REMOTE_TEMP="$WORK/ansible-remote" \
		ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
		ansible-playbook -i "$(inventory)" "$COLL/playbooks/$pb" \
		-e govm_controller_bin="$GOVM" -e govm_report_dir="$WORK/report-$name" "$@" \
		>"$WORK/$name.out" 2>&1
	RC=$?
	set -e
	echo "ansible-playbook $pb $*: exit $RC"
}
show() { sed -n '/PLAY RECAP/,$p' "$WORK/$1.out"; }
fail_with() { cat "$WORK/$1.out"; die "$2"; }

active() { basename "$(readlink "$WORK/h$1/home/current")" 2>/dev/null || echo none; }
expect_active() {
	local i=$1 want=$2 got
	got=$(active "$i")
	[ "$got" = "$want" ] || die "h$i runs $got, want $want"
}

step "syntax check, both variants"
for pb in rollout.yml rollout_windows.yml verify.yml; do
	ANSIBLE_COLLECTIONS_PATH="$ROOT/docs/fleet" ansible-playbook --syntax-check \
		-i "$ROOT/docs/fleet/examples/inventory-winrm.ini" "$COLL/playbooks/$pb" >"$WORK/syntax.out" 2>&1 ||
		fail_with syntax "syntax check of $pb failed"
done

step "scenario 1: clean rollout"
play base rollout.yml -e govm_version=1.23.0
[ "$RC" = 0 ] || fail_with base "baseline rollout failed"
for i in $(hosts); do expect_active "$i" go1.23.0; done
play upgrade rollout.yml -e govm_version=1.23.1
[ "$RC" = 0 ] || fail_with upgrade "rollout of 1.23.1 failed"
show upgrade
for i in $(hosts); do expect_active "$i" go1.23.1; done
grep -Eq "^h1 +:.*changed=[1-9]" "$WORK/upgrade.out" || fail_with upgrade "the upgrade reported no change on h1"
play again rollout.yml -e govm_version=1.23.1
[ "$RC" = 0 ] || fail_with again "second rollout failed"
if grep -E "^h[0-9]+ +:.*changed=[1-9]" "$WORK/again.out"; then fail_with again "second run changed something"; fi
play verify-clean verify.yml -e govm_version=1.23.1
[ "$RC" = 0 ] || fail_with verify-clean "verify of a clean fleet failed"
grep -q "$N hosts, expected version go1.23.1: 0 drifted, 0 unhealthy; clean" "$WORK/report-verify-clean/report.md" ||
	fail_with verify-clean "report is not clean"
cat "$WORK/report-verify-clean/report.md"

step "scenario 2: a host fails its health check"
# Waves: h1 | h2 h3 | h4 (1, 50%, 100%). h2's smoke test fails.
EXTRA[2]="govm_smoke_command='echo smoke test broke >&2; exit 3'"
play health rollout.yml -e govm_version=1.23.2
unset 'EXTRA[2]'
[ "$RC" != 0 ] || fail_with health "rollout passed although h2's health check failed"
show health
grep -q "rolled back to go1.23.1" "$WORK/health.out" || fail_with health "h2 was not rolled back"
expect_active 1 go1.23.2
expect_active 2 go1.23.1
expect_active "$N" go1.23.1
[ ! -e "$WORK/h$N/home/versions/go1.23.2" ] || die "h$N was touched after the failed wave"
play verify-health verify.yml -e govm_version=1.23.2
[ "$RC" != 0 ] || fail_with verify-health "verify passed a drifted fleet"
cat "$WORK/report-verify-health/report.md"
grep -Eq '^\| h2 \| go1\.23\.1 \|.*runs go1\.23\.1, expected go1\.23\.2' "$WORK/report-verify-health/report.md" ||
	fail_with verify-health "report does not show h2's drift"

step "scenario 3: an unreachable host stops the rollout before the next wave"
# Put everyone back on one version first.
play reset rollout.yml -e govm_version=1.23.1
[ "$RC" = 0 ] || fail_with reset "reset to 1.23.1 failed"
kill "$(cat "$WORK/h2/sshd.pid")"
rm -f "$WORK/h2/sshd.pid"
play unreachable rollout.yml -e govm_version=1.23.2
[ "$RC" != 0 ] || fail_with unreachable "rollout passed with h2 unreachable"
show unreachable
expect_active 1 go1.23.2
for i in $(seq 2 "$N"); do expect_active "$i" go1.23.1; done
play verify-unreachable verify.yml -e govm_version=1.23.2
[ "$RC" != 0 ] || fail_with verify-unreachable "verify passed with h2 unreachable"
cat "$WORK/report-verify-unreachable/report.md"
grep -Eq '^\| h2 \| none \| NO: unreachable' "$WORK/report-verify-unreachable/report.md" ||
	fail_with verify-unreachable "report does not show h2 as down"

step "passed"
