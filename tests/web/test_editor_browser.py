"""Issue 12, points 1 and 2, in a real headless Chromium (Debian's, installed and flagged as
`test_browser.py` does) against `ccgraph serve` for real (uvicorn on 127.0.0.1):

- a YASGUI page served from another origin (a second small HTTP server on another port,
  serving the vendored YASGUI files and a page pointing at ccgraph's `/sparql`) runs a query
  and shows its rows; the same page reads a preflighted query, an error and a refused
  update across origins, while a route outside the CORS policy stays closed to it;
- the editor at `/sparql` loads with nothing in the browser's console and no request to
  another host, offers a tab per saved query, and the `members-at` tab runs and shows the
  rows the REST API gives.

Screenshots go to tmp_path, or to docs/screenshots/ with CCGRAPH_WRITE_SCREENSHOTS=1.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ccgraph import namespaces as ns
from ccgraph import queries
from ccgraph.sources import ROOT
from ccgraph.web.editor import YASGUI_DIR

from . import test_browser as chromium  # its Chromium install, flags and screenshots

SAVED = sorted(queries.catalogue())
NETWORKS = ns.sparql_prologue("ccn", "rdfs") + (
    'SELECT ?network ?label WHERE { ?network a ccn:Network ; rdfs:label ?label '
    'FILTER (LANG(?label) = "en") } ORDER BY ?label')
ROWS = ".tabPanel.active .yasr table.dataTable tbody tr"


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    """Chromium as `test_browser.py` starts it, keeping its console and network logs."""
    chromium.install_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium.CHROMIUM)
    for flag in chromium.FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-editor')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(str(chromium.CHROMEDRIVER)))
    browser.set_page_load_timeout(chromium.WAIT)
    yield browser
    browser.quit()


def wait(driver):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, chromium.WAIT)


def sparql_json(server: str, query: str) -> list[dict]:
    request = urllib.request.Request(
        server + "/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["results"]["bindings"]


def console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def requested(driver, origin: str) -> list[str]:
    """The http(s) URLs the pages of `origin` asked for since the last call."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        url = message["params"]["request"]["url"]
        if message["params"].get("documentURL", "").startswith(origin) and \
                url.startswith(("http:", "https:")):
            urls.append(url)
    return urls


# --- YASGUI on another origin -------------------------------------------------------------


ELSEWHERE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>YASGUI elsewhere</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/yasgui/yasgui.min.css"></head>
<body><div id="yasgui"></div>
<script src="/yasgui/yasgui.min.js"></script>
<script>
  window.yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: ENDPOINT },
    copyEndpointOnNewTab: true,
    yasqe: { value: QUERY }
  });
