"""PNG figures placed in the PDF as they are, without decoding and compressing them again.

fpdf2 decodes every PNG (Pillow) and compresses its pixels again (zlib): 0.32 s of the demo
report's 0.5 s PDF. Neither is needed for the figures :func:`~remission.report._render.draw`
makes (8-bit RGB, not interlaced): a PDF image with ``/FlateDecode`` and ``/DecodeParms
<</Predictor 15 /Colors 3 /Columns W>>`` is read exactly as a PNG's image data is (ISO
32000-1, 7.4.4.4: the PNG predictors, chosen row by row), so the PNG's ``IDAT`` bytes are the
PDF image's stream. The pixels are the same; the bytes are the PNG encoder's, not zlib's again.

Any other PNG (alpha, a palette, 16 bits, interlaced, an ICC profile) goes through fpdf2's own
reading, as before.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from collections.abc import Iterator

from fpdf import FPDF
from fpdf.image_datastructures import RasterImageInfo

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_RGB_8BIT = (8, 2, 0, 0, 0)
"""IHDR after the size: bit depth 8, colour type 2 (RGB), deflate, adaptive filters, no
interlacing."""
_KEEPS_AS_IS = {b"IHDR", b"IDAT", b"IEND", b"pHYs", b"tEXt", b"zTXt", b"iTXt", b"tIME"}
"""Chunks that change nothing in the pixels; any other (tRNS, gAMA, iCCP, ...) leaves the PNG
to fpdf2."""


def png_size_mm(png: bytes) -> tuple[float, float]:
    """Width and height of a PNG at its resolution (pHYs; 150 dpi when absent).

    Parameters
    ----------
    png : bytes
        A PNG file.

    Returns
    -------
    tuple of float
        Width and height in millimetres.

    Examples
    --------
    >>> from PIL import Image
    >>> buf = io.BytesIO()
    >>> Image.new("RGB", (300, 150)).save(buf, format="png", dpi=(150, 150))
    >>> [round(v, 1) for v in png_size_mm(buf.getvalue())]
    [50.8, 25.4]
    """
    width, height = struct.unpack(">II", png[16:24])
    dpi_x = dpi_y = 150.0
    for kind, body in _chunks(png):
        if kind == b"IDAT":  # pHYs comes before the image data
            break
        if kind == b"pHYs":
            px, py, unit = struct.unpack(">IIB", body)
            if unit == 1 and px and py:
                dpi_x, dpi_y = px * 0.0254, py * 0.0254
    return width / dpi_x * 25.4, height / dpi_y * 25.4


def _chunks(png: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(type, data) of each chunk of a PNG, up to IEND; it stops early at a damaged chunk (cut
    short, or its CRC wrong) and yields nothing for a file that is not a PNG."""
    if not png.startswith(_SIGNATURE):
        return
    at = len(_SIGNATURE)
    while at + 12 <= len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        body = png[at + 8 : at + 8 + length]
        crc = png[at + 8 + length : at + 12 + length]
        if len(crc) != 4 or zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            return
        yield kind, body
        if kind == b"IEND":
            return
        at += 12 + length


def pdf_image_of_png(png: bytes) -> RasterImageInfo | None:
    """The PDF image of an 8-bit RGB PNG, its stream the PNG's own image data.

    Parameters
    ----------
    png : bytes
        A PNG file.

    Returns
    -------
    fpdf.image_datastructures.RasterImageInfo or None
        What fpdf2 needs to write the image; None for any PNG other than 8-bit RGB without
        interlacing, transparency or colour profile, or a damaged one (fpdf2 reads those).

    Examples
    --------
    >>> from PIL import Image
    >>> buf = io.BytesIO()
    >>> Image.new("RGB", (4, 2), (200, 30, 30)).save(buf, format="png")
    >>> info = pdf_image_of_png(buf.getvalue())
    >>> info["w"], info["h"], info["dp"]
    (4, 2, '/Predictor 15 /Colors 3 /Columns 4')
    >>> pdf_image_of_png(b"not a png") is None
    True
    """
    size, data, kind = None, [], b""
    for kind, body in _chunks(png):
        if kind not in _KEEPS_AS_IS:
            return None
        if kind == b"IHDR":
            width, height, *rest = struct.unpack(">IIBBBBB", body)
            if tuple(rest) != _RGB_8BIT:
                return None
            size = (width, height)
        elif kind == b"IDAT":
            data.append(body)
    if size is None or not data or kind != b"IEND":  # IEND: the file was read to its end
        return None
    info = RasterImageInfo()
    info.update(
        {
            "data": b"".join(data),
            "w": size[0],
            "h": size[1],
            "cs": "DeviceRGB",
            "iccp": None,
            "bpc": 8,
            "dpn": 3,
            "f": "FlateDecode",
            "inverted": False,
            "dp": f"/Predictor 15 /Colors 3 /Columns {size[0]}",
        }
    )
    return info


def place_png(pdf: FPDF, png: bytes, **where: float) -> None:
    """``pdf.image(png, **where)``, the PNG's image data embedded as it is when it can be.

    fpdf2 looks an image up in its document's cache under the MD5 of its bytes before reading
    it; the image is put there first, as fpdf2 itself would (the next number, no ICC
    profile). Should fpdf2 look it up otherwise, the entry stays unused (fpdf2 writes only the
    images that are used) and fpdf2 reads the PNG itself: slower, the same page.

    Parameters
    ----------
    pdf : fpdf.FPDF
        The document.
    png : bytes
        The PNG file.
    **where : float
        ``x``, ``y``, ``w``, ``h`` of :meth:`fpdf.FPDF.image`.

    Examples
    --------
    >>> from PIL import Image
    >>> buf = io.BytesIO()
    >>> Image.new("RGB", (40, 20), (200, 30, 30)).save(buf, format="png")
    >>> pdf = FPDF()
    >>> pdf.add_page()
    >>> place_png(pdf, buf.getvalue(), x=10, y=10, w=40, h=20)
    >>> bytes(pdf.output())[:5]
    b'%PDF-'
    """
    key = hashlib.md5(png.strip(), usedforsecurity=False).hexdigest()
    cache = pdf.image_cache.images
    if key not in cache:
        info = pdf_image_of_png(png)
        if info is not None:
            info.update({"i": len(cache) + 1, "usages": 0, "iccp_i": None})
            cache[key] = info
    pdf.image(io.BytesIO(png), **where)
