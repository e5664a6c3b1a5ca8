#!/bin/sh
test_description='mount module: fstab and tmpfs mounts inside an isolated host'
. "$(dirname "$0")/lib.sh"

fleet_up_isolated 1
. "$FLEET/fleet.env"

adhoc() {
	"$DROVER" adhoc -i "$FLEET_INV" --known-hosts "$FLEET_KH" "$@"
}
real_fstab=$(cat /etc/fstab 2>/dev/null | md5sum)
mounted_in_host() {
	fleet_ssh 1 "awk '\$2 == \"$1\"' /proc/mounts" | grep -q .
}

test_expect_success 'present adds the fstab line only, then no change' '
	adhoc host1 -m mount -a "path=/srv/data src=/dev/drover-t fstype=ext4 opts=noatime state=present" -o >out &&
	test_grep "^host1 | CHANGED => {\"changed\": true,\"dump\": \"0\",\"fstab\": \"/etc/fstab\",\"fstype\": \"ext4\",\"name\": \"/srv/data\",\"opts\": \"noatime\",\"passno\": \"0\",\"src\": \"/dev/drover-t\"}" out &&
	fleet_ssh 1 "grep /srv/data /etc/fstab" >line &&
	echo "/dev/drover-t /srv/data ext4 noatime 0 0" >expect && test_cmp expect line &&
	test "$(cat /etc/fstab 2>/dev/null | md5sum)" = "$real_fstab" &&
	test_must_fail mounted_in_host /srv/data &&
	adhoc host1 -m mount -a "path=/srv/data src=/dev/drover-t fstype=ext4 opts=noatime state=present" -o >out &&
	test_grep "^host1 | SUCCESS => {\"changed\": false" out
'

test_expect_success 'present with other options replaces the line in place' '
	adhoc host1 -m mount -a "path=/srv/data/ src=/dev/drover-t fstype=ext4 opts=ro boot=no passno=2 state=present" -o >out &&
	test_grep CHANGED out &&
	fleet_ssh 1 "grep -c /srv/data /etc/fstab; grep /srv/data /etc/fstab" >line &&
	printf "1\n/dev/drover-t /srv/data ext4 ro,noauto 0 2\n" >expect && test_cmp expect line
'

test_expect_success 'check mode changes nothing' '
	adhoc host1 -m mount -a "path=/srv/data state=absent _ansible_check_mode=true" -o >out &&
	test_grep CHANGED out &&
	adhoc host1 -m mount -a "path=/mnt/drover-t src=tmpfs fstype=tmpfs opts=size=1m state=mounted _ansible_check_mode=true" -o >out &&
	test_grep CHANGED out &&
	fleet_ssh 1 "grep -c /srv/data /etc/fstab" &&
	test_must_fail fleet_ssh 1 "grep /mnt/drover-t /etc/fstab" &&
	test_must_fail mounted_in_host /mnt/drover-t
'

test_expect_success 'mounted: a tmpfs inside the host only, then no change' '
	adhoc host1 -m mount -a "path=/mnt/drover-t src=tmpfs fstype=tmpfs opts=size=1m state=mounted" -o >out &&
	test_grep CHANGED out &&
	mounted_in_host /mnt/drover-t &&
	! awk "\$2 == \"/mnt/drover-t\"" /proc/mounts | grep -q . &&
	fleet_ssh 1 "echo x >/mnt/drover-t/f" &&
	adhoc host1 -m mount -a "path=/mnt/drover-t src=tmpfs fstype=tmpfs opts=size=1m state=mounted" -o >out &&
	test_grep SUCCESS out
'

test_expect_success 'mounted with new options remounts' '
	adhoc host1 -m mount -a "path=/mnt/drover-t src=tmpfs fstype=tmpfs opts=size=2m state=mounted" -o >out &&
	test_grep CHANGED out &&
	fleet_ssh 1 "grep \" /mnt/drover-t \" /proc/mounts" >m &&
	test_grep "size=2048k" m &&
	fleet_ssh 1 "cat /mnt/drover-t/f"
'

test_expect_success 'unmounted keeps the line; absent removes it' '
	adhoc host1 -m mount -a "path=/mnt/drover-t state=unmounted" -o >out &&
	test_grep CHANGED out &&
	test_must_fail mounted_in_host /mnt/drover-t &&
	fleet_ssh 1 "grep -q /mnt/drover-t /etc/fstab" &&
	adhoc host1 -m mount -a "path=/mnt/drover-t state=unmounted" -o >out &&
	test_grep SUCCESS out &&
	adhoc host1 -m mount -a "path=/mnt/drover-t state=absent" -o >out &&
	test_grep CHANGED out &&
	test_must_fail fleet_ssh 1 "grep /mnt/drover-t /etc/fstab" &&
	adhoc host1 -m mount -a "path=/srv/data state=absent" -o >out &&
	test_grep CHANGED out &&
	adhoc host1 -m mount -a "path=/srv/data state=absent" -o >out &&
	test_grep SUCCESS out
'

test_expect_success 'bad arguments fail clearly' '
	test_expect_code 2 adhoc host1 -m mount -a "path=/x src=a fstype=b" -o >out &&
	test_grep "missing required arguments: state" out &&
	test_expect_code 2 adhoc host1 -m mount -a "path=/x state=present fstype=ext4" -o >out &&
	test_grep "state is present but all of the following are missing: src" out &&
	test_expect_code 2 adhoc host1 -m mount -a "path=rel src=a fstype=b state=present" -o >out &&
	test_grep "path must be absolute" out &&
	test_expect_code 2 adhoc host1 -m mount -a "path=/x state=sideways" -o >out &&
	test_grep "value of state must be one of" out &&
	test_expect_code 2 adhoc host1 -m mount -a "path=/mnt/drover-bad src=/dev/nonexistent fstype=ext4 state=mounted" -o >out &&
	test_grep "Error running mount" out
'

test_done
