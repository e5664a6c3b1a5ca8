#ifndef DROVER_PROMPT_H
#define DROVER_PROMPT_H

/*
 * Asks for a secret on the controlling terminal with echo off.
 * Returns a new string (caller frees, after wiping), or NULL when there is
 * no terminal to ask on: unattended runs must get secrets from files.
 */
char *prompt_secret(const char *prompt);
/* The same with echo on: for answers that are not secret (vars_prompt private: no). */
char *prompt_line(const char *prompt);

#endif
