#!/bin/sh
test_description='drover-remote: file, copy and lineinfile in the C helper give the sh modules'"'"' results'
. "$(dirname "$0")/lib.sh"

# One isolated host: its ~/.cache (the helper's cache) and /srv are its own.
fleet_up_isolated 1
. "$FLEET/fleet.env"

# scripts: how many sh modules the host has cached (none while the helper runs them)
scripts() {
	fleet_ssh 1 'ls $HOME/.cache/drover/modules 2>/dev/null | wc -l'
}

# The fixture every case starts from, one folder per case (reset.sh N),
# and what the cases left behind (state.sh): every path's kind, mode,
# owner, links and bytes.
test_expect_success 'setup: the fixture and the state dump on the host' '
	cat >reset.sh <<-\EOS &&
	umask 022
	rm -rf /srv/t && i=0
	while [ $i -lt $1 ]; do
	i=$((i + 1)) && mkdir -p /srv/t/$i/d/sub /srv/t/$i/e && cd /srv/t/$i &&
	printf "hello\n" >f && printf "other\n" >g && echo x >d/sub/x && echo y >d/y &&
	echo z >d/.z && ln -s f l && ln -s nowhere dangling && echo a >a && ln a b &&
	echo n >nobody && chown 4242:4343 nobody && chmod 2755 d/sub &&
	printf "# conf\nPort 22\n#PermitRootLogin yes\nUseDNS no\n" >conf &&
	printf "no newline" >nonl && printf "a\000b\n" >bin || exit 1
	done
	EOS
	cat >state.sh <<-\EOS &&
	cd /srv/t && find . -printf "%p %y %m %u %g %n %l\n" | sort &&
	find . -type f | sort | xargs md5sum
	EOS
	fleet_ssh 1 "cat >/srv/reset.sh" <reset.sh &&
	fleet_ssh 1 "cat >/srv/state.sh" <state.sh &&
	fleet_ssh 1 "rm -rf \$HOME/.cache/drover && sh /srv/reset.sh 1 && sh /srv/state.sh" >out &&
	test_grep "^./1/l l 777 root root 1 f$" out &&
	printf "hello\n" >srcf && printf "x\000y" >bin && mkdir -p tree/sub &&
	echo 1 >tree/one && echo 2 >tree/sub/two && chmod 700 tree/sub/two
'

