"""Marshmallow's messages reach a person in Chinese first, like every other message of the API."""
from schemas.messages import bilingual


def test_a_form_with_every_kind_of_mistake_is_answered_in_chinese_field_by_field(client, auth):
    answer = client.post("/api/workers", json={"name": "", "id_number": 5, "phone": None,
                                               "poor_household": "maybe",
                                               "typo": 1}, headers=auth.headers("county"))
    assert answer.status_code == 422
    errors = answer.json["errors"]
    assert errors["consent"] == ["必填。 Missing data for required field."]
    assert errors["typo"] == ["不认识的字段：请删去。 Unknown field."]
    assert errors["poor_household"] == ["须为是或否。 Not a valid boolean."]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for messages in errors.values()
               for message in messages)


def test_a_number_out_of_range_says_the_range_and_our_own_messages_are_left_alone():
    assert bilingual("Must be greater than or equal to 1 and less than or equal to 500.") == (
        "须在 1 至 500 之间。 Must be greater than or equal to 1 and less than or equal to 500.")
    assert bilingual("Must be one of: paper, "
                     "app.") == "须为以下之一：paper, app。 Must be one of: paper, app."
    assert bilingual("身份证号校验位不对。 The check digit is "
                     "wrong.") == "身份证号校验位不对。 The check digit is wrong."
    # unknown: as it came
    assert bilingual("Something new from a library.") == "Something new from a library."


def test_a_query_out_of_range_is_answered_in_chinese_too(client, auth):
    answer = client.get("/api/at-risk?per_page=501", headers=auth.headers("county"))
    assert answer.status_code == 422
    assert answer.json["errors"]["per_page"] == [
        "须在 1 至 500 之间。 Must be greater than or equal to 1 and less than or equal to 500."]
