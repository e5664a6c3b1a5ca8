# drover module: apt
# short: Install, upgrade or remove Debian packages with apt-get
# description: Runs apt-get non-interactively (keeping changed config
#   files, waiting up to a minute for the dpkg lock). Idempotent: present
#   installs only what is missing, latest only what has a newer candidate,
#   absent removes only what is installed; whether anything would change is
#   asked of `apt-get -s` first, which is also what check mode reports (its
#   output is the result's stdout). Results carry Ansible's keys:
#   cache_updated, cache_update_time, stdout, stderr (and their _lines).
#   Not implemented: build-dep, fixed, policy_rc_d, default_release pinning
#   beyond -t, .deb URLs.
# option: name type=list  Packages, each NAME or NAME=VERSION (a version may
#   end in *). pkg and package are old names.
# option: pkg type=list  Old name of name.
# option: package type=list  Old name of name.
# option: state type=str default=present  present, latest or absent.
# option: update_cache type=bool default=false  Run apt-get update first.
# option: cache_valid_time type=int default=0  With update_cache: skip the
#   update when the last one is younger than this many seconds.
# option: upgrade type=str default=no  no, yes or safe (apt-get upgrade
#   --with-new-pkgs), full or dist (apt-get dist-upgrade).
# option: autoremove type=bool default=false  Remove packages nothing needs
#   any more (alone, or with state=absent).
# option: autoclean type=bool default=false  Remove obsolete .deb files from the cache.
# option: purge type=bool default=false  With state=absent, purge config files too.
# option: deb type=path  A .deb file on the host to install (with its dependencies).
# option: install_recommends type=bool  Install recommended packages (default: apt's setting).
# option: allow_downgrade type=bool default=false  Allow NAME=VERSION to go down.
# option: only_upgrade type=bool default=false  Only upgrade installed packages, never install new ones.
# option: force type=bool default=false  Allow unauthenticated packages and downgrades (dangerous).
# option: default_release type=str  Prefer packages of this release (apt-get -t).
# option: dpkg_options type=str default=force-confdef,force-confold  dpkg
#   options, comma separated, each passed as -o Dpkg::Options::=--OPT.
# example: drover adhoc all -i hosts -m apt -a 'name=nginx update_cache=yes cache_valid_time=3600'
# example: drover adhoc all -i hosts -m apt -a 'upgrade=dist'
# example: drover adhoc all -i hosts -m apt -a 'name=telnet state=absent purge=yes'

check=${_ansible_check_mode:-false}
export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true LC_ALL=C

command -v apt-get >/dev/null 2>&1 || drover_fail "apt-get is not available on the host (not a Debian-like system?)"
case $state in
present | latest | absent) ;;
installed) state=present ;;
removed) state=absent ;;
*) drover_fail "value of state must be one of: absent, latest, present, got: $state" ;;
esac
case $upgrade in
no | false | yes | true | safe | full | dist) ;;
*) drover_fail "value of upgrade must be one of: dist, full, no, safe, yes, got: $upgrade" ;;
esac
case $cache_valid_time in *[!0-9]*) drover_fail "cache_valid_time must be a number of seconds" ;; esac

# the package names, whichever option name carried them
names=
for _o in name pkg package; do
	eval "_n=\${${_o}_n:-0}"
	_i=0
	while [ "$_i" -lt "$_n" ]; do
		eval "_p=\$${_o}_$_i"
		case $_p in
		*' '* | -*) drover_fail "invalid package name '$_p'" ;;
		esac
		for _q in $(printf '%s' "$_p" | tr ',' ' '); do names="$names $_q"; done
		_i=$((_i + 1))
	done
done
if [ -z "$names" ] && [ -z "$deb" ] && [ "$update_cache" != true ] && [ "$autoremove" != true ] &&
	[ "$autoclean" != true ] && { [ "$upgrade" = no ] || [ "$upgrade" = false ]; }; then
	drover_fail "one of the following is required: name, pkg, package, deb, update_cache, upgrade, autoremove, autoclean"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/drover-apt.XXXXXX") || drover_fail "cannot create a temporary folder"
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/out"
: >"$tmp/err"

# the options every apt-get call gets
set -- -y -q -o DPkg::Lock::Timeout=60
_ifs=$IFS IFS=,
for _d in $dpkg_options; do set -- "$@" -o "Dpkg::Options::=--$_d"; done
IFS=$_ifs
[ "$install_recommends" = true ] && set -- "$@" --install-recommends
[ "$install_recommends" = false ] && set -- "$@" --no-install-recommends
[ "$allow_downgrade" = true ] && set -- "$@" --allow-downgrades
[ "$force" = true ] && set -- "$@" --allow-unauthenticated --allow-downgrades
[ "$only_upgrade" = true ] && set -- "$@" --only-upgrade
[ -n "$default_release" ] && set -- "$@" -t "$default_release"
APT_OPTS_N=$#
i=0
for _a in "$@"; do eval "APT_OPT_$i=\$_a"; i=$((i + 1)); done

# apt_get [-s] CMD ARGS...: apt-get with the common options (and -s to
# only simulate). Returns apt-get's status.
apt_get() {
	_s=
	if [ "$1" = -s ]; then
		_s=1
		shift
	fi
	_cmd=$1
	shift
	_i=$APT_OPTS_N
	while [ "$_i" -gt 0 ]; do
		_i=$((_i - 1))
		eval "set -- \"\$APT_OPT_$_i\" \"\$@\""
	done
	if [ -n "$_s" ]; then
		apt-get -s -o Debug::NoLocking=1 "$_cmd" "$@"
	else
		apt-get "$_cmd" "$@"
	fi
}

