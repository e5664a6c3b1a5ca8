#!/bin/sh
# mkrepo.sh — a tiny local apt repository of made-up packages, for tests of
# package modules on isolated hosts (tests/fleet/fleet.sh --isolated). No
# network, no signing: a host uses it with
#   deb [trusted=yes] file:DIR ./
#
# usage: mkrepo.sh DIR SPEC...
#   SPEC is NAME=VERSION[,DEPENDS], e.g. drover-hello=1.0 drover-hello=1.1
#   drover-app=1.0,drover-hello. Several versions of a package may be given;
#   apt picks the highest. Each package (Architecture: all) installs
#   /usr/bin/NAME, which prints "NAME VERSION", and /usr/share/doc/NAME/version.
#
# DIR gets the .deb files, Packages, Packages.gz and a Release file; run
# again with more SPECs to add packages (the index is rebuilt from every
# .deb in DIR). Needs dpkg-deb, gzip, sha256sum and md5sum only.
set -eu

die() {
	echo "mkrepo.sh: $*" >&2
	exit 1
}

[ $# -ge 2 ] || die "usage: mkrepo.sh DIR NAME=VERSION[,DEPENDS]..."
DIR=$1
shift
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mkrepo.XXXXXX")
trap 'rm -rf "$work"' EXIT

build() { # name version depends
	root=$work/$1-$2
	mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/doc/$1"
	{
		echo "Package: $1"
		echo "Version: $2"
		echo "Architecture: all"
		echo "Maintainer: drover tests <tests@drover.invalid>"
		[ -n "$3" ] && echo "Depends: $3"
		echo "Section: misc"
		echo "Priority: optional"
		echo "Description: drover test package $1"
		echo " A made-up package for drover's tests (version $2)."
	} >"$root/DEBIAN/control"
	printf '#!/bin/sh\necho "%s %s"\n' "$1" "$2" >"$root/usr/bin/$1"
	chmod 755 "$root/usr/bin/$1"
	echo "$2" >"$root/usr/share/doc/$1/version"
	dpkg-deb --root-owner-group -Zgzip -b "$root" "$DIR/${1}_${2}_all.deb" >/dev/null
}

. "$(dirname "$0")/pkgspec.sh"
build_specs "$@"

# The index: each package's control fields plus where and what it is.
cd "$DIR"
for deb in *.deb; do
	dpkg-deb -f "$deb"
	echo "Filename: ./$deb"
	echo "Size: $(wc -c <"$deb" | tr -d ' ')"
	echo "MD5sum: $(md5sum "$deb" | cut -d' ' -f1)"
	echo "SHA256: $(sha256sum "$deb" | cut -d' ' -f1)"
	echo
done >Packages
gzip -9nc Packages >Packages.gz
{
	echo "Origin: drover-tests"
	echo "Label: drover-tests"
	echo "Suite: ./"
	echo "Date: $(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S UTC')"
	echo "SHA256:"
	for f in Packages Packages.gz; do
		echo " $(sha256sum "$f" | cut -d' ' -f1) $(wc -c <"$f" | tr -d ' ') $f"
	done
} >Release
