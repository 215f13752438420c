"""A tiny raster canvas written as PNG with numpy and zlib (matplotlib and Pillow are not installed).

Just enough for the benchmark's plot: rectangles, lines, dots and 5x7 capital-letter text.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

Color = tuple[int, int, int]

# 5x7 glyphs, one string of seven 5-pixel rows each; text is drawn in capitals.
_GLYPHS = {
    "0": "01110 10001 10011 10101 11001 10001 01110", "1": "00100 01100 00100 00100 00100 00100 01110",
    "2": "01110 10001 00001 00010 00100 01000 11111", "3": "11111 00010 00100 00010 00001 10001 01110",
    "4": "00010 00110 01010 10010 11111 00010 00010", "5": "11111 10000 11110 00001 00001 10001 01110",
    "6": "00110 01000 10000 11110 10001 10001 01110", "7": "11111 00001 00010 00100 01000 01000 01000",
    "8": "01110 10001 10001 01110 10001 10001 01110", "9": "01110 10001 10001 01111 00001 00010 01100",
    "A": "01110 10001 10001 11111 10001 10001 10001", "B": "11110 10001 10001 11110 10001 10001 11110",
    "C": "01110 10001 10000 10000 10000 10001 01110", "D": "11100 10010 10001 10001 10001 10010 11100",
    "E": "11111 10000 10000 11110 10000 10000 11111", "F": "11111 10000 10000 11110 10000 10000 10000",
    "G": "01110 10001 10000 10111 10001 10001 01111", "H": "10001 10001 10001 11111 10001 10001 10001",
    "I": "01110 00100 00100 00100 00100 00100 01110", "J": "00111 00010 00010 00010 00010 10010 01100",
    "K": "10001 10010 10100 11000 10100 10010 10001", "L": "10000 10000 10000 10000 10000 10000 11111",
    "M": "10001 11011 10101 10101 10001 10001 10001", "N": "10001 10001 11001 10101 10011 10001 10001",
    "O": "01110 10001 10001 10001 10001 10001 01110", "P": "11110 10001 10001 11110 10000 10000 10000",
    "Q": "01110 10001 10001 10001 10101 10010 01101", "R": "11110 10001 10001 11110 10100 10010 10001",
    "S": "01111 10000 10000 01110 00001 00001 11110", "T": "11111 00100 00100 00100 00100 00100 00100",
    "U": "10001 10001 10001 10001 10001 10001 01110", "V": "10001 10001 10001 10001 10001 01010 00100",
    "W": "10001 10001 10001 10101 10101 10101 01010", "X": "10001 10001 01010 00100 01010 10001 10001",
    "Y": "10001 10001 10001 01010 00100 00100 00100", "Z": "11111 00001 00010 00100 01000 10000 11111",
    " ": "00000 00000 00000 00000 00000 00000 00000", ".": "00000 00000 00000 00000 00000 01100 01100",
    ",": "00000 00000 00000 00000 01100 00100 01000", ":": "00000 01100 01100 00000 01100 01100 00000",
    "-": "00000 00000 00000 11111 00000 00000 00000", "=": "00000 00000 11111 00000 11111 00000 00000",
    "<": "00010 00100 01000 10000 01000 00100 00010", ">": "01000 00100 00010 00001 00010 00100 01000",
    "/": "00000 00001 00010 00100 01000 10000 00000", "(": "00010 00100 01000 01000 01000 00100 00010",
    ")": "01000 00100 00010 00010 00010 00100 01000", "%": "11000 11001 00010 00100 01000 10011 00011",
    "+": "00000 00100 00100 11111 00100 00100 00000",
}
_BITMAPS = {c: np.array([[b == "1" for b in row] for row in rows.split()], bool) for c, rows in _GLYPHS.items()}
GLYPH_W, GLYPH_H = 6, 7  # advance per character (5 pixels and a gap), height


class Canvas:
    def __init__(self, width: int, height: int, background: Color = (255, 255, 255)):
        self.pixels = np.empty((height, width, 3), np.uint8)
        self.pixels[:] = background
        self.width, self.height = width, height

    def rect(self, x0: float, y0: float, x1: float, y1: float, color: Color) -> None:
        """Filled, corners inclusive, clipped to the canvas."""
        xa, xb = sorted((int(round(x0)), int(round(x1))))
        ya, yb = sorted((int(round(y0)), int(round(y1))))
        xa, ya = max(xa, 0), max(ya, 0)
        self.pixels[ya:min(yb, self.height - 1) + 1, xa:min(xb, self.width - 1) + 1] = color

    def hline(self, x0: float, x1: float, y: float, color: Color, width: int = 1, dash: int = 0) -> None:
        if not dash:
            self.rect(x0, y, x1, y + width - 1, color)
            return
        x = x0
        while x < x1:
            self.rect(x, y, min(x + dash - 1, x1), y + width - 1, color)
            x += 2 * dash

    def vline(self, x: float, y0: float, y1: float, color: Color, width: int = 1) -> None:
        self.rect(x, y0, x + width - 1, y1, color)

    def box(self, x0: float, y0: float, x1: float, y1: float, color: Color) -> None:
        """An outline."""
        self.hline(x0, x1, y0, color)
        self.hline(x0, x1, y1, color)
        self.vline(x0, y0, y1, color)
        self.vline(x1, y0, y1, color)

    def dot(self, x: float, y: float, color: Color, radius: int = 2) -> None:
        self.rect(x - radius, y - radius, x + radius, y + radius, color)

    def text(self, x: float, y: float, text: str, color: Color = (0, 0, 0), scale: int = 1) -> None:
        """Left edge at x, top at y; characters without a glyph are left blank."""
        x, y = int(round(x)), int(round(y))  # whole pixels, or rows of a glyph would merge
        for i, char in enumerate(text.upper()):
            bitmap = _BITMAPS.get(char)
            if bitmap is None:
                continue
            ys, xs = np.nonzero(bitmap)
            for py, px in zip(ys, xs):
                left = x + (i * GLYPH_W + px) * scale
                self.rect(left, y + py * scale, left + scale - 1, y + py * scale + scale - 1, color)

    @staticmethod
    def text_width(text: str, scale: int = 1) -> int:
        return len(text) * GLYPH_W * scale

    def save(self, path: str | Path) -> None:
        write_png(path, self.pixels)


def write_png(path: str | Path, rgb: np.ndarray) -> None:
    """8-bit RGB, no interlace; every row with filter type 0."""
    height, width, _ = rgb.shape
    raw = np.concatenate([np.zeros((height, 1), np.uint8), rgb.reshape(height, width * 3)], axis=1).tobytes()

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
                           + chunk(b"IEND", b""))
