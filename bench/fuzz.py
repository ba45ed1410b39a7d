"""Fuzz `denialparse extract` with mutated letters: every format, structure-aware mutations.

Why a mutation loop over the samples and not atheris or Hypothesis: what issue 12 asks about
is what the *process* does (exit code, lines on the terminal, memory and CPU of the process and
its tesseract children), and most of the code that meets the bytes is C (pdfium, libtiff,
libjpeg, zlib, tesseract) that atheris can't instrument without rebuilding those libraries.
So each input runs the real CLI in a child process, as a user would, and the mutators know the
formats instead: PDF objects (counts, lengths, page boxes, references pointing back, streams
compressed once more, broken xref), TIFF tags (sizes, strip offsets and counts, resolution,
the next-page link), PNG chunks (IHDR sizes, CRCs, IDAT cut or repeated, huge lengths), JPEG
markers (SOF sizes, missing tables, truncation after SOS, EXIF), and plain text (long lines,
NULs, form feeds, broken UTF-8), on top of plain byte flips, cuts and splices.

A crash is: an exit code other than 0 or 4; exit 4 with anything but exactly one line on
stderr; exit 0 with decoder noise on stderr (lines that are not our log's); more than 1 GB of
memory or 60 s of CPU; a kill by signal or the wall-clock timeout. Crashing inputs are saved
(``--save-to``) so they can become regression tests (tests/data/hostile/).

    .venv/bin/python bench/fuzz.py --minutes 2            # the CI run: non-zero exit on a crash
    .venv/bin/python bench/fuzz.py --minutes 60 --seed 7  # the long run
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import hashlib
import json
import os
import random
import re
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_DIRS = [ROOT / "samples", ROOT / "tests" / "data" / "hostile"]
SEED_SUFFIXES = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".txt"}
GB = 1024**3
# Inputs are cut to this size: past max_file_bytes (200 MB) every input is the same refusal.
MAX_INPUT = 256 * 1024 * 1024
MAX_RSS = GB
MAX_CPU = 60.0
# The child is stopped here whatever it does: well past the bounds, so they are measured.
WALL_TIMEOUT = 180.0
KILL_AS = 4 * GB  # RLIMIT_AS of the child: the machine must survive a real bomb
OUR_LOG_LINE = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL) denialparse[\w.]*: ")
INTERESTING_32 = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
                  0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]


# ---------------------------------------------------------------------------------------------
# generic mutations


def flip_bits(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def set_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(out))
        out[i] = rng.choice([0, 0xFF, 0x7F, 0x80, rng.randrange(256)])
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def cut_chunk(data: bytes, rng: random.Random) -> bytes:
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randint(1, max(1, len(data) // 8)))
    return data[:a] + data[b:]


def repeat_chunk(data: bytes, rng: random.Random) -> bytes:
    a = rng.randrange(len(data))
    b = min(len(data), a + rng.randint(1, 4096))
    return data[:b] + data[a:b] * rng.randint(2, 64) + data[b:]


def splice(data: bytes, rng: random.Random, other: bytes) -> bytes:
    a = rng.randrange(len(data))
    b = rng.randrange(len(other))
    return data[:a] + other[b:]


GENERIC = [flip_bits, set_bytes, truncate, cut_chunk, repeat_chunk]


# ---------------------------------------------------------------------------------------------
# PDF


_OBJ = re.compile(rb"(\d+)\s+0\s+obj\b(.*?)endobj", re.DOTALL)
_NUMBER = re.compile(rb"(?<=[\s\[/])-?\d+(?:\.\d+)?(?=[\s\]/>])")


def _objects(data: bytes) -> list[re.Match[bytes]]:
    return list(_OBJ.finditer(data))


def pdf_number(data: bytes, rng: random.Random) -> bytes:
    """Set a number in some object (a /Count, /Length, /Width, a MediaBox corner) to an extreme."""
    numbers = list(_NUMBER.finditer(data))
    if not numbers:
        return flip_bits(data, rng)
    m = rng.choice(numbers)
    value = rng.choice([b"0", b"-1", b"1", b"65535", b"2147483647", b"99999999999",
                        b"14400000", b"1e300", b"-14400", b"0.0001", b"3.4e38"])
    return data[: m.start()] + value + data[m.end():]


def pdf_reference_back(data: bytes, rng: random.Random) -> bytes:
    """Point a reference at its own object or its parent (page trees that loop)."""
    objs = _objects(data)
    refs = list(re.finditer(rb"(\d+) 0 R", data))
    if not objs or not refs:
        return flip_bits(data, rng)
    ref = rng.choice(refs)
    owner = next((o for o in objs if o.start() <= ref.start() < o.end()), rng.choice(objs))
    target = rng.choice([owner.group(1), rng.choice(objs).group(1), b"0", b"99999"])
    return data[: ref.start()] + target + b" 0 R" + data[ref.end():]


def pdf_kids_self(data: bytes, rng: random.Random) -> bytes:
    """Add the page tree node to its own /Kids (the class C input)."""
    for o in _objects(data):
        body = o.group(2)
        kids = re.search(rb"/Kids\s*\[", body)
        if kids and b"/Pages" in body:
            at = o.start(2) + kids.end()
            count = re.search(rb"/Count\s+(\d+)", body)
            out = data[:at] + o.group(1) + b" 0 R " + data[at:]
            if count and rng.random() < 0.5:
                new = str(int(count.group(1)) + rng.randint(1, 5)).encode()
                s = out.find(count.group(0), o.start())
                out = out[:s] + b"/Count " + new + out[s + len(count.group(0)):]
            return out
    return pdf_reference_back(data, rng)


def _streams(data: bytes) -> list[tuple[int, int, int, int]]:
    """(dict start, body start, body end, endstream end) of each stream."""
    found = []
    for m in re.finditer(rb"(?<![A-Za-z])stream(\r\n|\n)", data):
        end = data.find(b"endstream", m.end())
        if end < 0:
            continue
        start = data.rfind(b"obj", 0, m.start())
        found.append((max(0, start), m.end(), end, end + len(b"endstream")))
    return found


def _with_body(data: bytes, stream: tuple[int, int, int, int], body: bytes,
               extra_filter: bytes | None) -> bytes:
    dict_start, body_start, body_end, _ = stream
    head = data[dict_start:body_start]
    head = re.sub(rb"/Length\s+\d+(?:\s+0\s+R)?", b"/Length %d" % len(body), head, count=1)
    if extra_filter is not None:
        if re.search(rb"/Filter\s*\[", head):
            head = re.sub(rb"/Filter\s*\[", b"/Filter [" + extra_filter + b" ", head, count=1)
        elif re.search(rb"/Filter\s*/", head):
            head = re.sub(rb"/Filter\s*(/\w+)", b"/Filter [" + extra_filter + rb" \1]", head,
                          count=1)
        else:
            head = head.replace(b"<<", b"<< /Filter " + extra_filter + b" ", 1)
    return data[:dict_start] + head + body + b"\n" + data[body_end:]


def pdf_compress_again(data: bytes, rng: random.Random) -> bytes:
    """Compress a stream once more (/Filter [/FlateDecode ...]), the class F shape."""
    streams = _streams(data)
    if not streams:
        return pdf_number(data, rng)
    s = rng.choice(streams)
    return _with_body(data, s, zlib.compress(data[s[1]:s[2]], 9), b"/FlateDecode")


def pdf_inflate_stream(data: bytes, rng: random.Random) -> bytes:
    """Blow a stream up: its content repeated, or zeros, compressed once or twice."""
    streams = _streams(data)
    if not streams:
        return pdf_number(data, rng)
    s = rng.choice(streams)
    body = data[s[1]:s[2]]
    try:
        plain = zlib.decompress(body)
    except zlib.error:
        plain = body
    size = rng.choice([1 << 20, 16 << 20, 64 << 20, 200 << 20])
    filler = (plain or b"0 0 m ") * max(1, size // max(1, len(plain))) if rng.random() < 0.5 \
        else bytes(size)
    packed = zlib.compress(filler[:size], 9)
    if rng.random() < 0.5:
        return _with_body(data, s, zlib.compress(packed, 9),
                          b"/FlateDecode /FlateDecode")
    return _with_body(data, s, packed, b"/FlateDecode")


def pdf_content_mutation(data: bytes, rng: random.Random) -> bytes:
    """Inflate a content stream, damage its operators, put it back."""
    streams = _streams(data)
    if not streams:
        return pdf_number(data, rng)
    s = rng.choice(streams)
    try:
        plain = zlib.decompress(data[s[1]:s[2]])
        packed = True
    except zlib.error:
        plain, packed = data[s[1]:s[2]], False
    if not plain:
        return pdf_number(data, rng)
    operators = [b" q ", b" Q ", b" BT ", b" ET ", b" Tj ", b" cm ", b" Do ", b" re f ",
                 b" [(" + b"A" * 5000 + b")] TJ ", b" 1e38 0 0 1e38 0 0 cm ", b" /F9 0 Tf ",
                 b" q " * 200, b" BI /W 65535 /H 65535 /BPC 8 /CS /G ID x EI "]
    body = bytearray(plain)
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(body) + 1)
        body[i:i] = rng.choice(operators)
    new = bytes(body)
    return _with_body(data, s, zlib.compress(new) if packed else new, None)


def pdf_break_xref(data: bytes, rng: random.Random) -> bytes:
    choice = rng.randrange(3)
    if choice == 0:
        return data.replace(b"startxref", b"startxreX", 1)
    if choice == 1:
        at = data.rfind(b"xref")
        return data[:at] + data[at:].replace(b" n ", b" f ", rng.randint(1, 5)) if at >= 0 \
            else data
    return re.sub(rb"/Size\s+\d+", b"/Size 1", data, count=1)


def pdf_nest(data: bytes, rng: random.Random) -> bytes:
    """Deeply nested arrays or dictionaries in the page dictionary."""
    depth = rng.choice([100, 1000, 10000])
    nest = b"[" * depth + b"]" * depth if rng.random() < 0.5 else b"<< /A " * depth + b">>" * depth
    at = data.find(b"/Type /Page")
    if at < 0:
        at = data.find(b"<<")
    if at < 0:
        return data
    return data[:at] + b"/Junk " + nest + b" " + data[at:]


PDF = [pdf_number, pdf_number, pdf_reference_back, pdf_kids_self, pdf_compress_again,
       pdf_inflate_stream, pdf_content_mutation, pdf_break_xref, pdf_nest]


# ---------------------------------------------------------------------------------------------
# TIFF


def _tiff_entries(data: bytes) -> tuple[str, list[int]]:
    """Byte order and the file offsets of every IFD entry (first few IFDs)."""
    if len(data) < 8 or data[:2] not in (b"II", b"MM"):
        return "<", []
    order = "<" if data[:2] == b"II" else ">"
    if struct.unpack(order + "H", data[2:4])[0] != 42:
        return order, []
    entries = []
    (offset,) = struct.unpack(order + "I", data[4:8])
    seen = set()
    while 0 < offset < len(data) - 2 and offset not in seen and len(seen) < 64:
        seen.add(offset)
        (count,) = struct.unpack(order + "H", data[offset:offset + 2])
        for i in range(min(count, 200)):
            at = offset + 2 + 12 * i
            if at + 12 <= len(data):
                entries.append(at)
        nxt = offset + 2 + 12 * count
        if nxt + 4 > len(data):
            break
        (offset,) = struct.unpack(order + "I", data[nxt:nxt + 4])
    return order, entries


def tiff_tag(data: bytes, rng: random.Random) -> bytes:
    """Set one IFD entry's value (width, height, strips, compression, resolution...) to an extreme."""
    order, entries = _tiff_entries(data)
    if not entries:
        return flip_bits(data, rng)
    at = rng.choice(entries)
    out = bytearray(data)
    kind = rng.randrange(3)
    if kind == 0:  # the value/offset field
        out[at + 8:at + 12] = struct.pack(order + "I", rng.choice(INTERESTING_32 + [len(data)]))
    elif kind == 1:  # the count
        out[at + 4:at + 8] = struct.pack(order + "I", rng.choice(INTERESTING_32))
    else:  # the type
        out[at + 2:at + 4] = struct.pack(order + "H", rng.randrange(0, 20))
    return bytes(out)


