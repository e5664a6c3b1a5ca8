#!/bin/sh
test_description='drover vault reads and writes what ansible-vault does, both ways'
. "$(dirname "$0")/lib.sh"

if ! command -v ansible-vault >/dev/null 2>&1; then
	skip_all 'ansible-vault is not installed'
fi

# No terminal to prompt on: every password must come from a file.
no_tty() {
	setsid -w "$@"
}

printf 'pass-one\n' >pw1
printf '  pass-two  \n\n' >pw2 # surrounding whitespace is not part of the password
printf 'pass-dev\n' >pwdev
printf 'pass-prod\n' >pwprod
printf 'wrong\n' >pwbad
printf 'db_password: s3cr3t\nusers: [alice, bob]\n' >plain.yml
mkdir -p tmp
TMPDIR=$TRASH/tmp
export TMPDIR

# An inventory whose group_vars file is vault-encrypted and whose host_vars
# hold inline !vault values (one of them the connection, "local").
mkdir -p inv/group_vars inv/host_vars
printf '[web]\nh1 ansible_host=127.0.0.1\n' >inv/hosts
printf 'db_pass: s3cr3t\nport: 5432\n' >inv/group_vars/all.yml
ansible-vault encrypt --vault-password-file pw1 inv/group_vars/all.yml
{
	echo 'plain: 1'
	ansible-vault encrypt_string --vault-password-file pw1 --name token tok 2>/dev/null
	echo
	ansible-vault encrypt_string --vault-password-file pw1 --name ansible_connection local 2>/dev/null
	echo
} >inv/host_vars/h1.yml

test_expect_success 'drover encrypt, ansible-vault decrypt (1.1)' '
	cp plain.yml a.yml &&
	chmod 640 a.yml &&
	no_tty "$DROVER" vault encrypt --vault-password-file pw1 a.yml &&
	test "$(head -n 1 a.yml)" = "\$ANSIBLE_VAULT;1.1;AES256" &&
	test "$(stat -c %a a.yml)" = 640 &&
	test_grep -v s3cr3t a.yml &&
	ansible-vault decrypt --vault-password-file pw1 --output a.out a.yml &&
	test_cmp plain.yml a.out
'

test_expect_success 'ansible-vault encrypt, drover decrypt and view (1.1)' '
	cp plain.yml b.yml &&
	ansible-vault encrypt --vault-password-file pw2 b.yml &&
	no_tty "$DROVER" vault view --vault-password-file pw2 b.yml >b.view &&
	test_cmp plain.yml b.view &&
	no_tty "$DROVER" vault decrypt --vault-password-file pw2 b.yml &&
	test_cmp plain.yml b.yml
'

test_expect_success 'several vault ids: 1.2 both ways, matching id first' '
	cp plain.yml dev.yml && cp plain.yml prod.yml &&
	ansible-vault encrypt --vault-id dev@pwdev dev.yml &&
	no_tty "$DROVER" vault encrypt --vault-id dev@pwdev --vault-id prod@pwprod \
		--encrypt-vault-id prod prod.yml &&
	test "$(head -n 1 prod.yml)" = "\$ANSIBLE_VAULT;1.2;AES256;prod" &&
	ansible-vault view --vault-id prod@pwprod prod.yml >prod.view &&
	test_cmp plain.yml prod.view &&
	no_tty "$DROVER" vault view --vault-id prod@pwprod --vault-id dev@pwdev dev.yml prod.yml >both &&
	cat plain.yml plain.yml >both.want &&
	test_cmp both.want both &&
	# a label that matches nothing still gets tried
	no_tty "$DROVER" vault view --vault-id other@pwdev dev.yml >dev.view &&
	test_cmp plain.yml dev.view
'

test_expect_success 'two ids and no --encrypt-vault-id: refused as ansible-vault does' '
	cp plain.yml two.yml &&
	test_expect_code 1 no_tty "$DROVER" vault encrypt --vault-id dev@pwdev \
		--vault-id prod@pwprod two.yml 2>two.err &&
	test_grep "The vault-ids dev,prod are available to encrypt" two.err &&
	test_cmp plain.yml two.yml
