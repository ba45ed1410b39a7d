"""Surface noise for generated letters, with the labels carried along exactly.

What a letter meets after a scanner, a fax machine or a copy-paste out of a portal: OCR-like
character confusions (l/1/I, O/0, rn/m, S/5, B/8, cl/d), dropped or doubled spaces, words
hyphenated across a line break, hard line wrapping at 60-95 characters, stray header and footer
lines (page numbers, fax headers), paragraphs in capitals.

Every edit is made per character of the original text (a character becomes zero, one or more
characters), so each original offset maps to a new one and entity offsets are recomputed from
that map. Entities are protected from every edit that could change their extent; only ID
entities get (length-preserving) character confusions, in a small share, the way OCR misreads
them: the label stays on the noisy text. No entity is ever emptied.
"""

from __future__ import annotations

import random
import string

# one character read as another (same length)
CONFUSE_1 = {
    "l": "1I|", "1": "lI", "I": "l1", "O": "0", "0": "OD", "o": "0", "S": "5$", "5": "S",
    "B": "8", "8": "B3", "e": "c", "c": "e", "i": "l", "g": "q", "Z": "2", "2": "Z", "6": "b",
    "G": "6", ",": ".", ".": ",",
}
# one character read as two and two read as one
CONFUSE_SPLIT = {"m": "rn", "d": "cl", "w": "vv", "h": "li"}
CONFUSE_MERGE = {"rn": "m", "cl": "d", "vv": "w", "li": "h"}
ID_CONFUSE = {"0": "O", "O": "0", "1": "l", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8",
              "2": "Z", "6": "G"}
ID_LABELS = {"MEMBER_ID", "CLAIM_ID"}


def _stray_line(rng: random.Random, page: int) -> str:
    ph = f"({rng.randint(200, 989)}) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}"
    mo, dd, yy = rng.randint(1, 12), rng.randint(1, 28), rng.randint(19, 26)
    hh, mm = rng.randint(0, 23), rng.randint(0, 59)
    return rng.choice([
        f"Page {page} of {page + rng.randint(0, 3)}",
        f"{mo:02d}/{dd:02d}/20{yy} {hh:02d}:{mm:02d} FAX {ph} P.{page:03d}/{page + 2:03d}",
        f"From: {ph}  To: {rng.randint(200, 989)}{rng.randint(1000000, 9999999)}  "
        f"Page {page} of {page + 1}",
        f"- {page} -",
        f"{mo:02d}-{dd:02d}-{yy} {hh:02d}:{mm:02d}  {ph}  #{rng.randint(1000, 9999)} P. {page}",
        f"CONFIDENTIAL{' ' * rng.randint(2, 30)}Page {page}",
        "This page intentionally left blank" if rng.random() < 0.1 else f"Pg {page}",
        f"Received {mo:02d}/{dd:02d}/{yy} {hh:02d}:{mm:02d}",
    ])


