/* ping: as modules/ping.sh. */
#include <string.h>

#include "remote.h"
#include "../../include/banned.h"

void mod_ping(const struct args *a)
{
	const char *data = arg(a, "data", "pong");
	struct out o = { 0 };

	if (!strcmp(data, "crash"))
		remote_fail(a, "boom: the module was asked to crash (data=crash)");
	out_adds(&o, "{\"changed\": false, \"ping\": ");
	out_json_str(&o, data, strlen(data));
	out_adds(&o, "}");
	remote_exit(a, &o);
}
