"""One way to page a list: ``PageArgsSchema`` takes ``?page=&per_page=``, ``page_of`` shapes the
answer ``{items, total, page, per_page}`` from a ``services.queries.Page``. The one list older than
the envelope (``GET /api/payouts``, a bare array its clients read) says the same three numbers in
headers: ``page_headers``, documented as ``PAGE_HEADERS``."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.base import BaseSchema


class PageArgsSchema(BaseSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000),
                          metadata={"description": "which page, from 1"})
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))

    @classmethod
    def sized(cls, per_page: int, most: int) -> type[PageArgsSchema]:
        """The same with longer pages, for the lists read in long runs (the at-risk list, the audit
        trail)."""
        return type(f"PageArgs{per_page}Schema", (cls,), {
            "per_page": fields.Integer(load_default=per_page,
                                       validate=validate.Range(min=1, max=most))})


def page_of(item: type[Schema], name: str) -> type[BaseSchema]:
    """The page schema of ``item``s, named ``name`` in the OpenAPI document."""
    return BaseSchema.from_dict({
        "items": fields.List(fields.Nested(item)),
        "total": fields.Integer(metadata={"description": "how many in all pages"}),
        "page": fields.Integer(),
        "per_page": fields.Integer(),
    }, name=name)


PAGE_HEADERS = {
    "X-Total-Count": {"description": "how many in all pages", "schema": {"type": "integer"}},
    "X-Page": {"description": "which page this is, from 1", "schema": {"type": "integer"}},
    "X-Per-Page": {"description": "how many a page holds at most", "schema": {"type": "integer"}},
}


def page_headers(page) -> dict[str, str]:
    """A ``services.queries.Page``'s numbers as the headers of a bare array's answer."""
    return {"X-Total-Count": str(page.total), "X-Page": str(page.page),
            "X-Per-Page": str(page.per_page)}
