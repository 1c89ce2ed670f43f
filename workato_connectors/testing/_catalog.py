"""A deterministic, realistic connector catalog for the fake server and for tests.

Names and titles come from a built-in list of a few hundred SaaS products
(``data/vocabulary.json``); past that list, suffixed variants (``salesforce_v2``,
``slack_sandbox``, ``zendesk_7`` ...) share their base connector's operations, which keeps
50,000-connector catalogs cheap to build. The documented ``google_drive``, ``service_now``
and ``jms`` connectors are always included verbatim.
"""

from __future__ import annotations

import random
import re
import zlib
from functools import cache
from importlib.resources import files
from operator import attrgetter

import msgspec

from .._models import Connector, Operation

__all__ = ["generate_catalog", "load_data"]

#: The connector of Workato's input-schema sample; its operations are illustrative.
JMS = Connector(
    name="jms",
    title="JMS",
    categories=("Developer tools",),
    oauth=False,
    triggers=(Operation(name="new_message", title="New message"),),
    actions=(
        Operation(name="publish_message", title="Publish message"),
        Operation(name="publish_messages_batch", title="Publish messages in batch", batch=True),
    ),
)

_VARIANTS: tuple[tuple[str, str], ...] = (
    ("_v2", "{} (v2)"),
    ("_sandbox", "{} Sandbox"),
    ("_eu", "{} EU"),
    ("_legacy", "{} (Legacy)"),
    ("_cloud", "{} Cloud"),
    ("_on_prem", "{} On-prem"),
    ("_v3", "{} (v3)"),
    ("_test", "{} Test"),
)

_TRIGGERS: tuple[tuple[str, str, str], ...] = (
    # (name, title, flag): {s}/{p} is the singular/plural noun; flag is "", "batch" or "bulk"
    ("new_{s}", "New {s}", ""),
    ("updated_{s}", "New/updated {s}", ""),
    ("deleted_{s}", "Deleted {s}", ""),
    ("new_{s}_webhook", "New {s} (real-time)", ""),
    ("updated_{s}_webhook", "New/updated {s} (real-time)", ""),
    ("new_{p}_batch", "New {p} (batch)", "batch"),
    ("scheduled_{s}_search", "Scheduled {s} search", "batch"),
    ("updated_{p}_bulk", "New/updated {p} (bulk)", "bulk"),
)
_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("create_{s}", "Create {s}", ""),
    ("update_{s}", "Update {s}", ""),
    ("upsert_{s}", "Upsert {s}", ""),
    ("delete_{s}", "Delete {s}", ""),
    ("get_{s}", "Get {s} details by ID", ""),
    ("search_{p}", "Search {p}", ""),
    ("search_{p}_v2", "Search {p}", ""),
    ("create_{p}_batch", "Create {p} in batch", "batch"),
    ("update_{p}_batch", "Update {p} in batch", "batch"),
    ("bulk_create_{p}", "Create {p} in bulk", "bulk"),
    ("bulk_upsert_{p}", "Upsert {p} in bulk", "bulk"),
    ("export_{p}_bulk", "Export {p} in bulk", "bulk"),
    ("download_{s}_attachment", "Download {s} attachment", ""),
)
_ADHOC = Operation(name="__adhoc_http_action", title="Custom action")


class _Vocabulary(msgspec.Struct, frozen=True):
    apps: list[str]
    nouns: list[str]


class _VocabularyFile(msgspec.Struct, frozen=True):
    categories: dict[str, _Vocabulary]


class _Items(msgspec.Struct, frozen=True):
    items: list[Connector]


def load_data(filename: str) -> bytes:
    """Return the bytes of one of the package's ``data/*.json`` files."""
    return files(__package__).joinpath("data").joinpath(filename).read_bytes()


@cache
def _vocabulary() -> dict[str, _Vocabulary]:
    return msgspec.json.decode(load_data("vocabulary.json"), type=_VocabularyFile).categories


@cache
def documented_connectors() -> tuple[Connector, ...]:
    """Return Workato's documented sample connectors: google_drive, service_now and jms."""
    sample = msgspec.json.decode(
        load_data("integrations_google_drive_service_now.json"), type=_Items
    )
    return (*sample.items, JMS)


def _snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower().replace("&", "and")).strip("_")


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


@cache
def _base_apps() -> tuple[tuple[str, str, str], ...]:
    """Return ``(name, title, category)`` for every listed product, names unique."""
    taken = {c.name for c in documented_connectors()}
    apps: list[tuple[str, str, str]] = []
    for category, vocab in _vocabulary().items():
        for title in vocab.apps:
            name = _snake(title)
            if name not in taken:
                taken.add(name)
                apps.append((name, title, category))
    return tuple(apps)


