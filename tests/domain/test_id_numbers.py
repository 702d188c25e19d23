import datetime as dt

import pytest

from server.domain.id_numbers import IdNumberError, mask_id_number, parse_id_number
from server.domain.regions import describe_region

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize("number, birth, gender", [
    ("11010519491231002X", dt.date(1949, 12, 31), "female"),  # the standard's own example
    ("440308199901101512", dt.date(1999, 1, 10), "male"),
    ("110101199003071233", dt.date(1990, 3, 7), "male"),
])
def test_valid_numbers_give_birth_date_and_gender(number, birth, gender):
    resident = parse_id_number(number, today=TODAY)
    assert (resident.number, resident.birth_date, resident.gender) == (number, birth, gender)
    assert resident.region_code == number[:6]


def test_bad_check_character_is_refused():
    with pytest.raises(IdNumberError) as error:
        parse_id_number("360730198601011111", today=TODAY)  # the right check character is 4
    assert error.value.code == "id_checksum"
    assert parse_id_number("360730198601011114", today=TODAY)


@pytest.mark.parametrize("birth", ["19900230", "19901301", "20270101", "18991231"])
def test_impossible_or_future_birth_dates_are_refused(birth):
    first17 = f"621121{birth}123"
    from server.domain.id_numbers import check_character
    with pytest.raises(IdNumberError) as error:
        parse_id_number(first17 + check_character(first17), today=TODAY)
    assert error.value.code == "id_date"


@pytest.mark.parametrize("number", ["001121198501011234", "991121198501011234"])
def test_unknown_province_is_refused(number):
    with pytest.raises(IdNumberError) as error:
        parse_id_number(number, today=TODAY)
    assert error.value.code == "id_region"


@pytest.mark.parametrize("number",
                         ["62112119850307123", "6211211985030712345", "62112119850307123Y", ""])
def test_wrong_length_or_characters_are_refused(number):
    with pytest.raises(IdNumberError) as error:
        parse_id_number(number, today=TODAY)
    assert error.value.code == "id_format"


@pytest.mark.parametrize("typed", [
    "11010519491231002x",                      # lower-case x
    "１１０１０５１９４９１２３１００２Ｘ",      # full-width, as Chinese input methods type it
    " 110105 19491231 002X ",                  # spaces
    "110105-19491231-002X",
])
def test_typing_variants_normalise_to_the_same_number(typed):
    assert parse_id_number(typed, today=TODAY).number == "11010519491231002X"


def test_legacy_15_digit_number_is_upgraded():
    assert parse_id_number("110105491231002", today=TODAY).number == "11010519491231002X"


def test_unknown_county_in_a_real_province_is_only_a_region_question():
    # 621199 has never existed, but the number is otherwise valid: the registry warns, never
    # refuses.
    from server.domain.id_numbers import check_character
    first17 = "62119919850307123"
    resident = parse_id_number(first17 + check_character(first17), today=TODAY)
    assert not describe_region(resident.region_code).is_known
    # both Tongwei periods
    assert describe_region("622424").is_known and describe_region("621121").is_known


def test_mask_keeps_region_and_last_four_only():
    assert mask_id_number("62112119850307123X") == "621121********123X"
