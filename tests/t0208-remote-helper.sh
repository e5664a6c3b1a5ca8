#!/bin/sh
test_description='drover-remote: the C helper is sent once per host, answers as the sh modules'
. "$(dirname "$0")/lib.sh"

# Isolated hosts: each has its own ~/.cache (the helper's cache), /tmp
# and /bin, and whatever it writes lands in $FLEET/hosts/hI/upper.
fleet_up_isolated 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}

# helpers I: every cached drover-remote on host I, one per line
helpers() {
	fleet_ssh "$1" 'ls -d $HOME/.cache/drover/*/drover-remote 2>/dev/null' || true
}

# scripts I: how many sh modules host I has cached
scripts() {
	fleet_ssh "$1" 'ls $HOME/.cache/drover/modules 2>/dev/null | wc -l'
}

# The host's files for the comparisons (on a host with an empty cache): a
# file read once (so that its atime stays put from now on), a link, a
# dangling link, a folder, a name with quotes, spaces and UTF-8, bytes that
# are no UTF-8, a file of an unnamed owner.
test_expect_success 'setup: files on the hosts' '
	for i in 1 2; do
		fleet_ssh $i "rm -rf \$HOME/.cache/drover &&
			mkdir -p /srv/t && cd /srv/t && printf \"hello\\n\" >f &&
			chmod 4751 f && ln -sf f l && ln -sf nowhere dangling && mkdir -p d &&
			printf \"a\\000b\\377\\n\" >bin && echo x >\"sp \\\"é\\\"\\\\x\" &&
			echo x >nobody && chown 4242:4343 nobody && cat f bin nobody sp* >/dev/null" ||
			return 1
	done
'

test_expect_success 'stat, slurp and ping run in the helper: one upload per host, no script' '
	adhoc all -o -m stat -a "path=/srv/t/f" >out &&
	test_grep -F "\"checksum\": \"f572d396fae9206628714fb2ce00f72e94f2258f\"" out &&
	adhoc all -o -m slurp -a "src=/srv/t/f" >out &&
	test_grep -F "\"content\": \"aGVsbG8K\"" out &&
	adhoc all -o -m ping >out &&
	test $(grep -c "SUCCESS" out) = 2 &&
	for i in 1 2; do
		test $(helpers $i | wc -l) = 1 && test $(scripts $i) = 0 || return 1
	done
'

