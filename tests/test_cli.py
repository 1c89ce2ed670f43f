"""The ``workato-connectors`` command line, run in-process: ``main([...])`` against the
built-in sandbox, or in a worker thread against a ``FakeWorkato`` on the test's loop
(exit codes are in ``test_cli_exit_codes.py``, subprocess runs in ``test_cli_subprocess.py``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import msgspec
import pytest
from cli_support import account, clean_environment, decode_catalog, run_cli

from workato_connectors import Connector, SchemaField
from workato_connectors.cli import main
from workato_connectors.cli._output import CSV_COLUMNS, csv_row, open_output
from workato_connectors.cli._parser import parse_rate_limit
from workato_connectors.testing import FakeWorkato, generate_catalog, generate_input_schema

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


# -- in-process: main([...]) against the sandbox ---------------------------------------------


def test_sandbox_catalog_prints_the_default_sandbox_catalog_as_a_json_array(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--sandbox", "catalog"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[") and out.endswith("]\n")
    assert decode_catalog(out) == generate_catalog()


def test_catalog_jsonl_prints_one_connector_a_line_in_catalog_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--sandbox-connectors", "250", "catalog", "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [msgspec.json.decode(line, type=Connector) for line in lines] == generate_catalog(250)


def test_catalog_csv_has_the_documented_columns_and_a_row_per_connector(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--sandbox", "catalog", "-f", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    catalog = generate_catalog()
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row["name"] for row in rows] == [c.name for c in catalog]
    jms = next(row for row in rows if row["name"] == "jms")
    assert jms == {
        "name": "jms",
        "title": "JMS",
        "categories": "Developer tools",
        "oauth": "false",
        "deprecated": "false",
        "secondary": "false",
        "triggers": "1",
        "actions": "2",
    }
    several = next(c for c in catalog if len(c.categories) > 1)
    assert rows[catalog.index(several)]["categories"] == ";".join(several.categories)


def test_csv_row_counts_operations_and_spells_booleans_in_lower_case() -> None:
    connector = Connector(name="x", categories=("A", "B"), oauth=True, deprecated=True)
    assert csv_row(connector) == ("x", "", "A;B", "true", "true", "false", 0, 0)


def test_exclude_deprecated_leaves_every_deprecated_connector_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    catalog = generate_catalog()
    assert any(c.deprecated for c in catalog)  # otherwise this test proves nothing
    assert main(["--sandbox", "catalog", "--exclude-deprecated"]) == 0
    assert decode_catalog(capsys.readouterr().out) == [c for c in catalog if not c.deprecated]


def test_output_writes_the_file_and_nothing_to_stdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "catalog.jsonl"
    assert main(["--sandbox", "catalog", "-f", "jsonl", "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    lines = target.read_text().splitlines()
    assert [json.loads(line)["name"] for line in lines] == [c.name for c in generate_catalog()]
    assert [p.name for p in tmp_path.iterdir()] == ["catalog.jsonl"]  # no temporary left


def test_a_failing_write_keeps_the_previous_file_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    target = tmp_path / "catalog.json"
    target.write_text("previous")
    with pytest.raises(RuntimeError), open_output(str(target)) as sink:
        sink.write(b"[half")
        raise RuntimeError("the walk failed")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["catalog.json"]


def test_indent_pretty_prints_the_same_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox-connectors", "3", "catalog", "--indent"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('[\n  {\n    "name": ')
    assert decode_catalog(out) == generate_catalog(3)


def test_get_prints_the_named_connectors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox", "get", "jms", "google_drive"]) == 0
    connectors = decode_catalog(capsys.readouterr().out)
    by_name = {c.name: c for c in generate_catalog()}
    assert sorted(connectors, key=lambda c: c.name) == [by_name["google_drive"], by_name["jms"]]


def test_get_of_an_unknown_name_warns_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox", "get", "jms", "no_such_app"]) == 1
    captured = capsys.readouterr()
    assert [c.name for c in decode_catalog(captured.out)] == ["jms"]
    assert "no connector named 'no_such_app'" in captured.err


def test_schema_prints_the_fields_of_the_jms_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox", "schema", "97", "jms"]) == 0
    sample = json.loads((SAMPLES / "input_schema_jms.json").read_bytes())["result"]
    assert json.loads(capsys.readouterr().out) == sample


def test_schema_format_jsonschema_prints_a_valid_json_schema_of_the_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from workato_connectors._forms import to_json_schema

    assert main(["--sandbox", "schema", "EA2300", "jms", "--format", "jsonschema"]) == 0
    document = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(document)
    assert document == json.loads(msgspec.json.encode(to_json_schema(generate_input_schema("jms"))))


def test_schemas_all_prints_every_schema_of_a_small_sandbox_in_catalog_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--sandbox-connectors", "5", "schemas", "97", "--all"]) == 0
    result = msgspec.json.decode(capsys.readouterr().out, type=dict[str, list[SchemaField]])
    names = [c.name for c in generate_catalog(5)]
    assert list(result) == names
    assert result == {name: generate_input_schema(name) for name in names}


def test_schemas_reports_each_failure_on_stderr_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--sandbox", "schemas", "97", "nope", "jms", "jms"]) == 1
    captured = capsys.readouterr()
    assert list(json.loads(captured.out)) == ["jms"]
    assert "input schema of nope" in captured.err
    assert "Connector not found" in captured.err
    assert "1 of 2 input schemas failed" in captured.err


def test_marketplace_writes_a_site_with_form_previews_and_prints_its_index(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    argv = ["--sandbox-connectors", "6", "marketplace", "-o", str(site), "--title", "Acme apps"]
    assert main([*argv, "--with-schemas", "97"]) == 0
    assert Path(capsys.readouterr().out.strip()) == site / "index.html"
    feed = json.loads((site / "catalog.json").read_bytes())
    assert feed["title"] == "Acme apps"
    assert sorted(c["name"] for c in feed["connectors"]) == sorted(
        c.name for c in generate_catalog(6)
    )
    assert all(feed["schemas"].values())


def test_sandbox_marketplace_fetches_every_input_schema_by_default(tmp_path: Path) -> None:
    assert main(["--sandbox-connectors", "6", "marketplace", "-o", str(tmp_path)]) == 0
    schemas = json.loads((tmp_path / "catalog.json").read_bytes())["schemas"]
    expected = {c.name: generate_input_schema(c.name) for c in generate_catalog(6)}
    assert schemas == json.loads(msgspec.json.encode(expected))


def test_sandbox_marketplace_with_no_schemas_writes_pages_without_previews(
    tmp_path: Path,
) -> None:
    assert main(["--sandbox", "marketplace", "-o", str(tmp_path), "--no-schemas"]) == 0
    assert "schemas" not in json.loads((tmp_path / "catalog.json").read_bytes())
    assert 'id="preview"' not in (tmp_path / "connectors" / "jms.html").read_text()


async def test_marketplace_against_an_account_fetches_schemas_only_when_asked(
    fake_workato: FakeWorkato, tmp_path: Path
) -> None:
    assert await run_cli(*account(fake_workato, "marketplace", "-o", str(tmp_path))) == 0
    assert "schemas" not in json.loads((tmp_path / "catalog.json").read_bytes())
    assert not any("input_schema" in r.path for r in fake_workato.requests)

    argv = account(fake_workato, "marketplace", "-o", str(tmp_path), "--with-schemas", "97")
    assert await run_cli(*argv) == 0
    feed = json.loads((tmp_path / "catalog.json").read_bytes())
    assert len(feed["schemas"]) == len(fake_workato.catalog)
    paths = {r.path for r in fake_workato.requests if "input_schema" in r.path}
    assert paths == {
        f"/api/v2/managed_users/97/connectors/{c.name}/input_schema" for c in fake_workato.catalog
    }


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["--rate-limit", "1000", "catalog"], "REQUESTS/SECONDS, e.g. 1000/60"),
        (["--rate-limit", "0/60", "--sandbox", "catalog"], "REQUESTS/SECONDS"),
        (["--sandbox", "catalog", "--format", "xml"], "invalid choice: 'xml'"),
        (["--sandbox", "catalog", "-f", "csv", "--indent"], "--indent applies to --format json"),
        (["--sandbox", "schemas", "97"], "CONNECTOR names or --all"),
        (["--sandbox", "schemas", "97", "jms", "--all"], "CONNECTOR names or --all"),
        (["--data-center", "mars", "catalog"], "invalid choice: 'mars'"),
        (["--max-retries", "-1", "--sandbox", "catalog"], "expected an integer >= 0"),
        (["--timeout", "0", "--sandbox", "catalog"], "expected a number of seconds > 0"),
        (
            ["--sandbox", "marketplace", "-o", "x", "--with-schemas", "1", "--no-schemas"],
            "not allowed with argument",
        ),
        (["catalog", "--sandbox"], "unrecognized arguments: --sandbox"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_usage_errors_exit_2_with_a_message_saying_what_is_accepted(
    capsys: pytest.CaptureFixture[str], argv: list[str], hint: str
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert hint in captured.err
    assert captured.out == ""


def test_rate_limit_option_parses_requests_per_seconds() -> None:
    limit = parse_rate_limit("60/60")
    assert (limit.requests, limit.period) == (60, 60.0)
    assert parse_rate_limit("5/0.5").period == 0.5


def test_stderr_that_is_not_a_terminal_gets_no_progress_bar(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--sandbox-connectors", "250", "schemas", "97", "--all"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("sandbox: a local fake Workato at http://127.0.0.1:")
    assert err.count("\n") == 1 and "\x1b" not in err and "Fetching" not in err


def test_quiet_prints_nothing_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quiet", "--sandbox", "catalog"]) == 0
    assert capsys.readouterr().err == ""


def test_verbose_logs_requests_but_never_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-v", "--token", "s3cret-token", "--sandbox-connectors", "3", "get", "jms"]) == 0
    err = capsys.readouterr().err
    assert "ignoring --token" in err
    assert "/api/integrations" in err
    assert "s3cret-token" not in err and "test-token" not in err


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    from workato_connectors import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"workato-connectors {__version__}\n"
