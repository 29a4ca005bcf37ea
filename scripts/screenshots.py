"""Renew the screenshots of docs/screenshots/: start `ccgraph serve` over a fresh embedded
store of the shipped data, open each page in Debian's headless Chromium at 1280 px wide
(driven by Selenium through /usr/bin/chromedriver, so nothing is downloaded), save it as a
PNG, and stop the server.

    python scripts/screenshots.py [--out docs/screenshots] [--only NAME ...]

Needs the `server` and `test` extras (Starlette, uvicorn, Jinja2, Selenium) and Debian's
`chromium` and `chromium-driver`. Exit codes: 0 ok; 1 the server or the browser failed;
2 usage error.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--lang=en-US", "--hide-scrollbars")
WIDTH = 1280
TALLEST = 2400  # pixels of a page kept, from its top
# name: (path, what the page must show: the picture starts at its top when `from_it`)
PAGES = {
    "home": ("/?q=Tori", "section.results", False),
    "city": ("/doc/city/it/turin", "ol.timeline", False),
    "network": ("/doc/network/gai", "table.members", False),
    "network-history": ("/doc/network/gai", "#history", True),
    "queries-members-at": ("/queries/members-at.html?network=gai&date=2022-01-01",
                           "table", False),
}
START = 120  # seconds the server may take to build its store and answer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(scratch: Path) -> tuple[subprocess.Popen, str]:
    """`ccgraph serve` on a free port of 127.0.0.1 over a new store in `scratch`; its URL
    once it answers."""
    port = free_port()
    command = [sys.executable, "-c", "import sys; from ccgraph.cli import main; sys.exit(main())",
               "serve", "--port", str(port), "--data-dir", str(scratch / "store"),
               "--workers", "2"]
    log = scratch / "server.log"
    with log.open("wb") as written:
        server = subprocess.Popen(command, stdout=written, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url + "/", timeout=5):
                return server, url
        except OSError:
            time.sleep(0.5)
    stop(server)
    said = log.read_text(encoding="utf-8", errors="replace").strip()[-1000:]
    raise RuntimeError(f"the server did not start within {START} s: {said}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def browser(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={WIDTH},900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    return driver


def capture(driver, url: str, shown: str, from_it: bool, path: Path) -> None:
    """The page at `url`, `WIDTH` pixels wide and as tall as it is (up to TALLEST), from
    its top or from the top of the element `shown`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.set_window_size(WIDTH, 900)
    driver.get(url)
    element = WebDriverWait(driver, 30).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, shown)))
    top = int(driver.execute_script("return arguments[0].getBoundingClientRect().top "
                                    "+ window.scrollY - 24", element)) if from_it else 0
    height = int(driver.execute_script("return document.documentElement.scrollHeight")) - top
    driver.set_window_size(WIDTH, max(700, min(height, TALLEST)))
    driver.execute_script("window.scrollTo(0, arguments[0])", top)
    driver.save_screenshot(str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots",
                        help="folder to write the PNGs to (default: docs/screenshots)")
    parser.add_argument("--only", nargs="+", choices=sorted(PAGES), metavar="NAME",
                        help=f"only these screenshots ({', '.join(PAGES)})")
    args = parser.parse_args(argv)
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        print("screenshots: needs Debian's chromium and chromium-driver", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ccgraph-screenshots-") as scratch:
        try:
            server, url = serve(Path(scratch))
        except RuntimeError as error:
            print(f"screenshots: {error}", file=sys.stderr)
            return 1
        try:
            driver = browser(Path(scratch) / "chromium")
            try:
                for name in args.only or PAGES:
                    path, shown, from_it = PAGES[name]
                    target = args.out / f"{name}.png"
                    capture(driver, url + path, shown, from_it, target)
                    print(target)
            finally:
                driver.quit()
        except Exception as error:  # the browser's: report it, stop the server anyway
            print(f"screenshots: {type(error).__name__}: {error}", file=sys.stderr)
            return 1
        finally:
            stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
