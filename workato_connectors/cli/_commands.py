"""The data commands: ``catalog``, ``get``, ``schema``, ``schemas`` and ``marketplace``.

Each takes an open client, the parsed options and the UI, and returns an exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence

from .._client import WorkatoClient
from .._models import Connector, SchemaField
from ._output import ConnectorWriter, connector_writer, open_output, streams_to_terminal, write_json
from ._ui import UI

__all__ = ["COMMANDS"]

log = logging.getLogger("workato_connectors.cli")

Command = Callable[[WorkatoClient, argparse.Namespace, UI], Awaitable[int]]


async def walk_catalog(
    client: WorkatoClient,
    ui: UI,
    consume: Callable[[Sequence[Connector]], None],
    *,
    progress: bool = True,
) -> int:
    """Hand every page of the catalog to ``consume`` as it arrives; return the count."""
    seen = 0
    with ui.progress("Fetching the catalog", enabled=progress) as bar:
        async with contextlib.aclosing(client.all_connectors().pages()) as pages:
            async for page in pages:
                if page.count is not None:
                    bar.set_total(max(page.count, seen + len(page.items)))
                consume(page.items)
                seen += len(page.items)
                bar.advance(len(page.items))
    log.debug("fetched %d connectors", seen)
    return seen


async def fetch_catalog(
    client: WorkatoClient, ui: UI, *, exclude_deprecated: bool = False
) -> list[Connector]:
    """Return the whole catalog, optionally without deprecated connectors."""
    catalog: list[Connector] = []
    await walk_catalog(client, ui, catalog.extend)
    return [c for c in catalog if not (exclude_deprecated and c.deprecated)]


async def fetch_schemas(
    client: WorkatoClient, ui: UI, managed_user: str, names: Iterable[str]
) -> tuple[dict[str, list[SchemaField]], dict[str, str]]:
    """Fetch input schemas concurrently; return them and the errors, each in ``names`` order.

    A failure is reported on stderr and does not stop the others.
    """
    wanted = list(dict.fromkeys(names))
    fields: dict[str, list[SchemaField]] = {}
    errors: dict[str, str] = {}
    with ui.progress("Fetching input schemas", total=len(wanted)) as bar:
        results = client.input_schemas((managed_user, name) for name in wanted)
        async with contextlib.aclosing(results):
            async for result in results:
                if result.fields is not None:
                    fields[result.connector_name] = result.fields
                else:
                    errors[result.connector_name] = str(result.error)
                bar.advance()
    for name in wanted:
        if name in errors:
            ui.warn(f"input schema of {name}: {errors[name]}")
    order = {name: i for i, name in enumerate(wanted)}
    return (
        dict(sorted(fields.items(), key=lambda item: order[item[0]])),
        dict(sorted(errors.items(), key=lambda item: order[item[0]])),
    )


async def catalog(client: WorkatoClient, args: argparse.Namespace, ui: UI) -> int:
    """Print every connector (json array, jsonl or csv), streaming page by page."""
    with open_output(args.output) as sink:
        # Opened with the first page, so a run that fails at once writes no stray "[".
        writer: ConnectorWriter | None = None

        def consume(items: Sequence[Connector]) -> None:
            nonlocal writer
            if writer is None:
                writer = connector_writer(args.format, sink, args.indent)
            writer.write(c for c in items if not (args.exclude_deprecated and c.deprecated))
            sink.flush()

        # A bar redrawn between lines of data on the same terminal would garble both.
        await walk_catalog(client, ui, consume, progress=not streams_to_terminal(args.output))
        if writer is None:  # an empty catalog
            writer = connector_writer(args.format, sink, args.indent)
        writer.close()
    return 0


async def get(client: WorkatoClient, args: argparse.Namespace, ui: UI) -> int:
    """Print the named connectors as a JSON array; a name not found fails the run (1)."""
    connectors = await client.list_connectors(args.names)
    found = {c.name.lower() for c in connectors}
    missing = [n for n in dict.fromkeys(n.strip() for n in args.names) if n.lower() not in found]
    with open_output(args.output) as sink:
        write_json(sink, connectors, args.indent)
    for name in missing:
        ui.warn(f"no connector named {name!r}")
    return 1 if missing else 0


async def schema(client: WorkatoClient, args: argparse.Namespace, ui: UI) -> int:
    """Print one input schema: Workato's fields, or a JSON Schema document."""
    fields = await client.get_input_schema(args.managed_user, args.connector)
    if args.format == "jsonschema":
        try:
            from .._forms import to_json_schema
        except ImportError as exc:  # an install that predates the forms module
            ui.error(f"--format jsonschema is not available: {exc}")
            return 1
        document: object = to_json_schema(fields)
    else:
        document = fields
    with open_output(args.output) as sink:
        write_json(sink, document, args.indent)
    return 0


async def schemas(client: WorkatoClient, args: argparse.Namespace, ui: UI) -> int:
    """Print ``{connector: fields}`` for many connectors; any failure fails the run (1)."""
    names = [c.name for c in await fetch_catalog(client, ui)] if args.all else args.connectors
    fields, errors = await fetch_schemas(client, ui, args.managed_user, names)
    with open_output(args.output) as sink:
        write_json(sink, fields, args.indent)
    if errors:
        ui.warn(f"{len(errors)} of {len(errors) + len(fields)} input schemas failed")
    return 1 if errors else 0


async def marketplace(client: WorkatoClient, args: argparse.Namespace, ui: UI) -> int:
    """Write a static marketplace site; print the path of its index page.

    Input schemas (for the connection-form previews) are fetched when
    ``args.with_schemas`` names a managed user, which ``parse_args`` does by default with
    ``--sandbox``. A failed fetch leaves that page without a preview, not the run failed.
    """
    try:
        from ..marketplace import build_site
    except ImportError as exc:  # Jinja2 comes with the marketplace extra
        ui.error(str(exc))
        return 1

    connectors = await fetch_catalog(client, ui, exclude_deprecated=args.exclude_deprecated)
    site_schemas: dict[str, Sequence[SchemaField] | None] | None = None
    previews = ""
    if args.with_schemas is not None:
        log.debug("fetching input schemas as managed user %s", args.with_schemas)
        fields, errors = await fetch_schemas(
            client, ui, args.with_schemas, (c.name for c in connectors)
        )
        site_schemas = {**fields, **dict.fromkeys(errors)}
        if errors:
            ui.warn(f"{len(errors)} connector pages have no form preview")
        previews = f" ({len(fields)} with a form preview)"
    index = build_site(connectors, args.output, schemas=site_schemas, title=args.title)
    ui.info(f"marketplace: {len(connectors)} connectors{previews} written to {args.output}")
    print(index, flush=True)
    return 0


COMMANDS: dict[str, Command] = {
    "catalog": catalog,
    "get": get,
    "schema": schema,
    "schemas": schemas,
    "marketplace": marketplace,
}
