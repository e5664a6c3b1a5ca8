#!/bin/sh
# fleet.sh — a throwaway fleet of OpenSSH daemons on loopback, for drover's
# integration tests, demo and benchmarks. The same fleet serves drover and
# real Ansible.
#
# usage:
#   fleet.sh up N DIR [--net X] [--port P] [--scale NAMES] [--isolated] [--systemd] [--password-auth]
#   fleet.sh scale DIR NAMES
#   fleet.sh exec DIR I CMD...
#   fleet.sh down DIR
#
# up: starts N (1..250) sshd daemons, host I listening on 127.0.X.I:P
# (X defaults to 5, P to 2222; Linux routes all of 127/8 to lo, so no
# address needs adding). Each has its own ed25519 host key, sshd_config,
# pid file and log under DIR/hosts/hI/. The invoking user (root or not)
# logs in with DIR/id_ed25519; its public half is DIR/authorized_keys.
# Every config passes `sshd -t` before any daemon starts; `up` returns once
# every pid file exists and every daemon answers ssh-keyscan with the key
# recorded in DIR/known_hosts. On failure it stops what it started.
#
# Files written in DIR:
#   id_ed25519, id_ed25519.pub  client key (no passphrase)
#   authorized_keys             the client's public key
#   known_hosts                 "[127.0.X.I]:P ssh-ed25519 AAAA..." per host
#   inventory                   Ansible INI inventory, see below
#   inventory-scale             with --scale / `scale`: NAMES aliases, below
#   ansible.cfg                 for real Ansible (ANSIBLE_CONFIG=DIR/ansible.cfg)
#   fleet.pids                  one listener pid per line
#   fleet.env                   FLEET_N, FLEET_NET, FLEET_PORT, FLEET_USER
#   cp/                         Ansible's ControlPath directory
#   hosts/hI/                   sshd_config, host key, sshd.pid, sshd.log
#
# --isolated (root only): each host is a small machine of its own, for
# modules that change the system (packages, users, hostname, crontabs,
# fstab, mounts, services, reboot). Its sshd runs as the init (PID 1) of
# new mount, PID and UTS namespaces (unshare), chrooted by pivot_root into
# an overlayfs whose lower layer is this machine's root filesystem and whose
# upper layer is DIR/hosts/hI/upper: whatever the host writes lands there
# and nowhere else. The host has its own /proc (with /proc/sys read-only
# except the UTS keys kernel.hostname and kernel.domainname, so it can
# never change this machine's kernel settings), /dev and a read-only /sys
# bound from this machine, a fresh tmpfs /run, the hostname hostI, and DIR
# itself bound at the same path (shared both ways). The network is this
# machine's: hosts stay on 127.0.X.I. Its /proc/sys/kernel/random/boot_id
# is the file DIR/hosts/hI/boot_id, and its /usr/sbin/reboot and
# /usr/sbin/shutdown (-r) make init end every process of the host, wait a
# second, write a new boot id and start sshd again (DIR/hosts/hI/reboots
# counts them), as a reboot would. The host has whatever this machine has
# installed (python3 included, so real Ansible runs there too).
# fleet.pids then lists the unshare processes; `down` stops them and their
# descendants, and with its init every process of the host dies.
#
# --systemd (root only; implies --isolated): each isolated host boots a
# real systemd as its PID 1 (as systemd-nspawn boots a container: the
# environment variable container=drover-fleet, a private minimal /dev and
# /tmp, and its own cgroup: a new cgroup2 directory on this machine, made
# the root of a new cgroup namespace and mounted at /sys/fs/cgroup). It
# starts drover-fleet.target, which wants only sysinit.target and the unit
# drover-fleet-sshd.service running the host's sshd; nothing this machine
# enables (ssh, databases, timers) starts, as those would share its network.
# /run/systemd/system exists there, so modules take their systemd paths.
# Its console is DIR/hosts/hI/console.log (once journald runs, systemd
# logs there instead: `fleet.sh exec DIR I journalctl -b`); the cgroup's
# path is in DIR/hosts/hI/cgroup. reboot and shutdown are not
# supported on these hosts. `down` kills the host's PID 1, which ends its
# whole PID namespace at once (systemd takes SIGTERM as "re-execute"), then
# removes its cgroup. Exit status 3 from `up` means this machine cannot
# boot systemd in a namespace (no systemd, no cgroup2, namespaces denied,
# or systemd died while booting); the reason is printed.
#
# --password-auth: the daemons also take passwords (password and
# keyboard-interactive), checked against the host's /etc/shadow (UsePAM
# no): with --isolated, users made inside a host log in with theirs.
#
# exec: runs CMD (sh -c) inside isolated host I through nsenter, without
# ssh: useful when the host's sshd is down (during a reboot).
#
# Inventory (DIR/inventory): hosts host1..hostN, each line carrying
#   ansible_host=127.0.X.I ansible_port=P ansible_user=USER
#   ansible_ssh_private_key_file=DIR/id_ed25519
# and groups:
#   [odd]  host1, host3, ...     [even] host2, host4, ...
#   [web]  host1, host2          [db]   host3         (those that exist)
#
# Scale inventory (DIR/inventory-scale): NAMES hosts s1..sNAMES, alias sI
# pointing at address ((I-1) mod N)+1, i.e. NAMES/N names per daemon (1,000
# names on 50 daemons = 20 each); one group [scale] holding them all.
#
# down: asks any Ansible ControlPersist masters in DIR/cp to exit, then
# sends SIGTERM to exactly the pids in DIR/fleet.pids and to their
# per-connection children (found by parent pid, never by name), waits for
# them to exit (SIGKILL after 5 s) and removes fleet.pids.
set -eu

