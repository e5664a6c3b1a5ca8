# drover module: git
# short: Clone a git repository or bring a checkout to a version (the host's git)
# description: Clones repo into dest if dest holds no checkout, else fetches
#   and checks out version: a branch (reset to the remote branch), a tag or
#   a commit id; HEAD follows the remote's default branch. Reports the
#   commit before and after; changed when they differ. Local changes to
#   tracked files fail the task unless force=yes (which discards them). In
#   check mode nothing is fetched or written: the remote is asked with
#   git ls-remote. Not supported: bare clones, submodule updates beyond
#   clone's own, GPG checks, archives, separate_git_dir.
# option: repo type=str required  URL or path of the repository (also name).
# option: dest type=path required  Folder of the checkout.
# option: version type=str default=HEAD  Branch, tag or full commit id.
# option: remote type=str default=origin  Name of the remote.
# option: update type=bool default=true  Fetch and check out version when
#   dest already holds a checkout.
# option: clone type=bool default=true  Clone when dest holds no checkout.
# option: force type=bool default=false  Discard local changes.
# option: depth type=int  Shallow clone/fetch with this many commits.
# option: single_branch type=bool default=false  Clone only the history of version.
# option: accept_hostkey type=bool default=false  Accept an unknown SSH host key.
# option: key_file type=path  SSH private key for the remote.
# option: ssh_opts type=str  More options for ssh.
# option: executable type=path  The git program (default: git from PATH).
# example: drover adhoc web -i hosts -m git -a 'repo=https://example.com/app.git dest=/srv/app version=v1.2'

_git=${executable:-git}
command -v "$_git" >/dev/null 2>&1 || drover_fail "Failed to find required executable \"git\" in paths"
GIT_TERMINAL_PROMPT=0
export GIT_TERMINAL_PROMPT
_ssh=
[ "$accept_hostkey" = true ] && _ssh="$_ssh -o StrictHostKeyChecking=no"
[ -n "$key_file" ] && _ssh="$_ssh -i '$key_file' -o IdentitiesOnly=yes"
[ -n "$ssh_opts" ] && _ssh="$_ssh $ssh_opts"
if [ -n "$_ssh" ]; then
	GIT_SSH_COMMAND="ssh$_ssh"
	export GIT_SSH_COMMAND
fi
_err=$(mktemp "${TMPDIR:-/tmp}/drover-git.XXXXXX") || drover_fail "cannot create a temporary file"
trap 'rm -f "$_err"' EXIT

# run CMD...: runs git; fails the task with its stderr if it fails.
run() {
	"$_git" "$@" 2>"$_err" >/dev/null && return 0
	_rc=$?
	drover_exit "{\"failed\": true, \"changed\": false, \"rc\": $_rc, \"cmd\": $(json_str "git $*"), \"msg\": $(json_str "$(cat "$_err")"), \"before\": $_before}"
}

# remote_sha: the commit version names on the remote (empty if unknown).
remote_sha() {
	if [ "$version" = HEAD ]; then
		"$_git" ls-remote "$repo" HEAD 2>/dev/null | awk '{print $1; exit}'
		return
	fi
	_o=$("$_git" ls-remote "$repo" "refs/heads/$version" "refs/tags/$version^{}" "refs/tags/$version" 2>/dev/null)
	[ -n "$_o" ] || { printf '%s' "$version"; return; }
	# an annotated tag: its commit (^{}) wins over the tag object
	printf '%s\n' "$_o" | awk '{ if ($2 ~ /\^\{\}$/) { c = $1 } else if (!f) f = $1 } END { print c != "" ? c : f }'
}

ref_kind() {
	if "$_git" -C "$dest" rev-parse -q --verify "refs/remotes/$remote/$version" >/dev/null 2>&1; then
		echo branch
	elif "$_git" -C "$dest" rev-parse -q --verify "refs/tags/$version" >/dev/null 2>&1; then
		echo tag
	else
		echo commit
	fi
}

result() {
	drover_exit "{\"changed\": $1, \"before\": $_before, \"after\": $2$3}"
}

_before=null
if [ ! -e "$dest/.git" ]; then
	[ "$clone" = true ] || result false null
	if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
		drover_fail "Destination path '$dest' already exists and is not an empty directory."
	fi
	if [ "$_ansible_check_mode" = true ]; then
		_s=$(remote_sha)
		result true "$(json_str "$_s")"
	fi
	set -- clone --origin "$remote"
	[ -n "$depth" ] && set -- "$@" --depth "$depth" --no-single-branch
	[ "$single_branch" = true ] && set -- "$@" --single-branch
	if [ "$version" != HEAD ] && { [ -n "$depth" ] || [ "$single_branch" = true ]; } &&
		"$_git" ls-remote --exit-code "$repo" "refs/heads/$version" "refs/tags/$version" >/dev/null 2>&1; then
		set -- "$@" --branch "$version"
	fi
	run "$@" "$repo" "$dest"
	if [ "$version" != HEAD ]; then
		case $(ref_kind) in
		branch) run -C "$dest" checkout --force -B "$version" "$remote/$version" ;;
		*) run -C "$dest" checkout --force "$version" ;;
		esac
	fi
	_after=$("$_git" -C "$dest" rev-parse HEAD)
	result true "\"$_after\""
fi

_before="\"$("$_git" -C "$dest" rev-parse HEAD 2>/dev/null)\""
[ "$_before" = '""' ] && _before=null
_url_changed=false
_old_url=$("$_git" -C "$dest" config --get "remote.$remote.url" 2>/dev/null)
[ "$_old_url" = "$repo" ] || _url_changed=true
_extra=", \"remote_url_changed\": $_url_changed"
if [ "$force" != true ] && [ -n "$("$_git" -C "$dest" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	drover_exit "{\"failed\": true, \"changed\": false, \"before\": $_before, \"msg\": $(json_str "Local modifications exist in the destination: $dest (force=no).")}"
fi
[ "$update" = true ] || result false "$_before" "$_extra"

if [ "$_ansible_check_mode" = true ]; then
	_s=$(remote_sha)
	_c=false
	[ "\"$_s\"" = "$_before" ] || _c=true
	result "$_c" "$(json_str "$_s")" "$_extra"
fi
if [ "$_url_changed" = true ]; then
	if [ -n "$_old_url" ]; then
		run -C "$dest" remote set-url "$remote" "$repo"
	else
		run -C "$dest" remote add "$remote" "$repo"
	fi
fi
set -- -C "$dest" fetch --tags --force "$remote"
[ -n "$depth" ] && set -- "$@" --depth "$depth"
run "$@" "+refs/heads/*:refs/remotes/$remote/*"
if [ "$version" = HEAD ]; then
	"$_git" -C "$dest" remote set-head "$remote" --auto >/dev/null 2>&1
	_branch=$("$_git" -C "$dest" symbolic-ref --short "refs/remotes/$remote/HEAD" 2>/dev/null)
	_branch=${_branch#"$remote"/}
	[ -n "$_branch" ] || drover_fail "cannot tell the default branch of $repo"
	run -C "$dest" checkout --force -B "$_branch" "$remote/$_branch"
else
	case $(ref_kind) in
	branch) run -C "$dest" checkout --force -B "$version" "$remote/$version" ;;
	*) run -C "$dest" checkout --force "$version" ;;
	esac
fi
[ "$force" = true ] && run -C "$dest" reset --hard -q
_after="\"$("$_git" -C "$dest" rev-parse HEAD)\""
_c=false
[ "$_after" = "$_before" ] || _c=true
result "$_c" "$_after" "$_extra"