# Every case as MODULE|FLAGS|ARGS, FLAGS from -C (check mode), -D (diff)
# and -b (become); @ is the case's own copy of the fixture.
cat >cases <<EOF
file||path=@/new/a/b state=directory mode=0750
file|-D|path=@/new/a/b state=directory mode=0750 owner=nobody group=4343
file|-C -D|path=@/new state=directory
file|-D|path=@/d state=directory mode=u=rwX,g=rX,o= recurse=yes
file|-D|path=@/d state=directory owner=nobody group=4343 recurse=yes
file|-C -D|path=@/d state=absent
file|-D|path=@/d state=absent
file|-D|path=@/f state=absent
file||path=@/nothing state=absent
file||path=@/f mode=0600
file|-D|path=@/f mode=g+w,o-r
file|-b -D|path=@/f mode=0600 owner=nobody
file||path=@/f mode=+x
file||path=@/f mode=a+s,o=u
file||path=@/d/sub mode=0755
file||path=@/f mode=-w
file||path=@/f mode=17777
file||path=@/f mode=u=rwz
file||path=@/f owner=nosuchuser
file||path=@/f group=nosuchgroup
file|-D|path=@/f owner=nobody group=nogroup
file|-C -D|path=@/f owner=4242 group=4343 mode=0640
file||path=@/nobody owner=4242
file||path=@/nothing
file||path=@/d state=file
file||path=@/d
file||path=@/a
file|-D|path=@/new state=touch mode=0640
file|-C|path=@/f state=touch
file||path=@/f state=directory
file|-D|path=@/ln state=link src=f
file||path=@/l state=link src=f
file|-D|path=@/l state=link src=d
file||path=@/l state=link
file||path=@/f state=link
file||path=@/ln2 state=link src=nowhere
file||path=@/ln2 state=link src=@/nowhere force=yes
file||path=@/f state=link src=d
file|-D|path=@/f state=link src=d force=yes
file||path=@/e state=link src=f force=yes
file||path=@/d state=link src=f force=yes
file|-D|path=@/h state=hard src=@/f
file||path=@/g state=hard src=@/f
file||path=@/g state=hard src=@/f force=yes
file||path=@/b state=hard src=@/a
file||path=@/b state=hard
file||path=@/h state=hard
file||path=@/h2 state=hard src=@/nothing
file||path=@/d state=hard src=@/f force=yes
file||path=@/f src=@/g
file||path=@/f recurse=yes
file||path=@/l mode=0600 follow=no
file||path=@/l mode=0600
file|-D|path=@/l state=absent
file||path=@/dangling state=absent
file||path=@/l state=directory
file||path=@/l state=directory follow=no
copy|-D|src=$TRASH/srcf dest=@/f
copy|-D|src=$TRASH/srcf dest=@/g
copy|-C -D|src=$TRASH/srcf dest=@/g
copy|-C|src=$TRASH/srcf dest=@/nodir/
copy||src=$TRASH/srcf dest=@/new mode=0600 owner=nobody
copy|-C|src=$TRASH/srcf dest=@/f mode=0600 group=nogroup
copy||src=$TRASH/srcf dest=@/d/
copy||src=$TRASH/srcf dest=@/d
copy||src=$TRASH/srcf dest=@/newdir/
copy||src=$TRASH/srcf dest=@/nobody mode=preserve
copy|-D|src=$TRASH/bin dest=@/bin
copy|-D|src=$TRASH/srcf dest=@/bin
copy||content=text dest=@/d
copy||content=text dest=@/d/
copy||content=text dest=@/nodir/x
copy|-D|content=abc dest=@/g backup=yes
copy|-b|content=abc dest=@/g mode=0600
copy||content=abc dest=@/g force=no
copy||content=abc dest=@/l
copy||content=abc dest=@/l follow=yes
copy||content=abc dest=@/g validate="grep -q abc %s"
copy||content=abc dest=@/g validate="grep xyz %s; echo bad; exit 3"
copy||content=abc dest=@/g validate=true
copy||content=abc dest=@/g checksum=0000
copy||content=abc dest=@/d/sub/x owner=nosuchuser
copy||content=abc dest=@/g mode=u=rwz
copy||src=@/f dest=@/g remote_src=yes mode=preserve
copy||src=@/f dest=@/d remote_src=yes
copy||src=@/nothing dest=@/g remote_src=yes
copy||src=@/d dest=@/g remote_src=yes
copy||src=$TRASH/tree dest=@/tree directory_mode=0750
copy||src=$TRASH/tree/ dest=@/d mode=u=rw,go=r
copy||src=$TRASH/tree/ dest=@/d/sub/ mode=preserve
copy|-C|src=$TRASH/tree dest=@/tree
copy||src=$TRASH/tree dest=@/f
lineinfile|-D|path=@/conf regexp="^#?PermitRootLogin" line="PermitRootLogin no"
lineinfile||path=@/conf line="Port 22"
lineinfile|-D|path=@/conf line="Port 2222" insertafter="^Port"
lineinfile||path=@/conf line="Banner x" insertbefore="^UseDNS"
lineinfile||path=@/conf line="# first" insertbefore=BOF
lineinfile||path=@/conf line="ListenAddress 0" insertafter="^Nothing"
lineinfile||path=@/conf line="x" insertafter="^#" firstmatch=yes
lineinfile||path=@/conf line="x" insertbefore="^[A-Z]"
lineinfile||path=@/conf regexp="^Port ([0-9]+)" line="Port \\1\\1" backrefs=yes
lineinfile||path=@/conf regexp="^Nope(.*)" line="x" backrefs=yes
lineinfile||path=@/conf regexp="^Use\\w+ (no)" line="DNS=\\g<1>" backrefs=yes
lineinfile|-D|path=@/conf regexp="^#" state=absent
lineinfile||path=@/conf regexp="^Port" line="Port 23" firstmatch=yes
lineinfile||path=@/conf search_string="DNS" line="UseDNS yes"
lineinfile||path=@/conf search_string="Port" state=absent
lineinfile||path=@/conf line="UseDNS no" state=absent
lineinfile||path=@/nonl line="added"
lineinfile||path=@/nonl regexp="^no" line="no newline"
lineinfile||path=@/nonl line="x" insertafter="^no"
lineinfile|-C -D|path=@/conf line="new"
lineinfile|-D|path=@/newfile line="x" create=yes mode=0600
lineinfile|-C -D|path=@/newfile line="x" create=yes
lineinfile||path=@/newfile line="x"
lineinfile||path=@/newdir/f line="x" create=yes
lineinfile||path=@/newfile line="x" state=absent
lineinfile||path=@/d line=x
lineinfile||path=@/conf line=x insertafter=a insertbefore=b
lineinfile||path=@/conf regexp=a search_string=b line=x
lineinfile||path=@/conf backrefs=yes search_string=b line=x
lineinfile||path=@/conf backrefs=yes line=x
lineinfile||path=@/conf state=absent
lineinfile||path=@/conf regexp="^Port" line="Port 23" backup=yes
lineinfile|-D|path=@/conf line="Port 22" owner=nobody mode=0600
lineinfile||path=@/conf line="y" validate="grep -q y %s"
lineinfile||path=@/conf line="y" validate="grep -q zzz %s"
lineinfile||path=@/conf regexp="([" line=x
lineinfile||path=@/conf regexp="([" state=absent
lineinfile||path=@/conf line=x insertafter="(["
lineinfile||path=@/l line=x
lineinfile|-b -C -D|path=@/conf line=x
lineinfile|-D|path=@/bin line=x
EOF

