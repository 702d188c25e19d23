"""The program as data: the shipped regions (Dingxi's seven, Guyuan's Yuanzhou and Longde, Fuzhou's
districts), a prefecture and a county an admin adds — used at once by a registration, a county
office's scope, a fair, a card and a report — and what no other role may change."""
import datetime as dt

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEntry, User
from server.services.auth import create_token
from tests.conftest import make_id_number, person

LONGNAN = {"code": "621200", "name": "陇南市", "pinyin": "Lǒngnán Shì", "province": "甘肃省"}
WUDU = {"code": "621202", "prefecture_code": "621200", "name": "武都区", "pinyin": "Wǔdū Qū",
        "former_code": "622621", "former_name": "武都县"}


def regions(client, auth, who="admin"):
    response = client.get("/api/regions", headers=auth.headers(who))
    assert response.status_code == 200, response.json
    return response.json


def add(client, auth, what, body, who="admin"):
    return client.post(f"/api/regions/{what}", json=body, headers=auth.headers(who))


def test_the_program_ships_with_dingxi_guyuan_and_fuzhou(client, auth):
    answer = regions(client, auth)
    assert [(p["code"], p["name"], p["side"]) for p in answer["prefectures"]] == [
        ("621100", "定西市", "origin"), ("640400", "固原市", "origin"),
        ("350100", "福州市", "destination")]
    origin = {c["code"]: (c["name"], c["former_code"], c["prefecture_name"])
              for c in answer["origin"]["counties"]}
    assert origin == {
        "621102": ("安定区", "622421", "定西市"), "621121": ("通渭县", "622424", "定西市"),
        "621122": ("陇西县", "622425", "定西市"), "621123": ("渭源县", "622426", "定西市"),
        "621124": ("临洮县", "622427", "定西市"), "621125": ("漳县", "622428", "定西市"),
        "621126": ("岷县", "622429", "定西市"),
        "640402": ("原州区", "642221", "固原市"), "640423": ("隆德县", "642224", "固原市")}
    assert len(answer["destination"]["counties"]) == 13
    assert all(c["shown_to_workers"] == "12333" for c in answer["origin"]["counties"])


@pytest.mark.parametrize("region, county, name", [("642224", "640423", "隆德县"),
                                                  ("640402", "640402", "原州区")])
def test_a_worker_from_guyuan_is_registered_under_the_current_code(client, auth, register,
                                                                   region, county, name):
    worker = register(id_number=make_id_number(region=region, sequence=5),
                      home={"county_code": region, "township": "城关镇"})
    assert (worker["home"]["county_code"], worker["home"]["county_name"]) == (county, name)
    assert not worker["warnings"]


