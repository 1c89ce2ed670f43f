"""Unit tests of the generated marketplace: HTML, escaping, file names and the feed."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest

from workato_connectors import Connector, Operation, PickListOption, SchemaField
from workato_connectors.marketplace import build_site
from workato_connectors.marketplace._build import FEED_VERSION, page_filenames
from workato_connectors.marketplace._hints import sanitize_hint
from workato_connectors.marketplace._preview import build_form, ngif_references, widget_for

SAMPLES = Path(__file__).parent / "samples"
XSS = "<script>alert(1)</script>"
ONE = (PickListOption("A", 1),)


def sample_connectors() -> list[Connector]:
    raw = (SAMPLES / "integrations_google_drive_service_now.json").read_bytes()
    return msgspec.json.decode(raw, type=dict[str, list[Connector]])["items"]


def jms_schema() -> list[SchemaField]:
    raw = (SAMPLES / "input_schema_jms.json").read_bytes()
    return msgspec.json.decode(raw, type=dict[str, list[SchemaField]])["result"]


def catalog() -> list[Connector]:
    return [
        *sample_connectors(),
        Connector(name="jms", title="JMS", categories=("Messaging",)),
        Connector(
            name="legacy_crm",
            title="Legacy CRM",
            categories=("CRM",),
            deprecated=True,
            actions=(
                Operation(name="bulk_export", title="Export in bulk", bulk=True),
                Operation(name="batch_create", title="Create in batch", batch=True),
                Operation(name="old_search", title=None, deprecated=True),
            ),
        ),
    ]


def cards(index_html: str) -> dict[str, str]:
    """Return each card's markup by the title in its link."""
    markup = re.findall(r'<li class="card".*?</li>', index_html, flags=re.DOTALL)
    titles = [re.search(r'<h2><a href="[^"]*">(.*?)</a></h2>', m) for m in markup]
    return {t.group(1): m for t, m in zip(titles, markup, strict=True) if t}


def test_build_site_returns_the_absolute_index_and_writes_pages_feed_and_assets(
    tmp_path: Path,
) -> None:
    index = build_site(catalog(), tmp_path / "site")

    assert index == (tmp_path / "site" / "index.html").resolve()
    assert index.is_absolute() and index.is_file()
    site = index.parent
    pages = sorted(p.name for p in (site / "connectors").iterdir())
    assert pages == ["google_drive.html", "jms.html", "legacy_crm.html", "service_now.html"]
    assert (site / "catalog.json").is_file()
    assets = sorted(p.name for p in (site / "assets").iterdir())
    assert assets == ["marketplace.css", "marketplace.js", "ngif.js", "preview.js"]


def test_a_connector_titled_with_a_script_tag_renders_as_text(tmp_path: Path) -> None:
    evil = Connector(
        name="evil",
        title=XSS,
        categories=('"><img src=x onerror=alert(2)>',),
        actions=(Operation(name="a", title="<b onmouseover=alert(3)>x</b>"),),
    )
    index = build_site([evil], tmp_path, schemas={"evil": [SchemaField(name="x", label=XSS)]})
    page = (tmp_path / "connectors" / "evil.html").read_text()
    html = index.read_text()

    for text in (html, page):
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "<b onmouseover" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert '<option value="&#34;&gt;&lt;img src=x onerror=alert(2)&gt;">' in html
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; · App marketplace</title>" in page
    feed = msgspec.json.decode((tmp_path / "catalog.json").read_bytes())
    assert feed["connectors"][0]["title"] == XSS


def test_cards_show_title_categories_oauth_badge_and_operation_counts(tmp_path: Path) -> None:
    html = build_site(catalog(), tmp_path).read_text()
    by_title = cards(html)

    assert list(by_title) == ["Google Drive", "JMS", "Legacy CRM", "ServiceNow"]
    drive = by_title["Google Drive"]
    assert '<p class="cats">Document/File · Sales Enablement</p>' in drive
    assert '<span class="badge oauth">OAuth</span>' in drive
    assert "2 triggers · 7 actions" in drive
    assert 'href="connectors/google_drive.html"' in drive
    assert 'data-d="0"' in drive
    legacy = by_title["Legacy CRM"]
    assert "OAuth" not in legacy
    assert '<span class="badge deprecated">Deprecated</span>' in legacy
    assert "0 triggers · 3 actions" in legacy
    assert 'data-d="1"' in legacy
    assert "1 trigger ·" not in html


