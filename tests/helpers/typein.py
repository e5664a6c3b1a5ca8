#!/usr/bin/env python3
"""typein.py PROMPT COMMAND...: runs COMMAND on a new pseudo-terminal and,
each time PROMPT shows in its output, types $TYPEIN_ANSWER and Enter, as a
person would (only once the prompt is there, so nothing is typed while the
terminal still echoes). Everything COMMAND printed goes to stdout; exits
with COMMAND's status."""
import os
import pty
import sys


def main():
    prompt = sys.argv[1].encode()
    answer = os.environ.get("TYPEIN_ANSWER", "").encode() + b"\n"
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[2], sys.argv[2:])
    seen, answered = b"", 0
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        sys.stdout.buffer.write(data)
        seen += data
        if seen.count(prompt) > answered:
            answered += 1
            os.write(fd, answer)
    sys.stdout.flush()
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status))


main()