# The cases as one playbook, a task each (YAML single quotes around ARGS)
n=0
{
	echo "- hosts: host1"
	echo "  gather_facts: false"
	echo "  tasks:"
	while IFS='|' read -r mod flags args; do
		n=$((n + 1))
		echo "    - name: case $n"
		printf "      %s: '%s'\n" "$mod" "$(printf "%s\n" "$args" | sed -e "s|@|/srv/t/$n|g" -e "s/'/''/g")"
		echo "      ignore_errors: true"
		case $flags in *-C*) echo "      check_mode: true" ;; esac
		case $flags in *-D*) echo "      diff: true" ;; esac
		case $flags in *-b*) echo "      become: true" ;; esac
	done <cases
} >cases.yml

# run_cases FILE: the playbook on fresh fixtures; every result (drover's
# JSON report without times) and the files after it, with backups' PID
# and date left out
run_cases() {
	fleet_ssh 1 "sh /srv/reset.sh $(wc -l <cases)" &&
	{
		"$DROVER" play -i "$FLEET_INV" --known-hosts "$FLEET_KH" --output json cases.yml |
			grep -v "\"\(start\|end\)\": \"" &&
		fleet_ssh 1 "sh /srv/state.sh"
	} | sed -e "s/\.[0-9]*\.[0-9-]*@[0-9:]*~/.PID.DATE~/g" >"$1"
}

test_expect_success 'the helper and the sh modules give the same results and files' '
	run_cases c.out && test $(scripts) = 0 &&
	DROVER_REMOTE_HELPER=0 run_cases sh.out && test $(scripts) = 3 &&
	test_cmp sh.out c.out &&
	test $(grep -c "\"failed\": true" c.out) -ge 40 &&
	test $(grep -c "\"changed\": true" c.out) -ge 40 &&
	test $(grep -c "\"diff\": " c.out) -ge 20
'

test_done
