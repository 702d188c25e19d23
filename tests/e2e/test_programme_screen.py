"""地区与工作站 in Chromium at a phone's size, in Chinese: the admin adds an origin prefecture and
a county under it (a code of no period refused beside the field first), sets its workstation, and
uses it at once — a fair planned there, a person registered from it at the office (an older ID
number of its former code), the card printed with its name and workstation, the report's row."""
import datetime as dt
import os

from tests.conftest import http_json, make_id_number
from tests.e2e.conftest import open_view, signed_in

SHOTS = "/tmp/shots"


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/programme-{name}.png", full_page=True)


def test_a_county_the_admin_adds_is_used_at_once_by_a_fair_a_registration_a_card_and_a_report(
    page, site, auth
):
    signed_in(page, site, auth, "市局 管理员", role="admin")
    open_view(page, "policies")
    page.click("#part-regions")
    page.wait_for_selector(".workstations li[data-county='640423']")  # Longde, shipped

    page.click("#add-prefecture summary")
    page.fill("#prefecture-form input[name=code]", "621200")
    page.fill("#prefecture-form input[name=name]", "陇南市")
    page.fill("#prefecture-form input[name=province]", "甘肃省")
    page.click("#prefecture-form button[type=submit]")
    page.wait_for_selector("#regions-message:has-text('已加入：陇南市')")

    page.click("#add-county summary")
    page.select_option("#county-form select[name=prefecture_code]", "621200")
    page.fill("#county-form input[name=code]", "621299")  # in no period of the national table
    page.fill("#county-form input[name=name]", "武都区")
    page.fill("#county-form input[name=former_code]", "622621")
    page.click("#county-form button[type=submit]")
    assert "不在全国行政区划表中" in page.wait_for_selector("#code-error").inner_text()
    assert "未添加" in page.inner_text("#county-problem")
    shot(page, "county-refused")
    page.fill("#county-form input[name=code]", "621202")
    page.click("#county-form button[type=submit]")
    page.wait_for_selector("#regions-message:has-text('已加入：武都区（621202）')")
    item = page.wait_for_selector("h3[data-prefecture='621200'] + ul li[data-county='621202']")
    assert "（原 622621）" in item.inner_text()

    item.query_selector("button.edit-workstation").click()
    page.fill("#workstation-form input[name=name]", "武都区驻福州劳务工作站")
    page.fill("#workstation-form input[name=phone]", "0591-83334444")
    page.click("#workstation-form button[type=submit]")
    page.wait_for_selector("#regions-message:has-text('0591-83334444')")
    shot(page, "county-added")

    # a fair there: the county is among the choices, under its prefecture, with no reload
    open_view(page, "fairs")
    page.click("#fairs a.button")
    page.wait_for_selector("#plan-fair optgroup[label='陇南市'] option[value='621202']",
                           state="attached")
    page.fill("#plan-fair input[name=name]", "武都区春风行动招聘会")
    page.select_option("#plan-fair select[name=county_code]", "621202")
    page.fill("#plan-fair input[name=township]", "城关镇")
    page.fill("#plan-fair input[name=venue]", "城关镇广场")
    page.fill("#plan-fair input[name=organiser]", "武都区人社局")
    page.fill("#plan-fair input[name=date]", (dt.date.today() + dt.timedelta(days=20)).isoformat())
    page.click("#plan-fair button[type=submit]")
    page.wait_for_selector("#fair p:has-text('武都区 城关镇')")

    # a person registered at the office from there, with an ID number of the former code
    number = make_id_number(region="622621", sequence=321, birth=dt.date(1979, 5, 6))
    open_view(page, "workers")
    page.click("#office-register-open")
    page.wait_for_selector("#office-register select[name=county_code] option[value='621202']",
                           state="attached")
    page.fill("#office-register input[name=name]", "武都来人")
    page.fill("#office-register input[name=id_number]", number)
    page.fill("#office-register input[name=phone]", "13911113333")
    page.select_option("#office-register select[name=county_code]", "621202")
    page.fill("#office-register input[name=township]", "城关镇")
    page.check("#office-register input[name=consent]")
    page.click("#office-register button[type=submit]")
    page.wait_for_selector("#record h3 >> text=武都来人")
    worker_id = page.get_attribute("#record", "data-worker")
    page.click("#issue-card")
    page.wait_for_selector("#record img.card, #record .card", state="attached")
    card = page.request.get(f"{site}/api/workers/{worker_id}/card.svg").text()
    assert "户籍 武都区" in card and "服务热线 0591-83334444" in card
    assert "武都区驻福州劳务工作站" in card
    shot(page, "record")

    # the report has its row, under its name
    open_view(page, "reports")
    row = page.wait_for_selector("#funnel-table tr[data-key='621202']")
    assert row.inner_text().startswith("武都区")
    status, funnel = http_json("GET", f"{site}/api/reports/funnel?by=county",
                               token=auth.tokens["admin"])
    assert status == 200
    assert [g["registered"] for g in funnel["groups"] if g["key"] == ["621202"]] == [1]
    shot(page, "report")
