"""Write the marketplace: ``index.html``, a page per connector, ``catalog.json`` and assets."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import msgspec

from .._config import __version__
from .._models import Connector, SchemaField
from ._preview import build_form

try:
    import jinja2
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "workato_connectors.marketplace needs Jinja2: pip install 'workato-connectors[marketplace]'"
    ) from exc

__all__ = ["FEED_VERSION", "build_site", "page_filenames"]

FEED_VERSION = 1
PAGES_DIR = "connectors"
ASSETS_DIR = "assets"

_SAFE_NAME = re.compile(r"[A-Za-z0-9_]{1,100}")
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9_]+")
# Names that Windows refuses as file names, whatever the extension.
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)


class _Feed(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    version: int
    generator: str
    title: str
    count: int
    categories: tuple[str, ...]
    connectors: tuple[Connector, ...]
    pages: dict[str, str]
    schemas: dict[str, tuple[SchemaField, ...] | None] | None = None


@dataclass(frozen=True, slots=True)
class _Card:
    title: str
    href: str
    search: str
    categories: tuple[str, ...]
    oauth: bool
    deprecated: bool
    triggers: int
    actions: int


@dataclass(frozen=True, slots=True)
class _CategoryCount:
    name: str
    count: int


def page_filenames(names: Iterable[str]) -> dict[str, str]:
    """Map connector names to page file names that are safe on every file system.

    A name of 1 to 100 characters from ``[A-Za-z0-9_]`` keeps its own file name. Any
    other name, a Windows device name (``con``), or a name that differs from an earlier one
    only by case gets a slug of its safe characters plus a hash of the name. Hashed names
    contain ``-`` and plain ones never do, so the two kinds cannot collide.
    """
    taken: set[str] = set()
    files: dict[str, str] = {}
    for name in names:
        stem = name
        plain = _SAFE_NAME.fullmatch(name) is not None and name.upper() not in _RESERVED
        if not plain or name.casefold() in taken:
            slug = _UNSAFE_RUN.sub("-", name).strip("-")[:60] or "connector"
            digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
            stem = f"{slug}-{digest}"
        taken.add(stem.casefold())
        files[name] = f"{stem}.html"
    return files


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__ or "workato_connectors.marketplace", "templates"),
        # Titles, hints and names are data from Workato's API, never markup.
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["plural"] = _plural
    return env


def _write(path: Path, data: bytes) -> None:
    """Replace ``path`` in one step, so a reader never sees half a file."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _checked(connectors: Iterable[Connector]) -> list[Connector]:
    if isinstance(connectors, str | bytes):
        raise TypeError("connectors must be an iterable of Connector, not a string")
    items: list[Connector] = []
    seen: set[str] = set()
    for connector in connectors:
        if not isinstance(connector, Connector):
            raise TypeError(
                f"connectors must contain Connector objects, got {type(connector).__name__}"
            )
        if not connector.name:
            raise ValueError("a connector has an empty name; every connector needs one")
        if connector.name in seen:
            raise ValueError(f"connector {connector.name!r} appears twice; names must be unique")
        seen.add(connector.name)
        items.append(connector)
    items.sort(key=lambda c: ((c.title or c.name).casefold(), c.name))
    return items


def _check_schemas(schemas: Mapping[str, Sequence[SchemaField] | None] | None) -> None:
    if schemas is None:
        return
    if not isinstance(schemas, Mapping):
        raise TypeError(
            f"schemas must map connector names to lists of SchemaField, "
            f"got {type(schemas).__name__}"
        )
    for name, fields in schemas.items():
        if fields is not None and not all(isinstance(f, SchemaField) for f in fields):
            raise TypeError(
                f"schemas[{name!r}] must be a sequence of SchemaField (or None for a failed fetch)"
            )


def _card(connector: Connector, href: str) -> _Card:
    terms = [connector.name, connector.title or ""]
    terms += [op.title or "" for op in (*connector.triggers, *connector.actions)]
    search = "\n".join(dict.fromkeys(term for term in terms if term))
    return _Card(
        title=connector.title or connector.name,
        href=href,
        search=search,
        categories=connector.categories,
        oauth=connector.oauth,
        deprecated=connector.deprecated,
        triggers=len(connector.triggers),
        actions=len(connector.actions),
    )


def _prepare_dir(out_dir: str | os.PathLike[str]) -> Path:
    root = Path(out_dir).resolve()
    if root.exists() and not root.is_dir():
        raise ValueError(f"out_dir {str(root)!r} exists and is not a directory")
    (root / PAGES_DIR).mkdir(parents=True, exist_ok=True)
    (root / ASSETS_DIR).mkdir(exist_ok=True)
    return root


