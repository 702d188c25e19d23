"""One unit of work: a use case commits once it has done all it set out to do, and on a refusal
(``DomainError``) or any failure nothing of it stays. Views never commit (tests/test_layers.py).

A few use cases commit something first that a refusal must not take back — the audit entry of a
failed sign-in, a passkey's sign counter, a phone that became known — and say so where they do.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from server.extensions import db

P = ParamSpec("P")
R = TypeVar("R")


def use_case(function: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = function(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return run