SSHD=/usr/sbin/sshd
# The init of --systemd hosts; another value (e.g. /bin/false) shows how
# tests skip where systemd cannot boot.
SYSTEMD_BIN=${FLEET_SYSTEMD_BIN:-/lib/systemd/systemd}
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

# Debian's bash sources ~/.bashrc for every ssh command (not just logins),
# and a heavy one (pyenv init: ~0.5 s here) would dominate every test and
# benchmark. With SHLVL=1 already set, bash counts itself nested and skips
# it, as a host with a plain .bashrc would behave. FLEET_BASHRC=1 keeps it.
if [ "${FLEET_BASHRC:-0}" = 1 ]; then
	FLEET_SETENV=
else
	FLEET_SETENV="SetEnv SHLVL=1"
fi

die() {
	echo "fleet.sh: $*" >&2
	exit 1
}

usage() {
	sed -n '/^# usage:/,/^#$/p' "$0" | sed -e 's/^# \{0,1\}//' -e '/^$/d' >&2
	exit 2
}

# ssh writes plain "addr" for port 22 and "[addr]:port" otherwise.
hostport() {
	if [ "$2" = 22 ]; then echo "$1"; else echo "[$1]:$2"; fi
}

# A zombie still answers kill -0; it is gone all the same (init reaps it).
pid_alive() {
	kill -0 "$1" 2>/dev/null || return 1
	[ -r "/proc/$1/stat" ] || return 0
	read -r _ _ st _ <"/proc/$1/stat" 2>/dev/null || return 1
	[ "$st" != Z ]
}

write_sshd_config() { # dir addr port
	cat >"$1/sshd_config" <<EOF
# generated by tests/fleet/fleet.sh
Port $3
ListenAddress $2
AddressFamily inet
HostKey $1/ssh_host_ed25519_key
PidFile $1/sshd.pid
AuthorizedKeysFile $DIR/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication ${PASSWORD_AUTH:-no}
KbdInteractiveAuthentication ${PASSWORD_AUTH:-no}
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
# 20 concurrent connections per daemon with room to spare: never refuse
# an unauthenticated connection before 100, and allow multiplexing.
MaxStartups 100:30:200
MaxSessions 100
MaxAuthTries 6
LoginGraceTime 30
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
LogLevel INFO
$FLEET_SETENV
EOF
}

# Host keys: generating 50 costs ~0.6 s of CPU, so host I reuses a cached
# key hI (distinct per host, which is all a fleet needs) from
# $FLEET_KEYCACHE (default ~/.cache/drover-fleet/hostkeys); "none" turns
# the cache off.
host_key() { # path index
	c=${FLEET_KEYCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/drover-fleet/hostkeys}
	if [ "$c" != none ] && [ -s "$c/h$2" ] && [ -s "$c/h$2.pub" ]; then
		cp "$c/h$2" "$1" && cp "$c/h$2.pub" "$1.pub" && chmod 600 "$1" && return 0
	fi
	ssh-keygen -q -t ed25519 -N '' -C "fleet-h$2" -f "$1" || return 1
	[ "$c" = none ] && return 0
	# Publish atomically: concurrent fleets may fill the cache at once.
	mkdir -p "$c" 2>/dev/null || return 0
	cp "$1" "$c/h$2.$$" && cp "$1.pub" "$c/h$2.pub.$$" &&
		mv "$c/h$2.pub.$$" "$c/h$2.pub" && mv "$c/h$2.$$" "$c/h$2"
	rm -f "$c/h$2.$$" "$c/h$2.pub.$$"
	return 0
}

