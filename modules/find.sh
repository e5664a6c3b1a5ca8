# drover module: find
# short: Find files by name, age, size, type or content
# description: Walks each folder with the host's find and stat (GNU or
#   busybox) and filters in awk. Patterns match the base name: shell globs,
#   or with use_regex extended regular expressions anchored at the start as
#   Python's re.match is (POSIX ERE, not Python's syntax). contains is an
#   ERE matched at the start of each line (or anywhere in the file with
#   read_whole_file). Names holding a newline are not supported. The result
#   lists files[] with the stat fields of Ansible's find, matched and examined.
# option: paths type=list  Folders to search (also as path or name).
# option: path type=list  Same as paths.
# option: name type=list  Same as paths.
# option: patterns type=list  Base-name globs (or regexes with use_regex);
#   any may match. Default: every name.
# option: pattern type=list  Same as patterns.
# option: excludes type=list  Base names matching one of these are left out.
# option: exclude type=list  Same as excludes.
# option: use_regex type=bool default=false  patterns and excludes are regexes.
# option: contains type=str  Regular files must have a line starting with a
#   match of this regex.
# option: read_whole_file type=bool default=false  Match contains against the
#   whole file, anywhere.
# option: file_type type=str default=file  file, directory, link or any.
# option: recurse type=bool default=false  Descend into sub-folders.
# option: depth type=int  With recurse, how many levels to descend at most.
# option: hidden type=bool default=false  Include names starting with a dot.
# option: follow type=bool default=false  Follow symbolic links.
# option: age type=str  Older than this (e.g. 2d, 3h, 1w; units s m h d w),
#   or newer with a leading minus (-1d).
# option: age_stamp type=str default=mtime  mtime, atime or ctime for age.
# option: size type=str  At least this size (e.g. 10k, 1m; units b k m g t),
#   or at most with a leading minus.
# option: get_checksum type=bool default=false  Add each file's sha1 (checksum).
# example: drover adhoc all -i hosts -m find -a 'paths=/var/log patterns=*.log age=2d recurse=yes'
# example: drover adhoc all -i hosts -m find -a 'paths=/etc file_type=directory'
# example: drover adhoc all -i hosts -m find -a 'paths=/srv contains=^Listen size=-10k'

# to_seconds TEXT: 2d → 172800 (negative kept); fails on bad text.
to_number() {
	_v=$1 _sign=
	case $_v in -*) _sign=- _v=${_v#-} ;; esac
	_unit=${_v##*[0-9]}
	_num=${_v%"$_unit"}
	case $_num in '' | *[!0-9]*) return 1 ;; esac
	_unit=$(printf '%s' "$_unit" | tr 'A-Z' 'a-z')
	case $2:$_unit in
	age: | age:s) _m=1 ;; age:m) _m=60 ;; age:h) _m=3600 ;; age:d) _m=86400 ;; age:w) _m=604800 ;;
	size: | size:b) _m=1 ;; size:k) _m=1024 ;; size:m) _m=1048576 ;; size:g) _m=1073741824 ;;
	size:t) _m=1099511627776 ;;
	*) return 1 ;;
	esac
	echo "$_sign$((_num * _m))"
}

# list_of NAME...: the items of the first non-empty list option, one a line.
list_of() {
	for _l in "$@"; do
		eval "_n=\${${_l}_n:-0}"
		[ "$_n" -gt 0 ] || continue
		_i=0
		while [ "$_i" -lt "$_n" ]; do
			eval "printf '%s\n' \"\$${_l}_$_i\""
			_i=$((_i + 1))
		done
		return 0
	done
}

_age= _size=
if [ -n "$age" ]; then
	_age=$(to_number "$age" age) || drover_exit "{\"failed\": true, \"msg\": \"failed to process age\", \"age\": $(json_str "$age")}"
fi
if [ -n "$size" ]; then
	_size=$(to_number "$size" size) || drover_exit "{\"failed\": true, \"msg\": \"failed to process size\", \"size\": $(json_str "$size")}"
