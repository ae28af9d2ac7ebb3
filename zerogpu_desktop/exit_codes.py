"""The command line's exit codes, one per kind of failure, so scripts can branch on them.

They are documented in the README and in `zerogpu-desktop send --help`.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Why the command ended."""

    OK = 0
    UNEXPECTED = 1
    USAGE = 2
    AUTH = 3
    CONTEXT_LENGTH = 4
    RATE_LIMIT = 5
    SERVER = 6
    NETWORK = 7
    INVALID_RESPONSE = 8
    REQUEST_REJECTED = 9
    #: `eval`: a case failed a check, was truncated or ended in an error.
    CHECK_FAILED = 10
    #: `eval`: the token budget stopped the evaluation before every case ran.
    BUDGET_REACHED = 11
    INTERRUPTED = 130
    #: The reader of stdout went away (`| head`): 128 + SIGPIPE, as other Unix tools end.
    BROKEN_PIPE = 141


EXIT_CODE_HELP = """\
exit codes:
  0  the answer was printed
  1  unexpected error
  2  bad usage or missing configuration (model, key, project, base URL)
  3  authentication or permission (401, 403)
  4  input longer than the model's context length (420)
  5  rate limited (429)
  6  server error (5xx)
  7  network problem or timeout
  8  invalid response from the server
  9  request rejected by the server (400, 404, 422)
  10 eval: a case failed a check, was truncated or ended in an error
  11 eval: the token budget stopped the evaluation early
  130 interrupted
  141 the output's reader closed the pipe (the run is still in the history)
"""