'

test_expect_success 'wrong password: exit 1, the file named, nothing on stdout' '
	test_expect_code 1 no_tty "$DROVER" vault view --vault-password-file pwbad a.yml >wrong.out 2>wrong.err &&
	test_grep -x "ERROR! Decryption failed (no vault secrets were found that could decrypt) on a.yml" wrong.err &&
	test ! -s wrong.out &&
	cp a.yml a.keep &&
	test_expect_code 1 no_tty "$DROVER" vault decrypt --vault-password-file pwbad a.yml 2>/dev/null &&
	test_cmp a.keep a.yml
'

test_expect_success 'tampered ciphertext fails the HMAC in drover and in ansible-vault' '
	# one hex digit of the ciphertext changed (the last outer pair stays hex of a hex digit)
	python3 -c "
import sys
d = open(sys.argv[1]).read()
i = len(d) - 2
alt = {\"3\": \"01\", \"6\": \"12\"}[d[i - 1]]
d = d[:i] + (alt[0] if d[i] != alt[0] else alt[1]) + d[i + 1:]
open(sys.argv[2], \"w\").write(d)
" a.yml t.yml &&
	! cmp -s a.yml t.yml &&
	test_expect_code 1 no_tty "$DROVER" vault view --vault-password-file pw1 t.yml 2>t.err &&
	test_grep "Decryption failed" t.err &&
	test_must_fail ansible-vault view --vault-password-file pw1 t.yml 2>/dev/null
'

test_expect_success 'encrypt_string blocks work in ansible-playbook and ansible-vault' '
	no_tty "$DROVER" vault encrypt_string --vault-password-file pw1 --name api_key "k-123 45" >vars.yml &&
	printf "sec\\n" | no_tty "$DROVER" vault encrypt_string --vault-password-file pw1 \
		--stdin-name from_stdin >>vars.yml &&
	head -n 1 vars.yml | grep -qx "api_key: !vault |" &&
	sed -n 2p vars.yml | grep -qx "          \$ANSIBLE_VAULT;1.1;AES256" &&
	cat >play.yml <<-\EOF &&
	- hosts: localhost
	  gather_facts: false
	  vars_files: [vars.yml]
	  tasks:
	    - copy:
	        dest: "{{ playbook_dir }}/played.txt"
	        content: "{{ api_key }}|{{ from_stdin }}"
	EOF
	ansible-playbook -c local -i localhost, --vault-password-file pw1 play.yml >play.log &&
	printf "k-123 45|sec\\n" >played.want &&
	test_cmp played.want played.txt &&
	sed -n "2,/^from_stdin/s/^  *//p" vars.yml >block.vault &&
	ansible-vault decrypt --vault-password-file pw1 --output - block.vault >block.out &&
	printf "k-123 45" >block.want &&
	test_cmp block.want block.out
'

test_expect_success 'ansible-vault encrypt_string block decrypts in drover' '
	ansible-vault encrypt_string --vault-id dev@pwdev "from ansible" 2>/dev/null |
		sed -n "2,\$s/^ *//p" >theirs.vault &&
	no_tty "$DROVER" vault view --vault-id dev@pwdev theirs.vault >theirs.out &&
	printf "from ansible" >theirs.want &&
	test_cmp theirs.want theirs.out
'

test_expect_success 'rekey keeps the mode; only the new password works after' '
	cp plain.yml r.yml &&
	ansible-vault encrypt --vault-password-file pw1 r.yml &&
	chmod 604 r.yml &&
	no_tty "$DROVER" vault rekey --vault-password-file pw1 --new-vault-id prod@pwprod r.yml 2>rekey.err &&
	test_grep -x "Rekey successful" rekey.err &&
	test "$(head -n 1 r.yml)" = "\$ANSIBLE_VAULT;1.2;AES256;prod" &&
	test "$(stat -c %a r.yml)" = 604 &&
	test_must_fail ansible-vault view --vault-password-file pw1 r.yml 2>/dev/null &&
	ansible-vault view --vault-password-file pwprod r.yml >r.view &&
	test_cmp plain.yml r.view &&
	no_tty "$DROVER" vault rekey --vault-id prod@pwprod --new-vault-password-file pw2 r.yml 2>/dev/null &&
	test "$(head -n 1 r.yml)" = "\$ANSIBLE_VAULT;1.1;AES256"
'

# The editor records what it was given, then appends a line.
cat >editor.sh <<EOF
#!/bin/sh
{
	echo "args=\$*"
	echo "file=\$1"
	echo "mode=\$(stat -c %a "\$1")"
	echo "dirmode=\$(stat -c %a "\$(dirname "\$1")")"
} >"$TRASH/editor.log"
echo "added: yes" >>"\$1"
EOF
chmod +x editor.sh

test_expect_success 'edit: $EDITOR on a private 0600 temp file, removed after; id and mode kept' '
	cp plain.yml e.yml &&
	ansible-vault encrypt --vault-id dev@pwdev e.yml &&
	chmod 644 e.yml &&
	# two passwords with the same id: it is saved with the one that opened it
	EDITOR="$TRASH/editor.sh" no_tty "$DROVER" vault edit --vault-id dev@pwprod --vault-id dev@pwdev e.yml &&
	test_grep -x "mode=600" editor.log &&
	test_grep -x "dirmode=700" editor.log &&
	tmpfile=$(sed -n "s/^file=//p" editor.log) &&
	case $tmpfile in "$TRASH/tmp/"*.yml) ;; *) false ;; esac &&
	test_path_is_missing "$tmpfile" &&
	test_path_is_missing "$(dirname "$tmpfile")" &&
	test_grep -v pass-dev editor.log &&
	test "$(head -n 1 e.yml)" = "\$ANSIBLE_VAULT;1.2;AES256;dev" &&
	test "$(stat -c %a e.yml)" = 644 &&
	ansible-vault view --vault-id dev@pwdev e.yml >e.view &&
	{ cat plain.yml; echo "added: yes"; } >e.want &&
	test_cmp e.want e.view
