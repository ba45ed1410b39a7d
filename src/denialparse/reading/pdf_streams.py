"""How far a PDF's streams inflate, measured with a budget before pdfium decodes any of them.

A 7 KB PDF whose content stream is Flate-compressed twice inflates to 4 GiB: pdfium decodes it
whole when the page's text or picture is asked for (5.4 GB of memory, 30-45 s). A PDF's
file size says nothing about its decoded size, so ingest measures it here first: every stream
that is not an image (content, fonts, forms, object streams) is inflated in chunks, counting
bytes, and the count stops as soon as the total passes the budget. Nothing decoded is kept.

Image streams can't share that budget (a scanned letter of 50 Flate-compressed pages is
rightly 400 MB of pixels), so each is held to its own: what its /Width, /Height, colour space
and bit depth promise (every image codec's output is at most that), plus 1 MiB. A Flate layer
wrapped around a JPEG that inflates to 200 MB is no picture of 1700 x 2200 gray pixels (the
fuzzer's find: 1,034 MB). An image whose size isn't given as plain numbers counts against the
shared budget. A chain with a filter we don't implement (LZW, RunLength, Crypt) is measured up
to that filter.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterator

_STREAM_START = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_ENDSTREAM = b"endstream"
# The stream dictionary sits between "N 0 obj" and "stream"; look back this far for it.
_DICT_WINDOW = 4096
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()%]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()%]+)")
_DIRECT_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_WIDTH = re.compile(rb"/W(?:idth)?\s+(\d+)(?!\s+\d+\s+R)")
_HEIGHT = re.compile(rb"/H(?:eight)?\s+(\d+)(?!\s+\d+\s+R)")
_BITS = re.compile(rb"/B(?:itsPerComponent|PC)\s+(\d+)")
# Bytes per pixel at 8 bits a component: the most any colour space takes is CMYK + alpha-ish.
_MAX_COMPONENTS = 4
_IMAGE_SLACK = 1024 * 1024
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_CHUNK = 1 << 20
_IN_CHUNK = 64 * 1024
_ABBREVIATIONS = {b"Fl": b"FlateDecode", b"AHx": b"ASCIIHexDecode", b"A85": b"ASCII85Decode"}


class StreamBudgetExceeded(Exception):
    """The streams inflate to more than the budget."""


def check_decoded_size(data: bytes, budget: int) -> int:
    """Bytes the PDF's non-image streams inflate to, in total.

    Args:
        data: the PDF file's bytes.
        budget: the most the streams may inflate to, together.

    Returns:
        The total (at most ``budget``).

    Raises:
        StreamBudgetExceeded: the total passes ``budget`` (counting stops there).
    """
    total = 0
    for dictionary, body in _streams(data):
        own = _image_budget(dictionary) if _IMAGE.search(dictionary) else None
        if own is not None:
            _decoded_size(body, _filters(dictionary), own)
        else:
            total += _decoded_size(body, _filters(dictionary), budget - total)
    return total


def _image_budget(dictionary: bytes) -> int | None:
    """The most an image stream may decode to: its promised pixels, or None when not stated."""
    width, height = _WIDTH.search(dictionary), _HEIGHT.search(dictionary)
    if not width or not height:
        return None
    bits = _BITS.search(dictionary)
    depth = max(8, int(bits.group(1))) if bits else 8
    pixels = int(width.group(1)) * int(height.group(1))
    return pixels * _MAX_COMPONENTS * depth // 8 + _IMAGE_SLACK


def _streams(data: bytes) -> Iterator[tuple[bytes, memoryview]]:
    """Each stream's dictionary (names unescaped) and raw body (a view: no copy of a 200 MB
    stream), as a tolerant reader finds them."""
    view = memoryview(data)
    position = 0
    while True:
        match = _STREAM_START.search(data, position)
        if match is None:
            return
        start = match.end()
        head = data[max(0, match.start() - _DICT_WINDOW) : match.start()]
        obj = head.rfind(b"obj")
        dictionary = _NAME_ESCAPE.sub(
            lambda m: bytes([int(m.group(1), 16)]), head[obj + 3 :] if obj >= 0 else head
        )
        end = _body_end(data, start, dictionary)
        yield dictionary, view[start:end]
        position = max(end, start)


def _body_end(data: bytes, start: int, dictionary: bytes) -> int:
    """Where the body ends: /Length when it lands on "endstream", else the next "endstream"."""
    lengths = _DIRECT_LENGTH.findall(dictionary)
    if lengths:
        end = start + int(lengths[-1])
        if data[end : end + 32].lstrip(b"\r\n \t\f\x00").startswith(_ENDSTREAM):
            return end
    found = data.find(_ENDSTREAM, start)
    return len(data) if found < 0 else found


def _filters(dictionary: bytes) -> list[bytes]:
    match = _FILTER.search(dictionary)
    if match is None:
        return []
    return [_ABBREVIATIONS.get(name, name) for name in _NAME.findall(match.group(1))]


def _decoded_size(body: memoryview, filters: list[bytes], budget: int) -> int:
    """Size of ``body`` after the filters we can apply; raises past ``budget``."""
    layer: bytes | memoryview = body
    for i, name in enumerate(filters):
        last = i == len(filters) - 1
        if name == b"FlateDecode":
            size, layer = _inflate(layer, budget, keep=not last)
            if last:
                return size
        elif name == b"ASCIIHexDecode":
            layer = _ascii_hex(bytes(layer))
        elif name == b"ASCII85Decode":
            layer = _ascii85(bytes(layer))
        else:  # image codecs, LZW, RunLength, Crypt: measure what we have
            break
    if len(layer) > budget:
        raise StreamBudgetExceeded
    return len(layer)


def _has_zlib_header(data: bytes | memoryview) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and ((data[0] << 8) | data[1]) % 31 == 0


def _inflate(data: bytes | memoryview, budget: int, *, keep: bool) -> tuple[int, bytes]:
    """Inflated size (and, with ``keep``, the bytes), at most 1 MiB out per step; stop at
    corrupt data. Input goes in 64 KiB at a time: zlib's ``unconsumed_tail`` is a copy, and a
    copy of a 200 MB stream per step cost 800 MB and 4 s.

    Raises:
        StreamBudgetExceeded: past ``budget`` bytes (nothing beyond that is inflated).
    """
    # pdfium takes zlib streams and raw deflate alike.
    inflater = zlib.decompressobj(zlib.MAX_WBITS if _has_zlib_header(data) else -zlib.MAX_WBITS)
    view = memoryview(data)
    out: list[bytes] = []
    size = 0
    try:
        for start in range(0, len(view), _IN_CHUNK):
            pending: bytes | memoryview = view[start : start + _IN_CHUNK]
            while pending:
                chunk = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                size += len(chunk)
                if size > budget:
                    raise StreamBudgetExceeded
                if keep:
                    out.append(chunk)
                if inflater.eof:
                    return size, b"".join(out)
    except zlib.error:
        pass  # pdfium keeps what inflated before the damage; so do we
    return size, b"".join(out)


def _ascii_hex(data: bytes) -> bytes:
    digits = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
    if len(digits) % 2:
        digits += b"0"
    return binascii.unhexlify(digits)


def _ascii85(data: bytes) -> bytes:
    text = re.sub(rb"\s", b"", data).removeprefix(b"<~").split(b"~>", 1)[0]
    try:
        return base64.a85decode(text)
    except ValueError:
        return b""
