# drover module: dnf
# short: Install, upgrade or remove RPM packages with dnf (or yum)
# description: Serves the dnf and yum modules: uses dnf where the host has
#   it, else yum. Installed packages are asked of rpm, so present and absent
#   change only what needs it; latest asks `check-update` whether a package
#   has a newer version; name='*' with latest upgrades every package.
#   Check mode predicts from the same questions. Tested (t0408) with
#   Debian's dnf 4 on an isolated host and a local repository.
#   Difference: dnf 4 installs an older NAME-VERSION by downgrading, so
#   allow_downgrade is accepted but does not refuse a downgrade.
# option: name type=list  Packages (NAME, NAME-VERSION, or a path/URL to an rpm);
#   pkg is the old name.
# option: pkg type=list  Old name of name.
# option: state type=str default=present  present (installed), latest or
#   absent (removed).
# option: update_cache type=bool default=false  Refresh the metadata first
#   (makecache).
# option: autoremove type=bool default=false  Remove packages nothing needs
#   any more.
# option: disable_gpg_check type=bool default=false  Do not check signatures.
# option: enablerepo type=list  Repositories to enable for this run.
# option: disablerepo type=list  Repositories to disable for this run.
# option: use_backend type=str default=auto  auto, dnf or yum.
# option: allow_downgrade type=bool default=false  Accepted for Ansible's
#   playbooks (dnf 4 downgrades to a NAME-VERSION anyway).
# example: drover adhoc el -i hosts -m dnf -a 'name=httpd state=latest'

check=${_ansible_check_mode:-false}
LC_ALL=C
export LC_ALL
# Names such as '*' are for dnf, not for the shell.
set -f

case $use_backend in
auto) if command -v dnf >/dev/null 2>&1; then tool=dnf; else tool=yum; fi ;;
dnf | yum | yum4) tool=${use_backend%4} ;;
*) drover_fail "value of use_backend must be one of: auto, dnf, yum, got: $use_backend" ;;
esac
command -v "$tool" >/dev/null 2>&1 || drover_fail "$tool is not available on the host"
command -v rpm >/dev/null 2>&1 || drover_fail "rpm is not available on the host"
case $state in
present | installed) state=present ;;
absent | removed) state=absent ;;
latest) ;;
*) drover_fail "value of state must be one of: absent, installed, latest, present, removed, got: $state" ;;
esac

names=
for _o in name pkg; do
	eval "_n=\${${_o}_n:-0}"
	_i=0
	while [ "$_i" -lt "$_n" ]; do
		eval "_p=\$${_o}_$_i"
		for _q in $(printf '%s' "$_p" | tr ',' ' '); do names="$names $_q"; done
		_i=$((_i + 1))
	done
done
[ -n "$names" ] || [ "$update_cache" = true ] || [ "$autoremove" = true ] ||
	drover_fail "one of the following is required: name, pkg, update_cache, autoremove"

set -- -y
[ "$disable_gpg_check" = true ] && set -- "$@" --nogpgcheck
_i=0
while [ "$_i" -lt "${enablerepo_n:-0}" ]; do eval "set -- \"\$@\" --enablerepo=\"\$enablerepo_$_i\""; _i=$((_i + 1)); done
_i=0
while [ "$_i" -lt "${disablerepo_n:-0}" ]; do eval "set -- \"\$@\" --disablerepo=\"\$disablerepo_$_i\""; _i=$((_i + 1)); done

out=
err=
changed=false
# run ARGS...: the tool with the common options, unless in check mode.
run() {
	changed=true
	[ "$check" = true ] && return 0
	_e=$(mktemp) || drover_fail "cannot create a temporary file"
	_o=$("$tool" "$@" 2>"$_e") || {
		_m=$(sed -n 's/^Error: Unable to find a match: \(.*\)/No package \1 available./p' "$_e")
		[ -n "$_m" ] || _m=$(cat "$_e")
		rm -f "$_e"
		drover_fail "$tool $* failed: $_m"
	}
	out="$out$_o
"
	err="$err$(cat "$_e")"
	rm -f "$_e"
}

if [ "$update_cache" = true ] && [ "$check" != true ]; then
	"$tool" -q makecache >/dev/null 2>&1 || drover_fail "$tool makecache failed"
fi

want=
upgrade=
for p in $names; do
	case $state in
	present)
		rpm -q "$p" >/dev/null 2>&1 || rpm -q --whatprovides "$p" >/dev/null 2>&1 ||
			want="$want $p" ;;
	absent) rpm -q "$p" >/dev/null 2>&1 && want="$want $p" ;;
	latest)
		if [ "$p" = '*' ]; then
			"$tool" -q check-update >/dev/null 2>&1
			[ $? -eq 100 ] && upgrade="$upgrade $p"
		elif ! rpm -q "$p" >/dev/null 2>&1; then
			want="$want $p"
		else
			# check-update exits 100 when there is a newer version
			"$tool" -q check-update "$p" >/dev/null 2>&1
			[ $? -eq 100 ] && upgrade="$upgrade $p"
		fi ;;
	esac
done
# shellcheck disable=SC2086
if [ "$state" = absent ]; then
	[ -z "$want" ] || run "$@" remove $want
else
	[ -z "$want" ] || run "$@" install $want
	if [ "$upgrade" = ' *' ]; then
		run "$@" upgrade
	elif [ -n "$upgrade" ]; then
		run "$@" upgrade $upgrade
	fi
fi
want="$want$upgrade"
if [ "$autoremove" = true ]; then
	if [ "$check" = true ]; then
		changed=true
	else
		run "$@" autoremove
	fi
fi
results=
[ -z "$want" ] || results=$(json_str "${want# }")
drover_exit "{\"changed\": $changed, \"msg\": \"\", \"rc\": 0, \"results\": [$results], \"stdout\": $(json_str "$out"), \"stderr\": $(json_str "$err")}"
