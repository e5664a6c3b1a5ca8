# drover module: unarchive
# short: Unpack a tar (plain, gzip, bzip2, xz, zstd) or zip archive into a folder
# description: By default src is a file on the controller: drover reads it
#   once per task and streams it to each host with the arguments (no copy is
#   left on the host). With remote_src=yes src is a path on the host. tar
#   archives use the host's tar, zip archives its unzip. Idempotence: with
#   GNU tar, tar --diff against dest decides (contents, size, mode, mtime,
#   and owners when running as root); with another tar and for zip files,
#   every member must exist in dest with the same content. Not supported:
#   include, keep_newer, mode/owner/group of the extracted files, src URLs.
# option: src type=str required  The archive: on the controller, or on the
#   host with remote_src.
# option: dest type=path required  Existing folder to unpack into.
# option: remote_src type=bool default=false  src is already on the host.
# option: copy type=bool  Old name: copy=no means remote_src=yes.
# option: creates type=path  Do nothing if this path exists on the host.
# option: list_files type=bool default=false  Return the members as files.
# option: exclude type=list  Members (tar patterns) not to unpack.
# option: extra_opts type=list  More options for tar or unzip.
# example: drover adhoc web -i hosts -m unarchive -a 'src=site.tgz dest=/srv/www'
# example: drover adhoc web -i hosts -m unarchive -a 'src=/tmp/x.zip dest=/opt remote_src=yes creates=/opt/x'

_t=$(mktemp -d "${TMPDIR:-/tmp}/drover-unarchive.XXXXXX") || drover_fail "cannot create a temporary folder"
trap 'rm -rf "$_t"' EXIT
[ "$copy" = false ] && remote_src=true
if [ "$remote_src" = true ]; then
	_a=$src
	[ -f "$_a" ] || drover_fail "Source '$src' does not exist"
else
	_a="$_t/archive"
	cat >"$_a"
fi

if [ -n "$creates" ] && [ -e "$creates" ]; then
	drover_exit "{\"changed\": false, \"skipped\": true, \"msg\": $(json_str "skipped, since $creates exists"), \"dest\": $(json_str "$dest"), \"src\": $(json_str "$src")}"
fi
[ -e "$dest" ] || drover_fail "dest '$dest' must be an existing dir"
[ -d "$dest" ] || drover_fail "dest '$dest' must be an existing dir"

# q TEXT: TEXT quoted for sh, to build the tar or unzip line for eval.
q() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}
_extra=
_i=0
while [ "$_i" -lt "${extra_opts_n:-0}" ]; do
	eval "_v=\$extra_opts_$_i"
	_extra="$_extra $(q "$_v")"
	_i=$((_i + 1))
done
_i=0
while [ "$_i" -lt "${exclude_n:-0}" ]; do
	eval "_v=\$exclude_$_i"
	_extra="$_extra $(q "--exclude=$_v")"
	_i=$((_i + 1))
done

# What the archive is, from its first bytes.
_magic=$(od -An -N6 -tx1 "$_a" | tr -d ' \n')
case $_magic in
1f8b*) _z=-z handler=TgzArchive ;;
425a68*) _z=-j handler=TarBzipArchive ;;
fd377a585a00) _z=-J handler=TarXzArchive ;;
28b52ffd*) _z=--zstd handler=TarZstdArchive ;;
504b0304* | 504b0506*) _z= handler=ZipArchive ;;
*) _z= handler=TarArchive ;;
esac

if [ "$handler" = ZipArchive ]; then
	command -v unzip >/dev/null 2>&1 || drover_fail "Failed to find handler for \"$src\". Make sure the required command to extract the file is installed. Unable to find required 'unzip' binary in the path."
	unzip -Z1 "$_a" >"$_t/list" 2>"$_t/err" || drover_fail "unzip could not read $src: $(cat "$_t/err")"
else
	# shellcheck disable=SC2086
	tar $_z -tf "$_a" >"$_t/list" 2>"$_t/err" ||
		drover_fail "Failed to find handler for \"$src\". Make sure the required command to extract the file is installed. $(cat "$_t/err")"
fi

# unchanged: 0 when dest already holds what the archive holds.
unchanged() {
	if [ "$handler" != ZipArchive ] && tar --version 2>/dev/null | grep -q 'GNU tar'; then
		# shellcheck disable=SC2086
		eval "tar $_z --diff -C \"\$dest\" -f \"\$_a\" $_extra" >"$_t/diff" 2>&1
		[ "$(id -u)" = 0 ] || sed -i '/: [UG]id differs$/d' "$_t/diff"
		! grep -q . "$_t/diff"
		return
	fi
	while IFS= read -r _m; do
		case $_m in */) [ -d "$dest/$_m" ] || return 1; continue ;; esac
		[ -e "$dest/$_m" ] || [ -L "$dest/$_m" ] || return 1
		if [ "$handler" = ZipArchive ]; then
			unzip -p "$_a" "$_m" 2>/dev/null | cmp -s - "$dest/$_m" || return 1
		fi
	done <"$_t/list"
	[ "$handler" = ZipArchive ] && return 0
	# another tar: compare contents by unpacking to the side
	mkdir "$_t/x" && tar $_z -xf "$_a" -C "$_t/x" 2>/dev/null || return 1
	while IFS= read -r _m; do
		[ -f "$_t/x/$_m" ] || continue
		cmp -s "$_t/x/$_m" "$dest/$_m" || return 1
	done <"$_t/list"
}

_files=
[ "$list_files" = true ] && _files=", \"files\": $(json_lines "$_t/list")"
_st=$(stat -c '"uid": %u, "gid": %g, "owner": "%U", "group": "%G", "size": %s' "$dest")
_mode=$(printf '%04o' "0$(stat -c %a "$dest")")
_common="\"dest\": $(json_str "$dest"), \"src\": $(json_str "$src"), \"handler\": \"$handler\", \"state\": \"directory\", \"mode\": \"$_mode\", $_st$_files"

if unchanged; then
	drover_exit "{\"changed\": false, $_common}"
fi
if [ "$_ansible_check_mode" = true ]; then
	drover_exit "{\"changed\": true, $_common}"
fi
if [ "$handler" = ZipArchive ]; then
	_cmd="unzip -o \"\$_a\" -d \"\$dest\" $_extra"
else
	_cmd="tar $_z --extract -C \"\$dest\" -f \"\$_a\" $_extra"
fi
eval "$_cmd" >"$_t/out" 2>"$_t/err"
_rc=$?
_res="\"extract_results\": {\"cmd\": $(json_str "$(eval "printf '%s' \"$_cmd\"")"), \"rc\": $_rc, \"out\": $(json_file "$_t/out"), \"err\": $(json_file "$_t/err")}"
if [ "$_rc" != 0 ]; then
	drover_exit "{\"failed\": true, \"changed\": false, \"msg\": $(json_str "failed to unpack $src to $dest"), $_res, $_common}"
fi
drover_exit "{\"changed\": true, $_res, $_common}"
