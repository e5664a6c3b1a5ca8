#!/bin/sh
test_description='cron module on isolated hosts: the same entries as Ansible'
. "$(dirname "$0")/lib.sh"

fleet_up_isolated 2
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
ansible_ref() {
	ANSIBLE_CONFIG=$FLEET/ansible.cfg ANSIBLE_NOCOLOR=1 ansible -i "$FLEET_INV" "$@"
}
have_ansible=
command -v ansible >/dev/null 2>&1 && have_ansible=1
command -v crontab >/dev/null 2>&1 || skip_all "crontab is not installed (Debian package cron)"

test_expect_success 'a job in root crontab, then no change' '
	adhoc host1 -m cron -a "name=backup minute=5 hour=*/2 job=\"echo hi >/dev/null\"" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"envs\": \[\],\"jobs\": \[\"backup\"\]}" out &&
	fleet_ssh 1 "crontab -l" >tab &&
	printf "#Ansible: backup\n5 */2 * * * echo hi >/dev/null\n" >expect &&
	test_cmp expect tab &&
	adhoc host1 -m cron -a "name=backup minute=5 hour=*/2 job=\"echo hi >/dev/null\"" -o >out &&
	test_grep "SUCCESS => {\"changed\": false" out
'

test_expect_success 'special_time, disabled, and a change in place' '
	adhoc host1 -m cron -a "name=boot special_time=reboot job=/bin/true disabled=yes" -o &&
	adhoc host1 -m cron -a "name=backup minute=7 hour=*/2 job=\"echo hi >/dev/null\"" -o >out &&
	test_grep "\"jobs\": \[\"backup\",\"boot\"\]" out &&
	fleet_ssh 1 "crontab -l" >tab &&
	printf "#Ansible: backup\n7 */2 * * * echo hi >/dev/null\n#Ansible: boot\n#@reboot /bin/true\n" >expect &&
	test_cmp expect tab
'

test_expect_success 'check mode changes nothing' '
	adhoc host1 -m cron -a "name=backup minute=9 job=x _ansible_check_mode=true" -o >out &&
	test_grep "CHANGED" out &&
	adhoc host1 -m cron -a "name=boot state=absent _ansible_check_mode=true" -o >out &&
	test_grep "CHANGED" out &&
	fleet_ssh 1 "crontab -l" >tab &&
	test_cmp expect tab
'

test_expect_success 'cron_file in /etc/cron.d with a user, removed whole' '
	adhoc host1 -m cron -a "name=clean weekday=1 user=nobody job=/bin/true cron_file=drover-t" -o >out &&
	test_grep "\"cron_file\": \"drover-t\"" out &&
	fleet_ssh 1 "cat /etc/cron.d/drover-t" >f &&
	printf "#Ansible: clean\n* * * * 1 nobody /bin/true\n" >expect.f &&
	test_cmp expect.f f &&
	test_path_is_missing /etc/cron.d/drover-t &&
	adhoc host1 -m cron -a "name=clean state=absent user=nobody cron_file=drover-t" -o >out &&
	test_grep "CHANGED => {\"changed\": true,\"cron_file\": \"drover-t\",\"state\": \"absent\"}" out &&
	test_must_fail fleet_ssh 1 "test -e /etc/cron.d/drover-t"
'

test_expect_success 'remove one job' '
	adhoc host1 -m cron -a "name=boot state=absent" -o >out &&
	test_grep "\"jobs\": \[\"backup\"\]" out &&
	fleet_ssh 1 "crontab -l" >tab &&
	printf "#Ansible: backup\n7 */2 * * * echo hi >/dev/null\n" >expect &&
	test_cmp expect tab
'

test_expect_success 'bad arguments fail clearly, crontab refuses a bad minute' '
	test_expect_code 2 adhoc host1 -m cron -a "name=x" -o >out &&
	test_grep "You must specify .job. to install a new cron job or variable" out &&
	test_expect_code 2 adhoc host1 -m cron -a "name=x job=y special_time=often" -o >out &&
	test_grep "value of special_time must be one of" out &&
	test_expect_code 2 adhoc host1 -m cron -a "name=x job=y cron_file=f" -o >out &&
	test_grep "To use cron_file=... parameter you must specify user=... as well" out &&
	test_expect_code 2 adhoc host1 -m cron -a "name=x job=y minute=99" -o >out &&
	test_grep "bad minute" out &&
	fleet_ssh 1 "crontab -l" >tab &&
	test_cmp expect tab
'

if [ -n "$have_ansible" ]; then
	test_expect_success 'Ansible writes the same crontab, and each tool sees the other'"'"'s entries' '
		fleet_ssh 1 "crontab -r" &&
		for a in "name=a minute=1 job=/bin/a" "name=b special_time=daily job=/bin/b" \
			"name=a minute=2 job=/bin/a" "name=c job=/bin/c disabled=yes" "name=b state=absent"; do
			adhoc host1 -m cron -a "$a" -o >/dev/null &&
			ANSIBLE_CONFIG=$FLEET/ansible.cfg ansible -i "$FLEET_INV" host2 -m cron -a "$a" >/dev/null
		done &&
		fleet_ssh 1 "crontab -l" >drover.tab &&
		fleet_ssh 2 "crontab -l" >ansible.tab &&
		test_cmp ansible.tab drover.tab &&
		ansible_ref host1 -m cron -a "name=a minute=2 job=/bin/a" >a.out &&
		test_grep "host1 | SUCCESS" a.out &&
		adhoc host2 -m cron -a "name=c job=/bin/c disabled=yes" -o >d.out &&
		test_grep "host2 | SUCCESS" d.out &&
		ansible_ref host1 -m cron -a "name=c job=/bin/c2" >/dev/null &&
		adhoc host2 -m cron -a "name=c job=/bin/c2" -o >/dev/null &&
		fleet_ssh 1 "crontab -l" >drover.tab &&
		fleet_ssh 2 "crontab -l" >ansible.tab &&
		test_cmp ansible.tab drover.tab &&
		test "$(grep -c "^#Ansible: c$" drover.tab)" = 1
	'
else
	test_skip 'Ansible writes the same crontab' 'ansible not installed'
fi

test_done
