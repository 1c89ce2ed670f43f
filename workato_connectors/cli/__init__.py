"""The ``workato-connectors`` command line (also ``python -m workato_connectors``).

Global options come before the command::

    workato-connectors --sandbox catalog --format csv
    workato-connectors --token "$TOKEN" schema 97 jms --format jsonschema

Data goes to stdout, notices, warnings and progress bars to stderr. Exit codes: 0 done;
1 an API, network or file error, or part of the work failed (``get`` of an unknown name,
``schemas`` with failed fetches); 2 a usage error or bad input (a missing token included);
130 interrupted; 141 stdout closed early (e.g. piped into ``head``).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from ._ui import UI

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # what a shell reports for a process killed by SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code.

    It never raises ``SystemExit``, so tests can call it directly; the console script
    passes the result to ``sys.exit``.

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
    from .._exceptions import ConfigurationError, WorkatoError

    try:
        return asyncio.run(_dispatch(args, ui))
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        if args.command == "sandbox":  # Ctrl-C is how the sandbox is meant to stop
            return EXIT_OK
        ui.error("interrupted")
        return EXIT_INTERRUPTED
    except (ConfigurationError, ValueError) as exc:
        _report(ui, exc)
        return EXIT_USAGE
    except (WorkatoError, OSError) as exc:
        _report(ui, exc)
        return EXIT_FAILED


async def _dispatch(args: argparse.Namespace, ui: UI) -> int:
    from ._commands import COMMANDS
    from ._session import open_client, serve_sandbox

    if args.command == "sandbox":
        return await serve_sandbox(args, ui)
    async with open_client(args, ui) as client:
        return await COMMANDS[args.command](client, args, ui)


def _report(ui: UI, exc: BaseException) -> None:
    ui.error(str(exc) or type(exc).__name__)
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