def test_cards_carry_name_title_and_operation_titles_for_search(tmp_path: Path) -> None:
    drive = cards(build_site(catalog(), tmp_path).read_text())["Google Drive"]

    search = re.search(r'data-s="([^"]*)"', drive)
    assert search is not None
    terms = search.group(1).split("\n")
    assert terms[:3] == ["google_drive", "Google Drive", "New file or folder in folder hierarchy"]
    assert "Upload large file" in terms
    assert len(terms) == len(set(terms))


def test_category_filter_lists_each_category_once_with_its_count(tmp_path: Path) -> None:
    html = build_site(catalog(), tmp_path).read_text()

    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', html)
    assert options[0] == ("", "All categories")
    assert ("CRM", "CRM (1)") in options
    assert [value for value, _ in options[1:]] == sorted(
        {c for connector in catalog() for c in connector.categories}, key=str.casefold
    )
    assert 'role="status" aria-live="polite">4 apps</p>' in html
    assert '<label for="search">' in html and '<label for="hide-deprecated">' in html


def test_connector_page_lists_operations_with_deprecated_bulk_and_batch_flags(
    tmp_path: Path,
) -> None:
    build_site(catalog(), tmp_path)
    page = (tmp_path / "connectors" / "legacy_crm.html").read_text()

    rows = re.findall(r"<tr.*?</tr>", page)
    assert any("Export in bulk" in r and '<span class="badge">Bulk</span>' in r for r in rows)
    assert any("Create in batch" in r and '<span class="badge">Batch</span>' in r for r in rows)
    untitled = next(r for r in rows if "old_search" in r)
    assert "<em>Untitled</em>" in untitled and "badge deprecated" in untitled
    assert "No triggers." in page
    assert "Connection form preview" not in page


def test_pages_say_when_a_schema_was_not_fetched_or_is_empty(tmp_path: Path) -> None:
    build_site(catalog(), tmp_path, schemas={"jms": [], "legacy_crm": None, "unknown": []})

    assert (
        "input schema of this connector has no fields"
        in (tmp_path / "connectors" / "jms.html").read_text()
    )
    for name in ("legacy_crm", "google_drive"):
        assert (
            "No input schema was fetched" in (tmp_path / "connectors" / f"{name}.html").read_text()
        )
    feed = msgspec.json.decode((tmp_path / "catalog.json").read_bytes())
    assert feed["schemas"] == {"jms": [], "legacy_crm": None}


def test_jms_preview_renders_fields_with_conditions_and_sanitized_hints(tmp_path: Path) -> None:
    build_site(catalog(), tmp_path, schemas={"jms": jms_schema()})
    page = (tmp_path / "connectors" / "jms.html").read_text()

    assert (
        'data-field="profile" data-widget="text" data-ngif="!line.use_managed_connection"' in page
    )
    assert (
        'data-field="provider" data-widget="select" data-ngif="line.use_managed_connection"' in page
    )
    assert '<option value="0" data-v="&#34;amazon-sqs&#34;">Amazon SQS</option>' in page
    assert "<b>config.yml</b>" in page
    assert 'target="_blank" rel="noopener noreferrer">Learn more</a>' in page
    assert page.index('name="use_managed_connection" type="checkbox"') < page.index(
        'name="profile"'
    )
    assert '<script src="../assets/ngif.js" defer></script>' in page


def test_ngif_expressions_with_quotes_are_escaped_in_attributes(tmp_path: Path) -> None:
    fields = [
        SchemaField(name="mode", control_type="select", pick_list=(PickListOption("A", "a"),)),
        SchemaField(name="x", ng_if="line.mode == \"a\" && line.n != '<b>'"),
    ]
    build_site([Connector(name="c")], tmp_path, schemas={"c": fields})
    page = (tmp_path / "connectors" / "c.html").read_text()

    assert 'data-ngif="line.mode == &#34;a&#34; &amp;&amp; line.n != &#39;&lt;b&gt;&#39;"' in page