def test_a_county_added_by_the_admin_is_used_at_once(client, auth, register):
    wudu_person = person(7, id_number=make_id_number(region="622621", sequence=7),
                         home={"county_code": "622621", "township": "城关镇"})
    # before it joins: outside the program (registered, with the warning, under the code given);
    # once it joins, moved to it (a worker.updated on the record)
    earlier = person(6, id_number=make_id_number(region="622621", sequence=6),
                     home={"county_code": "622621", "township": "城关镇"})
    before = client.post("/api/workers", json=earlier, headers=auth.headers())
    assert before.status_code == 201
    assert [w["code"] for w in before.json["warnings"]] == ["county_outside_program"]
    # a fair there is refused before the county joins
    fair = {"name": "武都区春风行动招聘会", "county_code": "621202", "township": "城关镇",
            "venue": "城关镇广场", "date": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
            "starts_at": "09:00", "ends_at": "16:00", "organiser": "武都区人社局"}
    assert client.post("/api/fairs", json=fair, headers=auth.headers()).status_code == 422

    assert add(client, auth, "prefectures", LONGNAN).status_code == 201
    response = add(client, auth, "counties", WUDU)
    assert response.status_code == 201, response.json
    assert response.json == {**WUDU, "side": "origin"}

    answer = regions(client, auth)
    # after the origins shipped, before the destination
    assert [p["code"] for p in answer["prefectures"]] == ["621100", "640400", "621200", "350100"]
    [wudu] = [c for c in answer["origin"]["counties"] if c["code"] == "621202"]
    assert (wudu["prefecture_name"], wudu["shown_to_workers"]) == ("陇南市", "12333")

    # a worker of the former code is registered under the current one, with no warning
    registered = client.post("/api/workers", json=wudu_person, headers=auth.headers()).json
    assert (registered["home"]["county_code"], registered["home"]["county_name"],
            registered["warnings"]) == ("621202", "武都区", [])
    # the county's own office: enrolled for it, sees its worker and no one else's
    enrolled = client.post("/api/auth/enrollments", headers=auth.headers(), json={
        "name": "武都区人社局", "role": "county", "county_code": "621202"})
    assert enrolled.status_code == 201, enrolled.json
    office = User(name="wudu", role="county", county_code="621202")
    db.session.add(office)
    db.session.flush()
    headers = {"Authorization": f"Bearer {create_token(office, 'test')}"}
    db.session.commit()
    tongwei = client.post("/api/workers", json=person(8), headers=auth.headers()).json
    listed = client.get("/api/workers", headers=headers)
    assert listed.status_code == 200, listed.json
    listed = listed.json["items"]
    assert {w["id"] for w in listed} == {registered["id"], before.json["id"]}
    moved = client.get(f"/api/workers/{before.json['id']}/events", headers=headers).json[0]
    assert (moved["type"], moved["data"]["home"]["county_code"]) == ("worker.updated", "621202")
    assert client.get(f"/api/workers/{tongwei['id']}", headers=headers).status_code == 404
    # a fair there, planned by its own office
    created = client.post("/api/fairs", json=fair, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["county_name"] == "武都区"
    # its workstation, on the card
    assert client.patch("/api/regions/621202/workstation", headers=headers, json={
        "name": "武都区驻福州劳务工作站", "phone": "0591-83334444"}).status_code == 200
    assert client.post(f"/api/workers/{registered['id']}/credentials",
                       headers=auth.headers()).status_code == 201
    card = client.get(f"/api/workers/{registered['id']}/card.svg",
                      headers=auth.headers()).get_data(as_text=True)
    assert "户籍 武都区" in card and "服务热线 0591-83334444" in card
    assert "武都区驻福州劳务工作站" in card
    # the report breaks down by it, under its name
    funnel = client.get("/api/reports/funnel?by=county", headers=auth.headers()).json
    groups = {g["key"][0]: g for g in funnel["groups"]}
    assert (groups["621202"]["label"], groups["621202"]["registered"]) == ("武都区", 2)
    assert "622621" not in groups  # one row for the county, not one per code
    assert client.get("/api/reports/funnel?by=county", headers=headers).json["groups"] == [
        groups["621202"]]


def test_each_change_is_audited(client, auth):
    add(client, auth, "prefectures", LONGNAN)
    add(client, auth, "counties", WUDU)
    renamed = client.patch("/api/regions/counties/621202", json={"pinyin": "Wǔdū"},
                           headers=auth.headers())
    assert renamed.status_code == 200 and renamed.json["pinyin"] == "Wǔdū"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("programme.%"))
                                 .order_by(AuditEntry.id)).all()
    assert [(e.action, e.target, e.actor_id) for e in entries] == [
        ("programme.prefecture_added", "prefecture:621200", auth.users["admin"].id),
        ("programme.county_added", "county:621202", auth.users["admin"].id),
        ("programme.county_renamed", "county:621202", auth.users["admin"].id)]
    assert entries[2].details == {"pinyin": "Wǔdū", "before": {"pinyin": "Wǔdū Qū"}}


@pytest.mark.parametrize("body, field, words", [
    ({**WUDU, "code": "621102", "prefecture_code": "621100", "former_code": None}, "code",
     "已在本项目中"),  # Anding's
    ({**WUDU, "code": "621299"}, "code", "不在全国行政区划表中"),
    ({**WUDU, "code": "622621"}, "code", "不属于陇南市"),  # of the old prefecture
    ({**WUDU, "prefecture_code": "621300"}, "prefecture_code", "请先添加该地级市"),
    ({**WUDU, "former_code": "622424"}, "former_code", "已是另一县的代码"),  # Tongwei's
    ({**WUDU, "former_code": "622699"}, "former_code", "不在全国行政区划表中"),
    ({**WUDU, "code": "6212020"}, "code", "六位"),
    ({**WUDU, "name": ""}, "name", ""),
    # found by a second pair of eyes: each used to be taken (or a 500)
    ({**WUDU, "code": "621202\n"}, "code", ""),  # a trailing newline passed "^\\d{6}$"
    ({**WUDU, "former_code": "622621\n"}, "former_code", ""),
    ({**WUDU, "former_code": "110101"}, "former_code", "不在全国行政区划表中"),  # Beijing's
    ({**WUDU, "former_code": "622600"}, "former_code", "不在全国行政区划表中"),  # a prefecture
    ({**WUDU, "name": "\ud800"}, "name", "控制字符"),  # a lone surrogate: a 500 at the database
])
def test_a_county_that_cannot_be_the_programs_is_refused_by_field(client, auth, body, field,
                                                                  words):
    add(client, auth, "prefectures", LONGNAN)
    response = add(client, auth, "counties", body)
    assert response.status_code == 422, response.json
    assert response.json["errors"][field] and words in " ".join(response.json["errors"][field])
    assert "621202" not in {c["code"] for c in regions(client, auth)["origin"]["counties"]}


@pytest.mark.parametrize("body, field", [
    ({**LONGNAN, "code": "621202"}, "code"),  # a county's
    ({**LONGNAN, "code": "621100"}, "code"),  # in already
    ({**LONGNAN, "code": "999900"}, "code"),
    ({**LONGNAN, "side": "destination"}, "side"),  # one destination city
    ({**LONGNAN, "side": "elsewhere"}, "side"),
])
def test_a_prefecture_that_cannot_be_the_programs_is_refused(client, auth, body, field):
    response = add(client, auth, "prefectures", body)
    assert response.status_code == 422 and field in response.json["errors"], response.json


