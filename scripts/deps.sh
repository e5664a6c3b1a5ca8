#!/bin/sh
# Installs the Debian 12 packages drover needs to build, test and demo, when
# any is missing. As root it runs apt-get; otherwise it prints the command.
set -eu
PKGS="gcc make pkg-config libssh2-1-dev libyaml-dev libssl-dev libpcre2-dev
libjansson-dev libsqlite3-dev libcrypt-dev libcmocka-dev openssh-server openssh-client
ansible-core time procps iproute2 sudo libxml2-utils sqlite3 jq cron curl git zip unzip
xz-utils busybox libc6-dev dnf rpm createrepo-c"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	echo "drover needs these Debian packages:$missing" >&2
	echo "run as root:  apt-get update && $cmd" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd >/dev/null
