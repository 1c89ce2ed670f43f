"""Everything the command line writes to stderr: notices, progress bars and log records.

rich (the ``cli`` extra) draws them when it is installed; without it, notices are plain
lines and there is no progress bar. Progress is drawn only when stderr is a terminal
(rich also honours ``FORCE_COLOR`` and ``TTY_COMPATIBLE``) and ``--quiet`` is off; rich
drops colours when ``NO_COLOR`` is set.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

__all__ = ["UI", "Tracker"]

INSTALL_HINT = "pip install 'workato-connectors[cli]'"
_PACKAGE_LOGGER = "workato_connectors"


class Tracker(Protocol):
    """One progress bar: a total (``None`` while unknown) and a count of work done."""

    def set_total(self, total: int | None) -> None:
        """Set how much work there is."""

    def advance(self, amount: int = 1) -> None:
        """Count ``amount`` more units of work as done."""


class _Silent:
    def set_total(self, total: int | None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass


class _Bar:
    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task

    def set_total(self, total: int | None) -> None:
        self._progress.update(self._task, total=total)

    def advance(self, amount: int = 1) -> None:
        self._progress.advance(self._task, amount)


def _rich_console() -> Console | None:
    try:
        from rich.console import Console
    except ImportError:
        return None
    # soft_wrap: never insert line breaks into messages (they end up in log files).
    return Console(stderr=True, highlight=False, soft_wrap=True)


class UI:
    """The stderr side of one run of the command line.

    Parameters:
        quiet: drop notices and progress bars (warnings and errors still show).
        verbose: show the package's debug log.
    """

    def __init__(self, *, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self._console = _rich_console()
        self._hinted = False

    @property
    def is_terminal(self) -> bool:
        """Return whether stderr is a terminal (as rich sees it, when installed)."""
        if self._console is not None:
            return self._console.is_terminal
        isatty = getattr(sys.stderr, "isatty", None)
        return bool(isatty is not None and isatty())

    def info(self, message: str) -> None:
        """Show a notice, unless ``--quiet``."""
        if not self.quiet:
            self._emit("", message, "")

    def warn(self, message: str) -> None:
        """Show a warning."""
        self._emit("warning: ", message, "yellow")

    def error(self, message: str) -> None:
        """Show an error."""
        self._emit("error: ", message, "bold red")

    def _emit(self, prefix: str, message: str, style: str) -> None:
        if self._console is None:
            print(f"{prefix}{message}", file=sys.stderr, flush=True)
            return
        from rich.text import Text

        self._console.print(Text.assemble((prefix, style), message))

    @contextlib.contextmanager
    def progress(
        self, description: str, total: int | None = None, *, enabled: bool = True
    ) -> Iterator[Tracker]:
        """Draw a progress bar on stderr while the block runs, if stderr is a terminal.

        ``enabled=False`` turns it off, e.g. while data streams to the same terminal.
        """
        if not enabled or self.quiet or not self.is_terminal:
            yield _Silent()
            return
        if self._console is None:
            if not self._hinted:
                self._hinted = True
                self.info(f"(for progress bars: {INSTALL_HINT})")
            yield _Silent()
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self._console,
            transient=True,
            # Data goes to the real stdout; rich must not capture it into stderr.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        with bar:
            yield _Bar(bar, bar.add_task(description, total=total))

    def install_logging(self) -> Callable[[], None]:
        """Send the package's log records to stderr (debug with ``verbose``); return an undo."""
        handler: logging.Handler
        if self._console is not None:
            from rich.logging import RichHandler

            handler = RichHandler(
                console=self._console, show_time=False, show_path=False, markup=False
            )
        else:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger = logging.getLogger(_PACKAGE_LOGGER)
        saved = logger.level, logger.propagate
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if self.verbose else logging.WARNING)
        logger.propagate = False

        def undo() -> None:
            logger.removeHandler(handler)
            logger.setLevel(saved[0])
            logger.propagate = saved[1]

        return undo
