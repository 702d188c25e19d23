"""The temporary pass a worker walks away with when registered on the spot with no network.

The fair phone makes the worker's id (a random UUID) and shows or prints it as a QR code,
``LPT1:`` + the id in capitals (QR alphanumeric mode): nothing secret, nothing signed — the
phone has no key to sign with. It names a registration; when the registration has synced, any
scan of the pass is that worker's, on any phone, for ``TEMPORARY_PASS_DAYS`` after the
registration (the signed card is issued meanwhile, at the first sync). Because nobody vouches for
it, a phone shows it amber — check the ID card — and the server flags each event made with it.
"""
from __future__ import annotations

import datetime as dt
import re

TEMPORARY_PASS_DAYS = 60
PATTERN = re.compile(r"^LPT1:([0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})$")


def pass_worker_id(text: str) -> str | None:
    """The worker id a pass names (lower case, as ids are stored), or None if it is not a pass."""
    match = PATTERN.match(text.strip().upper())
    return match.group(1).lower() if match else None


def pass_still_good(registered_at: dt.datetime, used_at: dt.datetime) -> bool:
    return used_at - registered_at <= dt.timedelta(days=TEMPORARY_PASS_DAYS)
