"""Turn Workato's HTML hints into safe markup: a small allowlist, everything else as text.

Hints come from Workato's API, so they are data: a hint may carry ``<b>``, ``<br>`` or a
"Learn more" link, and nothing stops one from carrying ``<script>`` or an ``onerror``
handler. The output is rebuilt from scratch: text is escaped, a handful of inline tags
are re-emitted without attributes, and links keep only an ``http``/``https``/``mailto``
``href``. Nothing from the input reaches the output unescaped.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from markupsafe import Markup, escape

__all__ = ["sanitize_hint"]

_INLINE_TAGS = frozenset({"b", "strong", "i", "em", "code", "u", "small"})
_BREAK_TAGS = frozenset({"br", "p", "div", "li"})
# Their content is not text a reader should see (nor code a browser should run).
_DROPPED_CONTENT = frozenset({"script", "style", "template", "noscript", "iframe", "object"})
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def _safe_href(value: str | None) -> str | None:
    if not value:
        return None
    href = value.strip()
    scheme = urlsplit(href).scheme.lower()
    # Relative links would point into the generated site, where they lead nowhere.
    return href if scheme in _LINK_SCHEMES else None


class _HintSanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._open: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_CONTENT:
            self._dropping += 1
        elif self._dropping:
            return
        elif tag in _INLINE_TAGS:
            self.parts.append(f"<{tag}>")
            self._open.append(tag)
        elif tag in _BREAK_TAGS:
            self._line_break()
        elif tag == "a":
            href = _safe_href(dict(attrs).get("href"))
            if href is None:
                return
            self.parts.append(
                f'<a href="{escape(href)}" target="_blank" rel="noopener noreferrer">'
            )
            self._open.append("a")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._dropping and tag in _BREAK_TAGS:
            self._line_break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_CONTENT:
            self._dropping = max(0, self._dropping - 1)
        elif self._dropping:
            return
        elif tag in _BREAK_TAGS:
            # Workato writes ``</br>`` where it means ``<br>``.
            self._line_break()
        elif tag in self._open:
            while self._open:
                closed = self._open.pop()
                self.parts.append(f"</{closed}>")
                if closed == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self.parts.append(str(escape(data)))

    def _line_break(self) -> None:
        if self.parts and self.parts[-1] != "<br>":
            self.parts.append("<br>")

    def result(self) -> str:
        self.close()
        while self._open:
            self.parts.append(f"</{self._open.pop()}>")
        while self.parts and self.parts[-1] == "<br>":
            self.parts.pop()
        return "".join(self.parts).strip()


def sanitize_hint(hint: str | None) -> Markup | None:
    """Return a hint as safe inline HTML, or ``None`` when there is nothing to show.

    Parameters
    ----------
    hint:
        Workato's hint text, which may contain HTML.

    Returns
    -------
    Markup | None
        Escaped text with only ``b, strong, i, em, code, u, small``, line breaks, and
        links to ``http``/``https``/``mailto`` URLs (opened in a new tab).
    """
    if not hint or not hint.strip():
        return None
    parser = _HintSanitizer()
    parser.feed(hint)
    html = parser.result()
    # The result is built only from escaped text and tags emitted above.
    return Markup(html) if html else None
