"""Ingest: open one input file read-only, work out what it is, and refuse what we can't read.

The type comes from the file's magic bytes, never its extension (a fax server happily names a
TIFF ``.pdf``). Every refusal is an ``InputFileError`` subclass with a one-line message (exit 4);
the checks that protect the machine run *before* anything is decoded, so a decompression bomb
costs us a header read, not the RAM. Every limit is an ``Options`` field; the checks are here:

- file size (``max_file_bytes``) before the file is read;
- pages (``max_pages``) from the PDF's page tree or the TIFF's frame list, before any page loads;
- PDF streams (``max_pdf_stream_bytes``): what content, font and object streams inflate to,
  counted with a budget before pdfium inflates any of them (``pdf_streams.py``);
- PDF page size (``max_page_points``): PDF's own 200-inch limit; a bigger "page" is a bomb for
  the renderer;
- image pixels in both directions (``max_image_pixels``, ``max_image_side``, ``min_image_side``,
  ``max_image_aspect``), from the header, before decoding, including the resampling of
  non-square fax pixels;
- text length (``max_text_chars``): a letter is never a novel; checked here for text files and
  by ``text.read_text`` for text layers and OCR, so no ``LetterText`` is ever longer.

Decoder warnings and libtiff's own stderr lines go to the debug log (``quiet.py``).
"""

from __future__ import annotations

import hashlib
import io
import logging
import stat
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from denialparse.exceptions import (
    EncryptedPdfError,
    InputFileError,
    LimitExceededError,
    UnsupportedFileError,
)
from denialparse.reading.quiet import decoder_output_to_debug
from denialparse.types import SourceInfo

if TYPE_CHECKING:
    from PIL import Image

    from denialparse.options import Options

log = logging.getLogger(__name__)

PDF = "application/pdf"
TIFF = "image/tiff"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain"
MEDIA_TYPES: tuple[str, ...] = (PDF, TIFF, PNG, JPEG, TEXT)

SUPPORTED_HINT = "denialparse reads PDF, TIFF, PNG, JPEG and plain-text (.txt) letters"

# PDF readers accept a header anywhere in the first KiB (some fax servers prepend junk).
_PDF_HEADER_WINDOW = 1024
# Sniffing decodes this much of a file to tell text from binary.
_TEXT_SNIFF_BYTES = 1024 * 1024
# Share of printable characters a text file needs; real letters are ~100%, binaries far below.
_MIN_PRINTABLE_SHARE = 0.95
# What Pillow's plugins raise on a damaged header or frame list (a truncated multi-page G4 fax
# gives TypeError "Missing dimensions" from the frame count).
DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    TypeError,
    KeyError,
    IndexError,
    ZeroDivisionError,
)
# Formats people send by mistake, named in the refusal so the fix is obvious.
_KNOWN_OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BM", "a BMP image"),
)


@dataclass(frozen=True)
class SourceDocument:
    """One input file, checked and held in memory (read once, so it can't change under us).

    Attributes:
        path: the file as given.
        sha256: hex digest of the file's bytes.
        media_type: one of ``MEDIA_TYPES``.
        page_count: pages (PDF), frames (TIFF), form-feed separated pages (text), else 1.
        data: the file's bytes.
        text: the decoded text of a plain-text letter (None for other types).
        dpi: per page ``(x, y)`` resolution recorded in an image file, None when not recorded.
    """

    path: Path
    sha256: str
    media_type: str
    page_count: int
    data: bytes = field(repr=False, compare=False)
    text: str | None = field(default=None, repr=False, compare=False)
    dpi: tuple[tuple[float, float] | None, ...] = field(default=(), compare=False)

    def source_info(self) -> SourceInfo:
        """The ``source`` object of the contract's ``LetterResult``."""
        return SourceInfo(
            path=str(self.path),
            sha256=self.sha256,
            media_type=self.media_type,
            pages=self.page_count,
        )


