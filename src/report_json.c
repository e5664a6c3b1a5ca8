/* --output json: the document Ansible's json stdout callback prints. */
#include <string.h>

#include "report_int.h"
#include "xalloc.h"
#include "banned.h"

struct json_report {
	json_t *plays;
	json_t *play;   /* borrowed from plays: the current play */
	json_t *task;   /* borrowed: the current task */
};

struct json_report *json_report_new(void)
{
	struct json_report *j = xcalloc(1, sizeof(*j));

	j->plays = json_array();
	return j;
}

void json_report_free(struct json_report *j)
{
	if (!j)
		return;
	json_decref(j->plays);
	free(j);
}

void json_report_play(struct json_report *j, const char *name, const char *when)
{
	j->play = json_pack("{s:{s:s, s:{s:s, s:s}}, s:[]}", "play", "name", name, "duration",
			    "start", when, "end", when, "tasks");
	json_array_append_new(j->plays, j->play);
	j->task = NULL;
}

void json_report_task(struct json_report *j, const char *name, const char *when)
{
	if (!j->play)
		json_report_play(j, "", when);
	j->task = json_pack("{s:{}, s:{s:s, s:{s:s, s:s}}}", "hosts", "task", "name", name,
			    "duration", "start", when, "end", when);
	json_array_append_new(json_object_get(j->play, "tasks"), j->task);
}

void json_report_task_end(struct json_report *j, const char *when)
{
	if (j->task)
		json_object_set_new(json_object_get(json_object_get(j->task, "task"), "duration"),
				    "end", json_string(when));
	if (j->play)
		json_object_set_new(json_object_get(json_object_get(j->play, "play"), "duration"),
				    "end", json_string(when));
}

/* Internal keys stay out, as the callback strips them; "action" names the module. */
void json_report_result(struct json_report *j, const char *host, const char *action, json_t *result)
{
	json_t *copy = json_object(), *v;
	const char *key;

	if (!j->task)
		json_report_task(j, "", "");
	json_object_foreach(result, key, v)
		if (strncmp(key, "_ansible_", 9) && strncmp(key, "_drover_", 8))
			json_object_set(copy, key, v);
	if (action)
		json_object_set_new(copy, "action", json_string(action));
	json_object_set_new(json_object_get(j->task, "hosts"), host, copy);
}

json_t *json_report_doc(struct json_report *j, json_t *stats)
{
	return json_pack("{s:{}, s:{}, s:O, s:O}", "custom_stats", "global_custom_stats", "plays",
			 j->plays, "stats", stats);
}
