"""PNG figures embedded in the PDF as they are: the same pixels as the PNG, read back from the
PDF by PDFium, whether the PNG's own data is used (8-bit RGB) or fpdf2 reads it (anything else).
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from fpdf import FPDF
from matplotlib import pyplot as plt
from PIL import Image

from remission.report._pdf_png import pdf_image_of_png, place_png, png_size_mm
from remission.report._render import draw


def _figure_png() -> bytes:
    """A figure as the report draws it (lines, text, a filled band: every PNG filter used)."""
    fig, ax = plt.subplots(figsize=(3, 2))
    x = np.linspace(0, 10, 200)
    ax.plot(x, np.sin(x), color="#1f77b4")
    ax.fill_between(x, np.sin(x) - 0.3, np.sin(x) + 0.3, alpha=0.3)
    ax.set_title("Kaplan-Meier, 95% CI")
    return draw(fig)[1]


def _png(image: Image.Image, **options: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="png", **options)
    return buf.getvalue()


def _gradient(mode: str) -> Image.Image:
    y, x = np.mgrid[0:37, 0:53]
    rgba = np.stack([x * 4, y * 6, (x + y) * 2, 120 + y * 3], axis=-1).astype(np.uint8)
    return Image.fromarray(rgba, "RGBA").convert(mode)


def _embedded_pixels(png: bytes) -> tuple[np.ndarray, FPDF]:
    """Place ``png`` on a page; the pixels of the one image PDFium finds in the PDF."""
    pdf = FPDF()
    pdf.add_page()
    place_png(pdf, png, x=10, y=10, w=50, h=30)
    doc = pdfium.PdfDocument(bytes(pdf.output()))
    images = list(doc[0].get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))
    assert len(images) == 1
    pixels = np.asarray(images[0].get_bitmap(render=False).to_pil().convert("RGB"))
    return pixels, pdf


def _idat(png: bytes) -> bytes:
    at, data = 8, []
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        if kind == b"IDAT":
            data.append(png[at + 8 : at + 8 + length])
        at += 12 + length
    return b"".join(data)


def test_a_drawn_figure_is_embedded_with_its_own_data_and_the_same_pixels():
    png = _figure_png()
    pixels, pdf = _embedded_pixels(png)
    expected = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert pixels.shape == expected.shape
    assert np.array_equal(pixels, expected)
    # the PNG's stream was used (fpdf2 found the entry placed for it), not read again
    (info,) = pdf.image_cache.images.values()
    assert info["usages"] == 1
    assert info["data"] == _idat(png)


@pytest.mark.parametrize(
    ("mode", "options"),
    [
        ("RGBA", {}),  # alpha: a soft mask, fpdf2's job
        ("P", {}),  # a palette
        ("L", {}),  # grey
        ("RGB", {"transparency": (0, 0, 0)}),  # tRNS
    ],
)
def test_other_pngs_are_left_to_fpdf2_with_the_same_pixels(mode, options):
    image = _gradient(mode)
    png = _png(image, **options)
    assert pdf_image_of_png(png) is None
    pixels, pdf = _embedded_pixels(png)
    if mode == "RGB":  # without alpha the pixels themselves must survive
        assert np.array_equal(pixels, np.asarray(image.convert("RGB")))
    assert pixels.shape[:2] == (37, 53)
    (info,) = pdf.image_cache.images.values()
    assert info["usages"] == 1


def test_an_rgb_png_is_taken_and_a_damaged_one_is_not():
    png = _png(_gradient("RGB"))
    info = pdf_image_of_png(png)
    assert info is not None
    assert (info["w"], info["h"], info["cs"], info["bpc"]) == (53, 37, "DeviceRGB", 8)
    assert zlib.decompress(info["data"])  # a whole zlib stream
    crc_of_ihdr = 8 + 8 + 13
    broken = png[:crc_of_ihdr] + b"\0\0\0\0" + png[crc_of_ihdr + 4 :]
    assert pdf_image_of_png(broken) is None
    assert pdf_image_of_png(png[: len(png) // 2]) is None  # cut short: no IEND
    assert pdf_image_of_png(b"GIF89a") is None
    # Adam7 interlacing (Pillow does not write it): the header says so, with a valid CRC
    ihdr = bytearray(png[12:29])
    ihdr[-1] = 1
    interlaced = png[:12] + bytes(ihdr) + struct.pack(">I", zlib.crc32(ihdr)) + png[33:]
    assert pdf_image_of_png(interlaced) is None
    assert pdf_image_of_png(png[:12] + bytes(ihdr[:-1]) + b"\0" + png[29:]) is not None


def test_the_same_png_twice_is_one_image_in_the_pdf():
    png = _png(_gradient("RGB"))
    pdf = FPDF()
    pdf.add_page()
    place_png(pdf, png, x=10, y=10, w=50, h=30)
    place_png(pdf, png, x=10, y=50, w=50, h=30)
    (info,) = pdf.image_cache.images.values()
    assert info["usages"] == 2


def test_png_size_follows_its_resolution():
    png = _png(_gradient("RGB"), dpi=(300, 300))
    width, height = png_size_mm(png)
    assert width == pytest.approx(53 / 300 * 25.4, rel=1e-3)
    assert height == pytest.approx(37 / 300 * 25.4, rel=1e-3)