'

test_expect_success 'edit: no change leaves the file alone; a failing editor saves nothing' '
	cp e.yml e.before &&
	EDITOR=true no_tty "$DROVER" vault edit --vault-id dev@pwdev e.yml &&
	cmp e.before e.yml &&
	test_expect_code 1 env EDITOR=false setsid -w "$DROVER" vault edit --vault-id dev@pwdev e.yml \
		2>fail.err &&
	test_grep "editor .false. failed" fail.err &&
	cmp e.before e.yml &&
	test -z "$(ls tmp)"
'

test_expect_success 'create: new 0600 file through the editor; never over an existing one' '
	EDITOR="$TRASH/editor.sh" no_tty "$DROVER" vault create --vault-password-file pw1 new.yml &&
	test "$(stat -c %a new.yml)" = 600 &&
	ansible-vault view --vault-password-file pw1 new.yml >new.view &&
	echo "added: yes" >new.want &&
	test_cmp new.want new.view &&
	test_expect_code 1 env EDITOR=true setsid -w "$DROVER" vault create --vault-password-file pw1 \
		new.yml 2>exists.err &&
	test_grep "new.yml exists" exists.err
'

# Password scripts: one records its arguments, one wants to be asked for
# the id "dev" (a *-client script), one fails.
cat >pw.sh <<EOF
#!/bin/sh
echo "\$#" >"$TRASH/script.args"
echo pass-one
EOF
cat >vault-client.sh <<\EOF
#!/bin/sh
[ "$1 $2" = "--vault-id dev" ] && echo pass-dev
EOF
printf '#!/bin/sh\nexit 3\n' >fails.sh
chmod +x pw.sh vault-client.sh fails.sh

test_expect_success 'password from an executable; a *-client script is told the id' '
	no_tty "$DROVER" vault view --vault-password-file ./pw.sh a.yml >x.view &&
	test_cmp plain.yml x.view &&
	test "$(cat script.args)" = 0 &&
	no_tty "$DROVER" vault view --vault-id dev@./vault-client.sh dev.yml >c.view &&
	test_cmp plain.yml c.view &&
	test_expect_code 1 no_tty "$DROVER" vault view --vault-password-file ./fails.sh a.yml 2>f.err &&
	test_grep "fails.sh returned non-zero (3)" f.err
