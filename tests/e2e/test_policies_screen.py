"""政策目标 in Chromium at a phone's size: the admin reads the seeded subsidy policies in words,
adds a new version of one, sets a county's target for the year and Tongwei's workstation (which
the worker's record then shows); a county officer reads the policies (no form) and may set its own
county's workstation only."""
import datetime as dt
import os
import re

import pytest

from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import open_view, register_earlier, signed_in

SHOTS = "/tmp/shots"
BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def shots():
    os.makedirs(SHOTS, exist_ok=True)
    return lambda page, name: page.screenshot(path=f"{SHOTS}/policies-{name}.png", full_page=True)


def policies(site, auth):
    status, rows = http_json("GET", f"{site}/api/policies", token=auth.tokens["admin"])
    assert status == 200, rows
    return rows


def no_sideways_scroll(page):
    """Nothing on the screen is wider than the phone but what scrolls inside its own box."""
    assert page.evaluate("document.documentElement.scrollWidth <= "
                         "window.innerWidth"), "the page scrolls sideways"


def test_the_admin_reads_the_policies_adds_a_version_sets_a_target_and_a_workstation_number(
    page, site, auth, shots
):
    worker = register_earlier(site, auth.tokens["county"], {
        "name": "李建国", "id_number": make_id_number(sequence=611, birth=dt.date(1990, 4, 2)),
        "phone": "13900006611", "home": {"county_code": "621121", "township": "平襄镇"},
        "consent": {"notice_version": "2026-1", "channel": "paper", "agreed": True}})
    signed_in(page, site, auth, "市局 管理员", role="admin")
    open_view(page, "policies")

    stable = page.wait_for_selector("li.policy[data-policy=fz-2019-stable]")
    text = stable.inner_text()
    assert "稳岗补贴：连续在岗满3个月 3000元；满6个月 9000元" in text
    assert "须本人扫工作地点码" in text and "限建档立卡贫困户" in text and "第1版" in text
    reward = page.inner_text("li.policy[data-policy=fz-employer-reward]")
    assert "企业奖励" in reward and "超过50人奖励 10万元" in reward
    assert "每月 600元，最多6个月" in page.inner_text("li.policy[data-policy=fz-2018-monthly]")
    # ended in 2018
    assert "今天不在施行期内" in page.inner_text("li.policy[data-policy=fz-2018-monthly]")
    no_sideways_scroll(page)
    shots(page, "admin-list")

    # A new version: the server's refusal first, beside the field, in words; then one it takes.
    stable.query_selector("button.new-version").click()
    form = page.wait_for_selector("form#new-version[data-policy=fz-2019-stable]")
    page.fill("#new-version input[name=step_amount_0]", "0")
    page.click("#new-version button[type=submit]")
    error = page.wait_for_selector("#fz-2019-stable-params-error")
    assert "须在 1 至 10000000 之间" in error.inner_text()
    assert "未保存" in page.inner_text("#new-version-message")
    shots(page, "admin-form-error")
    page.fill("#new-version input[name=step_amount_0]", "3500")
    page.fill("#new-version input[name=name]",
              "2019年首次来榕稳定就业补贴（2026年起满3个月3500元）")
    form.query_selector("input[name=two_party]").uncheck()
    page.click("#new-version button[type=submit]")
    page.wait_for_selector("#policies-message:has-text('第2版')")
    rows = [p for p in policies(site, auth) if p["code"] == "fz-2019-stable"]
    assert [p["version"] for p in rows] == [1, 2]
    assert rows[1]["params"] == {"steps": [[3, 3500], [6, 9000]], "two_party": False}
    # kept as they were
    assert rows[1]["filters"]["poor_household"] and rows[1]["filters"]["first_time"]
    assert rows[1]["effective_from"] == dt.datetime.now(BEIJING).date().isoformat()
    current = page.wait_for_selector("li.policy[data-policy=fz-2019-stable][data-version='2']")
    assert (
        "连续在岗满3个月 3500元" in current.inner_text()
        and "须本人扫工作地点码" not in current.inner_text()
    )
    shots(page, "admin-new-version")

    # A county's target for this year, one row at a time.
    page.click("#part-targets")
    year = dt.datetime.now(BEIJING).year
    row = page.wait_for_selector("#targets-table tr[data-county='621121']")
    assert row.get_attribute("data-set") == "false"
    row.query_selector("button.edit-target").click()
    page.fill("#target-form input[name=transfers]", "3000")
    page.fill("#target-form input[name=arrivals]", "2800")
    page.click("#target-form button[type=submit]")
    # stable_3_months empty
    assert "必填" in page.wait_for_selector("#targets-message:has-text('未保存')").inner_text()
    page.fill("#target-form input[name=stable_3_months]", "2000")
    page.click("#target-form button[type=submit]")
    page.wait_for_selector("#targets-message:has-text('已保存')")
    status, targets = http_json("GET", f"{site}/api/targets?year={year}",
                                token=auth.tokens["admin"])
    assert status == 200 and [(t["county_code"], t["targets"]) for t in targets] == [
        ("621121", {"transfers": 3000, "arrivals": 2800, "stable_3_months": 2000})]
    # The row re-renders once the saved targets come back; until then it still shows "—".
    cell = page.wait_for_selector("#targets-table tr[data-county='621121'] "
                                  "td[data-measure=transfers]:has-text('/ 3000')")
    assert re.search(r"\b0 / 3000", cell.inner_text())
    hint = page.query_selector("#targets-scroll-hint")
    table_fits = page.evaluate(
        "(() => { const b = document.querySelector('.table-scroll'); return b.scrollWidth <= "
        "b.clientWidth + 1; })()")
    assert table_fits or (hint and "左右滑动查看更多" in hint.inner_text())
    no_sideways_scroll(page)
    shots(page, "admin-targets")

    # Tongwei's workstation: a number no one could call is refused in words, then it is kept.
    page.click("#part-regions")
    item = page.wait_for_selector(".workstations li[data-county='621121']")
    assert "电话未设置（工人看到 12333）" in item.inner_text()
    # the admin's: every origin county, under its prefecture
    assert page.locator(".workstations li").count() == 9
    assert page.locator("h3[data-prefecture='640400'] + ul li").count() == 2  # Yuanzhou, Longde
    item.query_selector("button.edit-workstation").click()
    page.fill("#workstation-form input[name=name]", "通渭县驻福州劳务工作站")
    page.fill("#workstation-form input[name=address]", "福州市仓山区建新镇金山大道618号")
    page.fill("#workstation-form input[name=phone]", "8765-4321")
    page.fill("#workstation-form textarea[name=staff]",
              "站长 王建军 13912345678\n李芳 13987654321")
    page.click("#workstation-form button[type=submit]")
    assert "区号" in page.wait_for_selector("#phone-error").inner_text()
    assert "未保存" in page.inner_text("#workstation-problem")
    shots(page, "admin-workstation-error")
    page.fill("#workstation-form input[name=phone]", "0591 8765 4321")
    page.click("#workstation-form button[type=submit]")
    page.wait_for_selector("#regions-message:has-text('0591-87654321')")
    # the list is read again after the save: wait for it, not for the message alone (a race
    # otherwise)
    page.wait_for_selector(
        ".workstations li[data-county='621121'] .number:has-text('0591-87654321')")
    assert "站长 王建军 13912345678；李芳 13987654321" in page.inner_text(
        ".workstations li[data-county='621121'] .staff")
    status, record = http_json("GET", f"{site}/api/workers/{worker['id']}",
                               token=auth.tokens["admin"])
    assert status == 200 and record["workstation_hotline"] == "0591-87654321"
    assert record["workstation"]["name"] == "通渭县驻福州劳务工作站"
    no_sideways_scroll(page)
    shots(page, "admin-regions")


