"""The README's two set-up commands stay what CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    return re.findall(r"```sh\n(.+?)\n```", readme)[:2]


def test_the_main_job_is_one_line_ending_in_the_sandbox_catalog():
    main_job, _ = setup_commands()
    assert "\n" not in main_job
    assert main_job.endswith("workato-connectors --sandbox catalog")


def test_ci_runs_exactly_the_readmes_test_command():
    _, tests = setup_commands()
    assert "\n" not in tests and tests.endswith("pytest")
    assert tests in (ROOT / ".ci" / "run").read_text().splitlines()
