"""Issue 12, point 7, measured in a real browser: at 1280 px no table runs past its card
(the page's <main>), and on a narrow screen a wide table scrolls inside its card instead of
widening the page; the search boxes' placeholders fit. Debian's headless Chromium, driven
as in test_browser.py (its fixture and helpers), against the live server."""

from __future__ import annotations

import pytest

from .test_browser import WAIT, browser  # noqa: F401  (the module's Chromium fixture)

WIDE, NARROW = 1280, 375
PAGES = ("/doc/network/gai", "/queries/claims-check.html", "/doc/city/it/turin")
# every table of the page, with its card's edge and the box it may scroll in, once every
# <details> is open (a closed one hides its table)
TABLES = """
for (const d of document.querySelectorAll('details')) d.open = true;
const card = document.querySelector('main').getBoundingClientRect();
return [...document.querySelectorAll('main table')].map(t => {
  const box = t.parentElement;
  return {table: t.className || 'answer', rows: t.rows.length,
          right: t.getBoundingClientRect().right, card: card.right,
          boxRight: box.getBoundingClientRect().right,
          scrolls: box.scrollWidth > box.clientWidth};
});"""
PAGE_WIDTH = ("return [document.documentElement.scrollWidth, "
              "document.documentElement.clientWidth]")
# each placeholder's width in its input's font, and the room the input gives it
PLACEHOLDERS = """
const pen = document.createElement('canvas').getContext('2d');
return [...document.querySelectorAll('input[placeholder]')].map(i => {
  const s = getComputedStyle(i);
  pen.font = s.font;
  return {text: i.placeholder, needs: pen.measureText(i.placeholder).width,
          room: i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)};
});"""


def load(driver, url: str, width: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    driver.set_window_size(width, 900)
    driver.get(url)
    WebDriverWait(driver, WAIT).until(shown.presence_of_element_located((By.TAG_NAME, "main")))


@pytest.mark.parametrize("path", PAGES)
def test_no_table_runs_past_its_card_at_1280_px(live_server, browser, path):  # noqa: F811
    load(browser, live_server + path, WIDE)
    tables = browser.execute_script(TABLES)
    assert tables and all(t["rows"] > 1 for t in tables)
    for table in tables:
        assert table["right"] <= table["card"] + 0.5, table
        assert not table["scrolls"], table  # it fits: nothing hidden to scroll to
    wide, shown = browser.execute_script(PAGE_WIDTH)
    assert wide <= shown


@pytest.mark.parametrize("path", PAGES)
def test_on_a_narrow_screen_wide_tables_scroll_inside_their_card(live_server, browser,  # noqa: F811
                                                                 path):
    load(browser, live_server + path, NARROW)
    for table in browser.execute_script(TABLES):
        assert table["boxRight"] <= table["card"] + 0.5, table
    wide, shown = browser.execute_script(PAGE_WIDTH)
    assert wide <= shown, "the page scrolls sideways"


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_search_placeholders_fit(live_server, browser, width):  # noqa: F811
    load(browser, live_server + "/", width)
    boxes = browser.execute_script(PLACEHOLDERS)
    assert len(boxes) == 2  # the header's and the home page's
    for box in boxes:
        assert box["needs"] <= box["room"], box
