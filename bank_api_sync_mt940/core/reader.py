"""Bytes in, numbered lines out: chunked reading, decoding and line splitting.

The reader never holds more than one chunk of the file: it decodes each chunk
(deciding the charset at the first non-ASCII chunk, see ``encoding.py``),
splits it on CRLF, LF or CR, and hands the lines over in batches together
with the number of the first one. A line cut by the chunk boundary waits for
the next chunk; so does a CR that may be the first half of a CRLF.

Bytes that are not text (undecodable bytes, control characters) stop the
reading with :class:`DecodeProblem`, after the lines before them were handed
over, so that the caller can say in which field they sit.
"""

import codecs
import io
import os
import re

from .encoding import bom_encoding, detect_encoding, normalize_encoding
from .errors import _lt

CHUNK_SIZE = 1 << 16

# Control characters never appear in statement text: their presence means
# binary data or a wrong charset. SOH/ETX (block markers of some Polish
# exports) and SUB (DOS end-of-file) are dropped instead, see _TOLERATED.
_CONTROL = re.compile(
    "[\x00\x02\x04-\x08\x0b\x0c\x0e-\x19\x1b-\x1f\x7f-\x9f\u2028\u2029]"
)
_TOLERATED = str.maketrans("", "", "\x01\x03\x1a")
# Checking the bytes first is ten times faster than the regex on the text,
# which then only runs on chunks that may hold a control character. In
# ISO-8859 charsets the bytes 0x80-0x9F are control characters too.
_C0 = bytes(range(0x20)) + b"\x7f"
_ALLOWED_C0 = b"\t\n\r\x01\x03\x1a"
_NOT_C0 = bytes(b for b in range(256) if b not in _C0 or b in _ALLOWED_C0)
_NOT_C0_C1 = bytes(b for b in _NOT_C0 if not 0x80 <= b <= 0x9F)
_UTF8_SUSPECTS = (b"\xc2", b"\xe2\x80\xa8", b"\xe2\x80\xa9")  # C1, U+2028/9


def _may_hold_controls(chunk, encoding):
    """Whether the decoded ``chunk`` may contain a control character."""
    if encoding.startswith("utf-16"):
        return True
    table = _NOT_C0_C1 if encoding.startswith("iso-8859") else _NOT_C0
    if chunk.translate(None, table):
        return True
    if encoding.startswith("utf-8"):
        return any(suspect in chunk for suspect in _UTF8_SUSPECTS)
    return False


def _pop_partial(lines, text):
    """Remove and return the unfinished last line of ``text`` from ``lines``."""
    if lines and not text.endswith(("\n", "\r")):
        return lines.pop()
    return ""


class DecodeProblem(Exception):
    """Internal: the text stops being text at ``line``.

    ``partial`` is the part of that line before the problem, which tells the
    caller which field the line belongs to.
    """

    def __init__(self, line, partial, reason):
        super().__init__(reason)
        self.line = line
        self.partial = partial
        self.reason = reason


