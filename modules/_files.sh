# drover helpers for the file modules (copy, file, lineinfile, blockinfile,
# replace, stat): modes, owners, backups, atomic writes, diffs. A module
# names it with "# uses: _files"; it follows modules/_lib.sh. POSIX sh and
# coreutils only (stat -c, sha1sum, base64), as in busybox.

# Ansible refuses diffs of files larger than this (max_file_size_for_diff).
_drover_diff_max=104448

# b64 FILE: the file's bytes in base64 on one line.
b64() {
	base64 <"$1" | tr -d '\n'
}

# sha1_of FILE
sha1_of() {
	set -- $(sha1sum <"$1") && printf '%s' "$1"
}

md5_of() {
	set -- $(md5sum <"$1") && printf '%s' "$1"
}

# dir_of PATH: sets _dir_of to PATH's folder as dirname prints it, without
# starting dirname (modules pay for every program they start).
dir_of() {
	case $1 in
	*/*) _dir_of=${1%/*} && [ -n "$_dir_of" ] || _dir_of=/ ;;
	*) _dir_of=. ;;
	esac
}

# is_true VALUE: Ansible's booleans arrive as true/false.
is_true() {
	[ "$1" = true ]
}

in_check_mode() {
	is_true "$_ansible_check_mode"
}

want_diff() {
	is_true "$_ansible_diff"
}

# octal4 DIGITS: an octal mode as Ansible prints it, "0644".
_drover_nl='
'

octal4() {
	printf '%04o' "0$1"
}

# kind_of PATH: file, directory, link, hard? (no), absent, or other.
kind_of() {
	if [ -L "$1" ]; then
		echo link
	elif [ -d "$1" ]; then
		echo directory
	elif [ -f "$1" ]; then
		echo file
	elif [ -e "$1" ]; then
		echo other
	else
		echo absent
	fi
}

# target_mode PATH MODE: the octal mode PATH would have after chmod MODE
# (octal, or symbolic applied to PATH's current mode). If MODE is neither,
# prints Ansible's message instead and returns 1.
target_mode() {
	case $2 in
	'' | *[!0-7]*) ;;
	*)
		[ "$(printf '%o' "0$2")" -le 7777 ] 2>/dev/null && { octal4 "$2"; return 0; }
		;;
	esac
	if ! printf '%s' "$2" | grep -Eq '^([ugoa]*[-+=]([rwxXst]*|[ugo])([-+=]([rwxXst]*|[ugo]))*)(,[ugoa]*[-+=]([rwxXst]*|[ugo])([-+=]([rwxXst]*|[ugo]))*)*$'; then
		printf 'mode must be in octal or symbolic form'
		return 1
	fi
	# chmod itself works the symbolic mode out, on a scratch file or folder
	if [ -d "$1" ]; then _scratch=$(mktemp -d) || return 1
	else _scratch=$(mktemp) || return 1; fi
	_cur=$(stat -c %a "$1" 2>/dev/null || echo 644)
	chmod "$_cur" "$_scratch" && chmod "$2" "$_scratch" 2>/dev/null ||
		{ rm -rf "$_scratch"; printf 'bad symbolic permission for mode: %s' "$2"; return 1; }
	octal4 "$(stat -c %a "$_scratch")"
	rm -rf "$_scratch"
}

# check_owner NAME: fails as Ansible does if the user does not exist.
check_owner() {
	[ -z "$1" ] && return 0
	case $1 in *[!0-9]*) id -u "$1" >/dev/null 2>&1 ||
		drover_fail "chown failed: failed to look up user $1" ;; esac
}

check_group() {
	[ -z "$1" ] && return 0
	case $1 in
	*[!0-9]*)
		if command -v getent >/dev/null 2>&1; then
			getent group "$1" >/dev/null 2>&1
		else
			grep -q "^$1:" /etc/group
		fi || drover_fail "chgrp failed: failed to look up group $1"
		;;
	esac
}

# owner_differs PATH OWNER / group_differs PATH GROUP (names or numbers)
owner_differs() {
	case $2 in
	'') return 1 ;;
	*[!0-9]*) [ "$(stat -c %U "$1")" != "$2" ] ;;
	*) [ "$(stat -c %u "$1")" != "$2" ] ;;
	esac
}

group_differs() {
	case $2 in
	'') return 1 ;;
	*[!0-9]*) [ "$(stat -c %G "$1")" != "$2" ] ;;
	*) [ "$(stat -c %g "$1")" != "$2" ] ;;
	esac
}

# apply_attrs PATH: mode, owner and group from the module's options, as
# Ansible's set_fs_attributes_if_different. Sets attrs_changed=true when
# something differs (in check mode nothing changes) and attr_before /
# attr_after, the JSON members of the file-attribute diff. Symbolic links
# are not followed (follow=no) unless follow_links is true.
apply_attrs() {
	attr_before= attr_after=
	[ -e "$1" ] || [ -L "$1" ] || return 0
	check_owner "$owner"
	check_group "$group"
	_h=
	[ -L "$1" ] && ! is_true "${follow_links:-false}" && _h=-h
	if [ -n "$mode" ] && [ -z "$_h" ]; then
		_cur=$(octal4 "$(stat -c %a "$1")")
		_want=$(target_mode "$1" "$mode") || drover_fail "$_want"
		if [ "$_cur" != "$_want" ]; then
			attrs_changed=true
			attr_before="$attr_before\"mode\": \"$_cur\", "
			attr_after="$attr_after\"mode\": \"$_want\", "
			in_check_mode || chmod "$_want" "$1" ||
				drover_fail "chmod failed on $1"
		fi
	fi
	if owner_differs "$1" "$owner"; then
		attrs_changed=true
		attr_before="$attr_before\"owner\": $(json_str "$(stat -c %U "$1")"), "
		attr_after="$attr_after\"owner\": $(json_str "$owner"), "
		in_check_mode || chown $_h "$owner" "$1" 2>/dev/null ||
			drover_fail "chown failed: $1"
	fi
	if group_differs "$1" "$group"; then
		attrs_changed=true
		attr_before="$attr_before\"group\": $(json_str "$(stat -c %G "$1")"), "
		attr_after="$attr_after\"group\": $(json_str "$group"), "
		in_check_mode || chgrp $_h "$group" "$1" 2>/dev/null ||
			drover_fail "chgrp failed: $1"
	fi
	return 0
}

# path_info PATH: the JSON members Ansible adds about a path (no braces).
path_info() {
	if [ ! -e "$1" ] && [ ! -L "$1" ]; then
		printf '"state": "absent"'
		return
	fi
	if [ -L "$1" ]; then _k=link
	elif [ -d "$1" ]; then _k=directory
	else _k=file; fi
	# one stat for everything (each program started costs more than the rest)
	_i=$(stat -c '%u %g %a %s %h
%U
%G' "$1")
	set -- "$1" ${_i%%"$_drover_nl"*}
	_i=${_i#*"$_drover_nl"}
	[ "$_k" = file ] && [ "$6" -gt 1 ] && _k=hard
	printf '"uid": %s, "gid": %s, "owner": %s, "group": %s, "mode": "%s", "size": %s, "state": "%s"' \
		"$2" "$3" "$(json_str "${_i%%"$_drover_nl"*}")" "$(json_str "${_i#*"$_drover_nl"}")" \
		"$(octal4 "$4")" "$5" "$_k"
	[ -L "$1" ] && printf ', "src": %s' "$(json_str "$(readlink "$1")")"
	return 0
}

# backup_of PATH: copies PATH next to itself as Ansible's backup_local
# names it and prints the copy's name.
backup_of() {
	_b="$1.$$.$(date +%Y-%m-%d@%H:%M:%S)~"
	cp -p "$1" "$_b" || drover_fail "Could not make backup of $1 to $_b"
	printf '%s' "$_b"
}

# tmp_beside PATH: a new empty temp file in PATH's folder (for rename).
tmp_beside() {
	dir_of "$1"
	_d=$_dir_of
	_t="$_d/.drover_tmp_$$_${1##*/}"
	: >"$_t" || drover_fail "Destination $_d not writable"
	printf '%s' "$_t"
}

