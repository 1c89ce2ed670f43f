"""The command line's grammar: argparse parsers, option types and post-parse checks."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from .._config import DATA_CENTERS, DEFAULT_MAX_RETRIES, TOKEN_ENV, __version__
from .._ratelimit import RateLimit
from ._exit import EXIT_HELP

__all__ = ["CATALOG_FORMATS", "build_parser", "parse_args", "parse_rate_limit"]

PROG = "workato-connectors"
CATALOG_FORMATS = ("json", "jsonl", "csv")
SCHEMA_FORMATS = ("json", "jsonschema")
DEFAULT_SANDBOX_PORT = 8787
DEFAULT_SANDBOX_CONNECTORS = 300
#: The managed user whose input schemas ``--sandbox marketplace`` fetches by default.
SANDBOX_MANAGED_USER = "1"

_RATE_LIMIT_FORM = "REQUESTS/SECONDS, e.g. 1000/60 (Workato's default) or 60/60"


def parse_rate_limit(text: str) -> RateLimit:
    """Parse ``REQUESTS/SECONDS`` (``1000/60``) into a ``RateLimit``.

    Raises:
        argparse.ArgumentTypeError: the text is not of that form, or out of range.
    """
    requests, slash, seconds = text.partition("/")
    try:
        if not slash:
            raise ValueError("no '/'")
        return RateLimit(int(requests), float(seconds))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected {_RATE_LIMIT_FORM} (REQUESTS an integer >= 1, SECONDS > 0); got {text!r}"
        ) from None


def _count(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}; got {text!r}")
        return value

    parse.__name__ = "integer"
    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0; got {text!r}")
    return value


def _timeout(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds > 0; got {text!r}")
    return value


def _output_options() -> argparse.ArgumentParser:
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )
    shared.add_argument(
        "--indent",
        metavar="N",
        type=_count(1),
        nargs="?",
        const=2,
        help="pretty-print JSON with N spaces (2 if N is left out); compact by default",
    )
    return shared


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of ``workato-connectors``: global options, then a command."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Browse Workato's connector catalog and input schemas.",
        epilog=f"Try it without an account: {PROG} --sandbox catalog\n\n{EXIT_HELP}",
        # Keeps the exit-status table's lines as written.
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    account = parser.add_argument_group("account")
    account.add_argument("--token", help=f"the API token (default: ${TOKEN_ENV})")
    account.add_argument(
        "--base-url",
        metavar="URL",
        help="the API host, e.g. for a private deployment (default: $WORKATO_BASE_URL); "
        "wins over --data-center",
    )
    account.add_argument(
        "--data-center",
        type=str.lower,
        choices=tuple(DATA_CENTERS),
        default="us",
        help="the data center of the account (default: us)",
    )
    requests = parser.add_argument_group("requests")
    requests.add_argument(
        "--rate-limit",
        metavar="REQUESTS/SECONDS",
        type=parse_rate_limit,
        help="the client-side request budget (default: 1000/60; unlimited with --sandbox)",
    )
    requests.add_argument(
        "--max-retries",
        metavar="N",
        type=_count(0),
        default=DEFAULT_MAX_RETRIES,
        help="retries of a request that failed with 5xx, 408, a network error or a timeout; "
        f"a 429 is retried up to 3*N times (default: {DEFAULT_MAX_RETRIES}; 0: never retry)",
    )
    requests.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_timeout,
        help="give up on an attempt after SECONDS (default: 60 in all, or 30 without data)",
    )
    sandbox = parser.add_argument_group("sandbox")
    sandbox.add_argument(
        "--sandbox",
        action="store_true",
        help="run against a built-in fake Workato (no token or network needed); "
        "--token and --base-url are then ignored",
    )
    sandbox.add_argument(
        "--sandbox-connectors",
        metavar="N",
        type=_count(0),
        help=f"size of the sandbox catalog (default: {DEFAULT_SANDBOX_CONNECTORS}; "
        "implies --sandbox)",
    )
    chatter = parser.add_argument_group("messages")
    chatter.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log requests and retries to stderr; tracebacks with errors",
    )
    chatter.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar and no notices on stderr"
    )
    _add_commands(parser)
    return parser


def _add_commands(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    output = _output_options()

    catalog = commands.add_parser(
        "catalog", parents=[output], help="print every connector of the catalog"
    )
    catalog.add_argument(
        "-f",
        "--format",
        choices=CATALOG_FORMATS,
        default="json",
        help="json: one array; jsonl: one connector a line; csv: one row a connector "
        "(default: json)",
    )
    catalog.add_argument(
        "--exclude-deprecated", action="store_true", help="leave deprecated connectors out"
    )

    get = commands.add_parser("get", parents=[output], help="print the named connectors")
    get.add_argument("names", metavar="NAME", nargs="+", help="a connector name, e.g. jms")

    schema = commands.add_parser(
        "schema", parents=[output], help="print a connector's input schema"
    )
    schema.add_argument("managed_user", metavar="MANAGED_USER", help="97, or EA2300 (External ID)")
    schema.add_argument("connector", metavar="CONNECTOR")
    schema.add_argument(
        "-f",
        "--format",
        choices=SCHEMA_FORMATS,
        default="json",
        help="json: Workato's fields; jsonschema: a JSON Schema 2020-12 document (default: json)",
    )

    schemas = commands.add_parser(
        "schemas",
        parents=[output],
        help="print many input schemas as one JSON object {connector: fields}",
    )
    schemas.add_argument("managed_user", metavar="MANAGED_USER")
    schemas.add_argument("connectors", metavar="CONNECTOR", nargs="*")
    schemas.add_argument("--all", action="store_true", help="every connector of the catalog")

    site = commands.add_parser(
        "marketplace",
        help="write a static marketplace web site",
        description="Write a static marketplace web site: a searchable index of the catalog and "
        "a page per connector, with a connection-form preview when input schemas are fetched. "
        f"With --sandbox, input schemas are fetched by default (as managed user "
        f"{SANDBOX_MANAGED_USER}); against an account, only with --with-schemas.",
    )
    site.add_argument("--output", "-o", metavar="DIR", required=True, help="the site's directory")
    previews = site.add_mutually_exclusive_group()
    previews.add_argument(
        "--with-schemas",
        metavar="MANAGED_USER",
        help="fetch every input schema as this managed user, for connection-form previews "
        f"(default: none; {SANDBOX_MANAGED_USER} with --sandbox)",
    )
    previews.add_argument(
        "--no-schemas",
        action="store_true",
        help="fetch no input schemas: pages without form previews (the default against an account)",
    )
    site.add_argument(
        "--exclude-deprecated", action="store_true", help="leave deprecated connectors out"
    )
    site.add_argument("--title", default="App marketplace", help="the site's title")

    serve = commands.add_parser(
        "sandbox", help="serve a fake Workato in the foreground until Ctrl-C"
    )
    serve.add_argument(
        "--port",
        type=_count(0),
        default=DEFAULT_SANDBOX_PORT,
        help=f"the port on 127.0.0.1 (default: {DEFAULT_SANDBOX_PORT}; 0 picks a free one)",
    )
    serve.add_argument(
        "--connectors",
        metavar="N",
        type=_count(0),
        default=DEFAULT_SANDBOX_CONNECTORS,
        help=f"size of the generated catalog (default: {DEFAULT_SANDBOX_CONNECTORS})",
    )
    serve.add_argument("--seed", type=int, default=0, help="seeds the generated data")
    serve.add_argument(
        "--latency",
        metavar="SECONDS",
        type=_seconds,
        default=0.0,
        help="delay added to every response (default: 0)",
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse ``argv`` and check what argparse cannot; exit 2 with a message on misuse."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.sandbox_connectors is not None:
        args.sandbox = True
    if args.command == "marketplace":
        # The sandbox's schemas cost nothing, and the site's previews need them.
        if args.no_schemas:
            args.with_schemas = None
        elif args.with_schemas is None and args.sandbox:
            args.with_schemas = SANDBOX_MANAGED_USER
    if args.command == "catalog" and args.indent is not None and args.format != "json":
        parser.error("--indent applies to --format json only")
    if args.command == "schemas" and args.all == bool(args.connectors):
        parser.error("schemas needs CONNECTOR names or --all (not both)")
    if args.command == "sandbox" and args.port > 65535:
        parser.error(f"--port must be in 0..65535; got {args.port}")
    return args