def open_source(source):
    """A binary file object for bytes, a path or an open binary file.

    Returns ``(file, close)`` where ``close`` says whether we opened it.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(source), True
    if isinstance(source, os.PathLike):
        return open(source, "rb"), True  # closed by LineReader.close()
    if hasattr(source, "read"):
        return source, False
    raise TypeError(
        "MT940 source must be bytes, a path or a binary file object, "
        f"not {type(source).__name__}"
    )


def _utf8_cut(data):
    """Length of ``data`` without a UTF-8 sequence cut at its end."""
    start = len(data) - 1
    while start >= 0 and len(data) - start <= 4 and 0x80 <= data[start] < 0xC0:
        start -= 1
    if start >= 0 and data[start] >= 0xC0:
        lead = data[start]
        needed = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        if len(data) - start < needed:
            return start
    return len(data)


class _Decoder:
    """Incremental decoding with the charset decided at the first non-ASCII
    chunk (or forced by the caller)."""

    def __init__(self, encoding):
        self.encoding = normalize_encoding(encoding)
        self._decoder = None
        self._first = True
        self._held = b""  # undecided: non-ASCII bytes cut by the chunk's end
        self.last_input = b""  # the bytes decoded by the last call
        if self.encoding:
            self._decoder = codecs.getincrementaldecoder(self.encoding)()

    def decode(self, chunk, final):
        """Decode ``chunk``; UnicodeDecodeError positions are chunk offsets."""
        if self._first:
            self._first = False
            bom = bom_encoding(chunk)
            # A byte order mark decides, unless the caller forced an 8-bit
            # charset (then the mark decodes as three odd letters, as asked).
            if bom and self.encoding in (None, "utf-8"):
                self.encoding = bom
                self._decoder = codecs.getincrementaldecoder(bom)()
        if self._held:
            chunk = self._held + chunk
            self._held = b""
        self.last_input = chunk
        if self._decoder is not None:
            return self._decoder.decode(chunk, final)
        if chunk.isascii():
            return chunk.decode("ascii")
        sample = chunk
        if not final:
            # Decide on whole characters only: a UTF-8 sequence cut by the
            # end of the chunk is left out (and held back if nothing else
            # is non-ASCII).
            sample = chunk[: _utf8_cut(chunk)]
            if sample.isascii():
                self._held = chunk[len(sample) :]
                return sample.decode("ascii")
        self.encoding = detect_encoding(sample)
        self._decoder = codecs.getincrementaldecoder(self.encoding)()
        return self._decoder.decode(chunk, final)

    @property
    def name(self):
        return self.encoding or "ascii"


class LineReader:
    """Iterate over ``(first_line_number, lines)`` batches of a binary file.

    Lines carry no line break; they keep trailing spaces (the fields decide
    what to strip). ``encoding`` is the codec used so far ("ascii" until a
    non-ASCII byte was seen).
    """

    def __init__(self, source, encoding=None, chunk_size=CHUNK_SIZE):
        self._file, self._close = open_source(source)
        self._decoder = _Decoder(encoding)
        self._chunk_size = chunk_size

    @property
    def encoding(self):
        return self._decoder.name

    def close(self):
        if self._close:
            self._file.close()

    def batches(self):
        """Iterate over ``(first_line_number, lines)``; closes the file at the end."""
        try:
            yield from self._batches()
        finally:
            self.close()

    __iter__ = batches

    def _read(self):
        chunk = self._file.read(self._chunk_size)
        if chunk is None:  # non-blocking file with nothing yet: treat as end
            return b""
        if isinstance(chunk, str):
            raise TypeError("MT940 source must be opened in binary mode ('rb')")
        return bytes(chunk)

    def _batches(self):
        line_number = 1  # number of the next line to hand over
        self._carry = ""  # an unfinished line from the previous chunk
        self._pending_cr = False  # the previous chunk ended on CR: maybe CRLF
        self._first = True
        chunk = self._read()
        while True:
            next_chunk = self._read() if chunk else b""
            final = not next_chunk
            try:
                text = self._decoder.decode(chunk, final)
            except UnicodeDecodeError as error:
                valid = error.object[: error.start].decode(self.encoding, "replace")
                byte = error.object[error.start : error.start + 1].hex().upper()
                yield from self._stop(
                    line_number,
                    self._joined(valid),
                    _lt(
                        "byte 0x%(byte)s cannot be read as %(encoding)s: binary "
                        "data, or pass the right encoding",
                        byte=byte,
                        encoding=self._decoder.name,
                    ),
                )
            text = self._joined(text)
            if _may_hold_controls(self._decoder.last_input, self._decoder.name):
                control = _CONTROL.search(text)
                if control:
                    yield from self._stop(
                        line_number,
                        text[: control.start()],
                        _lt(
                            "control character U+%(code)04X in the text: binary "
                            "data, or pass the right encoding",
                            code=ord(control.group()),
                        ),
                    )
            lines = text.splitlines()
            self._carry = ""
            if final:
                pass
            elif text.endswith("\r"):
                self._pending_cr = True
            elif not text.endswith("\n") and lines:
                self._carry = lines.pop()
            if lines:
                yield line_number, lines
                line_number += len(lines)
            if final:
                return
            chunk = next_chunk

    def _joined(self, text):
        """Decoded ``text`` after what is left of the previous chunk, without a
        byte order mark, the LF of a CRLF cut by the chunk boundary, and the
        tolerated control characters."""
        if self._first:
            self._first = False
            if text.startswith("\ufeff"):
                text = text[1:]
        if self._pending_cr:
            self._pending_cr = False
            if text.startswith("\n"):
                text = text[1:]
        if "\x01" in text or "\x03" in text or "\x1a" in text:
            text = text.translate(_TOLERATED)
        return self._carry + text

    def _stop(self, line_number, before, reason):
        """Hand over the lines before a problem, then raise DecodeProblem."""
        lines = before.splitlines()
        partial = _pop_partial(lines, before)
        if lines:
            yield line_number, lines
        raise DecodeProblem(line_number + len(lines), partial, reason)