@pytest.mark.parametrize("who", ["county", "workstation", "fair_staff", "greeter", "employer"])
def test_no_one_but_the_admin_changes_the_programs_regions(client, auth, who):
    assert add(client, auth, "prefectures", LONGNAN, who).status_code == 403
    add(client, auth, "prefectures", LONGNAN)
    assert add(client, auth, "counties", WUDU, who).status_code == 403
    assert client.patch("/api/regions/counties/621121", json={"name": "X县"},
                        headers=auth.headers(who)).status_code == 403
    assert {c["code"]: c["name"] for c in regions(client, auth)["origin"]["counties"]}[
        "621121"] == "通渭县"
    assert not db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.in_(["programme.county_added", "programme.county_renamed"]))).all()


def test_a_worker_account_and_the_signed_out_change_nothing(client, auth, register):
    worker = register()
    account = User(name="w", role="worker", worker_id=worker["id"], county_code="621121")
    db.session.add(account)
    db.session.flush()
    headers = {"Authorization": f"Bearer {create_token(account, 'test')}"}
    db.session.commit()
    refused = client.post("/api/regions/prefectures", json=LONGNAN, headers=headers)
    assert refused.status_code == 403
    assert client.post("/api/regions/prefectures", json=LONGNAN).status_code == 401


def test_staff_cannot_be_enrolled_for_a_county_outside_the_program(client, auth):
    for code in ("621202", "622424", "350102"):  # not yet in; a former code; a Fuzhou district
        response = client.post("/api/auth/enrollments", headers=auth.headers(), json={
            "name": "某县", "role": "county", "county_code": code})
        assert response.status_code == 422 and "county_code" in response.json["errors"], code


def test_renaming_an_unknown_county_is_not_found_and_an_empty_change_refused(client, auth):
    assert client.patch("/api/regions/counties/621299", json={"name": "X"},
                        headers=auth.headers()).status_code == 404
    assert client.patch("/api/regions/counties/621121", json={},
                        headers=auth.headers()).status_code == 422


def test_a_workstation_is_set_in_full_and_its_worker_sees_it(client, auth, register):
    worker = register()
    response = client.patch("/api/regions/621121/workstation", headers=auth.headers("county"),
                            json={"name": "通渭县驻福州劳务工作站",
                                  "address": "福州市仓山区建新镇", "phone": "0591-87654321",
                                  "established_on": "2017-05-01",
                                  "staff": [{"name": "王站长", "phone": "13912345678",
                                             "duty": "站长"}]})
    assert response.status_code == 200, response.json
    assert response.json["staff"] == [{"name": "王站长", "phone": "13912345678", "duty": "站长"}]
    record = client.get(f"/api/workers/{worker['id']}", headers=auth.headers()).json
    assert record["workstation"] == {"name": "通渭县驻福州劳务工作站",
                                     "address": "福州市仓山区建新镇", "phone": "0591-87654321"}
    # a later change of one field keeps the others
    client.patch("/api/regions/621121/workstation", headers=auth.headers("county"),
                 json={"address": "福州市仓山区盖山镇"})
    [tongwei] = [c for c in regions(client, auth)["origin"]["counties"] if c["code"] == "621121"]
    assert (tongwei["workstation"]["name"], tongwei["workstation"]["address"],
            tongwei["workstation"]["established_on"]) == (
        "通渭县驻福州劳务工作站", "福州市仓山区盖山镇", "2017-05-01")


def test_the_console_lists_and_adds(runner, app):
    listed = runner.invoke(args=["program", "list"])
    assert listed.exit_code == 0 and "640423 (former 642224) 隆德县" in listed.output
    assert runner.invoke(args=["program", "add-prefecture", "621200", "陇南市", "--province",
                               "甘肃省"]).exit_code == 0
    added = runner.invoke(args=["program", "add-county", "621202", "武都区", "--prefecture",
                                "621200", "--former-code", "622621"])
    assert added.exit_code == 0, added.output
    refused = runner.invoke(args=["program", "add-county", "621203", "某区", "--prefecture",
                                  "621200"])
    assert refused.exit_code != 0 and "不在全国行政区划表中" in refused.output
    station = runner.invoke(args=["program", "workstation", "621202", "--phone", "0591 8333 4444"])
    assert station.exit_code == 0 and "0591-83334444" in station.output, station.output
    assert runner.invoke(args=["program", "workstation", "350102", "--phone",
                               "0591-83334444"]).exit_code != 0
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "programme.county_added")).one()
    assert (entry.actor_id, entry.target) == (None, "county:621202")


def test_a_workstation_set_up_on_no_day_of_the_program_is_refused(client, auth):
    for day in ("0001-01-01", "9999-12-31"):
        response = client.patch("/api/regions/621121/workstation", headers=auth.headers(),
                                json={"established_on": day})
        assert response.status_code == 422 and "established_on" in response.json["errors"], day
