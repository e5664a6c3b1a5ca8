# drover module: copy
# short: Copy a file or folder from the controller, or text, to the hosts
# description: The controller reads src (or takes content) and sends the
#   bytes with the task; the host writes each file to a temp file in the
#   target folder, checks its SHA-1 against the controller's, then renames it
#   over dest, so readers never see half a file. Unchanged files (same
#   checksum) are not rewritten. src "dir" copies the folder itself into
#   dest, "dir/" only its contents. Supports check mode and diff.
# uses: _files
# option: src type=path  File or folder on the controller (on the host with
#   remote_src=yes).
# option: content type=str  Text to write to dest instead of a file.
# option: dest type=path  Where to write on the host (a folder if it ends
#   with / or already is one). Required.
# option: mode type=raw  Octal ("0644", 644) or symbolic ("u=rw,g=r,o=r")
#   mode of the files, or "preserve" for the source's.
# option: directory_mode type=raw  Mode of the folders a folder copy creates.
# option: owner type=str  Owner of the files (name or uid).
# option: group type=str  Group of the files (name or gid).
# option: backup type=bool default=false  Keep the old file as
#   NAME.PID.YYYY-MM-DD@HH:MM:SS~ before replacing it.
# option: force type=bool default=true  Replace a dest whose content differs;
#   with no, only create missing files.
# option: validate type=str  Command checking the new file before it is put
#   in place; %s is its path. A failure leaves dest untouched.
# option: remote_src type=bool default=false  src is a file on the host.
# option: follow type=bool default=false  Follow a dest that is a link.
# option: local_follow type=bool default=true  Follow links in src (always).
# option: decrypt type=bool default=true  Decrypt a vault-encrypted src on
#   the controller (with the run's vault passwords) before sending it.
# option: checksum type=str  Expected SHA-1 of src; a mismatch fails.
# example: drover adhoc web -i hosts -m copy -a 'src=motd dest=/etc/motd mode=0644'
# example: drover adhoc web -i hosts -m copy -a 'content="ok\n" dest=/srv/health'
# example: drover adhoc web -i hosts -m copy -a 'src=site/ dest=/var/www/'

follow_links=$follow
data=$(mktemp) || drover_fail "could not make a temp file"
trap 'rm -f "$data" "${tmp:-}"' EXIT
cat >"$data"

# receive SUM FILE: the bytes arrived whole, or the task fails.
verify() {
	[ "$(sha1_of "$2")" = "$1" ] ||
		drover_fail "Copied file does not match the expected checksum. Transfer failed."
}

# validate_file FILE: runs the validate command on FILE.
validate_file() {
	[ -z "$validate" ] && return 0
	case $validate in *%s*) ;; *) drover_fail "validate must contain %s: $validate" ;; esac
	_cmd=$(printf '%s' "$validate" | sed "s|%s|'$1'|g")
	_out=$(sh -c "$_cmd" 2>&1) && return 0
	drover_exit "{\"failed\": true, \"exit_status\": 1, \"msg\": $(json_str "failed to validate"), \"stdout\": $(json_str "$_out"), \"stderr\": \"\"}"
}

# put_file SUM FROM DEST: writes FROM's bytes to DEST (atomic); sets backup_file.
put_file() {
	tmp=$(tmp_beside "$3")
	cat "$2" >"$tmp"
	verify "$1" "$tmp"
	validate_file "$tmp"
	if is_true "$backup" && [ -f "$3" ]; then
		backup_file=$(backup_of "$3")
	fi
	replace_with "$tmp" "$3"
	tmp=
}

# copy_one SUM FROM DEST: copies unless DEST has those bytes already.
# Sets file_changed; in check mode only says whether it would.
copy_one() {
	file_changed=false
	if [ -d "$3" ] && [ ! -L "$3" ]; then
		drover_fail "Destination $3 is a directory"
	fi
	if [ -e "$3" ]; then
		dest_sum=$(sha1_of "$3")
		{ [ "$dest_sum" = "$1" ] || ! is_true "$force"; } && return 0
	fi
	file_changed=true
	in_check_mode || put_file "$@"
	dest_sum=$1 # put_file checked the copy against it
}

mode_opt=$mode
file_mode() {
	if [ "$mode_opt" = preserve ]; then printf '%s' "$_drover_src_mode"; else printf '%s' "$mode_opt"; fi
}

