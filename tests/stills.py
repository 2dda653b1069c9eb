"""Still images made by the tests themselves (no binary files in the repository): a real
PNG and a real BMP of a given size, one colour."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def png(path: Path, width: int, height: int, rgb: tuple[int, int, int] = (200, 40, 40)) -> Path:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
    return path


def bmp(path: Path, width: int, height: int) -> Path:
    row = b"\x30\x60\x90" * width + b"\x00" * ((4 - (3 * width) % 4) % 4)
    pixels = row * height
    header = struct.pack("<2sIHHI", b"BM", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    path.write_bytes(header + info + pixels)
    return path