def tiff_next_ifd(data: bytes, rng: random.Random) -> bytes:
    """Point the first page's next-page link back at itself or past the end (1,000-page TIFFs)."""
    order, entries = _tiff_entries(data)
    if len(data) < 8 or not entries:
        return truncate(data, rng)
    (first,) = struct.unpack(order + "I", data[4:8])
    if first + 2 > len(data):
        return truncate(data, rng)
    (count,) = struct.unpack(order + "H", data[first:first + 2])
    link = first + 2 + 12 * count
    if link + 4 > len(data):
        return truncate(data, rng)
    target = rng.choice([first, 8, len(data) - 4, len(data) + 100, 0xFFFFFFF0])
    return data[:link] + struct.pack(order + "I", target) + data[link + 4:]


def tiff_truncate_pages(data: bytes, rng: random.Random) -> bytes:
    """Cut a multi-page fax somewhere in its second half (the class B input)."""
    return data[: rng.randrange(len(data) // 2, len(data))]


TIFF = [tiff_tag, tiff_tag, tiff_tag, tiff_next_ifd, tiff_truncate_pages]


# ---------------------------------------------------------------------------------------------
# PNG


def _png_chunks(data: bytes) -> list[tuple[int, bytes, int]]:
    """(offset, type, data length) of each chunk."""
    chunks, at = [], 8
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        chunks.append((at, data[at + 4:at + 8], length))
        at += 12 + length
    return chunks


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_ihdr(data: bytes, rng: random.Random) -> bytes:
    """New width, height, bit depth or colour type in IHDR, with a correct CRC."""
    chunks = _png_chunks(data)
    if not chunks or chunks[0][1] != b"IHDR":
        return flip_bits(data, rng)
    at, _, length = chunks[0]
    body = bytearray(data[at + 8:at + 8 + length])
    field = rng.randrange(4)
    if field < 2:
        body[field * 4:field * 4 + 4] = struct.pack(">I", rng.choice(
            [0, 1, 2, 3, 15, 16, 20000, 20001, 100000, 0x7FFFFFFF]))
    elif field == 2:
        body[8] = rng.choice([1, 2, 4, 8, 16, 3, 0])
    else:
        body[9] = rng.choice([0, 2, 3, 4, 6, 1, 7])
    return data[:at] + _png_chunk(b"IHDR", bytes(body)) + data[at + 12 + length:]


def png_chunks(data: bytes, rng: random.Random) -> bytes:
    """Drop, repeat or damage a chunk; a huge declared length; a compressed-text bomb."""
    chunks = _png_chunks(data)
    if len(chunks) < 2:
        return flip_bits(data, rng)
    at, _, length = rng.choice(chunks[1:])
    chunk = data[at:at + 12 + length]
    choice = rng.randrange(5)
    if choice == 0:
        return data[:at] + data[at + 12 + length:]
    if choice == 1:
        return data[:at] + chunk * rng.randint(2, 50) + data[at + 12 + length:]
    if choice == 2:
        return data[:at + 8 + length] + b"\0\0\0\0" + data[at + 12 + length:]  # bad CRC
    if choice == 3:
        return data[:at] + struct.pack(">I", 0x7FFFFFFF) + data[at + 4:]
    bomb = _png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(bytes(64 << 20)))
    return data[:at] + bomb + data[at:]


PNG = [png_ihdr, png_ihdr, png_chunks, png_chunks]


# ---------------------------------------------------------------------------------------------
# JPEG


def _jpeg_segments(data: bytes) -> list[tuple[int, int, int]]:
    """(offset, marker, segment length) up to the first SOS."""
    segments, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        segments.append((at, marker, length))
        if marker == 0xDA:
            break
        at += 2 + length
    return segments


def jpeg_sof(data: bytes, rng: random.Random) -> bytes:
    """New height or width in the SOF segment (0, 1, 65535)."""
    for at, marker, _ in _jpeg_segments(data):
        if marker in (0xC0, 0xC1, 0xC2):
            field = at + 5 + rng.choice([0, 2])
            value = rng.choice([0, 1, 2, 16, 65535, 40000])
            return data[:field] + struct.pack(">H", value) + data[field + 2:]
    return flip_bits(data, rng)


def jpeg_segments(data: bytes, rng: random.Random) -> bytes:
    """Drop a table, repeat a segment, truncate after SOS, a bad EXIF orientation."""
    segments = _jpeg_segments(data)
    if not segments:
        return flip_bits(data, rng)
    at, marker, length = rng.choice(segments)
    choice = rng.randrange(4)
    if choice == 0 and marker != 0xDA:
        return data[:at] + data[at + 2 + length:]
    if choice == 1 and marker != 0xDA:
        return data[:at] + data[at:at + 2 + length] * rng.randint(2, 20) + data[at + 2 + length:]
    if choice == 2:
        sos = next((a for a, m, _ in segments if m == 0xDA), len(data) // 2)
        return data[: rng.randrange(sos, len(data))]
    exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01" + \
        struct.pack(">H", rng.choice([0, 9, 255, 8, 6])) + b"\0\0\0\0\0\0"
    return data[:2] + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + data[2:]


JPEG = [jpeg_sof, jpeg_segments, jpeg_segments]


# ---------------------------------------------------------------------------------------------
# plain text


def text_mutation(data: bytes, rng: random.Random) -> bytes:
    choice = rng.randrange(7)
    lines = data.split(b"\n")
    if choice == 0:  # a line repeated into a novel
        line = rng.choice(lines) or b"x"
        times = min(rng.choice([1000, 50_000, 300_000]), (64 << 20) // (len(line) + 1))
        return data + (line + b" ") * times
    if choice == 1:
        return data.replace(b"\n", b"\f", rng.randint(1, 200)) + b"\f" * rng.choice([10, 60, 5000])
    if choice == 2:
        return data[: len(data) // 2] + b"\0" + data[len(data) // 2:]
    if choice == 3:
        return b"\xff\xfe" + data.decode("latin-1").encode("utf-16-le")[: rng.randrange(1, 9999)]
    if choice == 4:
        return data.replace(b" ", bytes([rng.randrange(0x80, 0x100)]), rng.randint(1, 500))
    if choice == 5:
        return b"\n".join(lines * rng.choice([2, 20, 200]))
    return data.replace(b" ", b"\t\x0b\r", rng.randint(1, 1000))


TEXT = [text_mutation]


def media_of(data: bytes) -> str:
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"\x89PNG"):
        return "png"
    if head.startswith(b"\xff\xd8"):
        return "jpeg"
    return "text"


STRUCTURED: dict[str, list[Callable[[bytes, random.Random], bytes]]] = {
    "pdf": PDF, "tiff": TIFF, "png": PNG, "jpeg": JPEG, "text": TEXT,
}


def mutate(data: bytes, rng: random.Random, seeds: list[bytes]) -> tuple[bytes, list[str]]:
    """One to three mutations, mostly structure-aware for the input's format."""
    names = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        if not data:
            break
        kind = media_of(data)
        roll = rng.random()
        if roll < 0.65:
            op = rng.choice(STRUCTURED[kind])
            data = op(data, rng)
        elif roll < 0.95:
            op = rng.choice(GENERIC)
            data = op(data, rng)
        else:
            op = splice
            data = splice(data, rng, rng.choice(seeds))
        names.append(op.__name__)
    return data[:MAX_INPUT], names


# ---------------------------------------------------------------------------------------------
# running


@dataclasses.dataclass
class Run:
    name: str
    mutations: list[str]
    size: int
    code: int
    stderr_lines: list[str]
    rss: int
    cpu: float
    wall: float
    crash: str | None = None


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (KILL_AS, KILL_AS))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_extract(path: Path, model_none: bool) -> tuple[int, list[str], int, float, float]:
    """The real CLI on ``path``: exit code, stderr lines, max RSS, CPU (with children), wall."""
    args = [sys.executable, "-m", "denialparse", "extract", str(path), "--json"]
    if model_none:
        args += ["--model", "none"]
    start = time.monotonic()
    with tempfile.TemporaryFile() as err:
        # preexec_fn is safe here: the fuzzer runs no threads.
        proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            preexec_fn=_limit_child,  # noqa: PLW1509
            start_new_session=True,
        )
        deadline = start + WALL_TIMEOUT
        status, usage = 0, None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                os.killpg(proc.pid, 9)  # its own session: the CLI and its tesseracts only
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = [ln for ln in err.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    wall = time.monotonic() - start
    cpu = usage.ru_utime + usage.ru_stime
    return proc.returncode, lines, usage.ru_maxrss * 1024, cpu, wall


def judge(run: Run) -> str | None:
    """Why this run is a crash, or None."""
    if run.code not in (0, 4):
        return f"exit {run.code}"
    if run.code == 4 and len(run.stderr_lines) != 1:
        return f"exit 4 with {len(run.stderr_lines)} stderr lines"
    if run.code == 0:
        noise = [ln for ln in run.stderr_lines if not OUR_LOG_LINE.match(ln)]
        if noise:
            return f"exit 0 with decoder noise on stderr ({len(noise)} lines)"
    if run.rss > MAX_RSS:
        return f"{run.rss / 2**20:.0f} MB of memory"
    if run.cpu > MAX_CPU:
        return f"{run.cpu:.0f} s of CPU"
    return None


def load_seeds() -> list[tuple[str, bytes]]:
    seeds = []
    for folder in SEED_DIRS:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix.lower() in SEED_SUFFIXES \
                    and path.stat().st_size < 4 * 1024 * 1024:
                seeds.append((str(path.relative_to(ROOT)), path.read_bytes()))
    return seeds + derived_seeds()


def derived_seeds() -> list[tuple[str, bytes]]:
    """Formats the samples lack, made from them: PNGs (gray, RGB, 16-bit, transparent) and
    TIFFs with other codecs, so every format the tool accepts is fuzzed."""
    import io

    from PIL import Image

    def save(img: Image.Image, fmt: str, **kw: object) -> bytes:
        buf = io.BytesIO()
        img.save(buf, format=fmt, **kw)
        return buf.getvalue()

    fax = Image.open(ROOT / "samples" / "umr_lumbar_mri" / "fax.tif").convert("L")
    photo = Image.open(ROOT / "samples" / "cigna_cimt" / "photo.jpg").convert("RGB")
    photo.thumbnail((1400, 1400))
    page = fax.resize((fax.width, fax.height * 2))
    sixteen = Image.frombytes("I;16", page.size, bytes(
        b for v in page.tobytes() for b in (0, v)))
    clear = photo.convert("RGBA")
    clear.putalpha(page.resize(clear.size).point(lambda v: 255 - v))
    return [
        ("derived/fax-gray.png", save(page, "PNG", dpi=(204, 196))),
        ("derived/photo-rgb.png", save(photo, "PNG")),
        ("derived/fax-16bit.png", save(sixteen, "PNG")),
        ("derived/photo-transparent.png", save(clear, "PNG")),
        ("derived/photo-lzw.tif", save(photo.convert("L"), "TIFF", compression="tiff_lzw")),
        ("derived/fax-raw.tif", save(page, "TIFF", dpi=(204, 196), compression="raw")),
    ]


def fuzz(minutes: float, seed: int, save_to: Path, model_every: int,
         log: Callable[[str], None]) -> list[Run]:
    rng = random.Random(seed)
    seeds = load_seeds()
    seed_bytes = [data for _, data in seeds]
    save_to.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    end = time.monotonic() + minutes * 60
    with tempfile.TemporaryDirectory(prefix="dpfuzz-") as tmp:
        i = 0
        while time.monotonic() < end:
            seed_name, data = rng.choice(seeds)
            mutated, names = mutate(data, rng, seed_bytes)
            if not mutated:
                continue
            suffix = {"pdf": ".pdf", "tiff": ".tif", "png": ".png", "jpeg": ".jpg",
                      "text": ".txt"}[media_of(mutated)]
            path = Path(tmp) / f"input{suffix}"
            path.write_bytes(mutated)
            size = len(mutated)
            # The child's max RSS starts from ours at the fork: hold no big input while it runs.
            del mutated
            code, lines, rss, cpu, wall = run_extract(path, model_none=i % model_every != 0)
            run = Run(f"{Path(seed_name).name}#{i}", names, size, code, lines, rss, cpu, wall)
            run.crash = judge(run)
            runs.append(run)
            if run.crash:
                mutated = path.read_bytes()
                digest = hashlib.sha256(mutated).hexdigest()[:12]
                keep = save_to / f"crash-{digest}{suffix}"
                keep.write_bytes(mutated)
                (save_to / f"crash-{digest}.json").write_text(json.dumps(
                    dataclasses.asdict(run) | {"seed": seed_name, "file": keep.name}, indent=1))
                log(f"CRASH {run.crash}: {keep} from {seed_name} via {'+'.join(names)}; "
                    f"stderr: {lines[-3:]}")
            i += 1
    return runs


def summary(runs: list[Run], minutes: float, seed: int) -> str:
    by_code = collections.Counter(r.code for r in runs)
    by_format = collections.Counter(r.name.rsplit(".", 1)[-1].split("#")[0] for r in runs)
    crashes = [r for r in runs if r.crash]
    lines = [
        f"fuzz run: {minutes:g} min, seed {seed}, {len(runs)} inputs tried",
        "exits by code: " + ", ".join(f"{c}: {n}" for c, n in sorted(by_code.items())),
        "seeds by format: " + ", ".join(f"{k}: {n}" for k, n in sorted(by_format.items())),
        "stderr lines on exit 4: "
        + str(dict(collections.Counter(len(r.stderr_lines) for r in runs if r.code == 4))),
        (
            f"max RSS: {max((r.rss for r in runs), default=0) / 2**20:.0f} MB, "
            f"max CPU: {max((r.cpu for r in runs), default=0):.1f} s, "
            f"max wall: {max((r.wall for r in runs), default=0):.1f} s"
        ),
        f"crashes: {len(crashes)}",
    ]
    for r in crashes[:20]:
        lines.append(f"  CRASH {r.name} ({'+'.join(r.mutations)}): {r.crash}")
    lines.append("slowest (CPU):")
    for r in sorted(runs, key=lambda r: -r.cpu)[:5]:
        lines.append(f"  {r.cpu:6.1f} s CPU {r.wall:6.1f} s wall {r.rss / 2**20:6.0f} MB exit "
                     f"{r.code}  {r.name} ({'+'.join(r.mutations)}, {r.size} bytes)")
    lines.append("largest (max RSS):")
    for r in sorted(runs, key=lambda r: -r.rss)[:5]:
        lines.append(f"  {r.rss / 2**20:6.0f} MB {r.cpu:6.1f} s CPU exit {r.code}  {r.name} "
                     f"({'+'.join(r.mutations)}, {r.size} bytes)")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--save-to", type=Path, default=ROOT / "bench" / "results" / "fuzz-crashes")
    parser.add_argument("--model-every", type=int, default=5,
                        help="every Nth input runs with the bundled model, the others rules only "
                        "(spaCy's load is most of a clean run's time) [5]")
    args = parser.parse_args()
    # The CLI must see the same package as we do (a worktree run sets PYTHONPATH).
    os.environ.setdefault("PYTHONPATH", str(ROOT / "src"))
    print(f"fuzzing `denialparse extract` for {args.minutes:g} min, seed {args.seed}", flush=True)
    runs = fuzz(args.minutes, args.seed, args.save_to, max(1, args.model_every),
                lambda line: print(line, flush=True))
    print(summary(runs, args.minutes, args.seed), flush=True)
    return 1 if any(r.crash for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
