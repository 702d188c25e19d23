"""Printable cards: one layout in millimetres, drawn as SVG, PNG (300 dpi) and A4 PDF sheets.

A card is ISO/IEC 7810 ID-1 (85.6 × 54 mm): the QR with its fallback code under it on the
left, the worker's full name (never shortened here), masked ID number, home county,
expiry and the workstation hotline on the right.
"""
from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from flask import current_app
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from server.domain.fallback_codes import format_fallback_code
from server.domain.id_numbers import mask_from_parts
from server.domain.qr import QrSymbol, make_qr
from server.domain.reasons import Reason
from server.errors import Unavailable
from server.models import Credential, Worker
from server.services.places import county_name, hotlines

CARD_WIDTH, CARD_HEIGHT = 85.6, 54.0  # mm
QR_X, QR_Y, QR_SIZE = 2.0, 8.5, 38.0
TEXT_X, TEXT_RIGHT = 42.0, 83.0
DPI = 300
SHEET_COLUMNS, SHEET_ROWS = 2, 5
SHEET_MARGIN_X, SHEET_MARGIN_Y = (210 - 2 * CARD_WIDTH) / 2, (297 - 5 * CARD_HEIGHT) / 2
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
_BOLD = ' font-weight="bold"'
SVG_FONTS = "'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif"


@dataclass(frozen=True)
class TextLine:
    text: str
    x: float  # mm from the left
    y: float  # mm from the top, baseline
    size: float  # mm, em height
    max_width: float  # mm; longer text is drawn narrower, never cut
    bold: bool = False
    anchor: str = "start"  # "start" | "middle"


@dataclass(frozen=True)
class CardFace:
    qr: QrSymbol
    lines: tuple[TextLine, ...]


def card_face(worker: Worker, credential: Credential) -> CardFace:
    """What goes on the card, and where."""
    station = hotlines([worker.home_county_code])[worker.home_county_code]
    right = TEXT_RIGHT - TEXT_X
    return CardFace(
        qr=make_qr(credential.qr),
        lines=(
            TextLine("务工实名卡 LaborPass", 3.0, 5.8, 3.4, 80.0, bold=True),
            TextLine(worker.name, TEXT_X, 17.0, 6.0, right, bold=True),
            TextLine(mask_from_parts(worker.id_region_code, worker.id_last4), TEXT_X, 24.0, 3.1,
                     right),
            TextLine(f"户籍 {county_name(worker.home_county_code)}", TEXT_X, 30.5, 3.1, right),
            TextLine(f"有效期至 {credential.expires_on.isoformat()}", TEXT_X, 36.5, 2.8, right),
            TextLine(f"服务热线 {station.shown_to_workers}", TEXT_X, 44.0, 3.1, right, bold=True),
            *([TextLine(station.name, TEXT_X, 48.5, 2.6, right)] if station.name else []),
            TextLine(format_fallback_code(credential.fallback_code), QR_X + QR_SIZE / 2, 51.0, 3.4,
                     QR_SIZE, anchor="middle"),
        ),
    )


def render_svg(face: CardFace) -> str:
    module = QR_SIZE / face.qr.size
    runs = "".join(f"M{x} {y}h{n}v1h-{n}z" for y, x, n in face.qr.dark_runs())
    texts = "".join(
        f'<text x="{line.x}" y="{line.y}" font-size="{line.size}" text-anchor="{line.anchor}"'
        f'{_BOLD if line.bold else ""}{_svg_fit(line)}>{escape(line.text)}</text>'
        for line in face.lines
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CARD_WIDTH}mm" height="{CARD_HEIGHT}mm" '
        f'viewBox="0 0 {CARD_WIDTH} {CARD_HEIGHT}" font-family="{SVG_FONTS}">'
        f'<rect width="{CARD_WIDTH}" height="{CARD_HEIGHT}" rx="3" fill="#fff" stroke="#999" '
        'stroke-width="0.2"/>'
        f'<path transform="translate({QR_X} {QR_Y}) scale({module})" fill="#000" d="{runs}"/>'
        f"{texts}</svg>"
    )


