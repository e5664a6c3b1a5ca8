# tests/helpers/vs-ansible.sh: differential tests of a module against real
# ansible on the same fleet host. Sourced by tests after lib.sh and
# fleet_up; needs adhoc() defined by the test.
#
#   vs_ansible MODULE <<EOF
#   SETUP|ARGS
#   EOF
#
# For each case, SETUP (sh) runs in two fresh folders, case-N-a and
# case-N-d; ARGS, with @ standing for the folder, go to ansible (all cases
# in one playbook, run twice, each task with ignore_errors) and to drover
# adhoc (run twice). The folders must end up the same (contents, kinds,
# modes, link targets) and both runs must report the same changed/failed.
# Running ansible once per case would take seconds per case.

# vs_status: ok, changed or failed per task, from ansible-playbook's output
vs_status_() {
	sed -n -e 's/^ok: \[host1\].*/false/p' -e 's/^changed: \[host1\].*/true/p' \
		-e 's/^fatal: \[host1\].*/failed/p' "$1"
}

vs_drover_status_() {
	sed -n -e 's/^host1 | SUCCESS.*/false/p' -e 's/^host1 | CHANGED.*/true/p' \
		-e 's/^host1 | FAILED.*/failed/p' "$1"
}

# vs_tree_ DIR: what must be equal between the two folders
vs_tree_() {
	(cd "$1" && find . -mindepth 1 -printf '%y %m %l %p\n' | sort)
}

vs_ansible() {
	_mod=$1 _n=0
	rm -rf vs && mkdir vs
	printf -- '- hosts: host1\n  gather_facts: no\n  tasks:\n' >vs/play.yml
	while IFS='|' read -r _setup _args; do
		_n=$((_n + 1))
		for _w in a d; do
			mkdir "vs/case-$_n-$_w" && (cd "vs/case-$_n-$_w" && eval "$_setup") || return 1
		done
		printf '%s\n' "$_args" | sed "s|@|$TRASH/vs/case-$_n-d|g" >"vs/args-$_n"
		_aa=$(printf '%s' "$_args" | sed -e "s|@|$TRASH/vs/case-$_n-a|g" -e "s/'/''/g")
		printf "    - %s: '%s'\n      ignore_errors: true\n" "$_mod" "$_aa" >>vs/play.yml
	done
	for _r in 1 2; do
		ANSIBLE_CONFIG=$FLEET/ansible.cfg ANSIBLE_NOCOLOR=1 \
			ansible-playbook -i "$FLEET_INV" vs/play.yml >"vs/ansible-$_r" 2>&1 || :
		vs_status_ "vs/ansible-$_r" >"vs/astatus-$_r"
	done
	_i=0 _bad=0
	while [ "$_i" -lt "$_n" ]; do
		_i=$((_i + 1))
		for _r in 1 2; do
			adhoc host1 -o -m "$_mod" -a "$(cat "vs/args-$_i")" >"vs/drover-$_i-$_r" 2>&1 || :
		done
		_want="$(sed -n "${_i}p" vs/astatus-1)/$(sed -n "${_i}p" vs/astatus-2)"
		_got="$(vs_drover_status_ "vs/drover-$_i-1")/$(vs_drover_status_ "vs/drover-$_i-2")"
		vs_tree_ "vs/case-$_i-a" >vs/tree-a
		vs_tree_ "vs/case-$_i-d" >vs/tree-d
		if [ "$_want" != "$_got" ] || ! cmp -s vs/tree-a vs/tree-d ||
			! diff -r --no-dereference "vs/case-$_i-a" "vs/case-$_i-d" >/dev/null 2>&1; then
			echo "case $_i differs from ansible: $(cat "vs/args-$_i")" >&2
			echo "  changed: ansible $_want, drover $_got" >&2
			diff -u vs/tree-a vs/tree-d >&2
			diff -r --no-dereference "vs/case-$_i-a" "vs/case-$_i-d" >&2
			cat "vs/drover-$_i-1" >&2
			_bad=1
		fi
	done
	[ "$(wc -l <vs/astatus-1)" -eq "$_n" ] || { echo "ansible ran $(wc -l <vs/astatus-1) of $_n cases" >&2; cat vs/ansible-1 >&2; _bad=1; }
	return $_bad
}
