# drover module: uri
# short: Talk to an HTTP or HTTPS service (curl on the host, else wget)
# description: Sends one request with the host's curl (wget when curl is
#   missing: GET and POST only, no redirect control). Returns status,
#   url (after redirects), redirected, msg ("OK (N bytes)" as Ansible words
#   it), every response header as a lower-case key with - turned into _,
#   content with return_content, and json when the answer is JSON (taken as
#   sent, not re-parsed on the host). Fails when the status is not one of
#   status_code, or clearly when neither curl nor wget is installed.
# option: url type=str required  http:// or https:// address.
# option: method type=str default=GET  HTTP method.
# option: body type=raw  Request body; a dict or list with body_format=json
#   is sent as JSON, a dict with form-urlencoded as a form.
# option: body_format type=str default=raw  raw, json or form-urlencoded
#   (sets Content-Type unless headers does).
# option: headers type=dict  Extra request headers.
# option: status_code type=list default=200  Statuses that count as success.
# option: return_content type=bool default=false  Return the body as content.
# option: validate_certs type=bool default=true  Check the server's TLS certificate.
# option: timeout type=int default=30  Seconds for the whole request.
# option: url_username type=str  User for HTTP basic authentication (also user).
# option: user type=str  Same as url_username.
# option: url_password type=str  Its password (also password).
# option: password type=str  Same as url_password.
# option: force_basic_auth type=bool default=false  Send credentials without
#   waiting for a 401 (curl always does).
# option: follow_redirects type=str default=safe  all (or yes), safe (GET and
#   HEAD only), none (or no).
# option: dest type=path  Also write the body to this file.
# option: creates type=path  Skip the request if this path exists.
# option: removes type=path  Skip the request unless this path exists.
# option: src type=path  Send this file (on the host) as the body.
# example: drover adhoc web -i hosts -m uri -a 'url=http://localhost:8080/health'
# example: drover adhoc web -i hosts -m uri -a 'url=https://api/x method=POST body_format=json body={"a":1} status_code=200,201'

uri_tmp=$(mktemp -d "${TMPDIR:-/tmp}/drover-uri.XXXXXX") || drover_fail "cannot create a temporary folder"
trap 'rm -rf "$uri_tmp"' EXIT

# form_encode: "k<TAB>v" lines → k=v&k2=v2, percent-encoded.
form_encode() {
	LC_ALL=C awk -F '\t' 'BEGIN { for (i = 0; i < 256; i++) ORD[sprintf("%c", i)] = i; ORS = "" }
	function enc(s,   r, i, c) {
		r = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c ~ /[A-Za-z0-9_.~-]/) r = r c
			else if (c == " ") r = r "+"
			else r = r sprintf("%%%02X", ORD[c])
		}
		return r
	}
	{ k = $1; sub(/^[^\t]*\t/, ""); print (NR > 1 ? "&" : "") enc(k) "=" enc($0) }'
}

# header_json FILE: the last response's headers as JSON members (", k": "v"...).
header_json() {
	_last=$(awk '/^HTTP\//{n=NR} END{print n+0}' "$1")
	awk -v from="$_last" 'NR > from' "$1" | tr -d '\r' | while IFS= read -r _h; do
		case $_h in *:*) ;; *) continue ;; esac
		_k=$(printf '%s' "${_h%%:*}" | tr 'A-Z-' 'a-z_')
		_v=${_h#*:}
		_v=${_v# }
		printf ', %s: %s' "$(json_str "$_k")" "$(json_str "$_v")"
	done
}

check_paths() {
	if [ -n "$creates" ] && [ -e "$creates" ]; then
		drover_exit "{\"changed\": false, \"skipped\": true, \"msg\": $(json_str "$creates exists, action skipped")}"
	fi
	if [ -n "$removes" ] && [ ! -e "$removes" ]; then
		drover_exit "{\"changed\": false, \"skipped\": true, \"msg\": $(json_str "$removes does not exist, action skipped")}"
	fi
}

# prepare_body: writes the request body to $uri_tmp/body; sets uri_ctype.
prepare_body() {
	uri_ctype=
	if [ -n "$src" ]; then
		cp "$src" "$uri_tmp/body" 2>/dev/null || drover_fail "failed to read src $src"
		return
	fi
	[ -n "${body+set}" ] || return 0
	case $body_format in
	json) uri_ctype=application/json; printf '%s' "$body" >"$uri_tmp/body" ;;
	form-urlencoded)
		uri_ctype=application/x-www-form-urlencoded
		case $body in
		\{*) json_pairs "$body" | form_encode >"$uri_tmp/body" ;;
		*) printf '%s' "$body" >"$uri_tmp/body" ;;
		esac ;;
	raw) printf '%s' "$body" >"$uri_tmp/body" ;;
	*) drover_fail "value of body_format must be one of: form-urlencoded, json, raw, got: $body_format" ;;
	esac
}

# curl_request: fills $uri_tmp/{headers,content}; prints "status url redirects".
curl_request() {
	set -- -sS -X "$method" -D "$uri_tmp/headers" -o "$uri_tmp/content" --max-time "$timeout" \
		-w '%{http_code} %{num_redirects} %{url_effective}'
	case $follow_redirects in
	all | yes) set -- "$@" -L ;;
	safe) case $method in GET | HEAD) set -- "$@" -L ;; esac ;;
	esac
	[ "$method" = HEAD ] && set -- "$@" -I
	[ "$validate_certs" = false ] && set -- "$@" -k
	[ -n "$uri_user" ] && set -- "$@" -u "$uri_user:$uri_pass"
	[ -f "$uri_tmp/body" ] && set -- "$@" --data-binary "@$uri_tmp/body"
	[ -n "$uri_ctype" ] && ! grep -qi '^content-type	' "$uri_tmp/reqheaders" && set -- "$@" -H "Content-Type: $uri_ctype"
	while IFS='	' read -r _k _v; do
		set -- "$@" -H "$_k: $_v"
	done <"$uri_tmp/reqheaders"
	curl "$@" -- "$url" 2>"$uri_tmp/err"
}