# apt CMD ARGS...: runs it, output appended to $tmp/out and $tmp/err.
apt() {
	apt_get "$@" >>"$tmp/out" 2>>"$tmp/err"
}

# simulate CMD ARGS...: 0 if apt-get -s would install, upgrade or remove something.
simulate() {
	apt_get -s "$@" >"$tmp/sim" 2>"$tmp/simerr" ||
		drover_fail "apt-get -s $* failed: $(cat "$tmp/simerr" "$tmp/sim" | grep -E '^(E|W):' | head -n 5)"
	grep -qE '^(Inst|Remv|Purg) ' "$tmp/sim"
}

# json_lines FILE: the file's lines as a JSON list of strings.
json_lines() {
	printf '['
	_sep=
	while IFS= read -r _l || [ -n "$_l" ]; do
		_l=$(printf '%s' "$_l" | tr -d '\r')
		printf '%s%s' "$_sep" "$(json_str "$_l")"
		_sep=', '
	done <"$1"
	printf ']'
}

cache_time() {
	if [ -e /var/lib/apt/periodic/update-success-stamp ]; then
		stat -c %Y /var/lib/apt/periodic/update-success-stamp
	else
		stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0
	fi
}

changed=false
cache_updated=false
ran=
if [ "$update_cache" = true ]; then
	age=$(($(date +%s) - $(cache_time)))
	if [ "$cache_valid_time" -eq 0 ] || [ "$age" -gt "$cache_valid_time" ]; then
		cache_updated=true
		changed=true
		if [ "$check" != true ]; then
			apt-get -q -o DPkg::Lock::Timeout=60 update >"$tmp/upd" 2>"$tmp/upderr" ||
				drover_fail "Failed to update apt cache: $(grep -E '^(E|W):' "$tmp/upderr" | head -n 5)"
			if grep -q '^E:' "$tmp/upderr"; then
				drover_fail "Failed to update apt cache: $(grep '^E:' "$tmp/upderr" | head -n 5)"
			fi
			mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp
		fi
	fi
fi

# installed NAME: the installed version, or nothing.
installed() {
	dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null |
		awk '$1 ~ /^.i/ { print $2; exit }'
}

# act SIM-CMD APT-CMD ARGS...: simulate, then run unless in check mode.
act() {
	_sim=$1 _real=$2
	shift 2
	simulate "$_sim" "$@" || return 0
	changed=true
	ran=1
	if [ "$check" = true ]; then
		cat "$tmp/sim" >>"$tmp/out"
		return 0
	fi
	apt "$_real" "$@" || drover_fail "apt-get $_real $* failed: $(grep -E '^(E|W):' "$tmp/err" | head -n 5)"
}

if [ -n "$names" ]; then
	want=
	for p in $names; do
		n=${p%%=*}
		if [ "$state" != absent ] && ! apt-cache show "$n" >/dev/null 2>&1; then
			drover_fail "No package matching '$n' is available"
		fi
		v=$(installed "$n")
		case $state in
		present)
			case $p in
			*=*)
				# shellcheck disable=SC2254 # a version may end in * (a pattern)
				case $v in ${p#*=}) ;; *) want="$want $p" ;; esac ;;
			*) [ -n "$v" ] || want="$want $p" ;;
			esac ;;
		latest) want="$want $p" ;;
		absent) [ -n "$v" ] && want="$want $n" ;;
		esac
	done
	if [ -n "$want" ]; then
		if [ "$state" = absent ]; then
			x=
			[ "$purge" = true ] && x=--purge
			[ "$autoremove" = true ] && x="$x --auto-remove"
			# shellcheck disable=SC2086
			act remove remove $x $want
		else
			# shellcheck disable=SC2086
			act install install $want
		fi
	fi
fi

if [ -n "$deb" ]; then
	[ -f "$deb" ] || drover_fail "deb file $deb does not exist on the host"
	dn=$(dpkg-deb -f "$deb" Package 2>/dev/null) || drover_fail "$deb is not a Debian package"
	dv=$(dpkg-deb -f "$deb" Version)
	case $deb in /*) d=$deb ;; *) d=$(pwd)/$deb ;; esac
	[ "$(installed "$dn")" = "$dv" ] || act install install "$d"
fi

case $upgrade in
yes | true | safe) act upgrade upgrade --with-new-pkgs ;;
full | dist) act dist-upgrade dist-upgrade ;;
esac

if [ "$autoremove" = true ] && { [ "$state" != absent ] || [ -z "$names" ]; }; then
	x=
	[ "$purge" = true ] && x=--purge
	act autoremove autoremove $x
fi
if [ "$autoclean" = true ] && [ "$check" != true ]; then
	apt autoclean || drover_fail "apt-get autoclean failed: $(cat "$tmp/err")"
fi

r="{"
[ "$state" != absent ] && r="$r\"cache_update_time\": $(cache_time), \"cache_updated\": $cache_updated, "
r="$r\"changed\": $changed"
if [ -n "$ran" ]; then
	r="$r, \"stderr\": $(json_str "$(cat "$tmp/err")"), \"stderr_lines\": $(json_lines "$tmp/err")"
	r="$r, \"stdout\": $(json_str "$(cat "$tmp/out")"), \"stdout_lines\": $(json_lines "$tmp/out")"
fi
drover_exit "$r}"
