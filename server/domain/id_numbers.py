"""Resident ID numbers (GB 11643-1999): normalise, validate, mask.

An 18-character number is: region code (6 digits, GB/T 2260, the code under which the
number was *first issued*, which may no longer exist) ‖ birth date (YYYYMMDD) ‖ sequence
(3 digits, odd = male) ‖ check character (ISO 7064 MOD 11-2, ``0-9`` or ``X``).

Region codes are checked only for a real province here; whether the six-digit county
exists is a question for ``domain.regions`` and only ever a warning, because codes change
over time and a check that ties codes to birth periods rejects real people.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# First two digits: provinces, autonomous regions, municipalities; 71 Taiwan, 81/82 HK/Macau.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)
_SEPARATORS = re.compile(r"[\s\-]")


class IdNumberError(ValueError):
    """A resident ID number that cannot be accepted; ``code`` is a reason code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ResidentId:
    number: str
    region_code: str
    birth_date: dt.date
    gender: str  # "male" | "female"

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def normalize_id_number(text: str) -> str:
    """Full-width digits to ASCII, separators removed, ``x`` upper-cased."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def parse_id_number(text: str, *, today: dt.date) -> ResidentId:
    """Return the validated, normalised number; raise ``IdNumberError`` naming what is wrong.

    Accepts legacy 15-digit numbers (upgraded to 18 characters: ``19`` inserted before the
    two-digit year and a check character computed).
    """
    number = normalize_id_number(text)
    if re.fullmatch(r"[0-9]{15}", number):
        number = number[:6] + "19" + number[6:]
        number += check_character(number)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):  # ASCII digits only: \d takes any script's
        raise IdNumberError(
            "id_format",
            "身份证号应为18位：17位数字加1位数字或X。"
            " An ID number has 18 characters: 17 digits and a digit or X.",
        )
    if number[:2] not in PROVINCE_CODES:
        raise IdNumberError(
            "id_region",
            f"前两位 {number[:2]} 不是有效的省级代码。"
            f" The first two digits {number[:2]} are not a province.",
        )
    try:
        birth_date = dt.datetime.strptime(number[6:14], "%Y%m%d").date()
    except ValueError:
        raise IdNumberError(
            "id_date",
            f"第7–14位 {number[6:14]} 不是有效的出生日期。"
            f" Digits 7–14 ({number[6:14]}) are not a real date of birth.",
        ) from None
    if birth_date > today or birth_date < OLDEST_BIRTH_DATE:
        raise IdNumberError(
            "id_date",
            f"出生日期 {birth_date.isoformat()} 不可能。"
            f" The date of birth {birth_date.isoformat()} is impossible.",
        )
    if check_character(number[:17]) != number[17]:
        raise IdNumberError(
            "id_checksum",
            "校验位不符，请逐位核对号码。"
            " The check character does not match: compare the number digit by digit.",
        )
    gender = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number, number[:6], birth_date, gender)


# Where a stored record keeps an ID number: its ciphertext and blind index, never answered.
PROTECTED_FIELDS = ("id_number_enc", "id_number_bidx")


def mask_id_number(number: str) -> str:
    """``621121********123X``: region and last four only."""
    return mask_from_parts(number[:6], number[-4:])


def mask_from_parts(region_code: str, last4: str) -> str:
    """The masked form from the two parts that are kept in the clear."""
    return region_code + "*" * 8 + last4


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
