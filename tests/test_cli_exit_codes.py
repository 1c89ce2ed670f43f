"""Exit codes of the command line, one per class of error, and how errors reach stderr:
one line by default, the traceback under it with ``-v``. The command runs in-process,
against the built-in sandbox or a ``FakeWorkato`` on the test's loop."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cli_support import account, clean_environment, closed_port, run_cli

import workato_connectors.cli
from workato_connectors import APITimeoutError, NotFoundError, ServerError
from workato_connectors.cli import main
from workato_connectors.cli._exit import EXIT_CODES, exit_code
from workato_connectors.cli._parser import build_parser
from workato_connectors.cli._session import MissingTokenError
from workato_connectors.testing import FakeWorkato


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


# -- exit codes: one per class of error ------------------------------------------------------


class _UserTimeout(APITimeoutError):
    """A subclass the table has no entry for."""


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ValueError("bad name"), 2),
        (MissingTokenError("no token"), 2),
        (_UserTimeout("slow"), 6),
        (NotFoundError("gone", status=404, method="GET", url="/x"), 4),
        (ServerError("down", status=599, method="GET", url="/x"), 7),
        (PermissionError("read-only"), 1),
        (BrokenPipeError(), 141),
        (KeyboardInterrupt(), 130),
        (RuntimeError("a bug"), None),
    ],
)
def test_exit_code_is_that_of_the_nearest_class_in_the_mro(
    error: BaseException, code: int | None
) -> None:
    assert exit_code(error) == code


def test_help_and_module_docstring_list_every_exit_code() -> None:
    epilog = build_parser().format_help().partition("exit status:")[2]
    docstring = workato_connectors.cli.__doc__ or ""
    for code in {0, *EXIT_CODES.values()}:
        assert f"\n  {code} " in epilog, code
        assert f"\n{code} " in docstring, code


def test_bad_input_rejected_by_the_sdk_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox", "get", "google drive"]) == 2
    assert "error: invalid application name 'google drive'" in capsys.readouterr().err


def test_a_missing_token_exits_2_and_says_how_to_set_one_or_use_the_sandbox(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["catalog"]) == 2
    err = capsys.readouterr().err
    assert "--token" in err and "$WORKATO_API_TOKEN" in err and "--sandbox" in err


@pytest.mark.parametrize(
    ("arm", "retries", "code", "message", "attempts"),
    [
        pytest.param(lambda f: f.fail_next(1, 400), 0, 2, "HTTP 400", 1, id="400 bad input"),
        pytest.param(lambda f: f.fail_next(1, 403), 0, 3, "HTTP 403", 1, id="403 denied"),
        pytest.param(lambda f: f.fail_next(1, 418), 0, 1, "HTTP 418", 1, id="418 unclassified"),
        pytest.param(lambda f: f.malformed_next(1), 0, 1, "body starts", 1, id="bad json"),
        pytest.param(
            lambda f: f.fail_next(9, 429, retry_after=0.01), 1, 5, "HTTP 429", 4, id="429s"
        ),
        pytest.param(lambda f: f.drop_next(9), 0, 6, "failed", None, id="dropped"),
        pytest.param(lambda f: f.stall_next(9, 60), 0, 6, "timed out", 1, id="stalled"),
        pytest.param(
            lambda f: f.fail_next(9, 502, html=True), 1, 7, "502 Bad Gateway", 2, id="502 html"
        ),
    ],
)
async def test_each_class_of_error_exits_with_its_own_code_and_one_line(
    capsys: pytest.CaptureFixture[str],
    fake_workato: FakeWorkato,
    arm: Callable[[FakeWorkato], None],
    retries: int,
    code: int,
    message: str,
    attempts: int | None,
) -> None:
    arm(fake_workato)
    # The timeout only ever expires on the stalled answer: loopback answers in milliseconds.
    argv = account(fake_workato, "--timeout", "2", "catalog", retries=retries)
    assert await run_cli(*argv) == code
    captured = capsys.readouterr()
    *warnings, error = captured.err.splitlines()
    assert error.startswith("error: ") and message in error
    assert all("rate limited (HTTP 429)" in line for line in warnings)
    assert "Traceback" not in captured.err
    assert captured.out == ""  # nothing half-written, not even "["
    if attempts is not None:  # --max-retries reached the client
        assert len(fake_workato.requests) == attempts


async def test_a_wrong_token_exits_3_and_says_which_settings_to_check(
    capsys: pytest.CaptureFixture[str], fake_workato: FakeWorkato
) -> None:
    argv = ["--base-url", fake_workato.url, "--token", "wr0ng-t0ken", "catalog"]
    assert await run_cli(*argv) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "HTTP 401" in err
    assert "--token or $WORKATO_API_TOKEN" in err and "wr0ng-t0ken" not in err


async def test_an_unknown_connector_in_schema_exits_4(
    capsys: pytest.CaptureFixture[str], fake_workato: FakeWorkato
) -> None:
    assert await run_cli(*account(fake_workato, "schema", "97", "no_such_app")) == 4
    assert "HTTP 404: Connector not found" in capsys.readouterr().err


async def test_a_closed_port_exits_6_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--base-url", f"http://127.0.0.1:{closed_port()}", "--token", "t", "get", "jms"]
    assert await run_cli("--max-retries", "0", *argv) == 6
    err = capsys.readouterr().err
    assert err.startswith("error: GET http://127.0.0.1:") and "Cannot connect" in err
    assert err.count("\n") == 1 and "Traceback" not in err


async def test_5xx_after_every_retry_exits_7_after_max_retries_plus_one_attempts(
    capsys: pytest.CaptureFixture[str], fake_workato: FakeWorkato
) -> None:
    fake_workato.fail_next(9, 503)
    assert await run_cli(*account(fake_workato, "get", "jms", retries=2)) == 7
    assert [r.status for r in fake_workato.requests] == [503, 503, 503]
    assert "HTTP 503" in capsys.readouterr().err


# -- one line on stderr; -v adds the traceback -----------------------------------------------


def test_an_api_error_is_one_line_on_stderr_without_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["-q", "--sandbox", "schema", "97", "no_such_app"]) == 4
    err = capsys.readouterr().err
    assert err.startswith("error: GET ") and "HTTP 404: Connector not found" in err
    assert err.count("\n") == 1 and "Traceback" not in err


async def test_verbose_adds_the_traceback_under_the_error_line(
    capsys: pytest.CaptureFixture[str], fake_workato: FakeWorkato
) -> None:
    fake_workato.fail_next(1, 502, html=True)
    assert await run_cli("-v", *account(fake_workato, "catalog")) == 7
    err = capsys.readouterr().err
    error_line = next(line for line in err.splitlines() if line.startswith("error: "))
    assert "HTTP 502: 502 Bad Gateway" in error_line  # the proxy's HTML, on one line
    assert err.index("Traceback (most recent call last)") > err.index(error_line)
    assert "ServerError: GET " in err
