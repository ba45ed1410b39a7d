"""Image pages (TIFF frames, PNG, JPEG) made ready for OCR: upright, 8-bit gray, square pixels.

Fax pages are the hard case: 1-bit, often with non-square pixels (204x98 dpi "standard" faxes
are squashed to half height) and jagged edges. Each frame is decoded only when an OCR worker
asks for it (``frame_loader``), so a 50-page fax never sits decoded in memory all at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from denialparse.reading import ingest
from denialparse.reading.quiet import decoder_output_to_debug
from denialparse.reading.scheduling import UnloadablePageError

if TYPE_CHECKING:
    from PIL import Image

# Gaussian radius (pixels) that smooths bilevel fax pages before OCR.
_BILEVEL_BLUR = 0.8


def frame_loader(
    data: bytes, media_type: str, index: int, dpi: tuple[float, float] | None
) -> Callable[[], Image.Image]:
    """A loader for frame ``index``: upright (EXIF), 8-bit gray, square pixels.

    Each call opens its own PIL image, so workers don't share a file position. The loaded
    image carries ``info["denialparse_scale"]`` (factors back to file pixels) and
    ``info["denialparse_size"]`` (the file's upright width and height) for page coordinates.
    """

    def load() -> Image.Image:
        from PIL import ImageFilter, ImageOps

        # ingest already refused anything over our pixel limits (PIL's own bomb warning is
        # logged at debug) and decoded every frame once, so a failure here is rare.
        with decoder_output_to_debug(f"page {index + 1}"):
            try:
                with ingest.open_image(data, media_type) as img:
                    img.seek(index)
                    # Phone photos are stored sideways with an EXIF orientation tag.
                    upright = ImageOps.exif_transpose(img.copy())
            except ingest.DECODE_ERRORS as e:
                raise UnloadablePageError(f"the image frame can't be decoded ({e})") from e
        gray = to_gray(upright)
        size = (float(gray.width), float(gray.height))
        sx = sy = 1.0
        if dpi is not None:
            gray, sx, sy = square_pixels(gray, dpi)
        if upright.mode == "1":
            # Soften the jagged 1-bit edges: on the sample faxes a 0.8-px blur read 0.919 vs
            # 0.885 characters right (204x98) and 0.981 vs 0.978 (204x196).
            gray = gray.filter(ImageFilter.GaussianBlur(_BILEVEL_BLUR))
        gray.info["denialparse_scale"] = (sx, sy)
        gray.info["denialparse_size"] = size
        return gray

    return load


def to_gray(img: Image.Image) -> Image.Image:
    """8-bit gray for OCR, without the traps of a plain ``convert("L")``.

    ``convert("L")`` clips 16-bit scans (every value over 255 turns white, so a 16-bit page
    comes out blank) and maps transparent pixels to their colour, usually black (so a PNG with
    a transparent background comes out as a black page). 1-bit fax pages become 0/255.

    Args:
        img: a decoded image in any mode.

    Returns:
        The image in mode ``L``.
    """
    from PIL import Image as PILImage

    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        import numpy as np

        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") else max(float(arr.max()), 1.0)
        return PILImage.fromarray(np.clip(arr * (255.0 / top), 0, 255).astype(np.uint8))
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        white = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        return PILImage.alpha_composite(white, rgba).convert("L")
    return img.convert("L")


def square_dpi(dpi: tuple[float, float] | None) -> float | None:
    """The resolution of a frame once ``square_pixels`` has run: the larger of the two."""
    return max(dpi) if dpi else None


def square_pixels(gray: Image.Image, dpi: tuple[float, float]) -> tuple[Image.Image, float, float]:
    """Resample a fax page with non-square pixels (204x196, 204x98 dpi) to square pixels.

    Tesseract assumes square pixels: a 204x98 "standard" fax read as is has letters squashed
    to half height. Returns the image and the x and y factors that map its pixels back to the
    file's pixels; its dpi is now ``max(dpi)``.
    """
    from PIL import Image as PILImage

    xdpi, ydpi = dpi
    if abs(xdpi - ydpi) / max(xdpi, ydpi) < 0.05:
        return gray, 1.0, 1.0
    target = max(xdpi, ydpi)
    fx, fy = target / xdpi, target / ydpi
    size = (round(gray.width * fx), round(gray.height * fy))
    return gray.resize(size, PILImage.BICUBIC), 1.0 / fx, 1.0 / fy
