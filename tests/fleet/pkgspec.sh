# Sourced by mkrepo.sh and mkrpmrepo.sh: their NAME=VERSION[,DEPENDS]
# arguments, each handed to the script's build NAME VERSION DEPENDS.
build_specs() {
	for spec in "$@"; do
		case $spec in *=*) ;; *) die "bad SPEC '$spec' (want NAME=VERSION[,DEPENDS])" ;; esac
		name=${spec%%=*}
		rest=${spec#*=}
		version=${rest%%,*}
		deps=
		case $rest in *,*) deps=${rest#*,} ;; esac
		[ -n "$name" ] && [ -n "$version" ] || die "bad SPEC '$spec'"
		build "$name" "$version" "$deps"
	done
}
