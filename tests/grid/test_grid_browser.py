"""The grid page in headless Chromium: a leader opens a group, reads the warnings and prints the roster."""
import base64
import io

import openpyxl
import pytest
from test_dashboards import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_grid_by_clicking(voila_server, browser, lang):
    p = Page(browser, voila_server, "grid.ipynb", lang)
    page = p.page
    tree = page.locator(".grid-tree")
    assert tree.locator("summary").count() == 12  # every unit of the sample's three grids
    doctors = page.locator(".grid-tree summary:has-text('医生组') + table.members")
    assert doctors.is_visible() is False  # a group's members show on a click
    page.locator(".grid-tree summary", has_text="医生组").click()
    page.wait_for_timeout(300)
    assert doctors.is_visible() and doctors.locator("tr").count() == 3
    p.shot(f"grid-open-group-{lang}.png")
    # only one grid
    page.locator(".grid-pick select").select_option(index=3)
    page.wait_for_function("() => document.querySelectorAll('.grid-tree summary').length === 5", timeout=15_000)
    assert "⚠" in page.inner_text(".grid-tree")
    page.locator(".lm-TabBar-tab").nth(1).click()
    page.wait_for_selector(".grid-warnings table.data", timeout=15_000)
    assert page.locator(".seats-link a").count() == 1
    p.shot(f"grid-warnings-{lang}.png")
    page.locator(".lm-TabBar-tab").nth(2).click()
    page.locator(".contact-phone input").check()
    page.click(".roster-button")
    link = page.wait_for_selector(".roster-link a", timeout=30_000)
    href = link.get_attribute("href")
    assert href.startswith("data:application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(href.split(",", 1)[1])))
    assert len(book.sheetnames) == 6  # the summary and the grid chosen to show: a work group and four groups
    p.shot(f"grid-roster-{lang}.png")
    p.check()
    page.close()


def test_the_overview_links_to_the_grid(voila_server, browser):
    p = Page(browser, voila_server, "overview.ipynb", "zh")
    link = p.page.locator("a.nav-link[href^='grid.ipynb']")
    assert link.inner_text() == "管理网格"
    link.click()
    p.page.wait_for_selector(".app-ready", timeout=90_000)
    assert "grid.ipynb" in p.page.url and "管理网格" in p.page.inner_text(".app-title")
    p.check()
    p.page.close()
