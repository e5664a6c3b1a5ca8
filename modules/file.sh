# drover module: file
# short: Make a path a file, folder, link or hard link, or remove it; set its mode and owner
# description: As Ansible's file module: state=file only changes an
#   existing file's attributes; directory creates missing parents too
#   (recurse=yes sets the attributes on everything below); touch creates or
#   updates the times; link and hard make links to src (force=yes replaces
#   what is in the way); absent removes the path, folders recursively.
#   Without state, an existing path keeps its kind (else file).
# uses: _files
# option: path type=path required aliases=dest,name  The path to manage.
# option: state type=str choices=absent,directory,file,hard,link,touch  What path must be.
# option: src type=path  Target of a link (state=link or hard); relative to
#   the link's folder for a symbolic link.
# option: mode type=raw  Octal ("0644", 644) or symbolic ("u=rw,g=r,o=r") mode.
# option: owner type=str  Owner (name or uid).
# option: group type=str  Group (name or gid).
# option: recurse type=bool default=false  With state=directory, set the
#   attributes on the whole tree.
# option: force type=bool default=false  Replace a file or empty folder by a
#   link, or link to a src that does not exist.
# option: follow type=bool default=true  Set the attributes of what a link
#   points to rather than the link.
# example: drover adhoc all -i hosts -m file -a 'path=/srv/app state=directory mode=0755'
# example: drover adhoc all -i hosts -m file -a 'path=/etc/app.conf owner=app mode=u=rw,g=r,o='
# example: drover adhoc all -i hosts -m file -a 'src=/srv/app/current path=/srv/www state=link'

follow_links=$follow
prev=$(kind_of "$path")
[ "$prev" = file ] && [ "$(stat -c %h "$path")" -gt 1 ] && prev=hard
[ "$prev" = other ] && prev=file
if [ -z "$state" ]; then
	if [ "$prev" != absent ]; then state=$prev
	elif is_true "$recurse"; then state=directory
	else state=file; fi
fi
if [ -n "$src" ] && [ "$state" != link ] && [ "$state" != hard ]; then
	drover_exit "{\"failed\": true, \"msg\": \"src option requires state to be 'link' or 'hard'\", \"path\": $(json_str "$path")}"
fi
if is_true "$recurse" && [ "$state" != directory ]; then
	drover_fail "recurse option requires state to be 'directory'"
fi

changed=false db= da=
# note_state: the kind of path changes (a diff member each side)
note_state() {
	changed=true
	db="$db\"state\": \"$prev\", " da="$da\"state\": \"$1\", "
}

# fail_at MSG: a failure that reports the path as it is, as Ansible's
fail_at() {
	drover_exit "{\"failed\": true, \"changed\": false, \"msg\": $(json_str "$1"), \"path\": $(json_str "$path"), $(path_info "$path")}"
}

# attrs PATH: mode/owner/group; changes count, and go in the diff
attrs() {
	attrs_changed=false
	apply_attrs "$1"
	is_true "$attrs_changed" && changed=true
	db="$db$attr_before" da="$da$attr_after"
	return 0
}

# done_with KEY [EXTRA]: the result, with path (or dest) and its facts
done_with() {
	_r="\"changed\": $changed, \"$1\": $(json_str "$path")"
	if [ -e "$path" ] || [ -L "$path" ]; then
		_r="$_r, $(path_info "$path")"
	else
		_r="$_r, \"state\": \"absent\""
	fi
	[ -n "$2" ] && _r="$_r, $2"
	if want_diff; then
		_r="$_r, \"diff\": {\"before\": {$db\"path\": $(json_str "$path")}, \"after\": {$da\"path\": $(json_str "$path")}}"
	fi
	drover_exit "{$_r}"
}

state_file() {
	case $prev in
	absent) drover_exit "{\"failed\": true, \"changed\": false, \"msg\": $(json_str "file ($path) is absent, cannot continue"), \"path\": $(json_str "$path"), \"state\": \"absent\"}" ;;
	directory) fail_at "$path is a directory, cannot continue" ;;
	esac
	attrs "$path"
	done_with path
}

# list_tree PATH: a folder's contents for the diff of its removal
list_tree() {
	printf '"path_content": {"directories": ['
	find "$1" -mindepth 1 -type d | sort | awk '{ printf "%s", (NR > 1 ? ", " : "") }
		{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "\"%s\"", $0 }'
	printf '], "files": ['
	find "$1" -mindepth 1 ! -type d | sort | awk '{ printf "%s", (NR > 1 ? ", " : "") }
		{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "\"%s\"", $0 }'
	printf ']}, '
}

