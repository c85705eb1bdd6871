"""Which character set an MT940 file is written in.

Polish banks send Windows-1250, ISO-8859-2, CP852 (DOS, still used by MultiCash
style exports) or UTF-8, some with a byte order mark; German banks ISO-8859-1
or -15. The file never says which, so :func:`detect_encoding` decides:

1. a byte order mark wins (UTF-8, or UTF-16 which a few converters write);
2. pure ASCII needs no decision (every candidate reads it the same way);
3. bytes that are valid UTF-8 are UTF-8: 8-bit Polish or German text is
   practically never valid UTF-8, because a letter such as ``ł`` (0xB3 in
   Windows-1250) would have to be followed by exactly the right number of
   continuation bytes;
4. otherwise each 8-bit codec reads the non-ASCII bytes and earns points for
   what it reads: Polish and German letters score high, other Latin letters a
   little, usual typography (dashes, quotes, euro sign) nothing, other symbols
   (``±``, ``¶``, ``│``) lose points and control characters lose many; a byte
   the codec does not define rules it out. The best total wins; on a tie the
   order of :data:`CANDIDATES` decides, except that text with German letters
   and no Polish ones prefers ISO-8859-15.

Limits: a text whose only non-ASCII letters decode to letters under two codecs
(``ó``, ``ć``, ``ę``, ``ń`` sit at the same place in Windows-1250 and
ISO-8859-2) cannot tell those two apart, but then both read the same text. A
single odd byte in a short file can tip the balance; callers that know the
bank's charset pass ``encoding=`` (the journal's *MT940 Encoding*) instead.

The parser reads in chunks and decides at the first chunk that holds a
non-ASCII byte (up to that point, all candidates agree), so detection costs
no second pass and no memory beyond one chunk.
"""

import codecs
import unicodedata

# Order matters only for ties: the most common charsets of Polish banks first.
CANDIDATES = ("cp1250", "iso-8859-2", "cp852", "iso-8859-15", "iso-8859-1")

_POLISH = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
_GERMAN = frozenset("äöüßÄÖÜ")
# Typography that real statements contain; it proves nothing either way.
_NEUTRAL = frozenset(
    "\u00a0\u2013\u2014\u201e\u201d\u201c\u2018\u2019\u201a\u00ab\u00bb"
    "\u00a7\u00b0\u20ac\u00b7\u00d7"
)  # nbsp, dashes, quotes, guillemets, section, degree, euro, middle dot, times

_SCORE_POLISH = 4.0
_SCORE_GERMAN = 4.0
_SCORE_LETTER = 0.5
_SCORE_SYMBOL = -2.0
_SCORE_CONTROL = -8.0

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _char_score(char):
    if char in _POLISH:
        return _SCORE_POLISH
    if char in _GERMAN:
        return _SCORE_GERMAN
    if char in _NEUTRAL:
        return 0.0
    category = unicodedata.category(char)
    if category.startswith("L"):
        return _SCORE_LETTER
    if category.startswith("C"):
        return _SCORE_CONTROL
    return _SCORE_SYMBOL


def _score_table(codec):
    """Score of each byte 0x80-0xFF read with ``codec``; None where undefined."""
    table = []
    for byte in range(0x80, 0x100):
        try:
            char = bytes([byte]).decode(codec)
        except UnicodeDecodeError:
            table.append(None)
        else:
            table.append(_char_score(char))
    return table


_SCORE_TABLES = {codec: _score_table(codec) for codec in CANDIDATES}


def normalize_encoding(name):
    """The codec's canonical name, or None for "detect" (None, "", "auto")."""
    if not name or name.lower() == "auto":
        return None
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        raise LookupError(f"unknown encoding {name!r}") from None
    return canonical.replace("iso8859-", "iso-8859-")


def bom_encoding(data):
    """The encoding announced by a byte order mark at the start, else None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def _is_utf8(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def score_8bit(data):
    """{codec: score} for the 8-bit candidates that can decode ``data``."""
    counts = [0] * 0x80
    for byte in range(0x80, 0x100):
        counts[byte - 0x80] = data.count(byte)
    present = [(index, count) for index, count in enumerate(counts) if count]
    scores = {}
    for codec in CANDIDATES:
        table = _SCORE_TABLES[codec]
        total = 0.0
        for index, count in present:
            weight = table[index]
            if weight is None:
                break
            total += weight * count
        else:
            scores[codec] = total
    return scores


def detect_encoding(data):
    """The most likely codec of ``data`` (bytes): see the module docstring.

    Returns ``"ascii"`` when there is nothing to decide.
    """
    bom = bom_encoding(data)
    if bom:
        return bom
    if data.isascii():
        return "ascii"
    if _is_utf8(data):
        return "utf-8"
    scores = score_8bit(data)
    if not scores:  # every byte is defined in ISO-8859-1: cannot happen
        return "iso-8859-1"
    best = max(scores.values())
    tied = [codec for codec in CANDIDATES if scores.get(codec) == best]
    if len(tied) > 1 and "iso-8859-15" in tied:
        text = data.decode(tied[0])
        if not _POLISH.intersection(text) and _GERMAN.intersection(text):
            return "iso-8859-15"
    return tied[0]
