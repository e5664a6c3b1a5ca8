# drover module: get_url
# short: Download a file over HTTP, HTTPS or FTP to the host (curl, else wget)
# description: Downloads into a temporary file next to dest, checks the
#   checksum, and renames it over dest only when the content differs, so
#   dest is never half written and changed is true only for new content (or
#   a new mode or owner). An existing dest is kept without downloading
#   unless force=yes, or checksum is given and dest does not match it. When
#   dest is a folder the file is named after the last part of the URL
#   (Content-Disposition is not read). checksum takes ALGO:HEX with md5,
#   sha1, sha224, sha256, sha384 or sha512 (not a URL of a checksum file).
# option: url type=str required  http://, https:// or ftp:// address.
# option: dest type=path required  File to write, or a folder to write into.
# option: checksum type=str  ALGO:HEX the downloaded file must have.
# option: force type=bool default=false  Download even if dest exists.
# option: mode type=str  Permissions of dest (octal, e.g. 0644).
# option: owner type=str  Owner of dest.
# option: group type=str  Group of dest.
# option: timeout type=int default=10  Seconds for the whole download.
# option: headers type=dict  Extra request headers.
# option: validate_certs type=bool default=true  Check the server's TLS certificate.
# option: url_username type=str  User for HTTP basic authentication.
# option: username type=str  Same as url_username.
# option: url_password type=str  Its password.
# option: password type=str  Same as url_password.
# option: force_basic_auth type=bool default=false  Accepted; curl always sends them.
# option: backup type=bool default=false  Keep the old dest as DEST.DATE~ when replacing it.
# example: drover adhoc all -i hosts -m get_url -a 'url=https://example.com/tool.tgz dest=/opt/ mode=0644'
# example: drover adhoc all -i hosts -m get_url -a 'url=http://mirror/x.iso dest=/srv/x.iso checksum=sha256:9f86...'

gu_user=${url_username:-$username}
gu_pass=${url_password:-$password}
gu_algo= gu_want=
if [ -n "$checksum" ]; then
	gu_algo=${checksum%%:*}
	gu_want=$(printf '%s' "${checksum#*:}" | tr 'A-F' 'a-f')
	case $gu_algo in md5 | sha1 | sha224 | sha256 | sha384 | sha512) ;; *)
		drover_fail "Could not parse the checksum: unsupported algorithm '$gu_algo' (md5, sha1, sha224, sha256, sha384 or sha512)" ;;
	esac
	[ "$gu_algo" != "$checksum" ] || drover_fail "The checksum parameter has to be in format <algorithm>:<checksum>"
fi

# digest ALGO FILE: the file's hex digest.
digest() {
	_d=$("${1}sum" <"$2" 2>/dev/null) || return 1
	printf '%s' "${_d%% *}"
}

