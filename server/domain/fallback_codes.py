"""The short code printed under the QR, for keying in when a camera fails.

Ten characters from an alphabet without look-alikes (no 0/O, 1/I/L), the last one a check
character: weighted sum modulo 31 (a prime, so every single substitution and every swap of
two neighbours changes it). Printed as ``ABCDE-FGHJK``.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
assert len(ALPHABET) == 31


def _check(body: str) -> str:
    return ALPHABET[sum((i + 1) * ALPHABET.index(c) for i, c in enumerate(body)) % 31]


def new_fallback_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return body + _check(body)


def format_fallback_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normalize_fallback_code(text: str) -> str | None:
    """The canonical code, or ``None`` when the text cannot be one (wrong characters or check)."""
    code = re.sub(r"[\s\-]", "", text).upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code if _check(code[:-1]) == code[-1] else None