fi
case $file_type in file | directory | link | any) ;; *)
	drover_fail "value of file_type must be one of: any, directory, file, link, got: $file_type" ;;
esac
case $age_stamp in mtime | atime | ctime) ;; *)
	drover_fail "value of age_stamp must be one of: atime, ctime, mtime, got: $age_stamp" ;;
esac
_paths=$(list_of paths path name)
[ -n "$_paths" ] || drover_fail "missing required arguments: paths"

_maxdepth=1
if [ "$recurse" = true ]; then
	_maxdepth=${depth:-}
fi
_L=
[ "$follow" = true ] && _L=-L
_fmt='%f|%s|%u|%g|%U|%G|%.9X|%.9Y|%.9Z|%d|%i|%h|%n'
stat -c '%.9Y' / 2>/dev/null | grep -q '^[0-9]*\.[0-9]' || _fmt='%f|%s|%u|%g|%U|%G|%X|%Y|%Z|%d|%i|%h|%n'

{
	echo @patterns
	list_of patterns pattern
	echo @excludes
	list_of excludes exclude
	echo @now
	date +%s
	printf '%s\n' "$_paths" | while IFS= read -r _p; do
		if [ ! -d "$_p" ]; then
			printf '@skip %s\n' "$_p"
			continue
		fi
		echo "@path $_p"
		# shellcheck disable=SC2086
		find $_L "$_p" -mindepth 1 ${_maxdepth:+-maxdepth "$_maxdepth"} \
			-exec stat $_L -c "$_fmt" {} + 2>/dev/null
	done
} | LC_ALL=C awk -v use_regex="$use_regex" -v file_type="$file_type" -v hidden="$hidden" \
	-v age="$_age" -v stamp="$age_stamp" -v size="$_size" -v contains="$contains" \
	-v whole="$read_whole_file" -v sum="$get_checksum" -v marker="$_drover_marker" '
