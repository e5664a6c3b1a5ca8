#!/bin/sh
# mkrpmrepo.sh — a tiny local RPM repository of made-up packages, for tests
# of the dnf module and patch.yml's dnf branch on isolated hosts
# (tests/fleet/fleet.sh --isolated). No network, no signing: a host uses it
# with a /etc/yum.repos.d file holding baseurl=file://DIR and gpgcheck=0.
#
# usage: mkrpmrepo.sh DIR SPEC...
#   SPEC is NAME=VERSION[,REQUIRES], e.g. drover-web=1.0 drover-web=1.1,drover-newdep
#   drover-newdep=1.0. Each package (noarch, release 1) installs
#   /usr/share/drover-test/NAME, which holds "NAME VERSION".
#
# DIR gets the .rpm files and repodata/ (createrepo_c); run again with more
# SPECs to add packages (the metadata is rebuilt from every .rpm in DIR).
# Needs rpmbuild and createrepo_c.
set -eu

die() {
	echo "mkrpmrepo.sh: $*" >&2
	exit 1
}

[ $# -ge 2 ] || die "usage: mkrpmrepo.sh DIR NAME=VERSION[,REQUIRES]..."
command -v rpmbuild >/dev/null 2>&1 || die "rpmbuild is missing"
command -v createrepo_c >/dev/null 2>&1 || die "createrepo_c is missing"
DIR=$1
shift
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mkrpmrepo.XXXXXX")
trap 'rm -rf "$work"' EXIT

build() { # name version requires
	spec=$work/$1-$2.spec
	{
		echo "Name: $1"
		echo "Version: $2"
		echo "Release: 1"
		echo "Summary: drover test package $1"
		echo "License: MIT"
		echo "BuildArch: noarch"
		[ -n "$3" ] && echo "Requires: $3"
		echo "%description"
		echo "A made-up package for drover's tests (version $2)."
		echo "%install"
		echo "mkdir -p %{buildroot}/usr/share/drover-test"
		echo "echo '$1 $2' >%{buildroot}/usr/share/drover-test/$1"
		echo "%files"
		echo "/usr/share/drover-test/$1"
	} >"$spec"
	# Debian's rpmbuild has no distribution macros: no debug packages, no
	# build-id links, and the dependency checks of a foreign rpm database off.
	rpmbuild -bb --quiet --nodeps \
		--define "_topdir $work/top" --define "_rpmdir $DIR" \
		--define "_build_id_links none" --define "debug_package %{nil}" \
		--define "_rpmfilename %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
		"$spec" >"$work/log" 2>&1 || { cat "$work/log" >&2; die "rpmbuild of $1 $2 failed"; }
}

. "$(dirname "$0")/pkgspec.sh"
build_specs "$@"

createrepo_c -q "$DIR" >"$work/log" 2>&1 || { cat "$work/log" >&2; die "createrepo_c failed"; }
