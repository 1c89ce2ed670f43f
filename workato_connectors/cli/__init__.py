"""The ``workato-connectors`` command line (also ``python -m workato_connectors``).

Global options come before the command::

    workato-connectors --sandbox catalog --format csv
    workato-connectors --token "$TOKEN" schema 97 jms --format jsonschema

Data goes to stdout; notices, warnings and progress bars to stderr. An error is one line
on stderr (``error: ...``), with its traceback only under ``-v``. Each class of error has
its own exit code (``_exit.EXIT_CODES`` maps exception classes to codes, looked up along
the MRO; ``--help`` shows the same table):

===  ==========================================================================
0    done
1    part of the work failed (``get`` of an unknown name, ``schemas`` with failed
     fetches), or another error: a file error, ``ResponseDecodeError``, an
     ``APIStatusError`` of a status without a class of its own
2    usage error, bad input or configuration (``ValueError``,
     ``ConfigurationError`` such as a missing token, ``BadRequestError``)
3    authentication or permission (``AuthenticationError``,
     ``PermissionDeniedError``)
4    not found (``NotFoundError``)
5    rate limited after every retry (``RateLimitError``)
6    network failure after every retry (``APIConnectionError``,
     ``APITimeoutError``)
7    server error after every retry (``ServerError``)
130  interrupted (Ctrl-C); an ``--output`` file is then left as it was
141  stdout closed early (e.g. piped into ``head``)
===  ==========================================================================
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._exit import (
    EXIT_AUTH,
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_RATE_LIMITED,
    EXIT_USAGE,
    exit_code,
)

if TYPE_CHECKING:
    import argparse

    from ._ui import UI

__all__ = ["main"]

#: What to try next, by exit code; appended to the error line.
_HINTS = {
    EXIT_AUTH: "check the token (--token or $WORKATO_API_TOKEN) and that it belongs to "
    "this data center (--data-center, --base-url)",
    EXIT_RATE_LIMITED: "lower --rate-limit (developer API accounts allow 60/60) or try later",
    EXIT_NETWORK: "check the network and --base-url / --data-center; "
    "--timeout and --max-retries allow more patience",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code.

    It never raises ``SystemExit``, so tests can call it directly; the console script
    passes the result to ``sys.exit``. Errors without an exit code of their own (bugs)
    propagate with their traceback.

    Example::

        main(["--sandbox", "catalog", "--format", "jsonl"])
    """
    # Imports are local so that --help does not pay for rich, the sandbox or Jinja2.
    from ._parser import parse_args
    from ._ui import UI

    try:
        args = parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version, or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    ui = UI(quiet=args.quiet, verbose=args.verbose)
    undo_logging = ui.install_logging()
    try:
        return _run(args, ui)
    finally:
        undo_logging()


def _run(args: argparse.Namespace, ui: UI) -> int:
    try:
        return asyncio.run(_dispatch(args, ui))
    except KeyboardInterrupt:
        if args.command == "sandbox":  # Ctrl-C is how the sandbox is meant to stop
            return EXIT_OK
        ui.error("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        code = exit_code(exc)
        if code is None:
            raise
        if code == EXIT_BROKEN_PIPE:
            _silence_stdout()  # nobody is reading: say nothing
        else:
            _report(ui, exc, code)
        return code


async def _dispatch(args: argparse.Namespace, ui: UI) -> int:
    from ._commands import COMMANDS
    from ._session import open_client, serve_sandbox

    if args.command == "sandbox":
        return await serve_sandbox(args, ui)
    async with open_client(args, ui) as client:
        return await COMMANDS[args.command](client, args, ui)


def _report(ui: UI, exc: BaseException, code: int) -> None:
    message = str(exc) or type(exc).__name__
    hint = f" ({_HINTS[code]})" if code in _HINTS else ""
    # A proxy's HTML snippet may hold line breaks; the error stays one line.
    ui.error(" ".join(message.split()) + hint)
    if ui.verbose:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (e.g. captured by a test): nothing will be flushed to it
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
