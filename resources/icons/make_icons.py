"""Renders the app icon at every size the platforms want: python resources/icons/make_icons.py

Drawn with QPainter so the icon needs no design tool and stays sharp at
each size; the PNGs, .ico and .icns are committed so builds need no Qt
at packaging time.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
HERE = Path(__file__).resolve().parent


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    margin = size * 0.06
    rect = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    gradient = QLinearGradient(rect.topLeft(), rect.bottomRight())
    gradient.setColorAt(0.0, QColor("#4f46e5"))
    gradient.setColorAt(1.0, QColor("#0ea5e9"))
    path = QPainterPath()
    path.addRoundedRect(rect, size * 0.22, size * 0.22)
    painter.fillPath(path, QBrush(gradient))
    # A bold "Z" with a spark: zero-to-answer, fast.
    pen = QPen(QColor("white"), max(1.5, size * 0.1))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    left, right = size * 0.3, size * 0.7
    top, bottom = size * 0.3, size * 0.7
    zed = QPainterPath(QPointF(left, top))
    zed.lineTo(right, top)
    zed.lineTo(left, bottom)
    zed.lineTo(right, bottom)
    painter.drawPath(zed)
    if size >= 32:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#fde68a"))
        radius = size * 0.07
        painter.drawEllipse(QPointF(size * 0.76, size * 0.24), radius, radius)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def write_ico(path: Path, images: dict[int, QImage]) -> None:
    """A Windows .ico holding PNG frames (supported since Vista)."""
    sizes = [s for s in (16, 24, 32, 48, 64, 128, 256) if s in images]
    frames = [png_bytes(images[s]) for s in sizes]
    header = struct.pack("<HHH", 0, 1, len(frames))
    offset = 6 + 16 * len(frames)
    entries = b""
    for size, frame in zip(sizes, frames, strict=True):
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(frame), offset)
        offset += len(frame)
    path.write_bytes(header + entries + b"".join(frames))


def write_icns(path: Path, images: dict[int, QImage]) -> None:
    """A macOS .icns with PNG chunks (ic07..ic10 are 128..1024 px; icp4/icp5 16/32)."""
    kinds = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}
    body = b""
    for size, kind in kinds.items():
        frame = png_bytes(images[size])
        body += kind + struct.pack(">I", len(frame) + 8) + frame
    path.write_bytes(b"icns" + struct.pack(">I", len(body) + 8) + body)


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    images = {size: render(size) for size in SIZES}
    for size, image in images.items():
        image.save(str(HERE / f"zerogpu-desktop-{size}.png"))
    write_ico(HERE / "zerogpu-desktop.ico", images)
    write_icns(HERE / "zerogpu-desktop.icns", images)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