def render_png(face: CardFace) -> bytes:
    scale = DPI / 25.4
    # greyscale: small, fast
    image = Image.new("L", (round(CARD_WIDTH * scale), round(CARD_HEIGHT * scale)), 255)
    draw = ImageDraw.Draw(image)
    module = round(QR_SIZE * scale / face.qr.size)  # whole pixels per module keep the QR sharp
    for y, x, n in face.qr.dark_runs():
        left, top = round(QR_X * scale) + x * module, round(QR_Y * scale) + y * module
        draw.rectangle((left, top, left + n * module - 1, top + module - 1), fill=0)
    for line in face.lines:
        font = _png_font(card_font_path(), round(line.size * scale))
        width = font.getlength(line.text)
        limit = line.max_width * scale
        if width > limit:
            font = _png_font(card_font_path(), max(8, int(line.size * scale * limit / width)))
        anchor = "ms" if line.anchor == "middle" else "ls"
        draw.text((line.x * scale, line.y * scale), line.text, font=font, fill=0, anchor=anchor,
                  stroke_width=1 if line.bold else 0, stroke_fill=0)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(DPI, DPI))
    return out.getvalue()


def render_sheet(faces: list[CardFace], *, title: str = "LaborPass cards") -> bytes:
    """An A4 PDF, ten cards a page with thin cut lines; the font is embedded (subset)."""
    font = pdf_font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    per_page = SHEET_COLUMNS * SHEET_ROWS
    for index, face in enumerate(faces):
        if index and index % per_page == 0:
            pdf.showPage()
        column, row = index % SHEET_COLUMNS, (index % per_page) // SHEET_COLUMNS
        _draw_pdf_card(pdf, face, font, SHEET_MARGIN_X + column * CARD_WIDTH,
                       SHEET_MARGIN_Y + row * CARD_HEIGHT)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _draw_pdf_card(pdf: canvas.Canvas, face: CardFace, font: str, left: float, top: float) -> None:
    page_height = A4[1]

    def at(x: float, y: float) -> tuple[float, float]:  # card mm (top-left origin) -> PDF points
        return (left + x) * mm, page_height - (top + y) * mm

    pdf.setLineWidth(0.2)
    pdf.setStrokeGray(0.6)
    pdf.roundRect(*at(0, CARD_HEIGHT), CARD_WIDTH * mm, CARD_HEIGHT * mm, 3 * mm, stroke=1, fill=0)
    module = QR_SIZE / face.qr.size
    path = pdf.beginPath()
    for y, x, n in face.qr.dark_runs():
        path.rect(*at(QR_X + x * module, QR_Y + (y + 1) * module), n * module * mm, module * mm)
    pdf.setFillGray(0)
    pdf.drawPath(path, stroke=0, fill=1)
    for line in face.lines:
        size = line.size * mm
        width = pdfmetrics.stringWidth(line.text, font, size)
        if width > line.max_width * mm:
            size *= line.max_width * mm / width
        pdf.setFont(font, size)
        draw = pdf.drawCentredString if line.anchor == "middle" else pdf.drawString
        draw(*at(line.x, line.y), line.text)


def card_font_path() -> str:
    configured = current_app.config.get("LABORPASS_CARD_FONT")
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if Path(candidate).is_file():
            return candidate
    raise Unavailable(
        Reason.CARD_FONT_MISSING,
        "No font with Chinese characters is installed: run scripts/run as root, or"
        " `apt-get install fonts-wqy-microhei`, or set LABORPASS_CARD_FONT.",
    )


@functools.lru_cache(maxsize=64)
def _png_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@functools.cache
def _register_pdf_font(path: str) -> str:
    name = "LaborPassCardFont"
    pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0) if path.endswith(".ttc")
                            else TTFont(name, path))
    return name


def pdf_font() -> str:
    return _register_pdf_font(card_font_path())


def _svg_fit(line: TextLine) -> str:
    # Rough width: a Chinese character is one em, a Latin one about half.
    estimate = sum(line.size if ord(ch) > 0x2E80 else line.size * 0.55 for ch in line.text)
    if estimate <= line.max_width:
        return ""
    return f' textLength="{line.max_width}" lengthAdjust="spacingAndGlyphs"'