wget_request() {
	set -- -q -S -O "$uri_tmp/content" -T "$timeout"
	[ "$validate_certs" = false ] && set -- "$@" --no-check-certificate
	[ -n "$uri_user" ] && set -- "$@" --user="$uri_user" --password="$uri_pass"
	if [ "$method" = POST ]; then
		[ -f "$uri_tmp/body" ] || : >"$uri_tmp/body"
		set -- "$@" --post-file="$uri_tmp/body"
	fi
	[ -n "$uri_ctype" ] && set -- "$@" --header="Content-Type: $uri_ctype"
	while IFS='	' read -r _k _v; do
		set -- "$@" --header="$_k: $_v"
	done <"$uri_tmp/reqheaders"
	wget "$@" "$url" 2>"$uri_tmp/headers"
	sed -i 's/^  //' "$uri_tmp/headers" 2>/dev/null
	_code=$(awk '/^HTTP\//{c=$2} END{print c+0}' "$uri_tmp/headers")
	_n=$(grep -c '^HTTP/' "$uri_tmp/headers")
	echo "$_code $((_n > 0 ? _n - 1 : 0)) $url"
}

status_ok() {
	_i=0
	while [ "$_i" -lt "$status_code_n" ]; do
		eval "[ \"\$status_code_$_i\" = \"\$1\" ]" && return 0
		_i=$((_i + 1))
	done
	return 1
}

status_list() {
	_i=0 _l=
	while [ "$_i" -lt "$status_code_n" ]; do
		eval "_l=\"\$_l\${_l:+, }\$status_code_$_i\""
		_i=$((_i + 1))
	done
	printf '[%s]' "$_l"
}

check_paths
method=$(printf '%s' "$method" | tr 'a-z' 'A-Z')
uri_user=${url_username:-$user}
uri_pass=${url_password:-$password}
prepare_body
: >"$uri_tmp/reqheaders"
[ -n "$headers" ] && json_pairs "$headers" >"$uri_tmp/reqheaders"
: >"$uri_tmp/headers"
: >"$uri_tmp/content"
_start=$(date +%s)
if command -v curl >/dev/null 2>&1; then
	_w=$(curl_request)
elif command -v wget >/dev/null 2>&1; then
	case $method in GET | POST) ;; *)
		drover_fail "method $method needs curl on the host (wget does GET and POST only)" ;;
	esac
	_w=$(wget_request)
else
	drover_fail "uri needs curl or wget on the host; neither is installed"
fi
_elapsed=$(($(date +%s) - _start))
_status=${_w%% *}
_rest=${_w#* }
_redirects=${_rest%% *}
_final=${_rest#* }
case $_status in '' | 000 | 0) _status=-1 ;; esac
[ "$_redirects" -gt 0 ] 2>/dev/null && _redir=true || _redir=false

_out="\"status\": $_status, \"url\": $(json_str "${_final:-$url}"), \"redirected\": $_redir, \"elapsed\": $_elapsed$(header_json "$uri_tmp/headers")"
if [ "$return_content" = true ]; then
	_out="$_out, \"content\": $(json_file "$uri_tmp/content")"
	if grep -qi '^content-type:.*json' "$uri_tmp/headers"; then
		_first=$(tr -d ' \t\r\n' <"$uri_tmp/content" | cut -c1)
		case $_first in \{ | \[) _out="$_out, \"json\": $(cat "$uri_tmp/content")" ;; esac
	fi
fi
_changed=false
if [ -n "$dest" ] && [ "$_status" -ge 200 ] 2>/dev/null && [ "$_status" -lt 300 ]; then
	if ! cmp -s "$uri_tmp/content" "$dest"; then
		_changed=true
		[ "$_ansible_check_mode" = true ] || cp "$uri_tmp/content" "$dest" ||
			drover_fail "could not write $dest"
	fi
	_out="$_out, \"path\": $(json_str "$dest")"
fi
if [ "$_status" = -1 ]; then
	_msg="Status code was -1 and not $(status_list): Request failed: $(tr '\n' ' ' <"$uri_tmp/err" | sed 's/ *$//')"
	drover_exit "{\"failed\": true, \"changed\": false, \"msg\": $(json_str "$_msg"), $_out}"
fi
if ! status_ok "$_status"; then
	_reason=$(awk '/^HTTP\//{$1 = ""; $2 = ""; r = $0} END{sub(/^ +/, "", r); sub(/\r$/, "", r); print r}' "$uri_tmp/headers")
	_msg="Status code was $_status and not $(status_list): HTTP Error $_status: $_reason"
	drover_exit "{\"failed\": true, \"changed\": $_changed, \"msg\": $(json_str "$_msg"), $_out}"
fi
_len=$(awk 'tolower($1) == "content-length:" {l = $2} END {sub(/\r$/, "", l); print l == "" ? "unknown" : l}' "$uri_tmp/headers")
drover_exit "{\"changed\": $_changed, \"msg\": $(json_str "OK ($_len bytes)"), $_out}"