def _copy_assets(root: Path) -> None:
    static = resources.files(__package__ or "workato_connectors.marketplace") / "static"
    for asset in static.iterdir():
        if asset.name.endswith((".css", ".js")):
            _write(root / ASSETS_DIR / asset.name, asset.read_bytes())


def _remove_stale_pages(pages: Path, keep: set[str]) -> None:
    # connectors/ belongs to the generator: pages of connectors gone from the catalog and
    # temporary files of an interrupted run are removed.
    for entry in pages.iterdir():
        stale_page = entry.suffix == ".html" and entry.name not in keep
        leftover = entry.name.startswith(".") and entry.suffix == ".tmp"
        if entry.is_file() and (stale_page or leftover):
            entry.unlink(missing_ok=True)


def build_site(
    connectors: Iterable[Connector],
    out_dir: str | os.PathLike[str],
    *,
    schemas: Mapping[str, Sequence[SchemaField] | None] | None = None,
    title: str = "App marketplace",
) -> Path:
    """Write a self-contained static marketplace of connectors and return its index page.

    The site needs no network at view time: ``index.html`` lists every connector as a card
    with search, category and "hide deprecated" filters; ``connectors/<name>.html`` shows
    a connector's triggers and actions and, when ``schemas`` has its input schema, a
    preview of its connection form; ``catalog.json`` carries the same data as a feed;
    ``assets/`` holds the stylesheet and scripts. Cards, pages and the feed are sorted by
    title. The output is deterministic (no timestamps), so rebuilding unchanged data
    rewrites identical files. Each file is replaced atomically, the index last, and
    pages of connectors no longer in the catalog are removed from ``connectors/``.

    Parameters
    ----------
    connectors:
        The connectors to list, e.g. ``await client.all_connectors()``.
    out_dir:
        The directory to write; created if missing. Files other than the ones the
        generator writes are left alone, except in ``connectors/``.
    schemas:
        Input schemas by connector name, e.g. ``{r.connector_name: r.fields for r in
        results}``. A ``None`` value means the fetch failed; names of connectors not in
        ``connectors`` are ignored. Without ``schemas`` pages have no form preview.
    title:
        The site's title, shown on every page.

    Returns
    -------
    Path
        The absolute path of ``index.html``.

    Raises
    ------
    TypeError
        ``connectors`` holds something other than ``Connector`` objects, or a value of
        ``schemas`` is not a sequence of ``SchemaField``.
    ValueError
        Two connectors share a name, a name is empty, the title is blank, or
        ``out_dir`` is an existing file.

    Example
    -------
    >>> async with WorkatoClient() as client:  # doctest: +SKIP
    ...     index = build_site(await client.all_connectors(), "site")
    """
    if not isinstance(title, str) or not title.strip():
        raise ValueError("title must be a non-empty string")
    items = _checked(connectors)
    _check_schemas(schemas)
    root = _prepare_dir(out_dir)
    files = page_filenames(c.name for c in items)
    pages = {c.name: f"{PAGES_DIR}/{files[c.name]}" for c in items}
    env = _environment()
    common = {"site_title": title.strip(), "version": __version__}

    page = env.get_template("connector.html")
    for connector in items:
        target = root / PAGES_DIR / files[connector.name]
        if target.parent != root / PAGES_DIR:  # pragma: no cover - page_filenames prevents it
            raise ValueError(f"refusing to write {target} outside {root}")
        fields = None if schemas is None else schemas.get(connector.name)
        html = page.render(
            common,
            root="../",
            connector=connector,
            connector_title=connector.title or connector.name,
            sections=(
                ("Triggers", "triggers", connector.triggers),
                ("Actions", "actions", connector.actions),
            ),
            with_schemas=schemas is not None,
            fields=None if fields is None else build_form(fields),
        )
        _write(target, html.encode())
    _remove_stale_pages(root / PAGES_DIR, set(files.values()))
    _copy_assets(root)

    categories = Counter(category for c in items for category in c.categories)
    feed = _Feed(
        version=FEED_VERSION,
        generator=f"workato-connectors {__version__}",
        title=title.strip(),
        count=len(items),
        categories=tuple(sorted(categories, key=lambda name: (name.casefold(), name))),
        connectors=tuple(items),
        pages=pages,
        schemas=None
        if schemas is None
        else {
            c.name: None if schemas.get(c.name) is None else tuple(schemas[c.name] or ())
            for c in items
            if c.name in schemas
        },
    )
    _write(root / "catalog.json", msgspec.json.encode(feed) + b"\n")

    index = root / "index.html"
    html = env.get_template("index.html").render(
        common,
        root="",
        cards=[_card(c, pages[c.name]) for c in items],
        categories=[_CategoryCount(name, categories[name]) for name in feed.categories],
    )
    _write(index, html.encode())
    return index
