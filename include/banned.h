#ifndef DROVER_BANNED_H
#define DROVER_BANNED_H

/*
 * Functions that overflow buffers or hide truncation. Include this last in
 * every .c file; use buf_addf / xasprintf / snprintf instead.
 */
#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(x) BANNED(gets)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)

#endif
