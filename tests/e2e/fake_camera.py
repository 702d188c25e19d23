"""A Y4M video for Chromium's fake camera: real QR images of real card texts, one after another.

Y4M is one header line, then per frame "FRAME\\n" and the raw planes of 4:2:0 YUV; grey QR
codes need only the Y plane (U and V stay at 128)."""
from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image

SIZE = 480  # even, as 4:2:0 needs


def write_y4m(
    path: Path, texts: list[str], *, frames_each: int = 8, blank_between: int = 4, fps: int = 10
) -> Path:
    blank = Image.new("L", (SIZE, SIZE), 255)
    chroma = bytes([128]) * ((SIZE // 2) * (SIZE // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{SIZE} H{SIZE} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for text in texts:
            symbol = qrcode.make(text, box_size=5, border=4).get_image().convert("L")
            frame = blank.copy()
            frame.paste(symbol, ((SIZE - symbol.width) // 2, (SIZE - symbol.height) // 2))
            for image, count in ((frame, frames_each), (blank, blank_between)):
                for _ in range(count):
                    out.write(b"FRAME\n" + image.tobytes() + chroma + chroma)
    return path
