"""Generate a static, self-contained marketplace of Workato connectors.

``build_site(connectors, out_dir)`` writes ``index.html`` (searchable cards),
``connectors/<name>.html`` (triggers, actions and a connection-form preview) and
``catalog.json`` (the same data as a feed). Needs the ``marketplace`` extra (Jinja2).
"""

from ._build import build_site as build_site

__all__ = ["build_site"]
