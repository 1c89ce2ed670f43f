"""Exit codes: which code a run ends with, by the class of the error that ended it.

The code of an exception is the entry of the nearest class in its MRO, so a subclass
(``APITimeoutError``, ``MissingTokenError``, a user's own ``ServerError`` subclass...)
gets the code of its family without an entry of its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from .._exceptions import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    WorkatoError,
)

__all__ = [
    "EXIT_AUTH",
    "EXIT_BROKEN_PIPE",
    "EXIT_CODES",
    "EXIT_FAILED",
    "EXIT_HELP",
    "EXIT_INTERRUPTED",
    "EXIT_NETWORK",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_RATE_LIMITED",
    "EXIT_SERVER",
    "EXIT_USAGE",
    "exit_code",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_RATE_LIMITED = 5
EXIT_NETWORK = 6
EXIT_SERVER = 7
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports it
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a process killed by it

#: Exception class -> exit code; see ``exit_code`` for how a class is looked up.
EXIT_CODES: Mapping[type[BaseException], int] = {
    KeyboardInterrupt: EXIT_INTERRUPTED,
    OSError: EXIT_FAILED,  # a file that cannot be written
    BrokenPipeError: EXIT_BROKEN_PIPE,
    ValueError: EXIT_USAGE,  # bad input the SDK rejected before any request
    WorkatoError: EXIT_FAILED,  # ResponseDecodeError, an APIStatusError of another status
    ConfigurationError: EXIT_USAGE,
    BadRequestError: EXIT_USAGE,
    AuthenticationError: EXIT_AUTH,
    PermissionDeniedError: EXIT_AUTH,
    NotFoundError: EXIT_NOT_FOUND,
    RateLimitError: EXIT_RATE_LIMITED,
    APIConnectionError: EXIT_NETWORK,
    ServerError: EXIT_SERVER,
}

#: The exit codes as ``--help`` shows them.
EXIT_HELP = f"""\
exit status:
  {EXIT_OK}    done
  {EXIT_FAILED}    part of the work failed (get: a name not found; schemas: a fetch failed),
       or another error (a file error, an unexpected response)
  {EXIT_USAGE}    usage error, bad input or configuration (a missing token included)
  {EXIT_AUTH}    authentication or permission denied (HTTP 401, 403)
  {EXIT_NOT_FOUND}    not found (HTTP 404: no such connector or managed user)
  {EXIT_RATE_LIMITED}    rate limited (HTTP 429) after every retry
  {EXIT_NETWORK}    network error or timeout after every retry
  {EXIT_SERVER}    server error (HTTP 5xx) after every retry
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
  {EXIT_BROKEN_PIPE}  stdout closed early (e.g. piped into head)"""


def exit_code(exc: BaseException) -> int | None:
    """Return the exit code for ``exc``, or ``None`` when no class of its MRO has one.

    ``None`` means a bug: the caller lets the exception (and its traceback) through.

    Example::

        exit_code(APITimeoutError("timed out"))  # 6, from APIConnectionError
    """
    for cls in type(exc).__mro__:
        code = EXIT_CODES.get(cls)
        if code is not None:
            return code
    return None