def _operations(
    rng: random.Random, nouns: list[str], templates: tuple[tuple[str, str, str], ...], k: int
) -> list[Operation]:
    candidates: dict[str, Operation] = {}
    for noun in nouns:
        singular, plural = _snake(noun), _snake(_plural(noun))
        for name_t, title_t, flag in templates:
            name = name_t.format(s=singular, p=plural)
            title: str | None = title_t.format(s=noun, p=_plural(noun)).capitalize()
            if rng.random() < 0.03:  # Workato's OpenAPI allows a null title
                title = None
            candidates[name] = Operation(
                name=name,
                title=title,
                deprecated=rng.random() < 0.1,
                batch=flag == "batch",
                bulk=flag == "bulk",
            )
    chosen = list(candidates.values())
    return rng.sample(chosen, min(k, len(chosen)))


def _base_connector(name: str, title: str, category: str, seed: int) -> Connector:
    rng = random.Random(f"{seed}:{name}")
    vocab = _vocabulary()
    categories = [category]
    if rng.random() < 0.25:
        categories.append(rng.choice([c for c in vocab if c != category]))
    pool = vocab[category].nouns
    nouns = rng.sample(pool, rng.randint(1, min(5, len(pool))))
    triggers = _operations(rng, nouns, _TRIGGERS, rng.randint(0, 15))
    actions = _operations(rng, nouns, _ACTIONS, rng.randint(1, 30))
    if rng.random() < 0.8:
        actions = [_ADHOC, *actions[:29]]
    return Connector(
        name=name,
        title=title,
        categories=tuple(categories),
        oauth=rng.random() < 0.55,
        deprecated=rng.random() < 0.04,
        secondary=rng.random() < 0.08,
        triggers=tuple(sorted(triggers, key=attrgetter("name"))),
        actions=tuple(sorted(actions, key=attrgetter("name"))),
    )


def _variant(base: Connector, round_: int, seed: int) -> Connector:
    if round_ < len(_VARIANTS):
        suffix, title_t = _VARIANTS[round_]
    else:
        number = round_ - len(_VARIANTS) + 2
        suffix, title_t = f"_{number}", f"{{}} {number}"
    name = base.name + suffix
    # A cheap per-name hash keeps a variant's flags independent of the catalog size.
    bits = zlib.crc32(name.encode()) ^ seed
    return msgspec.structs.replace(
        base,
        name=name,
        title=title_t.format(base.title or base.name),
        deprecated=suffix == "_legacy" or bits % 17 == 0,
        secondary=suffix in ("_sandbox", "_test") or bits % 11 == 0,
        oauth=bool(bits & 0x100),
    )


def generate_catalog(size: int = 300, seed: int = 0) -> list[Connector]:
    """Return a realistic catalog of ``size`` connectors sorted by name, like Workato's.

    The result depends only on ``(size, seed)``; a connector's content depends only on
    its name and ``seed``. For ``size >= 3`` it contains the documented ``google_drive``,
    ``service_now`` and ``jms`` connectors verbatim. Sizes beyond the built-in product list
    add suffixed variants (``_v2``, ``_sandbox``, numbered ...); 50,000 takes well under a
    second.

    Parameters:
        size: how many connectors (``>= 0``).
        seed: picks which products appear and their operations and flags.

    Raises:
        ValueError: ``size`` is not an int ``>= 0`` or ``seed`` is not an int.

    Example::

        catalog = generate_catalog(50_000)
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError(f"size must be an int >= 0, got {size!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an int, got {seed!r}")
    documented = list(documented_connectors())
    apps = list(_base_apps())
    random.Random(seed).shuffle(apps)
    catalog = documented[:size] + [
        _base_connector(name, title, category, seed)
        for name, title, category in apps[: max(0, size - len(documented))]
    ]
    # Past the product list, every base gets its variants round by round, so that any
    # size spreads them evenly; here ``catalog`` holds every base.
    bases = list(catalog)
    taken = {c.name for c in bases}
    round_ = 0
    while len(catalog) < size:
        for base in bases:
            variant = _variant(base, round_, seed)
            if variant.name not in taken:
                taken.add(variant.name)
                catalog.append(variant)
                if len(catalog) == size:
                    break
        round_ += 1
    catalog.sort(key=attrgetter("name"))
    return catalog
