# drover shell-module prelude: prepended to every modules/NAME.sh before it
# is sent to a host. POSIX sh only (dash, busybox sh, bash).
#
# Protocol: stdin starts with a line holding a count N, then N lines of sh
# assignments (the module's arguments, quoted by the controller, plus
# _drover_marker). Whatever follows is the data for the module (command's
# stdin option). The module's result is one JSON object printed after a
# newline and the marker; anything a module prints before that is payload
# that the controller keeps as the command's stdout.

IFS= read -r _drover_n || exit 211
_drover_args=
while [ "$_drover_n" -gt 0 ]; do
	IFS= read -r _drover_line || exit 211
	_drover_args="$_drover_args$_drover_line
"
	_drover_n=$((_drover_n - 1))
done
eval "$_drover_args"
unset _drover_args _drover_line _drover_n

# A task's environment: keyword arrives as _drover_env_0.._drover_env_{n-1} ("K=V").
_drover_i=0
while [ "$_drover_i" -lt "${_drover_env_n:-0}" ]; do
	eval "_drover_kv=\$_drover_env_$_drover_i"
	export "$_drover_kv"
	_drover_i=$((_drover_i + 1))
done
unset _drover_i _drover_kv

# json_str VALUE: VALUE as a JSON string literal, quotes included. Control
# characters are escaped and bytes that are not UTF-8 become U+FFFD, so the
# result is valid JSON whatever VALUE holds (except NUL bytes, which sh
# variables cannot hold). json_file FILE: the same for a file's bytes.
json_str() {
	case $1 in
	# plain text needs no escaping: no awk to start (most paths and names)
	*[!ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\ ._/,:=+@%-]*)
		{ printf '%s' "$1"; printf x; } | _drover_json_enc ;;
	*) printf '"%s"' "$1" ;;
	esac
}
json_file() {
	{ cat "$1"; printf x; } | _drover_json_enc
}
# json_lines FILE: the file's lines as a JSON list of strings.
json_lines() {
	{ cat "$1"; printf x; } | _drover_json_enc lines
}
_drover_json_enc() {
	LC_ALL=C awk -v lines="${1:-}" 'function enc(s,   r, i, n, c, o, k, m, ok) {
		if (s !~ BAD) return s
		r = ""; n = length(s)
		for (i = 1; i <= n; i++) {
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
		return r
	}
	BEGIN { ORS = ""; printf "%s", (lines == "" ? "\"" : "["); for (i = 1; i < 256; i++) ORD[sprintf("%c", i)] = i
		BAD = sprintf("[\"\\\\%c-%c%c-%c]", 1, 31, 127, 255) }
	lines == "" { if (NR > 1) printf "%s", held "\\n"; held = enc($0) }
	lines != "" { if (NR > 1) printf "%s\"%s\"", (NR > 2 ? ", " : ""), held; held = enc($0) }
	END { sub(/x$/, "", held)
		if (lines == "") printf "%s\"", held
		else printf "%s]", (held == "" ? "" : (NR > 1 ? ", " : "") "\"" held "\"") }'
}

# json_pairs JSON: a flat JSON object's members as "key<TAB>value" lines
# (strings unescaped, other values as written). For dict options.
json_pairs() {
	printf '%s' "$1" | LC_ALL=C awk 'BEGIN { RS = "\001" }
	function str(   r, c, h) {
		r = ""; p++
		while (p <= n) {
			c = substr(t, p, 1)
			if (c == "\"") { p++; return r }
			if (c == "\\") {
				p++; c = substr(t, p, 1)
				if (c == "n") c = "\n"; else if (c == "t") c = "\t"; else if (c == "r") c = "\r"
				else if (c == "b") c = "\b"; else if (c == "f") c = "\f"
				else if (c == "u") { h = substr(t, p + 1, 4); p += 4; c = uni(h) }
			}
			r = r c; p++
		}
		return r
	}
	function uni(h,   v, i) {
		v = 0; for (i = 1; i <= 4; i++) v = v * 16 + index("0123456789abcdef", tolower(substr(h, i, 1))) - 1
		if (v < 128) return sprintf("%c", v)
		if (v < 2048) return sprintf("%c%c", 192 + int(v / 64), 128 + v % 64)
		return sprintf("%c%c%c", 224 + int(v / 4096), 128 + int(v / 64) % 64, 128 + v % 64)
	}
	function ws() { while (p <= n && index(" \t\r\n", substr(t, p, 1))) p++ }
	function other(   s) { s = p; while (p <= n && !index(",}] \t\r\n", substr(t, p, 1))) p++; return substr(t, s, p - s) }
	{ t = $0; n = length(t); p = 1; ws(); if (substr(t, p, 1) != "{") exit 1; p++
	  while (p <= n) {
		ws(); if (substr(t, p, 1) == "}") break
		k = str(); ws(); p++; ws()
		v = substr(t, p, 1) == "\"" ? str() : other()
		printf "%s\t%s\n", k, v
		ws(); if (substr(t, p, 1) == ",") p++
	  } }'
}

# drover_exit JSON: hands the result to the controller and ends the module.
drover_exit() {
	printf '\n%s%s\n' "$_drover_marker" "$1"
	exit 0
}

# drover_fail MSG: a failed result with a message.
drover_fail() {
	drover_exit "{\"failed\": true, \"msg\": $(json_str "$1")}"
}