def apply(rng: random.Random, text: str, ents: list[tuple[int, int, str]],
          missing: list[tuple[int, int]], reason: tuple[int, int] | None,
          level: float = 1.0) -> tuple[str, list[tuple[int, int, str]], list[tuple[int, int]],
                                       tuple[int, int] | None]:
    """Noise ``text``; returns the new text with the entities, missing spans and reason moved.

    Args:
        rng: the letter's random source (the result is deterministic for it).
        text: the clean letter.
        ents: (start, end, label), sorted, not overlapping.
        missing: (start, end) spans left as missing annotation.
        reason: the (start, end) of the reason, or None.
        level: scales every rate (1.0: a noticeably noisy but readable letter).
    """
    n = len(text)
    protected = bytearray(n + 1)
    for s, e, _ in ents:
        protected[max(0, s - 1):min(n, e + 1)] = b"\x01" * (min(n, e + 1) - max(0, s - 1))
    for s, e in missing:
        protected[max(0, s - 1):min(n, e + 1)] = b"\x01" * (min(n, e + 1) - max(0, s - 1))
    in_reason = bytearray(n + 1)
    if reason:
        in_reason[reason[0]:reason[1]] = b"\x01" * (reason[1] - reason[0])
    out = list(text)

    p_char = rng.choice([0.0, 0.002, 0.005, 0.01, 0.02]) * level
    p_space = rng.choice([0.0, 0.0, 0.01, 0.03]) * level
    p_hyph = rng.choice([0.0, 0.0, 0.01, 0.03]) * level
    p_stray = rng.choice([0.0, 0.0, 0.02, 0.05]) * level

    # character confusions and spaces
    i = 0
    while i < n:
        ch = text[i]
        if protected[i]:
            i += 1
            continue
        r = rng.random()
        if ch == " " and r < p_space:
            # drop or double a space (never next to an entity: protected covers its neighbours)
            out[i] = "" if rng.random() < 0.5 else "  "
        elif r < p_char and ch.strip():
            pair = text[i:i + 2]
            if pair in CONFUSE_MERGE and not protected[i + 1] and rng.random() < 0.5:
                out[i], out[i + 1] = CONFUSE_MERGE[pair], ""
                i += 2
                continue
            if ch in CONFUSE_SPLIT and rng.random() < 0.3:
                out[i] = CONFUSE_SPLIT[ch]
            elif ch in CONFUSE_1:
                out[i] = rng.choice(CONFUSE_1[ch])
        i += 1

    # ID entities: one misread character in a small share
    for s, e, label in ents:
        if label in ID_LABELS and rng.random() < 0.12 * level:
            cands = [k for k in range(s, e) if text[k] in ID_CONFUSE]
            if cands:
                k = rng.choice(cands)
                out[k] = ID_CONFUSE[text[k]]

    # words hyphenated across a line break
    if p_hyph:
        start = None
        for k in range(n + 1):
            c = text[k] if k < n else " "
            if c.isalpha():
                if start is None:
                    start = k
                continue
            if start is not None and k - start >= 7 and rng.random() < p_hyph and not any(
                    protected[start:k]):
                cut = rng.randint(start + 3, k - 3)
                if out[cut - 1] == text[cut - 1]:
                    out[cut - 1] = text[cut - 1] + "-\n"
            start = None

    # stray header / footer lines at line ends (never inside the reason)
    page = 1
    for k, c in enumerate(text):
        if c == "\f":
            page += 1
        elif c == "\n" and not protected[k] and not in_reason[k] and rng.random() < p_stray:
            out[k] = "\n" + _stray_line(rng, page) + "\n"

    # a paragraph in capitals
    if rng.random() < 0.25 * level:
        paras = [k for k in range(1, n) if text[k - 1] == "\n" and text[k] != "\n"]
        if paras:
            a = rng.choice(paras)
            b = text.find("\n\n", a)
            b = n if b < 0 else b
            for k in range(a, b):
                u = out[k].upper()
                if len(u) == len(out[k]):
                    out[k] = u

    pos = [0] * (n + 1)
    acc = 0
    for k in range(n):
        pos[k] = acc
        acc += len(out[k])
    pos[n] = acc
    new = "".join(out)

    def move(s: int, e: int) -> tuple[int, int]:
        a, b = pos[s], pos[e]
        while a < b and new[a].isspace():
            a += 1
        while b > a and new[b - 1].isspace():
            b -= 1
        return a, b

    new_ents = []
    for s, e, label in ents:
        a, b = move(s, e)
        if b <= a:  # cannot happen (entities are protected); keep the clean text then
            raise AssertionError("noise emptied an entity")
        new_ents.append((a, b, label))
    new_missing = [m for m in (move(s, e) for s, e in missing) if m[1] > m[0]]
    new_reason = move(*reason) if reason else None

    # hard line wrapping at 60-95 characters (spaces become newlines: offsets stay)
    if rng.random() < 0.35 * level:
        width = rng.randint(60, 95)
        new = wrap_same_length(new, width)
    return new, new_ents, new_missing, new_reason


def wrap_same_length(s: str, width: int) -> str:
    """Word-wrap by turning spaces into newlines, so every offset stays valid."""
    chars = list(s)
    line_start, last_space = 0, -1
    for i, ch in enumerate(chars):
        if ch in "\n\f":
            line_start, last_space = i + 1, -1
            continue
        if ch == " ":
            last_space = i
        if i - line_start >= width and last_space > line_start:
            chars[last_space] = "\n"
            line_start, last_space = last_space + 1, -1
    return "".join(chars)


def _selftest() -> None:  # pragma: no cover - quick manual check
    rng = random.Random(1)
    text = "Member ID: W123456789\nThe claim is denied because the information was incomplete.\n"
    ents = [(11, 21, "MEMBER_ID")]
    for _ in range(50):
        t, e, _, r = apply(rng, text, ents, [], (22, len(text) - 1), level=3)
        assert t[e[0][0]:e[0][1]].strip() == t[e[0][0]:e[0][1]]
        assert set(t[e[0][0]:e[0][1]]) <= set(string.ascii_letters + string.digits)


if __name__ == "__main__":  # pragma: no cover
    _selftest()
    print("ok")
