"""Reading a program's output (and the answer) in bounded memory: tokens and lines, chunk by chunk.

A program may print up to its output limit (64 MiB) as one token or one line, or as 30 million tiny
ones; the judge runs unsandboxed and must not hold all of it. Tokens and lines are produced one at a
time from 64 KiB chunks. One up to ``CAP`` bytes is kept as bytes; a longer one is kept as a digest
(BLAKE2b over its bytes, and over its lower-cased bytes for case-insensitive comparison) with its first
bytes for messages, so two long items are equal exactly when their digests are. Tokens are separated by
testlib's blanks (isBlanks: space, tab, CR, LF), not by \\v or \\f as ``bytes.split()`` would be: a
token is what testlib's readWord reads, so token comparison is exactly Codeforces' wcmp.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path
from typing import BinaryIO

CHUNK = 64 * 1024  # bytes read at a time
CAP = 1024 * 1024  # longest token or line kept as bytes (at least CHUNK: a token whole inside one chunk
# is yielded as bytes unmeasured, so a larger CHUNK would keep some long tokens as bytes, others as digests)
HEAD = 256  # bytes of a long item kept for messages

# testlib's blanks; see the module docstring.
TESTLIB_BLANKS = b" \t\r\n"
_BLANKS = re.compile(rb"[ \t\r\n]+")

Data = bytes | Path  # what a checker compares: bytes in memory, or a file read as it goes


@dataclass(frozen=True)
class Long:
    """A token or line longer than CAP bytes."""

    head: bytes
    digest: bytes
    folded: bytes  # digest of the lower-cased bytes (tokens only; lines leave it empty)


Item = bytes | Long


def same_bytes(a: Item, b: Item) -> bool:
    if isinstance(a, bytes) or isinstance(b, bytes):
        return a == b
    return a.digest == b.digest


def same_folded(a: Item, b: Item) -> bool:
    """Equal ignoring ASCII case."""
    if isinstance(a, bytes) and isinstance(b, bytes):
        return a.lower() == b.lower()
    if isinstance(a, Long) and isinstance(b, Long):
        return a.folded == b.folded
    return False


def shown(item: Item) -> bytes:
    """The bytes of an item to quote in a message (the start of a long one)."""
    return item if isinstance(item, bytes) else item.head


def quoted(item: Item) -> str:
    """An item as a message quotes it: at most 40 characters, a longer (or long) one cut with "..."."""
    text = shown(item).decode("utf-8", "replace")
    return text if len(text) <= 40 and isinstance(item, bytes) else text[:37] + "..."


def _open(data: Data) -> BinaryIO:
    return io.BytesIO(data) if isinstance(data, bytes) else open(data, "rb")


def _digest() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=32)


class _Token:
    """The token being read: bytes while short, digests once longer than CAP."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.hashed: tuple[hashlib.blake2b, hashlib.blake2b, bytes] | None = None

    def add(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.hashed is not None:
            self.hashed[0].update(piece)
            self.hashed[1].update(piece.lower())
            return
        self.parts.append(piece)
        if self.size > CAP:
            whole = b"".join(self.parts)
            self.parts = []
            exact, folded = _digest(), _digest()
            exact.update(whole)
            folded.update(whole.lower())
            self.hashed = (exact, folded, whole[:HEAD])

    def take(self) -> Item | None:
        if self.size == 0:
            return None
        item: Item
        if self.hashed is None:
            item = b"".join(self.parts)
        else:
            exact, folded, head = self.hashed
            item = Long(head, exact.digest(), folded.digest())
        self.parts, self.size, self.hashed = [], 0, None
        return item


def tokens(data: Data, blanks: bytes = TESTLIB_BLANKS) -> Iterator[Item]:
    """The tokens of ``data`` between ``blanks`` (testlib's by default), as ``blank_tokens(data)`` gives
    them."""
    splitter = _BLANKS if blanks == TESTLIB_BLANKS else re.compile(b"[" + re.escape(blanks) + b"]+")
    blank = frozenset(blanks)
    current = _Token()
    with _open(data) as f:
        while chunk := f.read(CHUNK):
            parts = [part for part in splitter.split(chunk) if part]
            ends_in_space = chunk[-1] in blank
            if not parts:
                if (item := current.take()) is not None:
                    yield item
                continue
            first = 0
            if chunk[0] in blank:
                if (item := current.take()) is not None:
                    yield item
            else:  # the chunk continues the token the previous one ended in
                current.add(parts[0])
                first = 1
                if len(parts) > 1 or ends_in_space:
                    item = current.take()
                    assert item is not None
                    yield item
            end = len(parts) if ends_in_space else len(parts) - 1
            if end > first:
                yield from parts[first:end]
            if end < len(parts) and end >= first:
                current.add(parts[end])
    if (item := current.take()) is not None:
        yield item


def runs(data: Data, blanks: bytes) -> Iterator[tuple[bool, Item]]:
    """The maximal runs of ``blanks`` bytes and of other bytes, in order, as (is_blank, run): what a
    whitespace-sensitive comparison needs. A run longer than CAP (64 MiB of spaces) is a digest too."""
    splitter = re.compile(b"([" + re.escape(blanks) + b"]+)")
    pending, pending_blank = _Token(), False
    with _open(data) as f:
        while chunk := f.read(CHUNK):
            # split() alternates: other bytes at even indexes (first and last may be empty), blanks at odd.
            parts = splitter.split(chunk)
            i = 0 if parts[0] else 1
            last = len(parts) - 1 if parts[-1] else len(parts) - 2  # the last non-empty part
            if pending.size:
                if (i % 2 == 1) == pending_blank:  # the chunk goes on with the pending run
                    pending.add(parts[i])
                    if i == last:
                        continue
                    i += 1
                item = pending.take()
                assert item is not None
                yield pending_blank, item
            if i < last:  # whole runs, inside the chunk
                yield from zip(cycle((i % 2 == 1, i % 2 == 0)), parts[i:last])
            pending.add(parts[last])  # may go on in the next chunk
            pending_blank = last % 2 == 1
    if (item := pending.take()) is not None:
        yield pending_blank, item


def blank_tokens(data: bytes) -> list[bytes]:
    """All the tokens of ``data`` at once (short inputs: validators' arguments, tests)."""
    return [token for token in _BLANKS.split(data) if token]


class _Line:
    """The line being read, without its trailing whitespace: bytes while that is at most CAP bytes,
    a digest beyond. Whitespace not yet followed by anything else on the line is pending: it counts
    only if more of the line follows. Its first CAP + 1 bytes are kept so a line that ends up short is
    still exact bytes; once the line with it passes CAP it also goes into a copy of the line's digest,
    kept only if the line goes on."""

    def __init__(self) -> None:
        self.kept = bytearray()  # the first CAP + 1 bytes of the line (pending whitespace excluded)
        self.size = 0
        self.hashed: hashlib.blake2b | None = None  # the line's digest, once it is longer than CAP
        self.pending = bytearray()  # the first CAP + 1 bytes of the pending whitespace
        self.pending_size = 0
        self.pending_hashed: hashlib.blake2b | None = None  # the digest of line + pending whitespace

    def add(self, piece: bytes) -> None:
        body = piece.rstrip()
        if body:
            self._commit_pending()
            self._append(body)
            piece = piece[len(body) :]
        if piece:
            self._pend(piece)

    def take(self) -> Item:
        if self.hashed is None:
            item: Item = bytes(self.kept)
        else:
            item = Long(bytes(self.kept[:HEAD]), self.hashed.digest(), b"")
        self.kept, self.size, self.hashed = bytearray(), 0, None
        self.pending, self.pending_size, self.pending_hashed = bytearray(), 0, None
        return item

    def _pend(self, space: bytes) -> None:
        if self.pending_hashed is None and self.size + self.pending_size + len(space) > CAP:
            # Still complete here: the line and its pending whitespace are at most CAP bytes so far.
            self.pending_hashed = self.hashed.copy() if self.hashed is not None else _digest()
            if self.hashed is None:
                self.pending_hashed.update(bytes(self.kept))
            self.pending_hashed.update(bytes(self.pending))
        if self.pending_hashed is not None:
            self.pending_hashed.update(space)
        if len(self.pending) <= CAP:
            self.pending += space[: CAP + 1 - len(self.pending)]
        self.pending_size += len(space)

    def _commit_pending(self) -> None:
        if not self.pending_size:
            return
        if self.pending_hashed is not None:
            self.hashed = self.pending_hashed
            self.size += self.pending_size
            self._keep(bytes(self.pending))
        else:  # short enough to have been kept whole
            self._append(bytes(self.pending))
        self.pending, self.pending_size, self.pending_hashed = bytearray(), 0, None

    def _keep(self, body: bytes) -> None:
        if len(self.kept) <= CAP:
            self.kept += body[: CAP + 1 - len(self.kept)]

    def _append(self, body: bytes) -> None:
        if self.hashed is None and self.size + len(body) > CAP:
            self.hashed = _digest()
            self.hashed.update(bytes(self.kept))  # the whole line so far: it was at most CAP bytes
        if self.hashed is not None:
            self.hashed.update(body)
        self._keep(body)
        self.size += len(body)


def lines(data: Data) -> Iterator[Item]:
    """The lines of ``data`` (split at b"\\n") without trailing whitespace, trailing empty lines left out."""
    current = _Line()
    empty = 0  # empty lines not yet given: they count only if a non-empty line follows
    with _open(data) as f:
        while chunk := f.read(CHUNK):
            pieces = chunk.split(b"\n")
            current.add(pieces[0])
            for piece in pieces[1:]:
                line = current.take()
                if line == b"":
                    empty += 1
                else:
                    for _ in range(empty):
                        yield b""
                    empty = 0
                    yield line
                current.add(piece)
    line = current.take()
    if line != b"":
        for _ in range(empty):
            yield b""
        yield line


def same_content(a: Data, b: Data) -> bool:
    """Byte-for-byte equal."""
    with _open(a) as fa, _open(b) as fb:
        while True:
            ca, cb = fa.read(CHUNK), fb.read(CHUNK)
            if ca != cb:
                return False
            if not ca:
                return True


def size(data: Data) -> int:
    return len(data) if isinstance(data, bytes) else data.stat().st_size
