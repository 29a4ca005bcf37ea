"""The query editor at `/sparql` (issue 12, point 2; `ccgraph.web.editor`), in process over
the embedded store of the shipped data: who gets it, the vendored YASGUI files and their
note, that the page loads nothing from another host, and its tab per saved query, each
answering as the saved query does. `test_editor_browser.py` runs it in Chromium."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

from ccgraph import namespaces as ns
from ccgraph import queries
from ccgraph.sources import ROOT
from ccgraph.web import editor

from .responses import media

PACKAGE = ROOT / "src" / "ccgraph"
YASGUI = PACKAGE / "web" / "static" / "yasgui"
SCRIPT = ROOT / "scripts" / "vendor_yasgui.py"
BROWSER = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
           "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")  # Chromium's
SAVED = sorted(queries.catalogue())
# what loads a resource from elsewhere: a URL to a script, style sheet, font or image file,
# a CDN, a CSS import or url() to another host
REMOTE_FILE = re.compile(r"""(https?:)?//[\w.-]+(:\d+)?/[^\s"'`)]*"""
                         r"\.(m?js|css|woff2?|ttf|otf|eot|png|gif|svg)\b")
CDN = re.compile(r"cdn\.|unpkg\.com|jsdelivr|cdnjs|googleapis|gstatic|kit\.fontawesome")
CSS_REMOTE = re.compile(r"""url\(\s*['"]?\s*(https?:)?//|@import""", re.I)


class Page(HTMLParser):
    """What a page loads (script, style sheet, image... sources) and its editor settings."""

    LOADS = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
             "audio": "src", "video": "src", "embed": "src", "object": "data"}

    def __init__(self, text: str):
        super().__init__()
        self.loads: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []
        self.config_text = ""
        self._in_config = False
        self.text = text
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"])
        if tag in self.LOADS and found.get(self.LOADS[tag]):
            self.loads.append((tag, found[self.LOADS[tag]]))
        if tag == "a" and found.get("href"):
            self.links.append((tag, found["href"]))
        self._in_config = tag == "script" and found.get("id") == "editor-config"

    def handle_data(self, data):
        if self._in_config:
            self.config_text += data

    def handle_endtag(self, tag):
        self._in_config = False

    @property
    def config(self) -> dict:
        return json.loads(self.config_text)


@pytest.fixture(scope="module")
def page(client) -> Page:
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 200
    return Page(response.text)


# --- who gets the editor ----------------------------------------------------------------


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "text/turtle"),
    ("*/*", "text/turtle"),
    ("text/*", "text/turtle"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("text/turtle, text/html;q=0.5", "text/turtle"),
    ("text/html", "text/html"),
    ("text/html;q=0.9, text/turtle;q=0.5", "text/html"),
    (BROWSER, "text/html"),
], ids=["none", "any", "text", "turtle", "jsonld", "turtle-first", "html", "html-first",
        "chromium"])
def test_a_browser_gets_the_editor_and_programs_the_description(client, accept, expected):
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert media(response) == expected
    assert "accept" in response.headers["vary"].lower()
    assert ('id="yasgui"' in response.text) == (expected == "text/html")


def test_a_query_from_a_browser_is_answered_not_edited(client):
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert media(response) == "application/sparql-results+json"


# --- the page -----------------------------------------------------------------------------


def test_the_page_starts_yasgui_on_this_endpoint(page):
    assert "yasgui" in page.ids
    assert ("script", "/static/yasgui/yasgui.min.js") in page.loads
    assert ("link", "/static/yasgui/yasgui.min.css") in page.loads
    scripts = [src for tag, src in page.loads if tag == "script"]
    assert scripts.index("/static/yasgui/yasgui.min.js") < scripts.index("/static/editor.js")
    assert page.config["endpoint"] == "/sparql"  # made absolute in the page: same origin
    version = (YASGUI / "VERSION").read_text(encoding="utf-8").strip()
    assert f"YASGUI {version}" in page.text
    assert ("a", "/static/yasgui/LICENSE.txt") in page.links


def test_a_tab_per_saved_query(page):
    tabs = page.config["examples"]
    assert [tab["name"] for tab in tabs] == SAVED
    assert len({tab["id"] for tab in tabs}) == len(tabs)
    for tab in tabs:
        summary = queries.get(tab["name"]).summary
        assert tab["query"].startswith(f"# {tab['name']}: {summary}\n")