test_expect_success 'a second run uploads nothing: the same file, untouched' '
	fleet_ssh 1 "stat -c %i.%Y.%Z \$HOME/.cache/drover/*/drover-remote" >before &&
	sleep 1 &&
	adhoc all -o -m stat -a "path=/srv/t/d" >out && test_grep -F "\"isdir\": true" out &&
	adhoc all -o -m ping >out &&
	fleet_ssh 1 "stat -c %i.%Y.%Z \$HOME/.cache/drover/*/drover-remote" >after &&
	test_cmp before after &&
	test $(helpers 1 | wc -l) = 1 && test $(helpers 2 | wc -l) = 1 &&
	fleet_ssh 1 "stat -c %a \$HOME/.cache/drover/*/drover-remote" >mode &&
	echo 700 >expect && test_cmp expect mode &&
	test "$(fleet_ssh 1 "ls -A \$HOME/.cache/drover/*/")" = drover-remote
'

# Every case as "MODULE<TAB>ARGS"; atime is left out, reading a file may move it.
cat >cases <<EOF
stat	path=/srv/t/f
stat	path=/srv/t/l
stat	path=/srv/t/l follow=yes
stat	path=/srv/t/dangling
stat	path=/srv/t/dangling follow=yes
stat	path=/srv/t/d
stat	path=/srv/t/nothing
stat	path=/srv/t/nobody
stat	path=/srv/t/f get_checksum=no
stat	path=/srv/t/f checksum_algorithm=sha256
stat	path=/srv/t/f checksum=md5
stat	path=/dev/zero
stat	path="/srv/t/sp \\"é\\"\\\\x"
slurp	src=/srv/t/bin
slurp	src=/srv/t/f
slurp	src=/srv/t/d
slurp	src=/srv/t/nothing
ping	data='say "hi"'
ping	data=crash
ping
EOF

# run_cases FILE: every case on both hosts, results in FILE without atime
run_cases() {
	while IFS='	' read -r mod args; do
		adhoc all -o -f 1 -m "$mod" ${args:+-a "$args"} || :
	done <cases | sed "s/\"atime\": [0-9.]*,//" >"$1"
}

test_expect_success 'the helper and the sh modules give the same results' '
	run_cases c.out && test $(scripts 1) = 0 &&
	DROVER_REMOTE_HELPER=0 run_cases sh.out &&
	test $(grep -c "^host.*SUCCESS" c.out) = 34 &&
	test_cmp sh.out c.out &&
	test_grep -F "\"pw_name\": \"UNKNOWN\"" c.out &&
	test_grep -F "\"lnk_source\": \"/srv/t/nowhere\"" c.out &&
	test_grep -F "\"ping\": \"say \\\"hi\\\"\"" c.out &&
	test_grep -F "\"path\": \"/srv/t/sp \\\"é\\\"\\\\x\"" c.out &&
	test_grep -F "\"content\": \"YQBi/wo=\"" c.out &&
	test $(scripts 1) -ge 3
'

# A directory service (LDAP, sssd) stands in as a getent that knows one
# user and one group more than /etc/passwd and /etc/group.
test_expect_success 'owners from the name service: the helper asks getent for names the files lack' '
	fleet_ssh 1 "mkdir -p /usr/local/bin && cat >/usr/local/bin/getent" <<-\EOF &&
	#!/bin/sh
	case "$1 $2" in
	"passwd dirusr" | "passwd 4242") echo "dirusr:*:4242:4343:dir:/:/bin/sh" ;;
	"group dirgrp" | "group 4343") echo "dirgrp:*:4343:" ;;
	*) exec /usr/bin/getent "$@" ;;
	esac
	EOF
	fleet_ssh 1 "chmod 755 /usr/local/bin/getent" &&
	adhoc host1 -o -m stat -a "path=/srv/t/nobody" >out &&
	test_grep -F "\"pw_name\": \"dirusr\"" out &&
	test_grep -F "\"gr_name\": \"dirgrp\"" out &&
	adhoc host1 -o -m file -a "path=/srv/t/nobody owner=dirusr group=dirgrp" >out &&
	test_grep "SUCCESS" out &&
	adhoc host1 -o -m file -a "path=/srv/t/dir-owned state=touch owner=dirusr group=dirgrp" >out &&
	test_grep "CHANGED" out &&
	fleet_ssh 1 "stat -c %u:%g /srv/t/dir-owned" >ids &&
	echo 4242:4343 >expect && test_cmp expect ids &&
	test_must_fail adhoc host1 -o -m file -a "path=/srv/t/f owner=nosuchuser" >out &&
	test_grep "failed to look up user nosuchuser" out &&
	fleet_ssh 1 "rm -f /usr/local/bin/getent /srv/t/dir-owned"
'

test_expect_success 'become root runs the helper; another become user the sh module' '
	fleet_ssh 2 "rm -rf \$HOME/.cache/drover" &&
	adhoc host2 -o -b -m stat -a "path=/srv/t/f" >out &&
	test_grep -F "\"isuid\": true" out &&
	test $(helpers 2 | wc -l) = 1 && test $(scripts 2) = 0 &&
	adhoc host2 -o -b -e ansible_become_user=nobody -m ping -a data=hi >out &&
	test_grep -F "\"ping\": \"hi\"" out &&
	test $(scripts 2) = 1
'

test_expect_success 'a host of another architecture gets the sh modules' '
	fleet_ssh 2 "rm -rf \$HOME/.cache/drover && mkdir -p /usr/local/bin &&
		printf \"#!/bin/sh\\necho armv7l\\n\" >/usr/local/bin/uname &&
		chmod 755 /usr/local/bin/uname && uname -m" >arch &&
	echo armv7l >expect && test_cmp expect arch &&
	adhoc host2 -o -m stat -a "path=/srv/t/f" >out &&
	test_grep -F "\"checksum\": \"f572d396fae9206628714fb2ce00f72e94f2258f\"" out &&
	test $(scripts 2) = 1 &&
	# what stands for the helper is an empty, non-executable marker
	fleet_ssh 2 "h=\$(ls -d \$HOME/.cache/drover/*/drover-remote) &&
		test ! -x \"\$h\" && test ! -s \"\$h\"" &&
	adhoc host2 -o -m stat -a "path=/srv/t/f" >out &&
	test $(scripts 2) = 1 &&
	fleet_ssh 2 "rm /usr/local/bin/uname"
'

test_expect_success 'a noexec cache: the helper is sent once, then the sh modules run' '
	fleet_exec 2 "rm -rf /root/.cache/drover && mkdir -p /root/.cache/drover &&
		mount -t tmpfs -o noexec,mode=700 tmpfs /root/.cache/drover" &&
	adhoc host2 -o -m stat -a "path=/srv/t/f" >out &&
	adhoc host2 -o -m slurp -a "src=/srv/t/f" >>out &&
	test $(grep -c SUCCESS out) = 2 &&
	test $(helpers 2 | wc -l) = 1 && test $(scripts 2) = 2 &&
	fleet_exec 2 "umount /root/.cache/drover"
'

test_expect_success 'nothing is left in the hosts'"'"' temporary folders' '
	for i in 1 2; do
		for d in tmp var/tmp; do
			test -z "$(ls -A "$FLEET/hosts/h$i/upper/$d" 2>/dev/null)" || return 1
		done
		test -z "$(fleet_ssh $i "ls -A \$HOME/.cache/drover/* | grep \"^\\.\"")" || return 1
	done
'

test_expect_success 'the helper under busybox sh as the host'"'"'s /bin/sh' '
	command -v busybox >/dev/null 2>&1 || { echo "no busybox: skipped" >&2; return 0; }
	fleet_exec 1 "ln -sf $(command -v busybox) /bin/sh && readlink /bin/sh" >sh &&
	test_grep busybox sh &&
	adhoc host1 -o -m stat -a "path=/srv/t/l" >out &&
	test_grep -F "\"lnk_target\": \"f\"" out &&
	adhoc host1 -o -m slurp -a "src=/srv/t/f" >out &&
	test_grep -F "\"content\": \"aGVsbG8K\"" out &&
	test $(helpers 1 | wc -l) = 1
'

test_done