write_inventory() {
	inv=$DIR/inventory
	{
		echo "# generated by tests/fleet/fleet.sh: $N hosts on 127.0.$NET.1-$N port $PORT"
		echo "[all]"
		i=1
		while [ $i -le "$N" ]; do
			echo "host$i ansible_host=127.0.$NET.$i ansible_port=$PORT ansible_user=$FLEET_USER ansible_ssh_private_key_file=$DIR/id_ed25519"
			i=$((i + 1))
		done
		echo
		echo "[odd]"
		i=1
		while [ $i -le "$N" ]; do echo "host$i"; i=$((i + 2)); done
		echo
		echo "[even]"
		i=2
		while [ $i -le "$N" ]; do echo "host$i"; i=$((i + 2)); done
		echo
		echo "[web]"
		echo host1
		[ "$N" -ge 2 ] && echo host2
		echo
		echo "[db]"
		[ "$N" -ge 3 ] && echo host3
		true
	} >"$inv.tmp"
	mv "$inv.tmp" "$inv"
}

write_scale_inventory() { # names
	names=$1
	inv=$DIR/inventory-scale
	{
		echo "# generated by tests/fleet/fleet.sh: $names names on $N daemons (127.0.$NET.1-$N port $PORT)"
		echo "[scale]"
		i=1
		while [ $i -le "$names" ]; do
			a=$(((i - 1) % N + 1))
			echo "s$i ansible_host=127.0.$NET.$a ansible_port=$PORT ansible_user=$FLEET_USER ansible_ssh_private_key_file=$DIR/id_ed25519"
			i=$((i + 1))
		done
	} >"$inv.tmp"
	mv "$inv.tmp" "$inv"
}

write_ansible_cfg() {
	forks=$N
	[ "$forks" -gt 50 ] && forks=50
	cat >"$DIR/ansible.cfg" <<EOF
# generated by tests/fleet/fleet.sh; use with ANSIBLE_CONFIG=$DIR/ansible.cfg
[defaults]
inventory = $DIR/inventory
host_key_checking = True
forks = $forks
interpreter_python = auto_silent
retry_files_enabled = False
gathering = explicit
timeout = 30

[ssh_connection]
ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=$DIR/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes
control_path_dir = $CPDIR
pipelining = True
EOF
}