'

test_expect_success 'DROVER_VAULT_PASSWORD_FILE, ANSIBLE_VAULT_PASSWORD_FILE, ansible.cfg' '
	DROVER_VAULT_PASSWORD_FILE=$TRASH/pw1 no_tty "$DROVER" vault view a.yml >env1 &&
	test_cmp plain.yml env1 &&
	ANSIBLE_VAULT_PASSWORD_FILE=$TRASH/pw1 no_tty "$DROVER" vault view a.yml >env2 &&
	test_cmp plain.yml env2 &&
	# the command line wins over the environment
	DROVER_VAULT_PASSWORD_FILE=$TRASH/pwbad no_tty "$DROVER" vault view \
		--vault-password-file pw1 a.yml >env3 &&
	test_cmp plain.yml env3 &&
	printf "[defaults]\\nvault_password_file = %s/pw1\\n" "$TRASH" >vault.cfg &&
	ANSIBLE_CONFIG=$TRASH/vault.cfg no_tty "$DROVER" vault view a.yml >env4 &&
	test_cmp plain.yml env4 &&
	ANSIBLE_CONFIG=$TRASH/vault.cfg no_tty "$DROVER" inventory -i inv/hosts --list >env5 &&
	test_grep s3cr3t env5
'

test_expect_success 'ansible.cfg vault_identity_list: each id@source, with the command line ones' '
	printf "[defaults]\nvault_identity_list = dev@%s/pwdev , prod@%s/pwprod\n" "$TRASH" "$TRASH" \
		>ids.cfg &&
	ANSIBLE_CONFIG=$TRASH/ids.cfg no_tty "$DROVER" vault view dev.yml prod.yml >ids1 &&
	test_cmp both.want ids1 &&
	ANSIBLE_CONFIG=$TRASH/ids.cfg ansible-vault view dev.yml prod.yml >ids.ref &&
	test_cmp both.want ids.ref &&
	ANSIBLE_CONFIG=$TRASH/ids.cfg no_tty "$DROVER" vault view --vault-password-file pw1 \
		a.yml prod.yml >ids2 &&
	cat plain.yml plain.yml >ids2.want && test_cmp ids2.want ids2 &&
	printf "[defaults]\nvault_identity_list = dev@%s/missing\n" "$TRASH" >bad-ids.cfg &&
	test_expect_code 1 env ANSIBLE_CONFIG=$TRASH/bad-ids.cfg setsid -w "$DROVER" vault view \
		dev.yml >ids3 2>&1 &&
	test_grep "missing was not found" ids3
'

test_expect_success 'no password and no terminal: a clear error' '
	test_expect_code 1 env -u DROVER_VAULT_PASSWORD_FILE -u ANSIBLE_VAULT_PASSWORD_FILE \
		setsid -w "$DROVER" vault view a.yml >np.out 2>np.err &&
	test_grep "no terminal" np.err &&
	test ! -s np.out
'

test_expect_success 'stdin and --output; already encrypted / not encrypted inputs' '
	no_tty "$DROVER" vault encrypt --vault-password-file pw1 --output - <plain.yml >s.vault &&
	ansible-vault decrypt --vault-password-file pw1 --output - s.vault >s.out &&
	test_cmp plain.yml s.out &&
	no_tty "$DROVER" vault decrypt --vault-password-file pw1 --output d.out s.vault &&
	test "$(stat -c %a d.out)" = 600 &&
	test_cmp plain.yml d.out &&
	test_expect_code 1 no_tty "$DROVER" vault encrypt --vault-password-file pw1 s.vault 2>ae.err &&
	test_grep "input is already encrypted" ae.err &&
	test_expect_code 1 no_tty "$DROVER" vault decrypt --vault-password-file pw1 plain.yml 2>ne.err &&
	test_grep "plain.yml is not a vault encrypted file" ne.err &&
	test_expect_code 5 no_tty "$DROVER" vault edit --vault-password-file pw1 2>/dev/null