if [ -d "$dest" ]; then
	_name=${url%%[?#]*}
	_name=${_name%/}
	_name=${_name##*/}
	[ -n "$_name" ] || _name=index.html
	dest="${dest%/}/$_name"
fi
_dir=$(dirname "$dest")
[ -d "$_dir" ] || drover_fail "Destination dir $_dir does not exist"

# attrs: mode, owner and group set as asked; echoes true if any changed.
attrs() {
	_chg=false
	if [ -n "$mode" ] && [ "$(stat -c %a "$1")" != "$(printf '%o' "0${mode#0}" 2>/dev/null)" ]; then
		_chg=true
		[ "$_ansible_check_mode" = true ] || chmod "$mode" "$1" || return 1
	fi
	if [ -n "$owner" ] && [ "$(stat -c %U "$1")" != "$owner" ] && [ "$(stat -c %u "$1")" != "$owner" ]; then
		_chg=true
		[ "$_ansible_check_mode" = true ] || chown "$owner" "$1" || return 1
	fi
	if [ -n "$group" ] && [ "$(stat -c %G "$1")" != "$group" ] && [ "$(stat -c %g "$1")" != "$group" ]; then
		_chg=true
		[ "$_ansible_check_mode" = true ] || chgrp "$group" "$1" || return 1
	fi
	echo "$_chg"
}

# result CHANGED MSG [EXTRA]: the final answer, with dest's attributes.
result() {
	_st=
	[ -e "$dest" ] && _st=$(stat -c '"uid": %u, "gid": %g, "owner": "%U", "group": "%G", "mode": "%a", "size": %s, ' "$dest")
	_m=$(printf '%s' "$_st" | sed -n 's/.*"mode": "\([0-7]*\)".*/\1/p')
	[ -n "$_m" ] && _st=$(printf '%s' "$_st" | sed "s/\"mode\": \"$_m\"/\"mode\": \"$(printf '%04o' "0$_m")\"/")
	drover_exit "{\"changed\": $1, \"msg\": $(json_str "$2"), $_st\"dest\": $(json_str "$dest"), \"url\": $(json_str "$url"), \"state\": \"file\"$3}"
}

# Nothing to fetch: dest is there and nobody asked for a new copy.
if [ -f "$dest" ] && [ "$force" != true ]; then
	if [ -z "$gu_algo" ] || [ "$(digest "$gu_algo" "$dest")" = "$gu_want" ]; then
		_c=$(attrs "$dest") || drover_fail "could not set the attributes of $dest"
		result "$_c" "file already exists"
	fi
fi
if [ "$_ansible_check_mode" = true ] && [ ! -e "$dest" ]; then
	result true "a file would be downloaded (check mode)"
fi

_tmp=$(mktemp "$_dir/.drover-get_url.XXXXXX") || drover_fail "cannot create a temporary file in $_dir"
trap 'rm -f "$_tmp" "$_tmp.h" "$_tmp.e"' EXIT
_start=$(date +%s)
if command -v curl >/dev/null 2>&1; then
	set -- -sS -L -o "$_tmp" -D "$_tmp.h" --max-time "$timeout" -w '%{http_code}'
	[ "$validate_certs" = false ] && set -- "$@" -k
	[ -n "$gu_user" ] && set -- "$@" -u "$gu_user:$gu_pass"
	if [ -n "$headers" ]; then
		json_pairs "$headers" >"$_tmp.e"
		while IFS='	' read -r _k _v; do
			set -- "$@" -H "$_k: $_v"
		done <"$_tmp.e"
	fi
	_code=$(curl "$@" -- "$url" 2>"$_tmp.e")
elif command -v wget >/dev/null 2>&1; then
	set -- -q -S -O "$_tmp" -T "$timeout"
	[ "$validate_certs" = false ] && set -- "$@" --no-check-certificate
	[ -n "$gu_user" ] && set -- "$@" --user="$gu_user" --password="$gu_pass"
	if [ -n "$headers" ]; then
		json_pairs "$headers" >"$_tmp.e"
		while IFS='	' read -r _k _v; do
			set -- "$@" --header="$_k: $_v"
		done <"$_tmp.e"
	fi
	wget "$@" "$url" 2>"$_tmp.h"
	_code=$(awk '$1 ~ /^HTTP\// {c = $2} END {print c + 0}' "$_tmp.h")
	: >"$_tmp.e"
else
	drover_fail "get_url needs curl or wget on the host; neither is installed"
fi
_elapsed=$(($(date +%s) - _start))
case $_code in
2??) ;;
000 | 0 | '') drover_fail "Request failed: $(tr '\n' ' ' <"$_tmp.e")" ;;
*) _r=$(awk '/^ *HTTP\//{$1 = ""; $2 = ""; r = $0} END{sub(/^ +/, "", r); sub(/\r$/, "", r); print r}' "$_tmp.h")
	drover_exit "{\"failed\": true, \"changed\": false, \"status_code\": $_code, \"msg\": $(json_str "Request failed"), \"response\": $(json_str "HTTP Error $_code: $_r"), \"dest\": $(json_str "$dest"), \"url\": $(json_str "$url"), \"elapsed\": $_elapsed}" ;;
esac
_src_sum=$(digest sha1 "$_tmp")
_size=$(wc -c <"$_tmp" | tr -d ' ')
if [ -n "$gu_algo" ]; then
	_got=$(digest "$gu_algo" "$_tmp")
	[ "$_got" = "$gu_want" ] || drover_exit "{\"failed\": true, \"changed\": false, \"msg\": $(json_str "The checksum for $dest did not match $gu_want; it was $_got."), \"dest\": $(json_str "$dest"), \"url\": $(json_str "$url"), \"checksum_src\": \"$_src_sum\"}"
fi
_dest_sum=null
[ -f "$dest" ] && _dest_sum="\"$(digest sha1 "$dest")\""
_extra=", \"status_code\": $_code, \"elapsed\": $_elapsed, \"checksum_src\": \"$_src_sum\", \"checksum_dest\": $_dest_sum, \"md5sum\": \"$(digest md5 "$_tmp")\""
if [ "$_dest_sum" = "\"$_src_sum\"" ]; then
	_c=$(attrs "$dest") || drover_fail "could not set the attributes of $dest"
	result "$_c" "OK ($_size bytes)" "$_extra"
fi
if [ "$_ansible_check_mode" = true ]; then
	result true "OK ($_size bytes)" "$_extra"
fi
if [ "$backup" = true ] && [ -f "$dest" ]; then
	_b="$dest.$(date +%Y-%m-%d@%H:%M:%S)~"
	cp -p "$dest" "$_b"
	_extra="$_extra, \"backup_file\": $(json_str "$_b")"
fi
# mktemp made it 0600; a new file gets the umask's mode unless mode says.
if [ -f "$dest" ]; then
	chmod "$(stat -c %a "$dest")" "$_tmp"
else
	chmod "$(printf '%o' $((0666 & ~$(umask))))" "$_tmp"
fi
attrs "$_tmp" >/dev/null || drover_fail "could not set the attributes of $dest"
mv -f "$_tmp" "$dest" || drover_fail "could not rename the download to $dest"
result true "OK ($_size bytes)" "$_extra"
