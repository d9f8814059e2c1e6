"""A planner's whole path in headless Chromium (issue 35): upload → plan → save → publish → the landing page shows it.

Every click or file a planner gives is counted: the path takes the upload, the run, the save, the publish and its
confirmation, on two pages (allocation, scenarios), and the landing page then shows the version with the figures
the confirmation stated.
"""
import re

import pytest
from test_dashboards import Page
from test_planner_path import path_workbook_zip

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_upload_plan_save_publish_then_the_landing_page_shows_it(voila_server, browser, tmp_path):
    upload = tmp_path / "物理补充.zip"
    upload.write_bytes(path_workbook_zip(tmp_path))
    actions, pages = [], []

    # the allocation page: upload the workbook as its source, plan it, save the plan
    p = Page(browser, voila_server, "allocation.ipynb", "zh")
    pages.append("allocation")
    # the upload button shows its words only: no " (0)", no empty icon box, no "null" tooltip
    title, before, icon = p.page.eval_on_selector(".source-picker .upload", """e => [e.title,
        getComputedStyle(e, '::before').content, [...e.querySelectorAll('i')].map(i => getComputedStyle(i).display)]""")
    assert title == "上传工作簿（xlsx 或 CSV 压缩包）" and before == f'"{title}"' and all(d == "none" for d in icon)
    with p.page.expect_file_chooser() as chooser:
        p.page.click(".source-picker .upload")
    chooser.value.set_files(str(upload))
    actions.append("upload")
    p.page.wait_for_function(
        "() => document.querySelector('.published-source').innerText.includes('上传的文件“物理补充.zip”')",
        timeout=60_000)
    p.wait_ready()
    p.page.click(".run-button")
    actions.append("plan")
    p.page.wait_for_function("() => document.body.innerText.includes('这是最好的方案')", timeout=120_000)
    assert p.page.input_value(".save-name input") == "物理补充"  # named after the file, nothing to type
    p.page.click(".save-run")
    actions.append("save")
    p.page.wait_for_function("() => document.querySelector('.save-run-status').innerText.includes('第 1 版')",
                             timeout=60_000)
    p.shot("path-allocation-saved-zh.png")
    p.check()
    # the saved line links to the scenarios page (a page change, not an action on the data)
    href = p.page.get_attribute(".save-run-status a.to-publish", "href")
    assert href == "scenarios.ipynb?lang=zh"
    p.page.close()

    # the scenarios page: the version just saved is the one picked; publish it, confirmed
    s = Page(browser, voila_server, href.split("?")[0], "zh")
    pages.append("scenarios")
    picked = s.page.locator(".version-pick select")
    assert "物理补充 · 第 1 版" in picked.locator("option:checked").inner_text().replace("\xa0", " ")
    assert "来自人员分配" in s.page.inner_text(".version-list")
    s.page.click(".publish-button")
    actions.append("publish")
    s.page.wait_for_selector(".publish-confirm:has-text('确认发布')", timeout=60_000)
    confirm = s.page.inner_text(".publish-confirm").replace("\xa0", " ")
    s.shot("path-publish-confirm-zh.png")
    s.page.click(".confirm-button")
    actions.append("confirm")
    s.page.wait_for_function("() => document.querySelector('.save-status').innerText.includes('已发布')",
                             timeout=60_000)
    s.check()
    s.page.close()

    assert actions == ["upload", "plan", "save", "publish", "confirm"] and pages == ["allocation", "scenarios"]
    m = re.search(r"在岗 ([\d,]+) 人（已到岗 ([\d,]+) 人，拟派未到岗 ([\d,]+) 人），岗位到位 ([\d,]+) / ([\d,]+)，缺口 ([\d,]+)",
                  confirm)
    assert m, confirm
    on_post, _arrived, planned, filled, demand, gap = m.groups()

    # what everyone sees on the landing page: that version, with the figures the confirmation stated
    home = Page(browser, voila_server, "overview.ipynb", "zh")
    assert "已发布方案“物理补充”第 1 版（测试员" in home.page.inner_text(".published-source")
    cards = [c.inner_text().replace("\xa0", " ") for c in home.page.locator(".first-screen .kpi").all()]
    assert cards[0].startswith(on_post) and "今天在岗" in cards[0], cards[0]
    assert (f"拟派 {planned} 人" in cards[0]) == (planned != "0")
    assert cards[1].startswith(f"{filled} / {demand}") and cards[2].startswith(gap), cards[:3]
    home.shot("path-overview-published-zh.png")
    home.check()
    home.page.close()