'

test_expect_success 'prompts on the terminal: --ask-vault-pass, and a new password confirmed' '
	command -v script >/dev/null || exit 0
	{ sleep 1; printf "pass-one\\n"; } |
		script -qec "\"$DROVER\" vault view --ask-vault-pass a.yml" /dev/null >ask.out &&
	test_grep "Vault password: " ask.out &&
	test_grep "db_password: s3cr3t" ask.out &&
	cp plain.yml asked.yml &&
	{ sleep 1; printf "typed-pw\\n"; sleep 1; printf "typed-pw\\n"; } |
		script -qec "env -u DROVER_VAULT_PASSWORD_FILE \"$DROVER\" vault encrypt asked.yml" /dev/null >asknew.out &&
	test_grep "Confirm New Vault password: " asknew.out &&
	printf "typed-pw\\n" >typed &&
	ansible-vault decrypt --vault-password-file typed --output - asked.yml >asked.plain &&
	test_cmp plain.yml asked.plain &&
	cp plain.yml lab.yml &&
	{ sleep 1; printf "typed-pw\\n"; sleep 1; printf "typed-pw\\n"; } |
		script -qec "\"$DROVER\" vault encrypt --vault-id lab@prompt lab.yml" /dev/null >asklab.out &&
	test_grep "Confirm New Vault password (lab): " asklab.out &&
	test "$(head -n 1 lab.yml)" = "\$ANSIBLE_VAULT;1.2;AES256;lab" &&
	ansible-vault decrypt --vault-id lab@typed --output - lab.yml >lab.plain &&
	test_cmp plain.yml lab.plain
'

test_expect_success 'inventory: vaulted group_vars file opened, inline values kept, as ansible-inventory' '
	ansible-inventory -i inv/hosts --list --vault-password-file pw1 >inv.ansible &&
	no_tty "$DROVER" inventory -i inv/hosts --list --vault-password-file pw1 >inv.drover &&
	test_cmp inv.ansible inv.drover &&
	test_grep "\"db_pass\": \"s3cr3t\"" inv.drover &&
	test_grep "__ansible_vault" inv.drover &&
	test_expect_code 4 no_tty "$DROVER" inventory -i inv/hosts --list >/dev/null 2>inv.err &&
	test_grep "no vault secrets found" inv.err &&
	test_grep "group_vars/all.yml" inv.err &&
	test_expect_code 4 no_tty "$DROVER" inventory -i inv/hosts --list --vault-password-file pwbad \
		>/dev/null 2>inv.err2 &&
	test_grep "Decryption failed (no vault secrets were found that could decrypt) on inv/group_vars/all.yml" inv.err2
'

test_expect_success 'inventory: vault-encrypted INI and YAML inventory files, as ansible-inventory' '
	printf "[db]\\nd1 x=1\\n" >enc.ini &&
	printf "all:\\n  children:\\n    web:\\n      hosts:\\n        w1: {y: 2}\\n" >enc.yml &&
	no_tty "$DROVER" vault encrypt --vault-password-file pw1 enc.ini enc.yml &&
	for f in enc.ini enc.yml; do
		ansible-inventory -i $f --list --vault-password-file pw1 >$f.ansible 2>/dev/null &&
		no_tty "$DROVER" inventory -i $f --list --vault-password-file pw1 >$f.drover &&
		test_cmp $f.ansible $f.drover || exit 1
	done &&
	test_grep "\"w1\"" enc.yml.drover
'

test_expect_success 'adhoc: inline !vault host variables are opened (vaulted ansible_connection)' '
	no_tty "$DROVER" adhoc h1 -i inv/hosts -m command -a "echo hi" --vault-password-file pw1 >adhoc.out &&
	test_grep -x "hi" adhoc.out &&
	DROVER_VAULT_PASSWORD_FILE=$TRASH/pw1 no_tty "$DROVER" adhoc h1 -i inv/hosts -m command -a "echo env" >adhoc2.out &&
	test_grep -x "env" adhoc2.out
'

test_done
