# drover module: lineinfile
# short: Make sure a line is in a text file (or not), replacing a matching line
# description: As Ansible's lineinfile: with regexp (or search_string) the
#   last matching line (the first with firstmatch) is replaced by line;
#   otherwise line is added after insertafter / before insertbefore (a
#   regexp, or EOF / BOF) unless the file has it already. state=absent
#   removes every matching line. Regular expressions are POSIX extended
#   ones (awk, sed -E) on the host, not Python's: \d \s \w and their
#   negations are translated; lookarounds, lazy quantifiers and (?i) are not
#   available. The file is rewritten through a temp file and a rename.
# uses: _files
# option: path type=path required aliases=dest,destfile,name  The file to edit.
# option: state type=str default=present choices=absent,present  Whether the line must be there.
# option: regexp type=str aliases=regex  Pattern of the line to replace or remove.
# option: search_string type=str  Literal text of the line to replace or remove.
# option: line type=str aliases=value  The line (with backrefs, \1.. are the regexp's groups).
# option: insertafter type=str  EOF, or a pattern: add the line after its last match.
# option: insertbefore type=str  BOF, or a pattern: add the line before its last match.
# option: backrefs type=bool default=false  Expand \1.. in line; leave the file alone if regexp does not match.
# option: create type=bool default=false  Create the file if it does not exist.
# option: backup type=bool default=false  Keep the old file as NAME.PID.DATE~.
# option: firstmatch type=bool default=false  Use the first match instead of the last.
# option: validate type=str  Command checking the new file (%s) before it replaces path.
# option: mode type=raw  Mode of the file (octal or symbolic).
# option: owner type=str  Owner of the file.
# option: group type=str  Group of the file.
# example: drover adhoc all -i hosts -m lineinfile -a 'path=/etc/ssh/sshd_config regexp="^#?PermitRootLogin" line="PermitRootLogin no"'

[ -n "$insertafter" ] && [ -n "$insertbefore" ] &&
	drover_fail "parameters are mutually exclusive: insertbefore|insertafter"
[ -n "$regexp" ] && [ -n "$search_string" ] &&
	drover_fail "parameters are mutually exclusive: regexp|search_string"
is_true "$backrefs" && [ -n "$search_string" ] &&
	drover_fail "parameters are mutually exclusive: backrefs|search_string"
[ -d "$path" ] && drover_exit "{\"failed\": true, \"rc\": 256, \"msg\": $(json_str "Path $path is a directory !")}"
if [ "$state" = present ]; then
	is_true "$backrefs" && [ -z "${regexp+x}" ] && drover_fail "regexp is required with backrefs=true"
	[ -z "${line+x}" ] && drover_fail "line is required with state=present"
	[ -z "$insertbefore" ] && [ -z "$insertafter" ] && insertafter=EOF
elif [ -z "${line+x}${regexp+x}${search_string+x}" ]; then
	drover_fail "one of line, search_string, or regexp is required with state=absent"
fi

# the patterns in ERE terms
re=$(ere "$regexp")
case $insertafter in '' | EOF | BOF) ins= ;; *) ins=$(ere "$insertafter") ;; esac
case $insertbefore in '' | BOF) ;; *) ins=$(ere "$insertbefore") ;; esac

new=$(mktemp) && status=$(mktemp) && old=$(mktemp) || drover_fail "could not make a temp file"
trap 'rm -f "$new" "$status" "$old" "${tmp:-}"' EXIT
exists=false
if [ -e "$path" ]; then
	exists=true
	cat "$path" >"$old"
elif [ "$state" = absent ]; then
	drover_exit '{"changed": false, "msg": "file not present"}'
elif ! is_true "$create"; then
	drover_exit "{\"failed\": true, \"rc\": 257, \"msg\": $(json_str "Destination $path does not exist !")}"
fi
nonl=0
[ -n "$(tail -c 1 "$old")" ] && nonl=1

# matched_line: "N TEXT" of the line regexp or search_string picks (0-based), if any
matched_line() {
	[ -z "${regexp+x}${search_string+x}" ] && return 0
	re="$re" s="$search_string" awk -v first="$firstmatch" -v lit="${search_string+1}" '
		(lit ? index($0, ENVIRON["s"]) > 0 : $0 ~ ENVIRON["re"]) {
			n = NR - 1; t = $0; if (first == "true") exit }
		END { if (n != "") printf "%d %s", n, t }' "$old"
}