def load_document(path: Path, options: Options) -> SourceDocument:
    """Open ``path`` read-only, sniff its type and check it against the limits in ``options``.

    Args:
        path: the letter (PDF, TIFF, PNG, JPEG or text).
        options: run options (size, page and pixel limits).

    Returns:
        The checked document, bytes in memory.

    Raises:
        InputFileError: missing, a directory, unreadable, empty, or corrupt.
        UnsupportedFileError: not one of the supported types.
        EncryptedPdfError: a password-protected PDF.
        LimitExceededError: over ``max_file_bytes``, ``max_pages`` or the image pixel limits.
    """
    path = Path(path)
    data = _read_bytes(path, options.max_file_bytes)
    media_type = sniff_media_type(data)
    if media_type is None and not data.strip():
        raise InputFileError(
            f"{path}: the file holds only blank space: re-export or rescan the letter", code="empty"
        )
    if media_type is None:
        raise UnsupportedFileError(f"{path}: {_describe_unsupported(data)}; {SUPPORTED_HINT}")
    sha256 = hashlib.sha256(data).hexdigest()
    text: str | None = None
    dpi: tuple[tuple[float, float] | None, ...] = ()
    if media_type == PDF:
        page_count = _check_pdf(path, data, options)
    elif media_type == TEXT:
        # Every character takes at most 4 bytes: a longer file is over the limit before a
        # decode that could take 4 bytes of memory per character.
        check_text_length(path, len(data) // 4, options)
        text = decode_text(data)
        if text is None:  # binary past the sniffed head
            raise UnsupportedFileError(f"{path}: not a readable text file; {SUPPORTED_HINT}")
        check_text_length(path, len(text), options)
        page_count = max(1, len(split_text_pages(text)))
    else:
        dpi = _check_image(path, data, options)
        page_count = len(dpi)
    if page_count > options.max_pages:
        raise _too_many_pages(path, page_count, options.max_pages)
    log.debug("ingested %s as %s, %d page(s)", path.name, media_type, page_count)
    return SourceDocument(
        path=path,
        sha256=sha256,
        media_type=media_type,
        page_count=page_count,
        data=data,
        text=text,
        dpi=dpi,
    )


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read the whole file, refusing missing, special, empty or over-size files first."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file: check the path", code="not_found") from None
    except OSError as e:
        raise InputFileError(
            f"{path}: can't be opened ({e.strerror or e}): check the path and its permissions",
            code="unreadable_input",
        ) from e
    if stat.S_ISDIR(st.st_mode):
        raise InputFileError(
            f"{path}: is a directory, not a letter: pass one file, or use `denialparse batch`",
            code="is_directory",
        )
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(f"{path}: is not a regular file: pass a letter file", code="not_file")
    if st.st_size == 0:
        raise InputFileError(
            f"{path}: the file is empty (0 bytes): rescan or re-save it", code="empty"
        )
    if st.st_size > max_bytes:
        raise LimitExceededError(
            f"{path}: {st.st_size} bytes is over the limit of {max_bytes}: "
            "split or compress the file"
        )
    try:
        # Read-only, and never follow through to writing: the input is the user's record.
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except PermissionError as e:
        raise InputFileError(
            f"{path}: permission denied: make the file readable (chmod u+r) and retry",
            code="permission_denied",
        ) from e
    except OSError as e:
        raise InputFileError(
            f"{path}: can't be read ({e.strerror or e}): copy it locally and retry"
        ) from e
    if len(data) > max_bytes:  # grew while we looked
        raise LimitExceededError(f"{path}: over the limit of {max_bytes} bytes: split the file")
    if not data:
        raise InputFileError(
            f"{path}: the file is empty (0 bytes): rescan or re-save it", code="empty"
        )
    return data


def sniff_media_type(data: bytes) -> str | None:
    """Media type from the magic bytes, or None when it is none of the supported types.

    Args:
        data: the file's bytes (the first few KiB are enough).

    Returns:
        One of ``MEDIA_TYPES``, or None.
    """
    head = data[:_PDF_HEADER_WINDOW]
    if head.startswith(b"%PDF-") or b"%PDF-" in head:
        return PDF
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):  # classic and BigTIFF
        return TIFF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    for magic, _ in _KNOWN_OTHER_FORMATS:
        if head.startswith(magic):
            return None
    if decode_text(_text_head(data)) is not None:
        return TEXT
    return None