def test_nothing_is_loaded_from_another_host(client, page):
    for tag, url in page.loads:
        assert url.startswith("/") and not url.startswith("//"), (tag, url)
    for path in [url for tag, url in page.loads if url.endswith(".css")]:
        css = client.get(path).text
        assert not CSS_REMOTE.search(css), path
    script = client.get("/static/editor.js").text
    assert not re.search(r"https?://", script)


def test_the_vendored_bundle_loads_nothing_from_the_web():
    """No font, style sheet, script or image from another host or a CDN. The one remote
    service the bundle can ask (Linked Open Vocabularies, for class and property completion)
    is switched off by the page: `test_editor_browser.py` watches every request."""
    for name in ("yasgui.min.js", "yasgui.min.css"):
        text = (YASGUI / name).read_text(encoding="utf-8")
        assert REMOTE_FILE.findall(text) == [], name
        assert CDN.findall(text) == [], name
    assert not CSS_REMOTE.search((YASGUI / "yasgui.min.css").read_text(encoding="utf-8"))
    assert "lov.linkeddata.es" in (YASGUI / "yasgui.min.js").read_text(encoding="utf-8")
    script = (PACKAGE / "web" / "static" / "editor.js").read_text(encoding="utf-8")
    assert 'name !== "class" && name !== "property"' in script


# --- the vendored files ---------------------------------------------------------------


@pytest.mark.parametrize(("path", "types"), [
    ("/static/yasgui/yasgui.min.js", ("text/javascript", "application/javascript")),
    ("/static/yasgui/yasgui.min.css", ("text/css",)),
    ("/static/yasgui/LICENSE.txt", ("text/plain",)),
    ("/static/yasgui/THIRD-PARTY-LICENSES.txt", ("text/plain",)),
    ("/static/editor.js", ("text/javascript", "application/javascript")),
])
def test_vendored_files_are_served(client, path, types):
    response = client.get(path)
    assert response.status_code == 200
    assert media(response) in types
    assert response.content == (PACKAGE / "web" / path.removeprefix("/")).read_bytes()


def test_the_note_says_what_was_vendored_and_how_to_update_it():
    version = (YASGUI / "VERSION").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    note = (YASGUI / "README.md").read_text(encoding="utf-8")
    assert "`@zazuko/yasgui`" in note and f"version {version}" in note
    assert f"python3 scripts/vendor_yasgui.py {version}" in note
    assert SCRIPT.is_file()
    for name in ("yasgui.min.js", "yasgui.min.css"):
        digest = hashlib.sha256((YASGUI / name).read_bytes()).hexdigest()
        assert f"{digest}  {name}" in note
    licence = (YASGUI / "LICENSE.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Permission is hereby granted" in licence
    third = (YASGUI / "THIRD-PARTY-LICENSES.txt").read_text(encoding="utf-8")
    for bundled in ("codemirror@", "jquery@", "datatables.net@", "@zazuko/yasqe@"):
        assert bundled in third


# --- the example tabs -------------------------------------------------------------------


@pytest.mark.parametrize("name", SAVED)
def test_each_example_answers_as_its_saved_query(stores, client, name):
    store = stores["embedded"]
    query = queries.get(name)
    tab = editor.example(store, query)
    answer = store.select(tab.query)
    assert answer.variables == query.columns
    values, free = editor.example_values(query)
    assert dict(tab.values) == values
    for param in query.params:
        if param.default is not None:
            assert values[param.name] == param.default
    if free:  # left free: the text says so, and the REST API needs them
        for param in free:
            assert f"#   {param.name} (free: any value)" in tab.query
        return
    assert answer == queries.run(store, name, values)
    url = re.search(r"^# The same answer from the REST API: (\S+)$", tab.query, re.M)
    assert url is not None
    rest = client.get(url.group(1), headers={"Accept": "application/json"})
    assert rest.status_code == 200
    assert len(rest.json()) == len(answer.rows)


def test_members_at_binds_the_showcase_network_and_has_rows(stores):
    store = stores["embedded"]
    tab = editor.example(store, queries.get("members-at"))
    assert dict(tab.values)["network"] == editor.showcase_values()["members-at"]["network"]
    assert dict(tab.values)["date"] == "today"
    assert len(store.select(tab.query).rows) > 0
    assert "VALUES ?network {" in tab.query


def test_examples_are_made_by_name(stores):
    assert [tab.name for tab in editor.examples(stores["embedded"])] == SAVED


def test_the_page_lists_the_project_prefixes(page):
    prefixes = page.config["prefixes"]
    assert prefixes["ccn"] == "https://w3id.org/ccgraph/ontology#"
    assert prefixes["org"] == "http://www.w3.org/ns/org#"
    assert prefixes["id"] == ns.base() + "id/"