def test_catalog_feed_round_trips_connectors_and_schemas(tmp_path: Path) -> None:
    schema = jms_schema()
    build_site(catalog(), tmp_path, schemas={"jms": schema}, title="Our apps")

    class Feed(msgspec.Struct):
        version: int
        generator: str
        title: str
        count: int
        categories: list[str]
        connectors: list[Connector]
        pages: dict[str, str]
        schemas: dict[str, list[SchemaField] | None]

    feed = msgspec.json.decode((tmp_path / "catalog.json").read_bytes(), type=Feed)
    assert feed.version == FEED_VERSION
    assert feed.generator.startswith("workato-connectors ")
    assert feed.title == "Our apps"
    assert feed.count == 4
    assert {c.name: c for c in feed.connectors} == {c.name: c for c in catalog()}
    assert feed.pages["service_now"] == "connectors/service_now.html"
    assert feed.schemas == {"jms": schema}
    assert b'"ngIf":"!line.use_managed_connection"' in (tmp_path / "catalog.json").read_bytes()


def test_rebuilding_unchanged_data_writes_identical_files(tmp_path: Path) -> None:
    def snapshot(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    build_site(catalog(), tmp_path / "a", schemas={"jms": jms_schema()})
    build_site(list(reversed(catalog())), tmp_path / "b", schemas={"jms": jms_schema()})

    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_rerun_replaces_pages_drops_stale_ones_and_keeps_unrelated_files(tmp_path: Path) -> None:
    build_site(catalog(), tmp_path)
    (tmp_path / "CNAME").write_text("apps.example.com")
    (tmp_path / "connectors" / ".google_drive.html.x1.tmp").write_text("interrupted")

    build_site([c for c in catalog() if c.name != "legacy_crm"], tmp_path, title="Again")

    names = sorted(p.name for p in (tmp_path / "connectors").iterdir())
    assert names == ["google_drive.html", "jms.html", "service_now.html"]
    assert (tmp_path / "CNAME").read_text() == "apps.example.com"
    assert "<title>Again</title>" in (tmp_path / "index.html").read_text()
    assert "legacy_crm" not in (tmp_path / "index.html").read_text()


def test_hostile_connector_names_get_page_files_inside_out_dir(tmp_path: Path) -> None:
    names = ["../../escape", "a/b", "con", "Foo", "foo", "sp ace", "ünï", ".."]
    out = tmp_path / "site"
    build_site([Connector(name=n) for n in names], out)

    written = [p for p in tmp_path.rglob("*.html") if p.parent.name == "connectors"]
    assert len(written) == len(names)
    assert all(p.parent == out / "connectors" for p in written)
    assert len({p.name.casefold() for p in written}) == len(names)
    hrefs = re.findall(r'<h2><a href="([^"]+)">', (out / "index.html").read_text())
    assert sorted(hrefs) == sorted(f"connectors/{p.name}" for p in written)


def test_page_filenames_keep_plain_names_and_hash_everything_else() -> None:
    files = page_filenames(["google_drive", "Foo", "foo", "a/b", "CON", "x" * 101])

    assert files["google_drive"] == "google_drive.html"
    assert files["Foo"] == "Foo.html"
    assert re.fullmatch(r"foo-[0-9a-f]{12}\.html", files["foo"])
    assert re.fullmatch(r"a-b-[0-9a-f]{12}\.html", files["a/b"])
    assert re.fullmatch(r"CON-[0-9a-f]{12}\.html", files["CON"])
    assert len(files["x" * 101]) < 100
    assert len(set(files.values())) == 6


@pytest.mark.parametrize(
    ("connectors", "error", "message"),
    [
        ([Connector(name="a"), Connector(name="a")], ValueError, "appears twice"),
        ([Connector(name="")], ValueError, "empty name"),
        ([{"name": "a"}], TypeError, "got dict"),
        ("google_drive", TypeError, "not a string"),
    ],
)
def test_bad_connectors_raise_a_clear_error(
    tmp_path: Path, connectors: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        build_site(connectors, tmp_path)  # type: ignore[arg-type]
    assert not (tmp_path / "index.html").exists()


def test_schemas_that_are_not_schema_fields_are_a_type_error(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"schemas\['jms'\] must be a sequence of SchemaField"):
        build_site(catalog(), tmp_path, schemas={"jms": [{"name": "profile"}]})  # type: ignore[list-item]
    with pytest.raises(TypeError, match="schemas must map"):
        build_site(catalog(), tmp_path, schemas=[("jms", [])])  # type: ignore[arg-type]


def test_out_dir_that_is_a_file_or_a_blank_title_is_a_value_error(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ValueError, match="is not a directory"):
        build_site([], target)
    with pytest.raises(ValueError, match="title"):
        build_site([], tmp_path / "site", title="  ")


def test_index_stays_lean_with_five_thousand_connectors(tmp_path: Path) -> None:
    operations = tuple(Operation(name=f"op_{i}", title=f"Do thing number {i}") for i in range(20))
    many = [
        Connector(
            name=f"app_{i:04d}",
            title=f"App {i:04d}",
            categories=(f"Cat {i % 25}",),
            oauth=i % 2 == 0,
            triggers=operations[:5],
            actions=operations[5:],
        )
        for i in range(5000)
    ]
    index = build_site(many, tmp_path)
    html = index.read_text()

    assert html.count('<li class="card"') == 5000
    assert len(index.read_bytes()) / 5000 < 800
    assert html.count("<option") == 26


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("Plain <b>bold</b> and <i>it</i>", "Plain <b>bold</b> and <i>it</i>"),
        ("one</br>two<br/>three", "one<br>two<br>three"),
        ("<a href='https://x.test/a?b=1&c=2'>docs</a>", "https://x.test/a?b=1&amp;c=2"),
        ("<img src=x onerror=alert(1)>kept", "kept"),
        ("<script>alert(1)</script>after", "after"),
        ("<a href='javascript:alert(1)'>click</a>", "click"),
        ('<a href="https://a" onclick="x()">a</a>', '<a href="https://a" target="_blank"'),
        ("&lt;not a tag&gt; 1 < 2", "&lt;not a tag&gt; 1 &lt; 2"),
        ("<b><i>unclosed", "<b><i>unclosed</i></b>"),
    ],
)
def test_sanitize_hint_keeps_inline_tags_and_safe_links_only(hint: str, expected: str) -> None:
    result = sanitize_hint(hint)

    assert result is not None and expected in result
    for bad in ("<img", "<script", "javascript:", "onerror", "onclick"):
        assert bad not in result