# single file: content, a controller file, or a file on the host
copy_file() {
	src_sum=$_drover_src_sha1 from=$data
	if is_true "$remote_src"; then
		[ -e "$src" ] || drover_fail "Source $src not found"
		[ -d "$src" ] && drover_fail "drover's copy does not copy folders on the host (remote_src) yet"
		src_sum=$(sha1_of "$src") from=$src _drover_src_name=$(basename "$src")
		_drover_src_mode=$(octal4 "$(stat -c %a "$src")")
	fi
	[ -n "$checksum" ] && [ "$checksum" != "$src_sum" ] &&
		drover_fail "Copied file does not match the expected checksum. Transfer failed."
	case $dest in
	*/)
		[ -n "$content" ] && [ -d "$dest" ] && drover_fail "can not use content with a dir as dest"
		in_check_mode || mkdir -p "$dest" || drover_fail "could not create $dest"
		dest="$dest$_drover_src_name" ;;
	*)
		if [ -d "$dest" ] && { [ ! -L "$dest" ] || is_true "$follow"; }; then
			[ -n "$content" ] && drover_fail "can not use content with a dir as dest"
			dest="$dest/$_drover_src_name"
		fi ;;
	esac
	dir_of "$dest"
	[ -d "$_dir_of" ] || in_check_mode || drover_fail "Destination directory $_dir_of does not exist"
	before= # what dest held, only for --diff
	if want_diff; then
		before=$(mktemp)
		[ -f "$dest" ] && cp "$dest" "$before"
	fi
	backup_file=
	copy_one "$src_sum" "$from" "$dest"
	mode=$(file_mode) attrs_changed=false
	apply_attrs "$dest"
	finish_file
}

finish_file() {
	_diff=
	if want_diff; then
		if is_true "$file_changed"; then
			_diff=", \"diff\": [$(text_diff "$before" "$from" "$dest" "${_drover_src_label:-$src}")]"
		else
			_diff=", \"diff\": {\"before\": {\"path\": $(json_str "$dest")}, \"after\": {\"path\": $(json_str "$dest")}}"
		fi
	fi
	[ -z "$before" ] || rm -f "$before"
	_changed=false
	{ is_true "$file_changed" || is_true "$attrs_changed"; } && _changed=true
	if in_check_mode && is_true "$file_changed"; then
		drover_exit "{\"changed\": true$_diff}"
	fi
	_r="\"changed\": $_changed, \"dest\": $(json_str "$dest"), \"checksum\": \"$dest_sum\", $(path_info "$dest")"
	if is_true "$file_changed"; then
		_r="$_r, \"md5sum\": \"$(md5_of "$dest")\", \"src\": $(json_str "${_drover_src_label:-$src}")"
		[ -n "$backup_file" ] && _r="$_r, \"backup_file\": $(json_str "$backup_file")"
	else
		_r="$_r, \"path\": $(json_str "$dest")"
	fi
	drover_exit "{$_r$_diff}"
}

# a folder: _drover_paths etc. describe the entries, the data holds the files
copy_tree() {
	case $dest in */) ;; *) dest="$dest/" ;; esac
	any=false off=0 i=0
	if [ ! -d "$dest" ]; then
		any=true
		in_check_mode || mkdir -p "$dest" || drover_fail "could not create $dest"
	fi
	part=$(mktemp)
	while [ "$i" -lt "$_drover_paths_n" ]; do
		eval "p=\$_drover_paths_$i t=\$_drover_types_$i s=\$_drover_sizes_$i sum=\$_drover_sums_$i"
		eval "_drover_src_mode=\$_drover_modes_$i"
		if [ "$t" = d ]; then
			copy_dir_entry "$dest$p"
		else
			tail -c +$((off + 1)) "$data" | head -c "$s" >"$part"
			copy_one "$sum" "$part" "$dest$p"
			mode=$(file_mode) attrs_changed=false
			apply_attrs "$dest$p"
			{ is_true "$file_changed" || is_true "$attrs_changed"; } && any=true
			off=$((off + s))
		fi
		i=$((i + 1))
	done
	rm -f "$part"
	drover_exit "{\"changed\": $any, \"dest\": $(json_str "$dest"), \"src\": $(json_str "$_drover_src_label")}"
}

copy_dir_entry() {
	[ -d "$1" ] && return 0
	any=true
	[ -e "$1" ] && drover_fail "Destination $1 exists and is not a directory"
	in_check_mode && return 0
	mkdir -p "$1" || drover_fail "could not create $1"
	[ -n "$directory_mode" ] && chmod "$directory_mode" "$1"
	return 0
}

file_changed=false attrs_changed=false
if [ "$_drover_kind" = dir ]; then
	copy_tree
else
	copy_file
fi
