from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from schemas.messages import bilingual
from server.domain.reasons import Reason


class BaseSchema(Schema):
    """Unknown keys are refused, so a client's typo fails loudly; a NUL character in any value is
    refused naming its field (PostgreSQL cannot compare or store one in text: a 500 otherwise)."""

    class Meta:
        unknown = RAISE
        ordered = True

    # a scanned text, answered with the card's own reason
    NUL_CHECKED_ELSEWHERE: tuple[str, ...] = ()

    @pre_load
    def _no_nul(self, data, **kwargs):
        if isinstance(data, Mapping):
            found = [key for key in data if key not in self.NUL_CHECKED_ELSEWHERE
                     and _has_nul(data.getlist(key) if hasattr(data, "getlist")
                                  else data.get(key))]
            if found:
                raise ValidationError({key: ["含有空字符（\\0）。 Contains a NUL character."]
                                       for key in found})
        return data


def _has_nul(value) -> bool:
    """In a text value, or a list of them. Nested objects are their own schemas' to check (and a
    push's envelopes are checked one by one: one bad envelope is quarantined, not the whole push).
    """
    if isinstance(value, str):
        return "\x00" in value
    return isinstance(value, list | tuple) and any(isinstance(v, str) and "\x00" in v
                                                   for v in value)


class PlainText(fields.String):
    """Text a clerk typed: trimmed, NFC-normalised, no control or direction-override characters."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = unicodedata.normalize(
            "NFC", super()._deserialize(value, attr, data, **kwargs)
        ).strip()
        # (a lone surrogate cannot be stored as UTF-8: refused here, not a 500 at the database)
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in text):
            raise ValidationError("含有不可见的控制字符。 Contains invisible control characters.")
        return text


class ProgramDate(fields.Date):
    """A day the program can have met: 2000 to 2099 (the lunar tables end in 2099; a year 0433
    or 9999 is a typing slip, and arithmetic on it would overflow). The 422 names the range."""

    FIRST, LAST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)

    def __init__(self, **kwargs):
        first, last = self.FIRST.isoformat(), self.LAST.isoformat()
        kwargs.setdefault("validate", validate.Range(
            self.FIRST, self.LAST,
            error=f"日期须在 {first} 至 {last} 之间。 A date from {first} to {last}."))
        super().__init__(**kwargs)


class FairDate(ProgramDate):
    """A fair's day: its recruiting window (腊月初一 to the next 正月十五) must lie within the
    lunar tables, which end with 2099: the last lunar year they hold a whole window for begins in
    2098."""

    LAST = dt.date(2098, 12, 31)


class ProgramMoment(fields.AwareDateTime):
    """A moment, with its offset, within the program's years (2000 to 2099, as ``ProgramDate``)."""

    FIRST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    LAST = dt.datetime(2099, 12, 31, 23, 59, 59, tzinfo=dt.UTC)

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Range(
            self.FIRST, self.LAST,
            error="时间须在 2000 至 2099 年之间。 A time between 2000 and 2099."))
        super().__init__(**kwargs)


# A row id the database numbers (users, tokens, audit entries): beyond it no row exists, and a
# larger number would overflow the database's integer before the lookup could say so.
ROW_ID = validate.Range(min=1, max=2**31 - 1, error="没有这个编号。 No such id.")


class ErrorSchema(BaseSchema):
    code = fields.String(validate=validate.OneOf(list(Reason)), metadata={
        "description": "stable reason code, e.g. duplicate_id_number (server/domain/reasons.py)"})
    status = fields.Integer()
    message = fields.String(metadata={"description": "what happened and what to do, Chinese then "
                                                     "English"})
    errors = fields.Dict(metadata={"description": "field name -> list of messages"})
    worker_id = fields.String(metadata={"description": "the existing worker, for "
                                                       "duplicate_id_number"})


def flatten_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages as one level: ``{"home": {"county_code": [...]}}`` ->
    ``{"home.county_code": [...]}``, the way every error of the API names its fields."""
    if isinstance(errors, list):
        return {prefix or "_schema": [bilingual(str(m)) for m in errors]}
    flat: dict[str, list[str]] = {}
    for key, value in errors.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten_errors(value, name))
        else:
            flat[name] = (
                [bilingual(str(m)) for m in value]
                if isinstance(value, list)
                else [bilingual(str(value))]
            )
    return flat