def test_sanitize_hint_of_nothing_is_none() -> None:
    assert sanitize_hint(None) is None
    assert sanitize_hint("  ") is None
    assert sanitize_hint("<script>x</script>") is None


@pytest.mark.parametrize(
    ("field", "widget"),
    [
        (SchemaField(name="a"), "text"),
        (SchemaField(name="a", control_type="password"), "password"),
        (SchemaField(name="a", control_type="text-area"), "textarea"),
        (SchemaField(name="a", control_type="select", pick_list=ONE), "select"),
        (SchemaField(name="a", control_type="select", pick_list="objects"), "dynamic-select"),
        (SchemaField(name="a", control_type="multiselect", pick_list=ONE), "multiselect"),
        (SchemaField(name="a", control_type="checkbox"), "checkbox"),
        (SchemaField(name="a", type="boolean"), "checkbox"),
        (SchemaField(name="a", control_type="integer"), "integer"),
        (SchemaField(name="a", type="number"), "number"),
        (SchemaField(name="a", control_type="date"), "date"),
        (SchemaField(name="a", type="date_time"), "datetime"),
        (SchemaField(name="a", control_type="email"), "email"),
        (SchemaField(name="a", control_type="url"), "url"),
        (SchemaField(name="a", control_type="phone"), "tel"),
        (SchemaField(name="a", type="object", properties=(SchemaField(name="b"),)), "group"),
        (SchemaField(name="a", control_type="no-such-control"), "text"),
    ],
)
def test_widget_for_maps_control_types_to_widgets(field: SchemaField, widget: str) -> None:
    assert widget_for(field) == widget