</script></body></html>
"""


@contextlib.contextmanager
def elsewhere(endpoint: str, query: str):
    """A second origin: the vendored YASGUI files and a page that points YASGUI at
    `endpoint`, served on another port of 127.0.0.1; its base URL."""
    page = (ELSEWHERE_PAGE.replace("ENDPOINT", json.dumps(endpoint))
            .replace("QUERY", json.dumps(query)).encode())
    files = {"/": ("text/html", page)}
    for name, kind in (("yasgui.min.js", "text/javascript"), ("yasgui.min.css", "text/css")):
        files[f"/yasgui/{name}"] = (kind, (YASGUI_DIR / name).read_bytes())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            kind, body = files.get(self.path.split("?")[0], ("text/plain", b""))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


FETCHES = """
const [server, done] = [arguments[0], arguments[arguments.length - 1]];
async function read(url, options) {
  try {
    const response = await fetch(url, options);
    return {status: response.status, text: await response.text(),
            vary: response.headers.get("vary")};
  } catch (error) {
    return {error: String(error)};
  }
}
Promise.all([
  read(server + "/sparql", {method: "POST", body: "ASK {}", headers: {
    "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}}),
  read(server + "/doc/no/such/thing"),
  read(server + "/sparql", {method: "POST", body: "update=CLEAR%20ALL", headers: {
    "Content-Type": "application/x-www-form-urlencoded"}}),
  read(server + "/sparql", {headers: {"Accept": "text/turtle"}}),
  read(server + "/"),
]).then(done);
"""


def test_yasgui_on_another_origin_queries_the_endpoint(live_server, driver):
    from selenium.webdriver.common.by import By

    expected = [row["label"]["value"] for row in sparql_json(live_server, NETWORKS)]
    assert len(expected) >= 5
    with elsewhere(live_server + "/sparql", NETWORKS) as origin:
        assert origin.split(":")[-1] != live_server.split(":")[-1]
        driver.get(origin + "/")
        wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasqe_queryButton"))
        driver.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
        wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ROWS)) == len(expected))
        shown = [row.text for row in driver.find_elements(By.CSS_SELECTOR, ROWS)]
        for label, text in zip(expected, shown, strict=True):
            assert label in text

        # what a page elsewhere reads with fetch: a query that needs a preflight, an error,
        # a refused update, the service description; but not a page outside the policy
        driver.set_script_timeout(chromium.WAIT)
        ask, missing, update, description, home = driver.execute_async_script(
            FETCHES, live_server)
    assert ask["status"] == 200 and json.loads(ask["text"])["boolean"] is True
    assert missing["status"] == 404
    assert update["status"] == 403 and "read-only" in update["text"]
    assert description["status"] == 200 and "accept" in description["vary"].lower()
    assert "error" in home and "TypeError" in home["error"]  # CORS is really enforced


# --- the editor at /sparql --------------------------------------------------------------


def test_the_editor_runs_the_members_at_example(live_server, driver, tmp_path):
    from selenium.webdriver.common.by import By

    folder = ROOT / "docs" / "screenshots"
    if os.environ.get("CCGRAPH_WRITE_SCREENSHOTS") != "1":
        folder = tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    tabs = ".yasgui .tabsList .tab a span"
    driver.get_log("browser"), driver.get_log("performance")  # forget earlier tests' entries

    driver.get(live_server + "/sparql")
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, tabs)) == 1 + len(SAVED))
    names = [tab.text for tab in driver.find_elements(By.CSS_SELECTOR, tabs)]
    assert names == ["Query", *SAVED]
    completers = driver.execute_script(
        "return Object.keys(window.ccgraphEditor.getTab().getYasqe().autocompleters)")
    assert "class" not in completers and "property" not in completers
    assert driver.execute_script("return window.ccgraphEditor.getTab().getEndpoint()") \
        == live_server + "/sparql"

    # the members-at example, as the REST API answers it
    driver.find_element(By.CSS_SELECTOR, "#tab-saved-members-at").click()
    text = driver.execute_script("return window.ccgraphEditor.getTab().getYasqe().getValue()")
    rest = re.search(r"^# The same answer from the REST API: (\S+)$", text, re.M)
    assert rest is not None and "network=" in rest.group(1)
    request = urllib.request.Request(live_server + rest.group(1),
                                     headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        expected = json.load(response)
    assert expected, "the members-at example has rows"
    driver.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasqe_queryButton").click()
    wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ROWS))
    chip = driver.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr_response_chip").text
    assert chip.startswith(f"{len(expected)} results"), chip
    headers = [th.text for th in driver.find_elements(
        By.CSS_SELECTOR, ".tabPanel.active .yasr table.dataTable thead th")]
    assert [h for h in headers if h.strip() and h.strip() != "#"] == list(
        queries.get("members-at").columns)
    first = driver.find_elements(By.CSS_SELECTOR, ROWS)[0].text
    assert expected[0]["label"] in first
    assert chromium.screenshot(driver, folder, "editor").stat().st_size > 10_000

    # nothing in the console, nothing asked of another host, and the tabs kept on a reload
    assert console_errors(driver) == []
    urls = requested(driver, live_server)
    assert urls and all(url.startswith(live_server + "/") for url in urls), urls
    driver.refresh()
    wait(driver).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, tabs)) == 1 + len(SAVED))
    assert console_errors(driver) == []
