"""Files as answers: spreadsheets and PDFs as attachments, and their formats in the OpenAPI
document."""

from __future__ import annotations

from flask import Response

MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv", "pdf": "application/pdf"}


def file_formats(blp, *formats):
    """Document the 200 answer in every format the ``format`` argument offers."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return blp.doc(responses={"200": {"description": "the file, in the format asked for",
                                      "content": {MIMETYPES[fmt]: binary for fmt in formats}}})


def download(body: bytes, fmt: str, stem: str) -> Response:
    """A spreadsheet (or a PDF) as an attachment named ``stem.fmt``."""
    return Response(body, mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})