def test_ngif_references_collect_names_and_compared_literals() -> None:
    expression = "line.a == \"x\" || 'y' != line.a && !line.b || line.c.d == 3 || line.e === 2"

    assert ngif_references(expression) == {"a": ["x", "y"], "b": [], "e": [2]}
    assert ngif_references("line.a == 'x' == 'y'") == {}


def test_jms_preview_adds_a_stand_in_checkbox_before_its_first_reader() -> None:
    views = build_form(jms_schema())

    assert [(v.name, v.widget, v.synthetic) for v in views] == [
        ("use_managed_connection", "checkbox", True),
        ("profile", "text", False),
        ("provider", "select", False),
    ]
    assert views[0].label == "Use managed connection"
    assert views[2].extends_schema and [o.label for o in views[2].options][0] == "Amazon SQS"


def test_conditions_comparing_an_undeclared_name_get_a_select_of_the_compared_values() -> None:
    views = build_form(
        [
            SchemaField(name="user", ng_if="line.auth_type == 'basic'"),
            SchemaField(name="token", ng_if="line.auth_type == 'api_key' || line.auth_type == 2"),
            SchemaField(name="mode", ng_if="line.mode == 'x'"),
            SchemaField(name="tls", ng_if="line.secure == 'true' || line.secure == false"),
        ]
    )

    stand_in = views[0]
    assert (stand_in.name, stand_in.widget, stand_in.synthetic) == ("auth_type", "select", True)
    assert [(o.label, o.json) for o in stand_in.options] == [
        ("basic", '"basic"'),
        ("api_key", '"api_key"'),
        ("2", "2"),
    ]
    assert [v.name for v in views] == ["auth_type", "user", "token", "mode", "secure", "tls"]
    assert views[4].widget == "checkbox"


def test_nested_properties_render_as_a_fieldset_whose_fields_see_their_siblings(
    tmp_path: Path,
) -> None:
    fields = [
        SchemaField(
            name="advanced",
            label="Advanced",
            type="object",
            properties=(
                SchemaField(name="verbose", type="boolean"),
                SchemaField(name="level", control_type="integer", ng_if="line.verbose"),
            ),
        )
    ]
    views = build_form(fields)
    build_site([Connector(name="c")], tmp_path, schemas={"c": fields})
    page = (tmp_path / "connectors" / "c.html").read_text()

    assert [v.name for v in views[0].children] == ["verbose", "level"]
    assert not any(v.synthetic for v in views[0].children)
    assert '<fieldset class="field group" data-field="advanced" data-widget="group">' in page
    assert "<legend>Advanced</legend>" in page
    assert 'type="number" step="1"' in page


def test_stand_ins_join_the_object_whose_fields_read_them() -> None:
    views = build_form(
        [
            SchemaField(name="sandbox", type="boolean"),
            SchemaField(
                name="advanced",
                type="object",
                properties=(SchemaField(name="url", ng_if="line.sandbox"),),
            ),
        ]
    )

    assert [v.name for v in views] == ["sandbox", "advanced"]
    assert [(v.name, v.synthetic) for v in views[1].children] == [
        ("sandbox", True),
        ("url", False),
    ]
    assert len({v.dom_id for v in (*views, *views[1].children)}) == 4


def test_generated_pages_load_nothing_from_other_origins(tmp_path: Path) -> None:
    build_site(catalog(), tmp_path, schemas={"jms": jms_schema()})

    for page in tmp_path.rglob("*.html"):
        html = page.read_text()
        loads = re.findall(r'<(?:script|link|img)\b[^>]*(?:src|href)="([^"]+)"', html)
        assert loads, page
        assert all(url == "data:," or not re.match(r"[a-z]+:|//", url) for url in loads), page
        assert "default-src 'none'" in html
