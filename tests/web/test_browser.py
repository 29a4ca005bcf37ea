"""End to end: a real uvicorn server on 127.0.0.1 and a real headless Chromium, driven by
Selenium through what a person does: search the home page for a city, open it, follow
its network, change the date. Checks what the rendered page shows.

Chromium is Debian's (`/usr/bin/chromium`, `/usr/bin/chromedriver`); the setup installs
it with apt-get when it is missing and fails, never skips, when that does not work.
Selenium is given the driver's path, so it never downloads one.

Screenshots go to tmp_path, or to docs/screenshots/ with CCGRAPH_WRITE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from ccgraph.sources import ROOT
from installs import installing

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--lang=en-US", "--window-size=1280,900")
WAIT = 20  # seconds


def install_chromium() -> None:
    """Install Debian's chromium and chromium-driver if they are missing (we run as root),
    one worker at a time."""
    with installing("apt"):
        _install_chromium()


def _install_chromium() -> None:
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium",
               "chromium-driver"]
    if shutil.which("apt-get") is None:
        pytest.fail("Chromium is missing and there is no apt-get to install it")
    result = subprocess.run(install, capture_output=True, text=True, env=env)
    if result.returncode != 0:  # stale package lists: update once, then try again
        subprocess.run(["apt-get", "update"], capture_output=True, text=True, env=env)
        result = subprocess.run(install, capture_output=True, text=True, env=env)
    if result.returncode != 0 or not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("could not install chromium and chromium-driver with apt-get "
                    f"(exit {result.returncode}): {result.stderr.strip()[-1500:]}")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    install_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()


def screenshot(driver, folder: Path, name: str) -> Path:
    """The whole page as a PNG (the window is made as tall as the page, up to a limit)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(700, min(int(height) + 20, 2400)))
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)
    return path


def test_a_person_finds_turin_and_browses_its_network_at_a_date(live_server, browser,
                                                               tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    folder = ROOT / "docs" / "screenshots"
    if os.environ.get("CCGRAPH_WRITE_SCREENSHOTS") != "1":
        folder = tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    wait = WebDriverWait(browser, WAIT)

    def text() -> str:
        return browser.find_element(By.TAG_NAME, "body").text

    # the home page lists the networks; a search by the Italian name finds Turin
    browser.get(live_server + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "City cultural networks"
    for network in ("UNESCO Creative Cities Network", "Eurocities", "BJCEM"):
        assert network in text()
    box = browser.find_element(By.ID, "q")
    box.send_keys("TORI")
    box.submit()
    wait.until(shown.presence_of_element_located((By.CSS_SELECTOR, "section.results")))
    assert "q=TORI" in browser.current_url
    results = browser.find_element(By.CSS_SELECTOR, "section.results").text
    assert "Turin" in results and "Torino" in results
    assert screenshot(browser, folder, "home").stat().st_size > 10_000

    # Turin: /id/ 303s to /doc/; its UCCN membership is Design since 1 December 2014
    browser.find_element(By.LINK_TEXT, "Turin").click()
    wait.until(shown.url_contains("/doc/city/it/turin"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Turin"
    timeline = browser.find_element(By.CSS_SELECTOR, "ol.timeline").text
    assert "since 1 December 2014\nUNESCO Creative Cities Network Design" in timeline
    assert "Italy" in text() and "Torino" in text()
    bjcem = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ul.roles li")
             if li.text.startswith("BJCEM")]
    assert bjcem and "secretariat" in bjcem[0]
    assert screenshot(browser, folder, "city").stat().st_size > 10_000

    # its network, then the members valid on another date
    browser.find_element(By.CSS_SELECTOR, "ol.timeline").find_element(
        By.LINK_TEXT, "UNESCO Creative Cities Network").click()
    wait.until(shown.url_contains("/doc/network/uccn"))
    today = browser.find_element(By.ID, "members-date").text
    assert today == time.strftime("%Y-%m-%d")
    members_today = browser.find_element(By.CSS_SELECTOR, "p.count strong").text
    browser.execute_script("document.getElementById('at').value = '2015-01-01'")
    browser.find_element(By.CSS_SELECTOR, "form.at button").click()
    wait.until(shown.url_contains("at=2015-01-01"))
    assert browser.find_element(By.ID, "members-date").text == "2015-01-01"
    members = browser.find_element(By.CSS_SELECTOR, "table.members").text
    assert "Turin" in members and "Lyon" in members  # designated 2014 and 2008
    assert "Aberystwyth" not in members  # designated 2025
    assert int(browser.find_element(By.CSS_SELECTOR, "p.count strong").text) < int(members_today)
    assert screenshot(browser, folder, "network").stat().st_size > 10_000