# expand TEXT: line with \1.. (or \g<1>) taken from regexp's match in TEXT
expand() {
	_x=$(printf '\001')
	_d=$(printf '\002')
	_tpl=$(printf '%s' "$line" | sed -e 's/\\g<\([0-9]\)>/\\\1/g' -e 's/&/\\&/g')
	printf '%s\n' "$1" | sed -E "s$_d$re$_d$_x$_tpl$_x$_d" | cut -d "$_x" -f 2
}

m=$(matched_line)
idx0=-1 newline=$line
if [ -n "$m" ]; then
	idx0=${m%% *}
	is_true "$backrefs" && newline=$(expand "${m#* }")
fi

# The edit itself, on lines L[0..n-1] ending in E[i] ("\n", or "" for a
# last line without one). Writes the new text, and the message to status.
line="$line" newline="$newline" ins="$ins" re="$re" s="$search_string" awk \
	-v idx0="$idx0" -v ia="$insertafter" -v ib="$insertbefore" -v nonl="$nonl" \
	-v first="$firstmatch" -v backrefs="$backrefs" -v state="$state" \
	-v hasre="${regexp+1}" -v hass="${search_string+1}" -v status="$status" '
function bare(s) { sub(/\r$/, "", s); return s }
function insert(at, text,    i) {
	for (i = n; i > at; i--) { L[i] = L[i - 1]; E[i] = E[i - 1] }
	L[at] = text; E[at] = "\n"; n++; msg = "line added"
}
BEGIN { n = 0 }
{ L[n] = $0; E[n] = "\n"; n++ }
END {
	if (n && nonl) E[n - 1] = ""
	line = ENVIRON["line"]; ins = ENVIRON["ins"]
	if (state == "absent") { absent(); exit }
	idx1 = -1
	if (idx0 < 0) {
		for (i = 0; i < n; i++) {
			if (bare(L[i]) == line) idx0 = i
			else if (ins != "" && L[i] ~ ins) {
				idx1 = (ia != "") ? i + 1 : i
				if (first == "true") break
			}
		}
	}
	if (idx0 >= 0) {
		if (L[idx0] E[idx0] != ENVIRON["newline"] "\n") {
			L[idx0] = ENVIRON["newline"]; E[idx0] = "\n"; msg = "line replaced"
		}
	} else if (backrefs == "true") {
	} else if (ib == "BOF" || ia == "BOF") {
		insert(0, line)
	} else if (ia == "EOF" || idx1 < 0) {
		if (n && E[n - 1] == "" && L[n - 1] !~ /\r$/) E[n - 1] = "\n"
		insert(n, line)
	} else if (ia != "") {
		if (idx1 == n) { if (bare(L[idx1 - 1]) != line) insert(n, line) }
		else if (bare(L[idx1]) != line) insert(idx1, line)
	} else {
		insert(idx1, line)
	}
	out()
}
function absent(    i, k, hit) {
	k = 0
	for (i = 0; i < n; i++) {
		if (hasre) hit = L[i] ~ ENVIRON["re"]
		else if (hass) hit = index(L[i], ENVIRON["s"]) > 0
		else hit = bare(L[i]) == line
		if (hit) found++
		else { L[k] = L[i]; E[k] = E[i]; k++ }
	}
	n = k
	if (found) msg = found " line(s) removed"
	out()
}
function out(    i) {
	for (i = 0; i < n; i++) printf "%s%s", L[i], E[i]
	printf "%s\n%d", msg, found + 0 > status
}' "$old" >"$new" || drover_fail "awk failed on $path"

msg=$(sed -n 1p "$status")
found=$(sed -n 2p "$status")
changed=false
[ -n "$msg" ] && changed=true
backup_file=
if is_true "$changed" && ! in_check_mode; then
	if ! $exists; then
		_dir=$(dirname "$path")
		mkdir -p "$_dir" 2>/dev/null || drover_fail "Error creating $_dir"
	fi
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
if want_diff; then
	$exists || : >"$old"
	content_diff=$(text_diff "$old" "$new" "$path (content)")
fi
if in_check_mode && [ ! -e "$path" ]; then
	_r="\"changed\": $changed, \"msg\": $(json_str "$msg"), \"backup\": \"\""
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
_r="\"changed\": $changed, \"msg\": $(json_str "$msg"), \"backup\": $(json_str "$backup_file")"
[ "$state" = absent ] && _r="$_r, \"found\": $found"
want_diff && _r="$_r, \"diff\": [$content_diff, $(attr_diff "$path")]"
drover_exit "{$_r}"