# replace_with TMP DEST: moves TMP over DEST atomically, keeping DEST's
# mode and owner when it exists (as Ansible's atomic_move).
replace_with() {
	if [ -e "$2" ]; then
		chmod "$(stat -c %a "$2")" "$1" 2>/dev/null
		chown "$(stat -c %u:%g "$2")" "$1" 2>/dev/null
	fi
	mv -f "$1" "$2" || { rm -f "$1"; drover_fail "Could not replace file: $1 to $2"; }
}

# has_nul FILE: the file holds a NUL byte (Ansible calls it binary).
has_nul() {
	[ "$(tr -d '\000' <"$1" | wc -c)" -ne "$(wc -c <"$1")" ]
}

# text_diff BEFORE AFTER HEADER [AFTER_HEADER]: a diff object of two files'
# texts (a missing file is empty), as base64 for the controller to decode.
text_diff() {
	_bs=0 _as=0
	[ -f "$1" ] && _bs=$(wc -c <"$1")
	[ -f "$2" ] && _as=$(wc -c <"$2")
	printf '{"before_header": %s, "after_header": %s' "$(json_str "$3")" "$(json_str "${4:-$3}")"
	if [ "$_bs" -gt "$_drover_diff_max" ]; then
		printf ', "dst_larger": %s}' "$_drover_diff_max"
		return
	fi
	if [ "$_as" -gt "$_drover_diff_max" ]; then
		printf ', "src_larger": %s}' "$_drover_diff_max"
		return
	fi
	if [ -f "$1" ] && has_nul "$1"; then
		printf ', "dst_binary": 1}'
		return
	fi
	if [ -f "$2" ] && has_nul "$2"; then
		printf ', "src_binary": 1}'
		return
	fi
	printf ', "before_b64": "%s", "after_b64": "%s"}' \
		"$( [ -f "$1" ] && b64 "$1")" "$( [ -f "$2" ] && b64 "$2")"
}

# attr_diff PATH: the file-attribute diff from apply_attrs' findings.
attr_diff() {
	printf '{"before_header": %s, "after_header": %s, "before": {%s}, "after": {%s}}' \
		"$(json_str "$1 (file attributes)")" "$(json_str "$1 (file attributes)")" \
		"${attr_before%, }" "${attr_after%, }"
}

# ere PATTERN: a Python regular expression in POSIX ERE terms, for the
# common shorthands (\d \s \w and their negations); other syntax is ERE's.
ere() {
	printf '%s' "$1" | sed -e 's/\\d/[0-9]/g' -e 's/\\D/[^0-9]/g' \
		-e 's/\\s/[[:space:]]/g' -e 's/\\S/[^[:space:]]/g' \
		-e 's/\\w/[[:alnum:]_]/g' -e 's/\\W/[^[:alnum:]_]/g'
}