# Stops every pid listed in $1 and the per-connection children of each.
stop_pids() {
	pids=$(cat "$1" 2>/dev/null || true)
	[ -n "$pids" ] || return 0
	# Everything our listeners forked (per-connection sshd, the commands
	# of live sessions), found by parent pid, never by name.
	kids=$(ps -e -o pid=,ppid= | awk -v roots="$(echo $pids)" '
		{ parent[$1] = $2 }
		END {
			n = split(roots, r, " ")
			for (i = 1; i <= n; i++) mine[r[i]] = 1
			do {
				grew = 0
				for (p in parent)
					if (!(p in mine) && (parent[p] in mine)) {
						mine[p] = 2; grew = 1
					}
			} while (grew)
			for (p in mine) if (mine[p] == 2) print p
		}')
	# shellcheck disable=SC2086
	kill -TERM $pids $kids 2>/dev/null || true
	t=0
	while :; do
		left=
		for p in $pids $kids; do pid_alive "$p" && left="$left $p"; done
		[ -z "$left" ] && break
		if [ $t -ge 50 ]; then
			echo "fleet.sh: SIGKILL to$left" >&2
			# shellcheck disable=SC2086
			kill -KILL $left 2>/dev/null || true
			sleep 0.2
			break
		fi
		sleep 0.1
		t=$((t + 1))
	done
}

close_masters() {
	[ -d "$1/cp" ] || return 0
	for s in "$1"/cp/*; do
		[ -S "$s" ] || continue
		ssh -o ControlPath="$s" -O exit fleet-host >/dev/null 2>&1 || true
	done
}

# --- isolated hosts (--isolated) --------------------------------------------

# The reboot and shutdown commands of an isolated host: init (PID 1 of the
# host) does the "reboot" once this command has returned, as a real
# shutdown -r does it after its caller got its answer.
write_reboot_wrapper() { # path
	cat >"$1" <<'EOF'
#!/bin/sh
# tests/fleet/fleet.sh: "reboot" of an isolated test host. Init ends every
# process of the host, writes a new boot id and starts sshd again.
delay=1
case ${0##*/} in
shutdown)
	r=
	for a in "$@"; do
		case $a in
		-c) exit 0 ;;
		-r | --reboot) r=1 ;;
		+[0-9]*) delay=$((${a#+} * 60)) ;;
		esac
	done
	[ -n "$r" ] || { echo "fleet host: only 'shutdown -r' is supported" >&2; exit 1; }
	[ "$delay" -gt 0 ] || delay=1
	;;
esac
setsid sh -c "sleep $delay; kill -USR1 1" </dev/null >/dev/null 2>&1 &
exit 0
EOF
	chmod 755 "$1"
}

# The init of an isolated host, after pivot_root: runs sshd in the
# foreground and restarts it on a "reboot" (SIGUSR1). A PID namespace's
# init gets only the signals it has handlers for; TERM ends the host.
write_init() { # hostdir
	{
		echo "#!/bin/sh"
		echo "# generated by tests/fleet/fleet.sh: init of an isolated host"
		echo "h=$1"
		cat <<'EOF'
stop= reboot= sshd=
trap 'stop=1; [ -n "$sshd" ] && kill -TERM "$sshd" 2>/dev/null' TERM INT HUP
trap 'reboot=1; [ -n "$sshd" ] && kill -TERM "$sshd" 2>/dev/null' USR1
while :; do
	/usr/sbin/sshd -D -f "$h/sshd_config" -E "$h/sshd.log" &
	sshd=$!
	# wait returns early when a trap runs: wait again until sshd is gone
	while kill -0 "$sshd" 2>/dev/null; do wait "$sshd"; done
	sshd=
	[ -n "$stop" ] && exit 0
	[ -n "$reboot" ] || { echo "init: sshd exited" >&2; exit 1; }
	reboot=
	kill -KILL -1 2>/dev/null # every process of this PID namespace but init
	sleep 1
	wait
	cat /proc/sys/kernel/random/uuid >"$h/boot_id"
	echo reboot >>"$h/reboots"
done
EOF
	} >"$1/init.sh"
}

# pivot_into R: makes R this mount namespace's root and drops the old one.
pivot_into() {
	mkdir -p "$1/.oldroot"
	cd "$1"
	pivot_root . .oldroot
	umount -l /.oldroot
	rmdir /.oldroot
	cd /
}

# mount_host_root H R: an isolated host's root at R, an overlay of this
# machine's / (changes in H/upper) with /proc and a read-only /sys; /dev is
# the caller's to provide. This machine's kernel settings stay out of
# reach: /proc/sys is read-only but for the UTS keys, which are the host's.
mount_host_root() {
	mkdir -p "$1/upper" "$1/work" "$2"
	mount -t overlay overlay -o "lowerdir=/,upperdir=$1/upper,workdir=$1/work" "$2"
	mount -t proc proc "$2/proc"
	mount --bind "$2/proc/sys" "$2/proc/sys"
	mount -o remount,bind,ro "$2/proc/sys"
	for k in hostname domainname; do
		mount --bind "$2/proc/sys/kernel/$k" "$2/proc/sys/kernel/$k"
		mount -o remount,bind,rw "$2/proc/sys/kernel/$k"
	done
	mount --bind /sys "$2/sys"
	mount -o remount,bind,ro "$2/sys"
}

# Internal verb `_ns DIR I`: PID 1 of isolated host I in its new namespaces
# (started by unshare): builds its root, pivots into it, becomes its init.
cmd_ns() {
	DIR=$1 i=$2
	h=$DIR/hosts/h$i
	r=$h/root
	mount_host_root "$h" "$r"
	mount --rbind /dev "$r/dev"
	cat /proc/sys/kernel/random/uuid >"$h/boot_id"
	mount --bind "$h/boot_id" "$r/proc/sys/kernel/random/boot_id"
	mount -t tmpfs -o mode=755 tmpfs "$r/run"
	mkdir -p "$r/run/sshd" "$r/run/lock"
	mount --bind "$DIR" "$r$DIR"
	hostname "host$i"
	for c in reboot shutdown; do
		rm -f "$r/usr/sbin/$c"
		write_reboot_wrapper "$r/usr/sbin/$c"
	done
	pivot_into "$r"
	exec sh "$h/init.sh"
}

# The units a systemd host boots into, written into its overlay before
# systemd starts: a target wanting sshd, not multi-user.target (whose
# services would share this machine's network).
write_systemd_units() { # rootdir hostdir
	u=$1/etc/systemd/system
	mkdir -p "$u"
	cat >"$u/drover-fleet.target" <<EOF
# generated by tests/fleet/fleet.sh: what an isolated systemd host boots
[Unit]
Description=drover test fleet host
Requires=sysinit.target
After=sysinit.target
Wants=drover-fleet-sshd.service
AllowIsolate=yes
EOF
	cat >"$u/drover-fleet-sshd.service" <<EOF
# generated by tests/fleet/fleet.sh: the test host's sshd
[Unit]
Description=drover test fleet sshd
After=sysinit.target

[Service]
ExecStart=/usr/sbin/sshd -D -f $2/sshd_config -E $2/sshd.log
RuntimeDirectory=sshd
RuntimeDirectoryMode=0755
KillMode=process
EOF
}

# A minimal /dev of device nodes bound from this machine, as containers
# get: no disks, no ttys of this machine; the console is a log file.
make_private_dev() { # rootdir hostdir
	d=$1/dev
	mount -t tmpfs -o mode=755,nosuid tmpfs "$d"
	for n in null zero full random urandom tty; do
		: >"$d/$n"
		mount --bind "/dev/$n" "$d/$n"
	done
	: >"$2/console.log"
	: >"$d/console"
	mount --bind "$2/console.log" "$d/console"
	mkdir -p "$d/pts" "$d/shm" "$d/mqueue"
	mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$d/pts"
	ln -s pts/ptmx "$d/ptmx"
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$d/shm"
	ln -s /proc/self/fd "$d/fd"
	ln -s /proc/self/fd/0 "$d/stdin"
	ln -s /proc/self/fd/1 "$d/stdout"
	ln -s /proc/self/fd/2 "$d/stderr"
}

# Internal verb `_ns_systemd DIR I`: PID 1 of systemd host I, already in
# its new mount, PID, UTS and cgroup namespaces: builds its root, pivots
# into it and executes systemd.
cmd_ns_systemd() {
	DIR=$1 i=$2
	h=$DIR/hosts/h$i
	r=$h/root
	mount_host_root "$h" "$r"
	make_private_dev "$r" "$h"
	# The cgroup namespace's root is this host's own cgroup directory.
	mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$r/sys/fs/cgroup"
	mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$r/run"
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$r/tmp"
	# After /tmp and /run: DIR may lie under either.
	mkdir -p "$r$DIR"
	mount --bind "$DIR" "$r$DIR"
	hostname "host$i"
	echo "host$i" >"$r/etc/hostname"
	# /tmp is a fresh tmpfs: Debian's tmp.conf would only empty it, and
	# DIR may be bound under it.
	mkdir -p "$r/etc/tmpfiles.d"
	ln -sf /dev/null "$r/etc/tmpfiles.d/tmp.conf"
	write_systemd_units "$r" "$h"
	# From here on, a death is systemd's: see `up` (exit status 3).
	: >"$h/systemd.exec"
	pivot_into "$r"
	exec env -i container=drover-fleet PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		"$SYSTEMD_BIN" --system --unit=drover-fleet.target \
		--log-target=console --show-status=false </dev/null >/dev/console 2>&1
}

# cgroup2's mount point on this machine ("" if none): /sys/fs/cgroup on a
# unified machine, /sys/fs/cgroup/unified on a hybrid one.
cgroup2_root() {
	awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts
}

# Starts systemd host I: a cgroup of its own, then the namespaces.
start_systemd() { # hostdir index
	cg=$CGROOT/drover-fleet.$NET.$PORT.h$2
	remove_cgroup "$cg"
	mkdir "$cg" || up_failed "cannot make the cgroup $cg"
	echo "$cg" >"$1/cgroup"
	# shellcheck disable=SC2016
	sh -c 'echo $$ >"$1/cgroup.procs" && exec unshare --mount --pid --uts --cgroup \
		--fork --kill-child --propagation private sh "$2" _ns_systemd "$3" "$4"' \
		sh "$cg" "$SELF" "$DIR" "$2" </dev/null >>"$1/init.log" 2>&1 &
	echo $! >"$1/unshare.pid"
}

# Removes a cgroup directory and those systemd made in it, deepest first.
remove_cgroup() { # path
	[ -d "$1" ] || return 0
	find "$1" -depth -type d -exec rmdir {} + 2>/dev/null || true
	[ ! -d "$1" ]
}

# Ends every systemd host of DIR: SIGKILL to its PID 1 ends its whole PID
# namespace (and with the namespace its mounts); then its cgroup goes.
stop_systemd_hosts() {
	for d in "$DIR"/hosts/h*; do
		[ -f "$d/cgroup" ] || continue
		cg=$(cat "$d/cgroup")
		u=$(cat "$d/unshare.pid" 2>/dev/null) || u=
		if [ -n "$u" ]; then
			for p in $(ps -o pid= --ppid "$u"); do kill -KILL "$p" 2>/dev/null; done
		fi
		t=0
		while [ -f "$cg/cgroup.events" ] && ! grep -qx 'populated 0' "$cg/cgroup.events"; do
			if [ $t -ge 50 ]; then
				echo "fleet.sh: $cg still has processes: $(tr '\n' ' ' <"$cg/cgroup.procs")" >&2
				break
			fi
			sleep 0.1
			t=$((t + 1))
		done
		if remove_cgroup "$cg"; then rm -f "$d/cgroup"; else echo "fleet.sh: cannot remove $cg" >&2; fi
	done
}

# Starts isolated host I (in the background; its sshd writes sshd.pid).
start_isolated() { # hostdir index
	write_init "$1"
	unshare --mount --pid --uts --fork --kill-child --propagation private \
		sh "$SELF" _ns "$DIR" "$2" </dev/null >>"$1/init.log" 2>&1 &
	echo $! >"$1/unshare.pid"
}

cmd_exec() {
	[ $# -ge 3 ] || usage
	DIR=$1 i=$2
	shift 2
	u=$(cat "$DIR/hosts/h$i/unshare.pid" 2>/dev/null) || die "host $i of $DIR is not isolated"
	p=$(ps -o pid= --ppid "$u" | tr -d ' ' | head -n 1)
	[ -n "$p" ] || die "host $i of $DIR is not running"
	nsenter -t "$p" -m -u -p -r -w sh -c "$*"
}

cmd_down() {
	[ $# -eq 1 ] || usage
	DIR=$1
	[ -d "$DIR" ] || die "no such directory: $DIR"
	close_masters "$DIR"
	stop_systemd_hosts
	stop_pids "$DIR/fleet.pids"
	rm -f "$DIR/fleet.pids"
	if [ -L "$DIR/cp" ]; then
		rm -rf "$(readlink "$DIR/cp")"
		rm -f "$DIR/cp"
	fi
}

cmd_scale() {
	[ $# -eq 2 ] || usage
	DIR=$1
	[ -f "$DIR/fleet.env" ] || die "$DIR has no fleet (no fleet.env)"
	. "$DIR/fleet.env"
	N=$FLEET_N NET=$FLEET_NET PORT=$FLEET_PORT
	case $2 in '' | *[!0-9]*) die "NAMES must be a number" ;; esac
	write_scale_inventory "$2"
}

up_failed() {
	echo "fleet.sh: $*" >&2
	exit 1
}

# Exit status 3: this machine cannot boot systemd in a namespace.
cannot_boot() {
	echo "fleet.sh: --systemd: $*" >&2
	exit 3
}

# EXIT trap of `up` once daemons were started: if `up` fails after that
# point (up_failed or set -e), stop every daemon that wrote a pid file.
up_cleanup() {
	rc=$?
	[ $rc -eq 0 ] && return 0
	stop_systemd_hosts
	for d in "$DIR"/hosts/h*; do
		f=$d/sshd.pid
		[ -f "$d/unshare.pid" ] && f=$d/unshare.pid
		[ -f "$f" ] && cat "$f"
	done >"$DIR/fleet.pids.partial" 2>/dev/null || true
	stop_pids "$DIR/fleet.pids.partial"
	rm -f "$DIR/fleet.pids.partial" "$DIR/fleet.pids"
	exit $rc
}

cmd_up() {
	[ $# -ge 2 ] || usage
	N=$1 DIR=$2
	shift 2
	NET=5 PORT=2222 SCALE= ISOLATED= SYSTEMD= PASSWORD_AUTH=no
	while [ $# -gt 0 ]; do
		case $1 in
		--net) NET=${2:?}; shift 2 ;;
		--port) PORT=${2:?}; shift 2 ;;
		--scale) SCALE=${2:?}; shift 2 ;;
		--isolated) ISOLATED=1; shift ;;
		--systemd) ISOLATED=1 SYSTEMD=1; shift ;;
		--password-auth) PASSWORD_AUTH=yes; shift ;;
		*) usage ;;
		esac
	done
	case $N in '' | *[!0-9]*) die "N must be a number" ;; esac
	case $NET in '' | *[!0-9]*) die "--net must be a number" ;; esac
	case $PORT in '' | *[!0-9]*) die "--port must be a number" ;; esac
	[ "$N" -ge 1 ] && [ "$N" -le 250 ] || die "N must be 1..250"
	[ "$NET" -ge 1 ] && [ "$NET" -le 254 ] || die "--net must be 1..254"
	[ -x "$SSHD" ] || die "$SSHD not found (apt-get install openssh-server)"
	if [ -n "$ISOLATED" ]; then
		[ "$(id -u)" = 0 ] || die "--isolated needs root (mount, PID and UTS namespaces)"
		unshare --mount --pid --uts --fork true 2>/dev/null ||
			die "--isolated: unshare --mount --pid --uts is not permitted here"
	fi
	if [ -n "$SYSTEMD" ]; then
		[ -x "$SYSTEMD_BIN" ] || cannot_boot "no $SYSTEMD_BIN"
		CGROOT=$(cgroup2_root)
		[ -n "$CGROOT" ] || cannot_boot "no cgroup2 hierarchy mounted"
		[ -w "$CGROOT/cgroup.procs" ] || cannot_boot "cannot write to cgroup2 at $CGROOT"
		unshare --mount --pid --uts --cgroup --fork true 2>/dev/null ||
			cannot_boot "unshare --cgroup is not permitted here"
	fi

	# Never clobber someone else's files: DIR must be new, empty, or an
	# earlier fleet's (it has fleet.env).
	if [ -d "$DIR" ] && [ -n "$(ls -A "$DIR")" ] && [ ! -f "$DIR/fleet.env" ]; then
		die "$DIR is not empty and holds no fleet; pick a new directory"
	fi
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
	# Mark it ours at once, so an aborted `up` can be rerun in place.
	[ -f "$DIR/fleet.env" ] || echo "# fleet being set up" >"$DIR/fleet.env"
	[ -f "$DIR/fleet.pids" ] && die "$DIR already has a running fleet (fleet.sh down $DIR)"
	FLEET_USER=$(id -un)
	[ "$(id -u)" = 0 ] && mkdir -p /run/sshd && chmod 0755 /run/sshd

	# A unix socket path must fit in 108 bytes; Ansible appends /<40 hex>.
	if [ ${#DIR} -le 60 ]; then
		CPDIR=$DIR/cp
		mkdir -p "$CPDIR"
	else
		rm -rf "$DIR/cp"
		CPDIR=$(mktemp -d "${TMPDIR:-/tmp}/fleet-cp.XXXXXX")
		ln -s "$CPDIR" "$DIR/cp"
	fi

	rm -rf "$DIR/hosts"
	mkdir -p "$DIR/hosts"
	rm -f "$DIR/id_ed25519" "$DIR/id_ed25519.pub"
	ssh-keygen -q -t ed25519 -N '' -C "fleet-client" -f "$DIR/id_ed25519" &
	i=1
	while [ $i -le "$N" ]; do
		h=$DIR/hosts/h$i
		mkdir -p "$h"
		write_sshd_config "$h" "127.0.$NET.$i" "$PORT"
		host_key "$h/ssh_host_ed25519_key" "$i" &
		i=$((i + 1))
	done
	wait
	cp "$DIR/id_ed25519.pub" "$DIR/authorized_keys"

	: >"$DIR/known_hosts.tmp"
	i=1
	while [ $i -le "$N" ]; do
		h=$DIR/hosts/h$i
		[ -s "$h/ssh_host_ed25519_key.pub" ] || die "host key for h$i missing"
		read -r kt kb _ <"$h/ssh_host_ed25519_key.pub"
		echo "$(hostport "127.0.$NET.$i" "$PORT") $kt $kb" >>"$DIR/known_hosts.tmp"
		i=$((i + 1))
	done
	mv "$DIR/known_hosts.tmp" "$DIR/known_hosts"

	# The configs differ only in address and paths: sshd -t the first;
	# starting each daemon checks its own config and key again.
	"$SSHD" -t -f "$DIR/hosts/h1/sshd_config" ||
		die "sshd -t failed for $DIR/hosts/h1/sshd_config"

	# Fail early and clearly if the addresses are taken (another fleet on
	# the same --net?).
	busy=$(ss -Hltn 2>/dev/null | awk -v net="127.0.$NET." -v port=":$PORT" -v n="$N" '
		{ a = $4; if (index(a, net) == 1 && substr(a, length(a) - length(port) + 1) == port) {
			i = substr(a, length(net) + 1); i = substr(i, 1, length(i) - length(port))
			if (i + 0 >= 1 && i + 0 <= n) print a } }' | head -n 3 | tr '\n' ' ')
	[ -z "$busy" ] || die "already listening: $busy(another fleet on --net $NET?)"

	# Start all daemons; each daemonizes, then binds, then writes its pid.
	trap up_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	i=1
	while [ $i -le "$N" ]; do
		h=$DIR/hosts/h$i
		if [ -n "$SYSTEMD" ]; then
			start_systemd "$h" "$i"
		elif [ -n "$ISOLATED" ]; then
			start_isolated "$h" "$i"
		else
			"$SSHD" -f "$h/sshd_config" -E "$h/sshd.log" ||
				up_failed "sshd for h$i failed to start, see $h/sshd.log"
		fi
		i=$((i + 1))
	done

	# systemd boots (sysinit.target) before it starts sshd: give it longer.
	WAIT_TICKS=100
	[ -n "$SYSTEMD" ] && WAIT_TICKS=300
	t=0
	while :; do
		missing=0
		i=1
		while [ $i -le "$N" ]; do
			[ -s "$DIR/hosts/h$i/sshd.pid" ] || missing=$((missing + 1))
			i=$((i + 1))
		done
		[ $missing -eq 0 ] && break
		# sshd daemonizes before binding, so a bind failure exits 0:
		# look for it in the logs rather than wait it out.
		bad=$(grep -l -e 'Cannot bind' -e 'fatal' "$DIR"/hosts/h*/sshd.log 2>/dev/null | head -n 1)
		[ -n "$bad" ] && up_failed "$bad: $(tail -n 2 "$bad" | tr '\n' ' ')"
		if [ -n "$ISOLATED" ]; then
			for d in "$DIR"/hosts/h*; do
				pid_alive "$(cat "$d/unshare.pid")" && continue
				[ -f "$d/systemd.exec" ] && cannot_boot "$SYSTEMD_BIN died while booting" \
					"${d##*/} (see $d/console.log)" \
					"$(cat "$d/init.log" "$d/console.log" 2>/dev/null | tail -n 3 | tr '\n' ' ')"
				up_failed "isolated host $d died: $(tail -n 3 "$d/init.log" | tr '\n' ' ')"
			done
		fi
		[ $t -ge $WAIT_TICKS ] && up_failed "$missing pid files missing after $((WAIT_TICKS / 10))s"
		sleep 0.1
		t=$((t + 1))
	done
	i=1
	while [ $i -le "$N" ]; do
		if [ -n "$ISOLATED" ]; then
			cat "$DIR/hosts/h$i/unshare.pid"
		else
			cat "$DIR/hosts/h$i/sshd.pid"
		fi
		i=$((i + 1))
	done >"$DIR/fleet.pids"

	# Every daemon must be listening (one `ss` call for all of them), and
	# the first must present the key recorded for it; keyscanning all of
	# them would cost a CPU-heavy key exchange each.
	i=1
	while [ $i -le "$N" ]; do echo "127.0.$NET.$i:$PORT"; i=$((i + 1)); done |
		sort >"$DIR/want.listen"
	t=0
	while :; do
		ss -Hltn 2>/dev/null | awk '{ print $4 }' | grep -F "127.0.$NET." |
			sort | comm -23 "$DIR/want.listen" - >"$DIR/not.listening" || true
		[ -s "$DIR/not.listening" ] || break
		[ $t -ge 100 ] && up_failed "not listening after 10s: $(cat "$DIR/not.listening")"
		sleep 0.1
		t=$((t + 1))
	done
	rm -f "$DIR/want.listen" "$DIR/not.listening"
	ssh-keyscan -T 5 -t ed25519 -p "$PORT" "127.0.$NET.1" 2>/dev/null |
		sed 's/ *$//' >"$DIR/keyscan" || true
	if ! head -n 1 "$DIR/known_hosts" | cmp -s - "$DIR/keyscan"; then
		up_failed "127.0.$NET.1:$PORT does not present its key (see $DIR/keyscan)"
	fi
	rm -f "$DIR/keyscan"

	write_inventory
	write_ansible_cfg
	if [ -n "$SCALE" ]; then write_scale_inventory "$SCALE"; fi
	cat >"$DIR/fleet.env" <<EOF
FLEET_N=$N
FLEET_NET=$NET
FLEET_PORT=$PORT
FLEET_USER=$FLEET_USER
FLEET_DIR=$DIR
FLEET_ISOLATED=${ISOLATED:-0}
FLEET_SYSTEMD=${SYSTEMD:-0}
EOF
	return 0
}

[ $# -ge 1 ] || usage
verb=$1
shift
case $verb in
up) cmd_up "$@" ;;
down) cmd_down "$@" ;;
scale) cmd_scale "$@" ;;
exec) cmd_exec "$@" ;;
_ns) cmd_ns "$@" ;;
_ns_systemd) cmd_ns_systemd "$@" ;;
-h | --help | help) usage ;;
*) usage ;;
esac
