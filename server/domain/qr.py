"""QR symbols for card texts: error-correction level Q (printed cards get scratched)."""
from __future__ import annotations

import io
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_Q

QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks
MAX_CARD_VERSION = 9  # the budget DESIGN.md sets for an LP1 text


@dataclass(frozen=True)
class QrSymbol:
    version: int
    modules: tuple[tuple[bool, ...], ...]  # dark = True, quiet zone included

    @property
    def size(self) -> int:
        return len(self.modules)

    def dark_runs(self):
        """``(row, start, length)`` for each horizontal run of dark modules: few shapes to draw."""
        for y, row in enumerate(self.modules):
            x = 0
            while x < len(row):
                if row[x]:
                    start = x
                    while x < len(row) and row[x]:
                        x += 1
                    yield y, start, x - start
                else:
                    x += 1


def make_qr(text: str) -> QrSymbol:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=QUIET_ZONE)
    code.add_data(text, optimize=0)
    code.make(fit=True)
    return QrSymbol(code.version, tuple(tuple(row) for row in code.get_matrix()))


def qr_svg(text: str) -> str:
    """``text`` as an SVG QR to show on a screen or print (enrollment codes, links, workplace
    codes)."""
    out = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage).save(out)
    return out.getvalue().decode()
