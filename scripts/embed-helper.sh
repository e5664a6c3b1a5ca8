#!/bin/sh
# Writes C source that embeds the host helper built from modules/remote/
# (BINARY, linked static for this machine) into drover:
#   const struct embedded_helper embedded_helper = { bytes, end, sha256, arch, modules };
# The bytes come in with the assembler's .incbin; the modules are the
# NAMEs of modules/remote/mod_NAME.c, each the twin of modules/NAME.sh.
set -eu
bin=$1
shift
sum=$(sha256sum <"$bin" | cut -d' ' -f1)
arch=$(uname -m)
echo '#include <stddef.h>'
echo '#include "module.h"'
echo '#include "module_embed.h"'
printf '%s\n' '__asm__(".section .rodata\n.balign 16\n.globl drover_helper_start\n"'
printf '\t"drover_helper_start:\\n.incbin \\"%s\\"\\n"\n' "$bin"
printf '%s\n' '	".globl drover_helper_end\ndrover_helper_end:\n.previous");'
echo 'extern const char drover_helper_start[], drover_helper_end[];'
echo 'static const char *const names[] = {'
for f in "$@"; do
	name=$(basename "$f" .c)
	printf '\t"%s",\n' "${name#mod_}"
done
echo '	NULL'
echo '};'
echo 'const struct embedded_helper embedded_helper = {'
echo '	drover_helper_start, drover_helper_end,'
printf '\t"%s", "%s", names\n' "$sum" "$arch"
echo '};'
