#!/bin/sh
# Writes C source that embeds each modules/NAME.sh given as an argument:
#   const struct embedded_module embedded_modules[] = { { "NAME", text, len }, ... };
set -eu
echo '#include <stddef.h>'
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
