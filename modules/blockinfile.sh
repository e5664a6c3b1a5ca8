# drover module: blockinfile
# short: Insert, update or remove a block of lines between marker lines
# description: As Ansible's blockinfile: the block goes between the lines
#   marker with {mark} replaced by marker_begin and marker_end; an existing
#   block (both markers found) is replaced in place, else the block is added
#   after insertafter / before insertbefore (EOF, BOF, or the last line
#   matching a POSIX extended regexp). An empty block or state=absent
#   removes it. The file is rewritten through a temp file and a rename.
# uses: _files
# option: path type=path required aliases=dest,destfile,name  The file to edit.
# option: state type=str default=present choices=absent,present  Whether the block must be there.
# option: marker type=str  Marker line template, {mark} replaced (default
#   "# {mark} ANSIBLE MANAGED BLOCK").
# option: block type=str aliases=content  The lines to put between the markers.
# option: insertafter type=str  EOF, or a pattern: add the block after its last match.
# option: insertbefore type=str  BOF, or a pattern: add the block before its last match.
# option: marker_begin type=str default=BEGIN  Replaces {mark} in the first marker.
# option: marker_end type=str default=END  Replaces {mark} in the last marker.
# option: create type=bool default=false  Create the file if it does not exist.
# option: backup type=bool default=false  Keep the old file as NAME.PID.DATE~.
# option: validate type=str  Command checking the new file (%s) before it replaces path.
# option: mode type=raw  Mode of the file (octal or symbolic).
# option: owner type=str  Owner of the file.
# option: group type=str  Group of the file.
# example: drover adhoc all -i hosts -m blockinfile -a 'path=/etc/hosts block="10.0.0.5 db"'

# (a default in the spec cannot hold spaces)
[ -z "${marker+x}" ] && marker="# {mark} ANSIBLE MANAGED BLOCK"
[ -n "$insertafter" ] && [ -n "$insertbefore" ] &&
	drover_fail "parameters are mutually exclusive: insertbefore|insertafter"
[ -d "$path" ] && drover_exit "{\"failed\": true, \"rc\": 256, \"msg\": $(json_str "Path $path is a directory !")}"
exists=false
[ -e "$path" ] && exists=true
if ! $exists; then
	is_true "$create" || drover_exit "{\"failed\": true, \"rc\": 257, \"msg\": $(json_str "Path $path does not exist !")}"
	[ "$state" = absent ] && drover_exit "{\"changed\": false, \"msg\": $(json_str "File $path not present")}"
fi
[ -z "$insertbefore" ] && [ -z "$insertafter" ] && insertafter=EOF
case $insertafter in '' | EOF) ins= ;; *) ins=$(ere "$insertafter") ;; esac
case $insertbefore in '' | BOF) ;; *) ins=$(ere "$insertbefore") ;; esac

new=$(mktemp) && old=$(mktemp) || drover_fail "could not make a temp file"
trap 'rm -f "$new" "$old" "${tmp:-}"' EXIT
$exists && cat "$path" >"$old"
nonl=0
[ -n "$(tail -c 1 "$old")" ] && nonl=1
m0=$(printf '%s' "$marker" | awk -v m="$marker_begin" '{ i = index($0, "{mark}"); print (i ? substr($0, 1, i - 1) m substr($0, i + 6) : $0) }')
m1=$(printf '%s' "$marker" | awk -v m="$marker_end" '{ i = index($0, "{mark}"); print (i ? substr($0, 1, i - 1) m substr($0, i + 6) : $0) }')
blk=
[ "$state" = present ] && blk=$block

# Lines L[0..n-1] ending in E[i] ("\n", or "" for a last line without one).
m0="$m0" m1="$m1" blk="$blk" ins="$ins" awk -v ia="$insertafter" -v ib="$insertbefore" \
	-v nonl="$nonl" '
BEGIN { n = 0 }
{ L[n] = $0; E[n] = "\n"; n++ }
END {
	if (n && nonl) E[n - 1] = ""
	m0 = ENVIRON["m0"]; m1 = ENVIRON["m1"]; ins = ENVIRON["ins"]; blk = ENVIRON["blk"]
	n0 = n1 = -1
	for (i = 0; i < n; i++) {
		if (L[i] == m0 && E[i] == "\n") n0 = i
		if (L[i] == m1 && E[i] == "\n") n1 = i
	}
	if (n0 < 0 || n1 < 0) {
		n0 = -1
		if (ins != "") {
			for (i = 0; i < n; i++) if (L[i] ~ ins) n0 = i
			if (n0 < 0) n0 = n
			else if (ia != "") n0++
		} else if (ib != "") n0 = 0
		else n0 = n
	} else {
		lo = n0 < n1 ? n0 : n1; hi = n0 < n1 ? n1 : n0
		for (i = hi + 1; i < n; i++) { L[i - (hi - lo + 1)] = L[i]; E[i - (hi - lo + 1)] = E[i] }
		n -= hi - lo + 1; n0 = lo
	}
	if (n0 > 0 && E[n0 - 1] == "") E[n0 - 1] = "\n"
	for (i = 0; i < n0; i++) printf "%s%s", L[i], E[i]
	if (blk != "") {
		sub(/\n$/, "", blk)
		nb = split(blk, B, "\n")
		print m0
		for (i = 1; i <= nb; i++) print B[i]
		print m1
	}
	for (i = n0; i < n; i++) printf "%s%s", L[i], E[i]
}' "$old" >"$new" || drover_fail "awk failed on $path"

changed=true
if $exists && cmp -s "$old" "$new"; then
	changed=false msg=
elif ! $exists; then
	msg="File created"
elif [ -z "$blk" ]; then
	msg="Block removed"
else
	msg="Block inserted"
fi
backup_file=
if is_true "$changed" && ! in_check_mode; then
	$exists || mkdir -p "$(dirname "$path")" 2>/dev/null
	tmp=$(tmp_beside "$path")
	cat "$new" >"$tmp"
	if [ -n "$validate" ]; then
		_out=$(sh -c "$(printf '%s' "$validate" | sed "s|%s|'$tmp'|g")" 2>&1) ||
			drover_fail "failed to validate: rc:1 error:$_out"
	fi
	$exists && is_true "$backup" && backup_file=$(backup_of "$path")
	replace_with "$tmp" "$path"
	tmp=
fi
content_diff=
want_diff && content_diff=$(text_diff "$old" "$new" "$path (content)")
if in_check_mode && ! $exists; then
	_r="\"changed\": $changed, \"msg\": $(json_str "$msg")"
	want_diff && _r="$_r, \"diff\": $content_diff"
	drover_exit "{$_r}"
fi
attrs_changed=false
apply_attrs "$path"
if is_true "$attrs_changed"; then
	[ -n "$msg" ] && msg="$msg and "
	msg="${msg}ownership, perms or SE linux context changed"
	changed=true
fi
_r="\"changed\": $changed, \"msg\": $(json_str "$msg")"
[ -n "$backup_file" ] && _r="$_r, \"backup_file\": $(json_str "$backup_file")"
want_diff && _r="$_r, \"diff\": [$content_diff, $(attr_diff "$path")]"
drover_exit "{$_r}"
