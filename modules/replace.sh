# drover module: replace
# short: Replace every match of a pattern in a file
# description: As Ansible's replace: each match of regexp is replaced by
#   replace (\1.. and \g<1>.. are groups), only between the first match of
#   after and the next match of before when given. Patterns are POSIX
#   extended regexps applied line by line with sed -E (^ and $ match at
#   each line, as Python's MULTILINE); unlike Ansible's, a regexp cannot
#   match across a newline. \d \s \w are translated. The file is rewritten
#   through a temp file and a rename.
# uses: _files
# option: path type=path required aliases=dest,destfile,name  The file to edit.
# option: regexp type=str required  What to replace.
# option: replace type=str  The replacement (default: nothing).
# option: after type=str  Only replace after the first match of this pattern.
# option: before type=str  Only replace before the match of this pattern.
# option: backup type=bool default=false  Keep the old file as NAME.PID.DATE~.
# option: validate type=str  Command checking the new file (%s) before it replaces path.
# option: encoding type=str default=utf-8  Accepted for compatibility (files are bytes).
# option: mode type=raw  Mode of the file (octal or symbolic).
# option: owner type=str  Owner of the file.
# option: group type=str  Group of the file.
# example: drover adhoc all -i hosts -m replace -a 'path=/etc/hosts regexp="^old-name" replace=new-name'

[ -d "$path" ] && drover_exit "{\"failed\": true, \"rc\": 256, \"msg\": $(json_str "Path $path is a directory !")}"
[ -e "$path" ] || drover_exit "{\"failed\": true, \"rc\": 257, \"msg\": $(json_str "Path $path does not exist !")}"
[ -r "$path" ] || drover_fail "Unable to read the contents of $path: Permission denied"

work=$(mktemp -d) || drover_fail "could not make a temp folder"
trap 'rm -rf "$work" "${tmp:-}"' EXIT
cat "$path" >"$work/old"
nonl=0
[ -n "$(tail -c 1 "$work/old")" ] && nonl=1
re=$(ere "$regexp")
ra=$(ere "$after")
rb=$(ere "$before")

# Splits the file into pre, section and post (byte for byte): the section
# is what follows after's first match up to before's next (or last) match.
ra="$ra" rb="$rb" awk -v nonl="$nonl" -v dir="$work" '
{ s = s (NR > 1 ? "\n" : "") $0 }
END {
	if (NR && !nonl) s = s "\n"
	ra = ENVIRON["ra"]; rb = ENVIRON["rb"]; ok = 1
	start = 1; stop = length(s) + 1
	if (ra != "") {
		if (match(s, ra)) start = RSTART + RLENGTH; else ok = 0
	}
	if (ok && rb != "") {
		rest = substr(s, start)
		if (ra != "") {
			if (match(rest, rb)) stop = start + RSTART - 1; else ok = 0
		} else {
			last = 0; off = 0
			while (match(rest, rb) && RLENGTH > 0) {
				last = off + RSTART; off += RSTART + RLENGTH - 1
				rest = substr(rest, RSTART + RLENGTH)
			}
			if (last) stop = start + last - 1; else ok = 0
		}
	}
	printf "%s", (ok ? "" : "nomatch") > (dir "/status")
	printf "%s", substr(s, 1, start - 1) > (dir "/pre")
	printf "%s", substr(s, start, stop - start) > (dir "/section")
	printf "%s", substr(s, stop) > (dir "/post")
}' "$work/old" || drover_fail "awk failed on $path"

if [ -s "$work/status" ]; then
	pat=
	[ -n "$after" ] && [ -n "$before" ] && pat="$after(?P<subsection>.*?)$before"
	[ -n "$after" ] && [ -z "$before" ] && pat="$after(?P<subsection>.*)"
	[ -z "$after" ] && pat="(?P<subsection>.*)$before"
	drover_exit "{\"changed\": false, \"msg\": $(json_str "Pattern for before/after params did not match the given file: $pat")}"
fi

# the replacement in sed's terms: \g<N> is \N, & is literal
d=$(printf '\002')
repl=$(printf '%s' "$replace" | sed -e 's/\\g<\([0-9]\)>/\\\1/g' -e 's/&/\\&/g' -e "s/$d//g")
sed -E "s$d$re$d$repl${d}g" "$work/section" >"$work/section.new" 2>"$work/err" ||
	drover_fail "bad regexp $regexp: $(cat "$work/err")"
# how many matches (an anchored pattern matches a line once at most)
count=$(re="$re" awk 'BEGIN { re = ENVIRON["re"]; once = substr(re, 1, 1) == "^" }
{
	s = $0
	while (match(s, re)) {
		n++
		if (once || s == "") break
		s = substr(s, RSTART + (RLENGTH > 0 ? RLENGTH : 1))
	}
} END { print n + 0 }' "$work/section")

changed=false msg=
if [ "$count" -gt 0 ] && ! cmp -s "$work/section" "$work/section.new"; then
	changed=true
	msg="$count replacements made"
fi
cat "$work/pre" "$work/section.new" "$work/post" >"$work/new"
backup_file=
if is_true "$changed" && ! in_check_mode; then
	tmp=$(tmp_beside "$path")
	cat "$work/new" >"$tmp"
	if [ -n "$validate" ]; then
		_out=$(sh -c "$(printf '%s' "$validate" | sed "s|%s|'$tmp'|g")" 2>&1) ||
			drover_fail "failed to validate: rc:1 error:$_out"
	fi
	is_true "$backup" && backup_file=$(backup_of "$path")
	replace_with "$tmp" "$path"
	tmp=
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
if want_diff && [ "$msg" != "${msg#*replacements made}" ]; then
	_r="$_r, \"diff\": $(text_diff "$work/old" "$work/new" "$path")"
fi
drover_exit "{$_r}"
