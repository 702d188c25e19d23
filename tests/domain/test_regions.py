"""The program's regions as a value: a county found by either of its codes, names for codes in and
out of the program, and the rules for what may join it (expectations written by hand)."""
import pytest

from server.domain.regions import (
    County,
    Prefecture,
    Programme,
    county_problems,
    prefecture_problems,
    programme_of,
    shipped_programme,
)

DINGXI = Prefecture("621100", "定西市", "", "甘肃省", "origin")
FUZHOU = Prefecture("350100", "福州市", "", "福建省", "destination")
TONGWEI = County("621121", "通渭县", "", "origin", "621100", "622424", "通渭县")
GULOU = County("350102", "鼓楼区", "", "destination", "350100")
SMALL = Programme((DINGXI, FUZHOU), (TONGWEI, GULOU))


def test_a_county_is_found_by_its_current_and_its_former_code():
    assert SMALL.find_county("621121") is TONGWEI
    assert SMALL.find_county("622424") is TONGWEI
    assert SMALL.find_county("621122") is None and SMALL.find_county(None) is None


def test_names_come_from_the_program_else_the_national_table_else_the_code():
    assert SMALL.county_name("622424") == "通渭县"
    assert SMALL.county_name("621122") == "陇西县"  # not in this program: the national name
    assert SMALL.county_name("999999") == "999999"
    assert SMALL.county_name(None) is None


def test_the_sides_keep_their_order():
    assert SMALL.side_of("origin") == (TONGWEI,)
    assert SMALL.side_of("destination") == (GULOU,)


def test_the_shipped_program_is_dingxi_guyuan_and_fuzhou():
    shipped = programme_of(shipped_programme())
    assert [p.code for p in shipped.prefectures] == ["621100", "640400", "350100"]
    assert len(shipped.side_of("origin")) == 9 and len(shipped.side_of("destination")) == 13
    assert shipped.find_county("642224").code == "640423"


@pytest.mark.parametrize("new, fields", [
    (County("621122", "陇西县", "", "origin", "621100", "622425"), set()),
    (County("621122", "陇西县", "", "origin", "621100"), set()),  # no former code: fine
    (County("621121", "通渭县", "", "origin", "621100"), {"code"}),  # in already
    (County("621122", "陇西县", "", "origin", "621100", "622424"), {"former_code"}),  # Tongwei's
    (County("621122", "陇西县", "", "origin", "621100", "621122"), {"former_code"}),  # itself
    (County("621202", "武都区", "", "origin", "621100"), {"code"}),  # another prefecture's
    (County("621202", "武都区", "", "origin", "621200"), {"prefecture_code"}),  # not added
    (County("621100", "定西市", "", "origin", "621100"), {"code"}),  # a prefecture's own code
    (County("621199", "某县", "", "origin", "621100"), {"code"}),  # in no period
    (County("62112", "某县", "", "origin", "621100"), {"code"}),
    (County("621122", "陇西县", "", "origin", "621100", "622499"), {"former_code"}),
])
def test_what_may_join_as_a_county(new, fields):
    assert set(county_problems(SMALL, new)) == fields


@pytest.mark.parametrize("new, fields", [
    (Prefecture("640400", "固原市", "", "宁夏回族自治区", "origin"), set()),
    (Prefecture("621100", "定西市", "", "甘肃省", "origin"), {"code"}),  # in already
    (Prefecture("640402", "原州区", "", "宁夏回族自治区", "origin"), {"code"}),  # a county
    (Prefecture("640000", "宁夏", "", "宁夏回族自治区", "origin"), {"code"}),  # a province
    (Prefecture("990100", "某市", "", "某省", "origin"), {"code"}),
    (Prefecture("350200", "厦门市", "", "福建省", "destination"), {"side"}),  # one destination
    (Prefecture("640400", "固原市", "", "宁夏回族自治区", "elsewhere"), {"side"}),
])
def test_what_may_join_as_a_prefecture(new, fields):
    assert set(prefecture_problems(SMALL, new)) == fields