function js(s,   r, i, c, o, m, k, ok) {
	if (s !~ BAD) return "\"" s "\""
	r = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1); o = ORD[c]
		if (c == "\"" || c == "\\") r = r "\\" c
		else if (o < 32 || o == 127) r = r sprintf("\\u%04x", o)
		else if (o < 128) r = r c
		else {
			m = o >= 194 && o <= 223 ? 1 : o >= 224 && o <= 239 ? 2 : o >= 240 && o <= 244 ? 3 : 0
			ok = m > 0
			for (k = 1; k <= m && ok; k++) { o = ORD[substr(s, i + k, 1)]; ok = o >= 128 && o <= 191 }
			if (ok) { r = r substr(s, i, m + 1); i += m } else r = r "\\ufffd"
		}
	}
	return "\"" r "\""
}
function glob2re(g,   r, i, c) {
	r = "^"
	for (i = 1; i <= length(g); i++) {
		c = substr(g, i, 1)
		if (c == "*") r = r ".*"
		else if (c == "?") r = r "."
		else if (c == "[" || c == "]") r = r c
		else if (index("\\^$.|+(){}", c)) r = r "\\" c
		else r = r c
	}
	return r "$"
}
function tore(p) { return use_regex == "true" ? "^(" p ")" : glob2re(p) }
function hex(h,   n, i) { n = 0; for (i = 1; i <= length(h); i++) n = n * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1; return n }
function bit(n, b) { return int(n / b) % 2 ? "true" : "false" }
function flt(t) { return index(t, ".") ? t : t ".0" }
function anymatch(name, list, n,   i) {
	for (i = 1; i <= n; i++) if (name ~ list[i]) return 1
	return 0
}
function has_content(f,   l, all, r) {
	r = 0; all = ""
	while ((getline l < f) > 0) {
		if (whole == "true") all = all l "\n"
		else if (l ~ ("^(" contains ")")) { r = 1; break }
	}
	close(f)
	if (whole == "true") r = all ~ contains
	return r
}
function sha1(f,   cmd, l) {
	gsub(/\047/, "\047\\\047\047", f)
	cmd = "sha1sum \047" f "\047 2>/dev/null"
	l = ""; cmd | getline l; close(cmd)
	sub(/ .*/, "", l)
	return l
}
BEGIN {
	for (i = 1; i < 256; i++) ORD[sprintf("%c", i)] = i
	BAD = sprintf("[\"\\\\%c-%c%c-%c]", 1, 31, 127, 255)
}
/^@patterns$/ { sec = "p"; next }
/^@excludes$/ { sec = "e"; next }
/^@now$/ { sec = "now"; next }
/^@skip / { p = substr($0, 7); SKIP = SKIP (SKIP == "" ? "" : ", ") js(p) ": " js("\047" p "\047 is not a directory"); next }
/^@path / { sec = "f"; next }
sec == "p" { PAT[++np] = tore($0); next }
sec == "e" { EXC[++ne] = tore($0); next }
sec == "now" { NOW = $0 + 0; next }
sec == "f" {
	n = split($0, f, "|")
	path = $0; for (j = 0; j < 12; j++) path = substr(path, index(path, "|") + 1)
	examined++
	base = path; sub(/.*\//, "", base)
	if (hidden != "true" && base ~ /^\./) next
	mode = hex(f[1]); t = int(mode / 4096)
	isdir = t == 4; isreg = t == 8; islnk = t == 10
	if (file_type == "file" && !isreg) next
	if (file_type == "directory" && !isdir) next
	if (file_type == "link" && !islnk) next
	if (np && !anymatch(base, PAT, np)) next
	if (ne && anymatch(base, EXC, ne)) next
	st = stamp == "atime" ? f[7] : stamp == "ctime" ? f[9] : f[8]
	if (age != "" && age >= 0 && NOW - st < age) next
	if (age != "" && age < 0 && NOW - st > -age) next
	if (size != "" && size >= 0 && f[2] + 0 < size) next
	if (size != "" && size < 0 && f[2] + 0 > -size) next
	if (contains != "" && (!isreg || !has_content(path))) next
	perm = mode % 4096
	r = "{\"path\": " js(path) ", \"mode\": " js(sprintf("%04o", perm)) ", \"isdir\": " (isdir ? "true" : "false") \
		", \"isreg\": " (isreg ? "true" : "false") ", \"islnk\": " (islnk ? "true" : "false") \
		", \"isblk\": " (t == 6 ? "true" : "false") ", \"ischr\": " (t == 2 ? "true" : "false") \
		", \"isfifo\": " (t == 1 ? "true" : "false") ", \"issock\": " (t == 12 ? "true" : "false") \
		", \"isuid\": " bit(perm, 2048) ", \"isgid\": " bit(perm, 1024) \
		", \"rusr\": " bit(perm, 256) ", \"wusr\": " bit(perm, 128) ", \"xusr\": " bit(perm, 64) \
		", \"rgrp\": " bit(perm, 32) ", \"wgrp\": " bit(perm, 16) ", \"xgrp\": " bit(perm, 8) \
		", \"roth\": " bit(perm, 4) ", \"woth\": " bit(perm, 2) ", \"xoth\": " bit(perm, 1) \
		", \"size\": " f[2] + 0 ", \"uid\": " f[3] + 0 ", \"gid\": " f[4] + 0 \
		", \"pw_name\": " js(f[5]) ", \"gr_name\": " js(f[6]) ", \"atime\": " flt(f[7]) \
		", \"mtime\": " flt(f[8]) ", \"ctime\": " flt(f[9]) ", \"dev\": " f[10] + 0 \
		", \"inode\": " f[11] + 0 ", \"nlink\": " f[12] + 0
	if (sum == "true" && isreg) r = r ", \"checksum\": " js(sha1(path))
	FILES = FILES (matched++ ? ", " : "") r "}"
}
END {
	msg = SKIP == "" ? "All paths examined" : "Not all paths examined, check warnings for details"
	printf "\n%s{\"changed\": false, \"files\": [%s], \"matched\": %d, \"examined\": %d, \"msg\": %s, \"skipped_paths\": {%s}}\n", \
		marker, FILES, matched, examined, js(msg), SKIP
}'
