#ifndef DROVER_COMMANDS_H
#define DROVER_COMMANDS_H

/*
 * One entry point per verb, src/cmd_<verb>.c, collected in main.c's table.
 * argv[0] is the verb. Each returns the process exit code (Ansible's codes:
 * 0 ok, 1 error, 2 host failed, 4 unreachable or parse error, 5 bad options,
 * 99 interrupted, 250 unexpected).
 */
int cmd_adhoc(int argc, char **argv);
int cmd_doc(int argc, char **argv);
int cmd_inventory(int argc, char **argv);
int cmd_play(int argc, char **argv);
int cmd_runs(int argc, char **argv);
int cmd_drift(int argc, char **argv);
int cmd_cron(int argc, char **argv);
int cmd_vault(int argc, char **argv);

#endif