def test_a_county_officer_reads_the_policies_and_sets_only_its_own_number(page, site, auth, shots):
    signed_in(page, site, auth, "通渭 科员", role="county", county_code="621121")
    open_view(page, "policies")
    page.wait_for_selector("li.policy[data-policy=fz-2019-stable]")
    assert "只读" in page.inner_text("#read-only")
    assert (
        page.locator("button.new-version").count() == 0
        and page.locator("form#new-version").count() == 0
    )
    shots(page, "county-list")

    page.click("#part-targets")
    page.wait_for_selector("#targets-table")
    assert page.locator("button.edit-target").count() == 0  # the city sets targets

    page.click("#part-regions")
    page.wait_for_selector(".workstations li[data-county='621121']")
    assert [page.locator(".workstations li").nth(i).get_attribute("data-county")
            # its own county only
            for i in range(page.locator(".workstations li").count())] == ["621121"]
    assert page.locator("#add-county").count() == 0  # the city adds counties
    page.click(".workstations li[data-county='621121'] button.edit-workstation")
    page.fill("#workstation-form input[name=phone]", "0591-83334444")
    page.click("#workstation-form button[type=submit]")
    page.wait_for_selector("#regions-message:has-text('0591-83334444')")
    shots(page, "county-workstation")

    # What the screen does not offer, the server refuses too: Longxi's number from this session.
    answer = page.evaluate("""async () => {
        const me = await (await fetch('/api/auth/me')).json();
        const r = await fetch('/api/regions/621122/workstation', {method: 'PATCH',
          credentials: 'same-origin',
          headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token || ''},
          body: JSON.stringify({phone: '0932-6612345'})});
        return [r.status, (await r.json()).code];
    }""")
    assert answer == [404, "county_not_found"]
    status, regions = http_json("GET", f"{site}/api/regions", token=auth.tokens["admin"])
    numbers = {c["code"]: c["workstation_hotline"] for c in regions["origin"]["counties"]}
    assert (numbers["621121"], numbers["621122"]) == ("0591-83334444", None)