def _text_head(data: bytes) -> bytes:
    """The first MiB, cut on a character boundary: enough to tell text, cheap on 200 MB."""
    if len(data) <= _TEXT_SNIFF_BYTES:
        return data
    head = data[:_TEXT_SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head  # UTF-16: an even length
    cut = len(head)
    while cut > len(head) - 4 and 0x80 <= head[cut - 1] <= 0xBF:  # UTF-8 continuation bytes
        cut -= 1
    if cut > len(head) - 4 and head[cut - 1] >= 0xC0:  # the lead byte of the cut character
        cut -= 1
    return head[:cut]


def _describe_unsupported(data: bytes) -> str:
    for magic, what in _KNOWN_OTHER_FORMATS:
        if data.startswith(magic):
            return f"this is {what}, not a letter"
    return "unsupported file type (binary data)"


def decode_text(data: bytes) -> str | None:
    r"""Decode a plain-text letter, or None when the bytes don't look like text.

    UTF-8 (with or without BOM) first, UTF-16 only with a BOM, then latin-1 (old fax-server
    exports). Text means: no NUL bytes (after a UTF-16 decode) and mostly printable characters.

    Args:
        data: the file's bytes.

    Returns:
        The text with ``\r\n`` normalised to ``\n``, or None.
    """
    text: str | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    elif b"\x00" in data:
        return None
    else:
        for encoding in ("utf-8-sig", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None or "\x00" in text:
        return None
    sample = text[:100_000]
    if not sample.strip():
        return None
    printable = sum(1 for ch in sample if ch.isprintable() or ch in "\n\r\t\f")
    if printable / len(sample) < _MIN_PRINTABLE_SHARE:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_text_pages(text: str) -> list[str]:
    """Split a plain-text letter into pages on form feeds (how line printers paginated)."""
    pages = text.split("\f")
    # A trailing form feed ends the last page; it doesn't start an empty one.
    while len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return pages


def check_text_length(path: Path, chars: int, options: Options) -> None:
    """Refuse a letter with more text than ``options.max_text_chars`` (before spaCy sees it).

    Raises:
        LimitExceededError: over the limit.
    """
    if chars > options.max_text_chars:
        raise LimitExceededError(
            f"{path}: over {options.max_text_chars} characters of text, more than any denial "
            "letter: check that this is one letter (split a file that holds several)",
            code="text_too_long",
        )


def _too_many_pages(path: Path, count: int, limit: int) -> LimitExceededError:
    return LimitExceededError(
        f"{path}: {count} pages is over the limit of {limit}: split the file into letters"
    )


def _check_pdf(path: Path, data: bytes, options: Options) -> int:
    """Check the PDF's streams, then open it with pdfium and check its pages; the page count."""
    import pypdfium2 as pdfium

    from denialparse.reading.pdf_streams import StreamBudgetExceeded, check_decoded_size

    try:
        check_decoded_size(data, options.max_pdf_stream_bytes)
    except StreamBudgetExceeded:
        raise LimitExceededError(
            f"{path}: the PDF inflates to more than a letter can hold (over "
            f"{options.max_pdf_stream_bytes // (1024 * 1024)} MiB of content, or a picture "
            "bigger than its size says): a compression bomb; re-export or rescan the letter",
            code="pdf_bomb",
        ) from None
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        # pdfium's FPDF_ERR_PASSWORD (4): a user password is set. Branch on the code, not text.
        if getattr(e, "err_code", None) == 4:
            raise EncryptedPdfError(
                f"{path}: the PDF is password-protected: save an unprotected copy and retry"
            ) from e
        raise InputFileError(
            f"{path}: the PDF is corrupt or truncated: re-download or rescan it",
            code="corrupt_pdf",
        ) from e
    try:
        count = len(pdf)
        if count == 0:
            raise InputFileError(
                f"{path}: the PDF has no pages: re-download or rescan it", code="corrupt_pdf"
            )
        if count > options.max_pages:  # before touching the pages: a huge tree is slow to walk
            raise _too_many_pages(path, count, options.max_pages)
        # Loading each page object catches a broken page tree without rendering anything.
        for i in range(count):
            try:
                page = pdf[i]
            except pdfium.PdfiumError as e:
                raise InputFileError(
                    f"{path}: page {i + 1} of the PDF is corrupt: re-download or rescan it",
                    code="corrupt_pdf",
                ) from e
            try:
                _check_page_size(path, i + 1, page.get_size(), options)
            finally:
                page.close()
        return count
    finally:
        pdf.close()


def _check_page_size(path: Path, number: int, size: tuple[float, float], options: Options) -> None:
    """Refuse a page bigger than PDF's own limit: rendering it is a decompression bomb."""
    width, height = size
    if max(width, height) > options.max_page_points:
        raise LimitExceededError(
            f"{path}: page {number} is {width / 72:.0f} x {height / 72:.0f} inches, over the "
            f"{options.max_page_points / 72:.0f}-inch limit of PDF itself: this is not a letter "
            "page; re-export or rescan the letter",
            code="page_too_large",
        )


def _check_image(
    path: Path, data: bytes, options: Options
) -> tuple[tuple[float, float] | None, ...]:
    """Check every frame's header size before decoding it, then decode it to catch truncation.

    Returns:
        Per frame, the ``(x, y)`` dpi recorded in the file, or None.
    """
    from PIL import Image

    # Our own limits replace PIL's global bomb check, which would warn at 89 MP and raise at
    # 179 MP whatever the options say; over-limit images are refused below, before decoding.
    with decoder_output_to_debug(f"{sniff_media_type(data)} image"):
        try:
            img = open_image(data, sniff_media_type(data) or "")
        except DECODE_ERRORS as e:
            raise InputFileError(
                f"{path}: the image is corrupt or truncated: re-save or rescan it",
                code="corrupt_image",
            ) from e
        with img:
            try:
                n_frames = getattr(img, "n_frames", 1)
            except DECODE_ERRORS as e:
                raise InputFileError(
                    f"{path}: the image's page list is corrupt: re-save or rescan it",
                    code="corrupt_image",
                ) from e
            if n_frames > options.max_pages:
                raise _too_many_pages(path, n_frames, options.max_pages)
            dpis: list[tuple[float, float] | None] = []
            for frame in range(n_frames):
                try:
                    img.seek(frame)
                except DECODE_ERRORS as e:
                    raise InputFileError(
                        f"{path}: page {frame + 1} of the image is corrupt: re-save or rescan it",
                        code="corrupt_image",
                    ) from e
                dpi = _image_dpi(img)
                _check_pixels(path, img.size, dpi, frame, options)
                try:
                    img.load()
                except Image.DecompressionBombError as e:
                    raise LimitExceededError(
                        f"{path}: the image is too large to process safely: rescan at 300 dpi"
                    ) from e
                except DECODE_ERRORS as e:
                    raise InputFileError(
                        f"{path}: the image is corrupt or truncated (page {frame + 1}): "
                        "re-save or rescan it",
                        code="corrupt_image",
                    ) from e
                dpis.append(dpi)
    return tuple(dpis)


def open_image(data: bytes, media_type: str) -> Image.Image:
    """Open an image's header without PIL's global decompression-bomb check.

    ``Image.open`` refuses anything over ``Image.MAX_IMAGE_PIXELS`` * 2 with its own error; we
    construct the format's plugin directly so that our limits (from ``Options``) decide, with a
    message that says what to do. Nothing is decoded until ``load()``.

    Args:
        data: the file's bytes.
        media_type: image/png, image/jpeg or image/tiff.

    Returns:
        The lazily decoded image.

    Raises:
        OSError, SyntaxError, ValueError, EOFError: the header is broken.
    """
    from PIL import JpegImagePlugin, PngImagePlugin, TiffImagePlugin

    plugin = {
        PNG: PngImagePlugin.PngImageFile,
        JPEG: JpegImagePlugin.JpegImageFile,
        TIFF: TiffImagePlugin.TiffImageFile,
    }.get(media_type)
    if plugin is None:
        raise ValueError(f"not an image type: {media_type}")
    return plugin(io.BytesIO(data))


def _check_pixels(
    path: Path,
    size: tuple[int, int],
    dpi: tuple[float, float] | None,
    frame: int,
    options: Options,
) -> None:
    """Refuse a frame whose header promises too many, too few or too lopsided pixels.

    Checked before decoding, on the size the frame will have once fax pixels are made square
    (``images.square_pixels``: a 204x98-dpi frame doubles in height).
    """
    width, height = size
    where = f" (page {frame + 1})" if frame else ""
    if width <= 0 or height <= 0:
        raise InputFileError(
            f"{path}: the image has no pixels{where}: rescan it", code="corrupt_image"
        )
    if min(width, height) < options.min_image_side:
        raise LimitExceededError(
            f"{path}: the image is {width}x{height} pixels{where}, too small to hold a line of "
            "text: rescan the letter at 300 dpi",
            code="image_too_small",
        )
    if max(width, height) > options.max_image_aspect * min(width, height):
        raise LimitExceededError(
            f"{path}: the image is {width}x{height} pixels{where}, a strip rather than a page: "
            "rescan the letter at 300 dpi",
            code="image_not_a_page",
        )
    if dpi is not None:  # the size after square_pixels
        top = max(dpi)
        width, height = round(width * top / dpi[0]), round(height * top / dpi[1])
    if max(width, height) > options.max_image_side:
        raise LimitExceededError(
            f"{path}: the image is {width}x{height} pixels{where}, over the "
            f"{options.max_image_side}-pixel side limit: rescan at 300 dpi"
        )
    if width * height > options.max_image_pixels:
        raise LimitExceededError(
            f"{path}: the image has {width * height} pixels{where}, over the limit of "
            f"{options.max_image_pixels}: rescan at 300 dpi"
        )


def _image_dpi(img: Image.Image) -> tuple[float, float] | None:
    """The resolution recorded in the image, or None when missing or implausible."""
    dpi = img.info.get("dpi")
    if not dpi or len(dpi) != 2:
        return None
    try:
        x, y = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError):
        return None
    # 72/96 dpi and below are screen defaults written by tools that didn't know the real value.
    if not (100 <= x <= 1200 and 50 <= y <= 1200):
        return None
    return (x, y)
