# drover module: mount
# short: Keep a filesystem's line in fstab, and mount or unmount it
# description: Edits the fstab line whose mount point is `path` ("SRC PATH
#   FSTYPE OPTS DUMP PASSNO", spaces in fields written as \040) and mounts,
#   remounts or unmounts as the state asks. present and absent touch only
#   fstab (absent also unmounts, and removes the mount point folder if it
#   is empty); mounted adds the line, creates the folder and mounts (a
#   changed line of a mounted filesystem means a remount); unmounted only
#   unmounts; remounted always remounts. Check mode predicts.
# option: path type=path  The mount point (required; name is the old name).
# option: name type=path  Old name of path.
# option: src type=str  The device, label or remote share; required for
#   present and mounted.
# option: fstype type=str  The filesystem type; required for present and mounted.
# option: opts type=str default=defaults  Mount options.
# option: dump type=str default=0  fstab's fifth field.
# option: passno type=str default=0  fstab's sixth field.
# option: state type=str required  present, absent, mounted, unmounted or remounted.
# option: fstab type=path default=/etc/fstab  The file to edit.
# option: boot type=bool default=true  false adds noauto to the options.
# option: backup type=bool default=false  Keep a copy of fstab before changing it.
# example: drover adhoc db -i hosts -b -m mount -a 'path=/data src=/dev/vdb1 fstype=ext4 state=mounted'
# example: drover adhoc db -i hosts -b -m mount -a 'path=/mnt/old state=absent'

check=${_ansible_check_mode:-false}
[ -z "$path" ] && path=$name
[ -n "$path" ] || drover_fail "missing required arguments: path"

case $state in
present | absent | mounted | unmounted | remounted) ;;
*) drover_fail "value of state must be one of: absent, mounted, present, remounted, unmounted, got: $state" ;;
esac
case $path in
/*) ;;
*) drover_fail "path must be absolute, got '$path'" ;;
esac
[ "$path" != / ] && path=${path%/}
if [ "$state" = present ] || [ "$state" = mounted ]; then
	[ -n "$src" ] || drover_fail "state is $state but all of the following are missing: src"
	[ -n "$fstype" ] || drover_fail "state is $state but all of the following are missing: fstype"
fi
if [ "$boot" = false ]; then
	case ,$opts, in *,noauto,*) ;; *) opts="$opts,noauto" ;; esac
fi

# fstab's escaping: a space in a field is \040 (tab \011)
esc() { printf '%s' "$1" | sed 's/\\/\\134/g; s/ /\\040/g; s/	/\\011/g'; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/drover-mount.XXXXXX") || drover_fail "cannot create a temporary folder"
trap 'rm -rf "$tmp"' EXIT
if [ -f "$fstab" ]; then cat "$fstab" >"$tmp/old"; else : >"$tmp/old"; fi

line="$(esc "$src") $(esc "$path") $(esc "$fstype") $(esc "$opts") $dump $passno"
drop=0
[ "$state" = absent ] && drop=1
keep=0
[ "$state" = unmounted ] || [ "$state" = remounted ] && keep=1
M_PATH=$(esc "$path") M_LINE=$line M_DROP=$drop M_KEEP=$keep awk '
	BEGIN { p = ENVIRON["M_PATH"]; line = ENVIRON["M_LINE"]; drop = ENVIRON["M_DROP"] == "1"; keep = ENVIRON["M_KEEP"] == "1" }
	/^[ \t]*(#|$)/ || $2 != p || keep { print; next }
	{ if (!drop && !done) print line; done = 1 }
	END { if (!drop && !keep && !done) print line }
' "$tmp/old" >"$tmp/new"

fstab_changed=
cmp -s "$tmp/old" "$tmp/new" || fstab_changed=1
changed=false

is_mounted() {
	awk -v p="$(esc "$path")" '$2 == p { found = 1 } END { exit !found }' /proc/mounts 2>/dev/null
}

# run CMD...: unless in check mode; fails with the command's output.
run() {
	changed=true
	[ "$check" = true ] && return 0
	_o=$("$@" 2>&1) || drover_fail "Error running $*: $_o"
}

if [ -n "$fstab_changed" ]; then
	changed=true
	if [ "$check" != true ]; then
		[ "$backup" = true ] && [ -f "$fstab" ] && cp -p "$fstab" "$fstab.$(date +%Y-%m-%d@%H:%M:%S)~"
		cat "$tmp/new" >"$fstab" || drover_fail "cannot write $fstab"
	fi
fi

case $state in
mounted)
	if ! is_mounted; then
		[ -d "$path" ] || run mkdir -p "$path"
		run mount -t "$fstype" -o "$opts" "$src" "$path"
	elif [ -n "$fstab_changed" ]; then
		run mount -o "remount,$opts" "$path"
	fi ;;
unmounted)
	if is_mounted; then run umount "$path"; fi ;;
remounted)
	is_mounted || drover_fail "$path is not mounted"
	run mount -o remount "$path" ;;
absent)
	if is_mounted; then run umount "$path"; fi
	if [ "$check" != true ] && [ -d "$path" ]; then rmdir "$path" 2>/dev/null || true; fi ;;
esac

drover_exit "{\"changed\": $changed, \"dump\": $(json_str "$dump"), \"fstab\": $(json_str "$fstab"), \"fstype\": $(json_str "$fstype"), \"name\": $(json_str "$path"), \"opts\": $(json_str "$opts"), \"passno\": $(json_str "$passno"), \"src\": $(json_str "$src")}"
