"""The tesseract wrapper: OCR of one page image (orientation, retry with clean-up, word boxes).

Why the binary and not pytesseract's helpers: pytesseract writes every image to a temporary PNG
(PHI on disk, ~0.1 s of PNG compression at the default level) and can't set the child's
environment. We pipe a fast-compressed PNG on stdin and read TSV on stdout instead, with
``OMP_THREAD_LIMIT=1`` in the child's environment: without it tesseract's OpenMP threads
oversubscribe the cores and one page takes 7 s instead of 1.4 s (tesseract issue #3362,
``shared/measured.md``).

Pages run in parallel as separate tesseract processes (see ``scheduling.py``); everything here is
thread-safe and keeps no state besides a cached ``tesseract_status``.

Coordinates: every box this module returns is in the pixels of the image it was *given*, in that
image's orientation, whatever rotation, upscaling or deskew happened on the way.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from denialparse.exceptions import MissingDependencyError

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

TESSERACT_ENV = "DENIALPARSE_TESSERACT"
INSTALL_ADVICE = (
    "tesseract is not installed: run `sudo apt-get install tesseract-ocr tesseract-ocr-eng` "
    "or `denialparse doctor`"
)
# Seconds one tesseract call may take before the page is given up (a 300-dpi page takes ~1.5 s).
TESSERACT_TIMEOUT = 180.0
# psm 3 (automatic layout) reads letters in order; psm 4 re-orders lines (measured.md).
_PSM_AUTO = 3
_PSM_OSD = 0
# Below this effective resolution the retry upscales to _TARGET_DPI (fax 204x98, small photos).
_LOW_DPI = 250
_TARGET_DPI = 300
# The clean-up pass never upscales a page past this many pixels (a 17 x 22-inch page at 300 dpi).
_MAX_UPSCALED_PIXELS = 36_000_000
# A page with less ink than this share of its pixels is blank (a fax cover's back side);
# one 11-pt line ("Page 2 of 2") is 0.00024, a lone "x" 0.00003.
_BLANK_INK_SHARE = 0.00005
# Deskew searches this many degrees either side; tesseract copes with ~1 deg on its own.
_MAX_SKEW = 5.0
_MIN_SKEW = 0.3

Point = tuple[float, float]
PointMap = Callable[[Point], Point]


@dataclass(frozen=True)
class OcrWord:
    """One word as tesseract read it.

    Attributes:
        text: the word.
        box: ``(x0, y0, x1, y1)`` in pixels of the image given to ``ocr_page``.
        confidence: tesseract's word confidence scaled to 0..1.
        block: tesseract's block number (layout region).
        par: paragraph number inside the block.
        line: line number inside the paragraph.
    """

    text: str
    box: tuple[float, float, float, float]
    confidence: float
    block: int
    par: int
    line: int


@dataclass(frozen=True)
class OcrPage:
    """The OCR result for one page image.

    Attributes:
        words: words in reading order.
        rotation: clockwise degrees (0, 90, 180, 270) the image was turned to read upright.
        confidence: mean word confidence 0..1, None when no word was read.
        preprocessed: True when the kept result came from the clean-up retry.
        blank: True when the page has (almost) no ink, so it was not OCRed.
        error: why the page could not be read, None when it was.
    """

    words: tuple[OcrWord, ...] = ()
    rotation: int = 0
    confidence: float | None = None
    preprocessed: bool = False
    blank: bool = False
    error: str | None = None

    @property
    def score(self) -> float:
        """Sum of the confidences of real words: more confidently read words is better."""
        return sum(w.confidence for w in self.words if any(c.isalnum() for c in w.text))


class OcrFailedError(RuntimeError):
    """tesseract crashed, timed out or printed nothing usable for one page (kept per page)."""


# --------------------------------------------------------------------------------------------
# tesseract discovery


def tesseract_cmd() -> str | None:
    """Path of the tesseract binary: ``$DENIALPARSE_TESSERACT``, else the one on ``PATH``."""
    configured = os.environ.get(TESSERACT_ENV)
    if configured:
        return configured if shutil.which(configured) else None
    return shutil.which("tesseract")


def tesseract_status(lang: str = "eng") -> dict[str, object]:
    """Check tesseract and its language data.

    Args:
        lang: tesseract language(s), ``+``-joined like ``eng+spa``.

    Returns:
        ``{"version": "5.3.0", "langs": [...], "osd": bool, "path": "/usr/bin/tesseract"}``.

    Raises:
        MissingDependencyError: tesseract is missing or broken, or ``lang``'s data is not installed.
    """
    return dict(_tesseract_status(lang))


@functools.lru_cache(maxsize=8)
def _tesseract_status(lang: str) -> tuple[tuple[str, object], ...]:
    cmd = tesseract_cmd()
    if cmd is None:
        raise MissingDependencyError(INSTALL_ADVICE, code="tesseract_missing")
    try:
        version_out = _run([cmd, "--version"], timeout=30).decode("utf-8", "replace")
        langs_out = _run([cmd, "--list-langs"], timeout=30).decode("utf-8", "replace")
    except (OSError, OcrFailedError) as e:
        raise MissingDependencyError(
            f"tesseract at {cmd} does not run ({e}): reinstall it with "
            "`sudo apt-get install --reinstall tesseract-ocr` or see `denialparse doctor`",
            code="tesseract_broken",
        ) from e
    match = re.search(r"tesseract\s+v?(\d+(?:\.\d+)*)", version_out)
    version = match.group(1) if match else "unknown"
    # The first line is 'List of available languages in "/usr/share/...": (N)'.
    langs = sorted(
        line.strip() for line in langs_out.splitlines()[1:] if line.strip() and " " not in line
    )
    missing = [part for part in lang.split("+") if part and part not in langs]
    if missing:
        packages = " ".join(f"tesseract-ocr-{m}" for m in missing)
        raise MissingDependencyError(
            f"tesseract language data for {'+'.join(missing)} is not installed: run "
            f"`sudo apt-get install {packages}` or pass --lang with one of {', '.join(langs)}",
            code="tesseract_lang_missing",
        )
    major = int(version.split(".")[0]) if version[0].isdigit() else 0
    if major and major < 4:
        raise MissingDependencyError(
            f"tesseract {version} is too old (needs 4 or later): run "
            "`sudo apt-get install tesseract-ocr` from a current distribution",
            code="tesseract_old",
        )
    return (("version", version), ("langs", langs), ("osd", "osd" in langs), ("path", cmd))


def _child_env() -> dict[str, str]:
    # One thread per tesseract: we run one process per core ourselves (measured.md, #3362).
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def _run(args: Sequence[str], *, stdin: bytes | None = None, timeout: float) -> bytes:
    """Run a command, return stdout; raise OcrFailedError with stderr's last line on failure."""
    try:
        proc = subprocess.run(
            list(args),
            input=stdin,
            capture_output=True,
            timeout=timeout,
            env=_child_env(),
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        raise OcrFailedError(f"tesseract took longer than {timeout:.0f} s") from e
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrFailedError(f"tesseract exited with {proc.returncode}: {err[-1] if err else ''}")
    return proc.stdout


def _png_bytes(img: Image.Image) -> bytes:
    """The page as a fast-compressed 8-bit gray PNG, to pipe into tesseract.

    Measured per 300-dpi page (tesseract 5.3, leptonica 1.82): PNG on stdin 0.9-1.06 s of CPU,
    uncompressed PGM on stdin 1.28-1.70 s (leptonica's PNM reader is slow), and the PNG at
    compression level 1 costs only ~0.05 s to write.
    """
    buf = io.BytesIO()
    img.convert("L").save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _dpi_args(dpi: float | None) -> list[str]:
    # Without --dpi tesseract guesses from a stdin image that carries none and warns.
    return ["--dpi", str(round(dpi))] if dpi else []


# --------------------------------------------------------------------------------------------
# one tesseract pass


def run_tesseract_tsv(
    img: Image.Image,
    *,
    lang: str,
    dpi: float | None,
    psm: int = _PSM_AUTO,
    config: Sequence[str] = (),
) -> list[OcrWord]:
    """One OCR pass; words with boxes in ``img``'s pixels, in tesseract's reading order.

    Args:
        img: the page (any mode; sent as 8-bit gray).
        lang: tesseract language(s).
        dpi: the image's resolution, or None to let tesseract estimate it.
        psm: page segmentation mode.
        config: extra ``-c name=value`` pairs, e.g. ``["thresholding_method=2"]``.

    Returns:
        The words read (possibly none).

    Raises:
        MissingDependencyError: tesseract is not installed.
        OcrFailedError: tesseract failed on this image.
    """
    status = _tesseract_status(lang)
    cmd = str(dict(status)["path"])
    args = [cmd, "stdin", "stdout", "-l", lang, "--psm", str(psm), *_dpi_args(dpi)]
    for item in config:
        args += ["-c", item]
    args.append("tsv")
    out = _run(args, stdin=_png_bytes(img), timeout=TESSERACT_TIMEOUT)
    return parse_tsv(out.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Words of tesseract's TSV output (level 5 rows with text)."""
    words: list[OcrWord] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        try:
            left, top, width, height = (int(c) for c in cols[6:10])
            conf = float(cols[10])
            block, par, line = int(cols[2]), int(cols[3]), int(cols[4])
        except ValueError:
            continue
        words.append(
            OcrWord(
                text=text,
                box=(float(left), float(top), float(left + width), float(top + height)),
                confidence=max(0.0, min(1.0, conf / 100.0)),
                block=block,
                par=par,
                line=line,
            )
        )
    return words


def detect_orientation(img: Image.Image, *, dpi: float | None, lang: str = "eng") -> int | None:
    """Clockwise degrees (0/90/180/270) to turn ``img`` upright, by tesseract OSD; None if unsure.

    Args:
        img: the page.
        dpi: its resolution, if known.
        lang: the OCR language(s) (only used to find the checked tesseract).

    Returns:
        The rotation, or None when OSD data is missing or OSD found too little text.
    """
    status = dict(_tesseract_status(lang))
    if not status["osd"]:
        return None
    small, factor = _downscale_for_osd(img)
    args = [str(status["path"]), "stdin", "stdout", "--psm", str(_PSM_OSD)]
    args += _dpi_args(dpi * factor if dpi else None)
    try:
        out = _run(args, stdin=_png_bytes(small), timeout=TESSERACT_TIMEOUT).decode()
    except OcrFailedError:
        # "Too few characters" exits non-zero: not a reason to fail the page.
        return None
    match = re.search(r"^Rotate:\s*(\d+)", out, re.MULTILINE)
    if not match:
        return None
    rotate = int(match.group(1)) % 360
    return rotate if rotate in (0, 90, 180, 270) else None


def _downscale_for_osd(img: Image.Image) -> tuple[Image.Image, float]:
    # OSD looks at glyph shapes; half of a 300-dpi page is plenty and saves ~0.3 s.
    from PIL import Image as PILImage

    if img.width <= 1800:
        return img, 1.0
    factor = 0.5
    size = (max(1, round(img.width * factor)), max(1, round(img.height * factor)))
    return img.resize(size, PILImage.BILINEAR), factor


# --------------------------------------------------------------------------------------------
# the page: first pass, orientation, clean-up retry


def ocr_page(
    img: Image.Image,
    *,
    lang: str = "eng",
    dpi: float | None = None,
    min_confidence: float = 0.60,
    clean_first: bool = False,
) -> OcrPage:
    """OCR one page image: one pass, then orientation fix and the other pass when it reads badly.

    The first pass is plain tesseract for scans (one process, the common case), or the clean-up
    pass (median 3, Sauvola, upscale to 300 dpi, deskew) when ``clean_first``: phone photos,
    where plain tesseract silently drops whole tilted paragraphs at high confidence (sample
    photos: 0.62-0.95 of the characters read plain, 0.96-0.999 cleaned up). Only when the first
    pass comes out empty or under ``min_confidence`` do we pay for OSD (a sideways or upside-down
    page reads at ~0.35) and for the other pass (clean-up read a noisy scan that plain
    tesseract gave 14 of 341 words). The better result is kept.

    Args:
        img: the page in any PIL mode.
        lang: tesseract language(s).
        dpi: the image's resolution, if known.
        min_confidence: below this mean word confidence the page is retried.
        clean_first: start with the clean-up pass (images of unknown resolution: photos).

    Returns:
        The kept result; ``error`` is set (not raised) when tesseract failed on this page.

    Raises:
        MissingDependencyError: tesseract or the language data is missing.
    """
    gray = img.convert("L")
    if is_blank(gray):
        return OcrPage(blank=True, error="the page is blank")
    try:
        best = _pass(gray, lang=lang, dpi=dpi, clean=clean_first)
    except OcrFailedError as e:
        log.warning("tesseract failed on a page: %s", e)
        best, first_error = OcrPage(), str(e)
    else:
        first_error = None
    if _good_enough(best, min_confidence):
        return best

    rotation = detect_orientation(gray, dpi=dpi, lang=lang)
    # OSD unsure (too little text for it): an upside-down feed is the common case, try that only.
    candidates = [rotation] if rotation is not None else [180]
    for rot in candidates:
        if rot == 0:
            continue
        try:
            turned = _pass(gray, lang=lang, dpi=dpi, rotation=rot, clean=clean_first)
        except OcrFailedError as e:
            log.warning("tesseract failed on a turned page: %s", e)
            continue
        if turned.score > best.score:
            best = turned
        if _good_enough(best, min_confidence):
            return best

    try:
        retried = _pass(gray, lang=lang, dpi=dpi, rotation=best.rotation, clean=not clean_first)
    except OcrFailedError as e:
        log.warning("tesseract failed on the second try of a page: %s", e)
    else:
        if retried.score > best.score:
            best = retried
    if not best.words and first_error:
        return OcrPage(error=first_error)
    return best


def _good_enough(page: OcrPage, min_confidence: float) -> bool:
    return bool(page.words) and page.confidence is not None and page.confidence >= min_confidence


def _pass(
    gray: Image.Image,
    *,
    lang: str,
    dpi: float | None,
    rotation: int = 0,
    clean: bool = False,
) -> OcrPage:
    """One tesseract pass over a transformed copy of ``gray``; boxes mapped back to ``gray``."""
    from PIL import Image as PILImage
    from PIL import ImageFilter

    work = gray
    maps: list[PointMap] = []  # each maps a point of the next image back to the previous one
    if rotation:
        work, back = _rotate_right_angle(work, rotation)
        maps.append(back)
    config: list[str] = []
    used_dpi = dpi
    if clean:
        work = work.filter(ImageFilter.MedianFilter(3))
        effective = dpi or _guess_dpi(work)
        # The upscale also stops at _MAX_UPSCALED_PIXELS: a huge page rendered at 40 dpi to
        # stay in the pixel limits must not come back 9 times bigger (1 GB for one page).
        factor = min(
            _TARGET_DPI / effective, 3.0, (_MAX_UPSCALED_PIXELS / (work.width * work.height)) ** 0.5
        )
        if effective < _LOW_DPI and factor > 1.0:
            size = (round(work.width * factor), round(work.height * factor))
            work = work.resize(size, PILImage.LANCZOS)
            maps.append(_scale_back(factor))
            used_dpi = (dpi or effective) * factor
        angle = estimate_skew(work)
        if abs(angle) >= _MIN_SKEW:
            work, back = _rotate_small(work, angle)
            maps.append(back)
        config.append("thresholding_method=2")  # Sauvola: local threshold beats Otsu on noise
    words = run_tesseract_tsv(work, lang=lang, dpi=used_dpi, config=config)
    if maps:
        words = [_map_word(w, maps) for w in words]
    conf = sum(w.confidence for w in words) / len(words) if words else None
    return OcrPage(words=tuple(words), rotation=rotation, confidence=conf, preprocessed=clean)


def _guess_dpi(img: Image.Image) -> float:
    # Unknown resolution (phone photo, stripped PNG): assume the page is 8.5 in wide.
    return max(img.width, 1) / 8.5


def _map_word(word: OcrWord, maps: list[PointMap]) -> OcrWord:
    x0, y0, x1, y1 = word.box
    corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
    for back in reversed(maps):
        corners = [back(p) for p in corners]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    box = (round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1))
    return OcrWord(word.text, box, word.confidence, word.block, word.par, word.line)


def _rotate_right_angle(img: Image.Image, clockwise: int) -> tuple[Image.Image, PointMap]:
    """Turn ``img`` clockwise by 90/180/270; return it and the map back to ``img``'s pixels."""
    from PIL import Image as PILImage

    w, h = img.width, img.height
    if clockwise == 90:
        # new (x', y') = (h - y, x)  =>  old (x, y) = (y', h - x')
        return img.transpose(PILImage.Transpose.ROTATE_270), lambda p: (p[1], h - p[0])
    if clockwise == 180:
        return img.transpose(PILImage.Transpose.ROTATE_180), lambda p: (w - p[0], h - p[1])
    if clockwise == 270:
        # new (x', y') = (y, w - x)  =>  old (x, y) = (w - y', x')
        return img.transpose(PILImage.Transpose.ROTATE_90), lambda p: (w - p[1], p[0])
    return img, lambda p: p


def _scale_back(factor: float) -> PointMap:
    return lambda p: (p[0] / factor, p[1] / factor)


def _rotate_small(img: Image.Image, angle: float) -> tuple[Image.Image, PointMap]:
    """Rotate counter-clockwise by ``angle`` degrees about the centre, same canvas size."""
    from PIL import Image as PILImage

    cx, cy = img.width / 2, img.height / 2
    turned = img.rotate(angle, resample=PILImage.BILINEAR, fillcolor=255)
    rad = math.radians(angle)
    cos, sin = math.cos(rad), math.sin(rad)

    # PIL turns the picture counter-clockwise on screen (y down); undo that for each point.
    def back(p: Point) -> Point:
        dx, dy = p[0] - cx, p[1] - cy
        return (cx + dx * cos - dy * sin, cy + dx * sin + dy * cos)

    return turned, back


def is_blank(gray: Image.Image) -> bool:
    """True when the page has almost no ink (a blank back side, an empty fax page).

    Counted at full resolution: a thumbnail greys thin strokes out, and a page holding only
    "Page 2 of 2" (0.024 % ink at 300 dpi) must still be read.
    """
    import numpy as np

    arr = np.asarray(gray)
    if arr.size == 0:
        return True
    return float((arr < 128).mean()) < _BLANK_INK_SHARE


def estimate_skew(gray: Image.Image) -> float:
    """Skew angle in degrees (counter-clockwise rotation that straightens the lines).

    Projection profile: the rotation that makes the row sums of ink spikiest is the one that lines
    the text up. Done on a ~1000-px copy, coarse then fine, in a few tens of milliseconds.

    Args:
        gray: the page, 8-bit gray.

    Returns:
        The angle, 0.0 for a straight (or empty) page.
    """
    import numpy as np
    from PIL import Image as PILImage

    small = gray.copy()
    small.thumbnail((1000, 1000))
    ink = small.point(lambda v: 255 if v < 128 else 0)
    if not np.asarray(ink).any():
        return 0.0

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=PILImage.NEAREST), dtype=np.float64).sum(
            axis=1
        )
        return float(np.square(np.diff(rows)).sum())

    coarse = [a / 2 for a in range(int(-_MAX_SKEW * 2), int(_MAX_SKEW * 2) + 1)]
    best = max(coarse, key=sharpness)
    fine = [best + d / 10 for d in range(-5, 6)]
    best = max(fine, key=sharpness)
    return round(best, 2)