state_absent() {
	if [ "$prev" != absent ]; then
		[ "$prev" = directory ] && want_diff && db="$db$(list_tree "$path")"
		note_state absent
		in_check_mode || rm -rf "$path" || drover_fail "rmtree failed: $path"
	fi
	_r="\"changed\": $changed, \"path\": $(json_str "$path"), \"state\": \"absent\""
	want_diff && _r="$_r, \"diff\": {\"before\": {$db\"path\": $(json_str "$path")}, \"after\": {$da\"path\": $(json_str "$path")}}"
	drover_exit "{$_r}"
}

state_directory() {
	case $prev in
	directory) ;;
	absent)
		note_state directory
		if in_check_mode; then done_with path; fi
		# each folder it creates gets the attributes, as in Ansible
		_todo= _p=$path
		while [ ! -e "$_p" ] && [ "$_p" != / ] && [ "$_p" != . ]; do
			_todo="$_p
$_todo"
			_p=$(dirname "$_p")
		done
		mkdir -p "$path" || drover_fail "There was an issue creating $path as requested"
		printf '%s' "$_todo" | while IFS= read -r _d; do
			[ -n "$_d" ] && [ "$_d" != "$path" ] && apply_attrs "$_d"
		done
		;;
	link)
		[ -d "$path" ] && is_true "$follow" || fail_at "$path already exists as a $prev" ;;
	*) fail_at "$path already exists as a $prev" ;;
	esac
	attrs "$path"
	if is_true "$recurse"; then
		# a fresh private file: no predictable name in a shared /tmp
		_tree=$(mktemp) || drover_fail "cannot create a temporary file"
		find "$path" -mindepth 1 >"$_tree"
		while IFS= read -r _f; do
			attrs "$_f"
		done <"$_tree"
		rm -f "$_tree"
	fi
	done_with path
}

state_touch() {
	if [ "$prev" = absent ]; then
		note_state touch
		in_check_mode || : >"$path" || drover_fail "Error, could not touch target: $path"
	else
		changed=true
		db="$db\"state\": \"$prev\", " da="$da\"state\": \"touch\", "
		in_check_mode || touch "$path" || drover_fail "Error, could not touch target: $path"
	fi
	attrs "$path"
	done_with dest
}

state_link() {
	if [ -z "$src" ]; then
		[ "$prev" = link ] || drover_fail "src is required for creating new symlinks"
		src=$(readlink "$path")
	fi
	case $src in
	/*) _abs=$src ;;
	*) _abs="$(dirname "$path")/$src" ;;
	esac
	if ! is_true "$force" && [ ! -e "$_abs" ]; then
		drover_exit "{\"failed\": true, \"changed\": false, \"msg\": $(json_str "src file does not exist, use \"force=yes\" if you really want to create the link: $_abs"), \"path\": $(json_str "$path"), \"src\": $(json_str "$src")}"
	fi
	case $prev in
	absent) note_state link ;;
	link) [ "$(readlink "$path")" != "$src" ] && { changed=true; db="$db\"src\": $(json_str "$(readlink "$path")"), " da="$da\"src\": $(json_str "$src"), "; } ;;
	directory)
		is_true "$force" || fail_at "refusing to convert from directory to symlink for $path"
		[ -z "$(ls -A "$path")" ] || fail_at "the directory $path is not empty, refusing to convert it"
		note_state link ;;
	*) is_true "$force" || fail_at "refusing to convert from $prev to symlink for $path"
		note_state link ;;
	esac
	if is_true "$changed" && ! in_check_mode; then
		[ "$prev" = directory ] && rmdir "$path"
		[ "$prev" = file ] || [ "$prev" = hard ] && rm -f "$path"
		ln -sfn "$src" "$path" || drover_fail "Error while linking: $path"
	fi
	follow_links=false
	attrs "$path"
	done_with dest "\"src\": $(json_str "$src")"
}

state_hard() {
	if [ -z "$src" ] && [ "$prev" = hard ]; then
		attrs "$path"
		done_with dest '"src": null'
	fi
	[ -n "$src" ] || drover_fail "src is required for creating new hard links"
	[ -e "$src" ] || drover_exit "{\"failed\": true, \"changed\": false, \"msg\": \"src does not exist\", \"dest\": $(json_str "$path"), \"src\": $(json_str "$src")}"
	if [ "$prev" = absent ]; then
		note_state hard
	elif ! [ "$path" -ef "$src" ]; then
		[ "$prev" = directory ] && fail_at "Cannot link, directory exists at destination"
		is_true "$force" || drover_exit "{\"failed\": true, \"changed\": false, \"msg\": $(json_str "Cannot link, $prev exists at destination"), \"dest\": $(json_str "$path"), \"src\": $(json_str "$src")}"
		note_state hard
	fi
	if is_true "$changed" && ! in_check_mode; then
		_t="$(dirname "$path")/.drover_tmp_$$_$(basename "$path")"
		ln "$src" "$_t" && mv -f "$_t" "$path" || { rm -f "$_t"; drover_fail "Error while linking: $path"; }
	fi
	attrs "$path"
	done_with dest "\"src\": $(json_str "$src")"
}

"state_$state"
