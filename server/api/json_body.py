"""Request bodies nested no deeper than a real client nests them.

LaborPass's deepest body (a push: events → envelope → data → home) is six levels deep. A body
nested hundreds of levels deep is an attack on the parser, and every layer that parses JSON
(webargs, the envelopes' digest) would pay for it: refused with a 400 before any of them looks
(``RecursionError`` stays handled too, as a last line).
"""
from __future__ import annotations

import re
from itertools import accumulate

from flask import current_app, request

from server.errors import TooDeep

MAX_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def depth(text: str) -> int:
    """How deep ``text`` nests arrays and objects (what is inside strings aside)."""
    steps = (1 if bracket in "[{" else -1 for bracket in _BRACKET.findall(_STRING.sub("", text)))
    return max(accumulate(steps, initial=0))


def refuse_deep_bodies() -> None:
    """``before_request`` hook: a JSON body nested deeper than ``MAX_DEPTH`` is a 400. A body past
    the general size limit is left to the endpoint (a roster upload may be larger: its own hook
    raises the limit after this one, and the parser's ``RecursionError`` is handled too)."""
    size = request.content_length or 0
    if not request.is_json or not size or size > current_app.config["MAX_CONTENT_LENGTH"]:
        return
    if depth(request.get_data(cache=True).decode("utf-8", "replace")) > MAX_DEPTH:
        raise TooDeep(MAX_DEPTH)
