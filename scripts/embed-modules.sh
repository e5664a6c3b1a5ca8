#!/bin/sh
# Writes C source that embeds each modules/NAME.sh given as an argument:
#   const struct embedded_module embedded_modules[] = { { "NAME", text, len }, ... };
set -eu
echo '#include <stddef.h>'
echo '#include "module.h"'
echo '#include "module_embed.h"'
i=0
for f in "$@"; do
	printf 'static const char m%d[] = {\n' "$i"
	od -An -v -tx1 "$f" | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'
	printf '0x00 };\n'
	i=$((i + 1))
done
echo 'const struct embedded_module embedded_modules[] = {'
i=0
for f in "$@"; do
	name=$(basename "$f" .sh)
	printf '\t{ "%s", m%d, sizeof(m%d) - 1 },\n' "$name" "$i" "$i"
	i=$((i + 1))
done
echo '\t{ NULL, NULL, 0 }'
echo '};'
# Every modules/NAME.sh not starting with _ is a module of that name; a
# header line "# flags: free_form no_json" sets its descriptor's flags.
echo 'const struct module script_modules[] = {'
for f in "$@"; do
	name=$(basename "$f" .sh)
	case $name in _*) continue ;; esac
	flags=$(sed -n 's/^# flags: *//p' "$f" | head -n 1)
	ff=0 nj=0
	case " $flags " in *" free_form "*) ff=1 ;; esac
	case " $flags " in *" no_json "*) nj=1 ;; esac
	printf '\t{ "%s", MODULE_SCRIPT, "%s", %d, %d, 0 },\n' "$name" "$name" "$ff" "$nj"
done
echo '\t{ NULL, MODULE_SCRIPT, NULL, 0, 0, 0 }'
echo '};'
