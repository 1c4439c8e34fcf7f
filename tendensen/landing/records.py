"""Where every CSV record of an export starts, found in one vectorised pass over the bytes.

DuckDB parses the body of an export (see `body`), but it does not say on which line of the
file a record starts, it skips blank lines silently, and it cuts off fields beyond the columns
it was given. Messages need all three (docs/landing.md: `row_number` is the line where the
record starts, a free-text cell with line breaks does not shift the numbers), so the same pass
that hashes the file also indexes its records: a line break ends a record when an even number
of double quotes precedes it (RFC 4180 quoting: quoted fields hold their quotes doubled), and
a record that holds nothing but its line break is a blank line.

The index is only trusted where DuckDB and Python's csv module read a file the same way:
UTF-8, quotes only where RFC 4180 puts them, no lone carriage returns, no field near Python's
csv field size limit. For anything else `canonical_copy` reads the file with the csv module
(exactly as before) and writes a clean UTF-8 copy for DuckDB, noting the lines as it goes.
Both give a `RecordIndex`; nothing downstream knows which one was used.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QUOTE, COMMA, CR, LF = 0x22, 0x2C, 0x0D, 0x0A
_BOM = b"\xef\xbb\xbf"
# bytes that may come right before a quote that opens a field, and right after one that closes it
_BEFORE_OPENING = np.zeros(256, bool)
_BEFORE_OPENING[[COMMA, LF, QUOTE]] = True
_AFTER_CLOSING = np.zeros(256, bool)
_AFTER_CLOSING[[COMMA, QUOTE, CR, LF]] = True


@dataclass
class RecordIndex:
    """The records of one export in file order, blank lines left out (DuckDB skips them too).

    `lines[i]` is the 1-based line where record i starts (record 0 and 1 are the header rows);
    `blank_lines` are the lines that were skipped as blank. Field counts are needed only for
    the few records whose width is wrong: `counts` holds them when the csv module already read
    every record, otherwise they are read from the record's bytes (`starts`, `path`).
    """

    lines: np.ndarray
    blank_lines: list[int]
    path: Path  # the UTF-8 file DuckDB reads (the export itself, or its canonical copy)
    starts: np.ndarray | None = None  # byte offset of each record in `path`
    size: int = 0
    counts: np.ndarray | None = None  # fields per record (canonical copies only)

    def __len__(self) -> int:
        return len(self.lines)

    def field_counts(self, indices: list[int]) -> list[int]:
        """Number of fields of the records at `indices`, as Python's csv module counts them."""
        if self.counts is not None:
            return [int(self.counts[i]) for i in indices]
        out = []
        with open(self.path, "rb") as handle:
            for i in indices:
                start = int(self.starts[i])
                end = int(self.starts[i + 1]) if i + 1 < len(self.starts) else self.size
                handle.seek(start)
                text = handle.read(end - start).decode("utf-8-sig" if start == 0 else "utf-8")
                out.append(len(next(csv.reader(io.StringIO(text, newline="")), [])))
        return out


class RecordScanner:
    """Feed the bytes of a file chunk by chunk; `finish` gives its RecordIndex, or None when
    the file is not plain RFC 4180 UTF-8 CSV (then `canonical_copy` must read it).

    The caller checks that the bytes are UTF-8 (records of other encodings are not indexed).
    """

    def __init__(self) -> None:
        self.offset = 0  # bytes before the current chunk
        self.newlines = 0  # line feeds before the current chunk
        self.quotes = 0  # parity of the double quotes before the current chunk
        self.previous = LF  # the byte before the current chunk (a file starts a line)
        self.pending_close = False  # a closing quote ended the last chunk: check what follows
        self.pending_cr = False  # a carriage return ended the last chunk: a line feed must follow
        self.ends: list[np.ndarray] = []  # offsets of the line feeds that end a record
        self.end_lines: list[np.ndarray] = []  # line number that follows each of them
        self.after_cr: list[np.ndarray] = []  # whether that line feed follows a carriage return
        self.regular = True  # plain RFC 4180 so far
        self.head = b""  # the first bytes: a BOM belongs to no field

    def feed(self, chunk: bytes) -> None:
        if len(self.head) < 3:
            self.head = (self.head + chunk)[:3]
        if self.regular and chunk:
            self._feed_records(np.frombuffer(chunk, np.uint8))
        self.offset += len(chunk)

    # ---------------------------------------------------------------- records

    def _feed_records(self, a: np.ndarray) -> None:
        if self.pending_cr and a[0] != LF:
            self.regular = False  # lone carriage return: Python's csv starts a line there
            return
        if self.pending_close and not _AFTER_CLOSING[a[0]]:
            self.regular = False
            return
        self.pending_close = False
        newline = np.flatnonzero(a == LF)
        quote = np.flatnonzero(a == QUOTE)
        # every carriage return must come right before a line feed (one ending the chunk is
        # checked against the next chunk)
        self.pending_cr = bool(a[-1] == CR)
        before_lf = int(np.count_nonzero(a[newline[newline > 0] - 1] == CR))
        if int(np.count_nonzero(a == CR)) != before_lf + self.pending_cr:
            self.regular = False
            return
        if len(quote) and not self._quotes_regular(a, quote):
            self.regular = False
            return
        even = ((np.searchsorted(quote, newline) + self.quotes) & 1) == 0
        ends = newline[even]
        self.ends.append(ends + self.offset)
        self.end_lines.append(np.flatnonzero(even) + self.newlines + 2)
        before = np.where(ends > 0, a[np.maximum(ends - 1, 0)], self.previous)
        self.after_cr.append(before == CR)
        self.newlines += len(newline)
        self.quotes = (self.quotes + len(quote)) & 1
        self.previous = int(a[-1])

    def _quotes_regular(self, a: np.ndarray, quote: np.ndarray) -> bool:
        """Quotes only open a field (after a comma or line break), close it (before one) or
        come doubled inside it; anything else is read differently by DuckDB and Python."""
        opening = ((np.arange(len(quote)) + self.quotes) & 1) == 0
        opens = quote[opening]
        before = np.where(opens > 0, a[np.maximum(opens - 1, 0)], self.previous)
        at_start = (opens + self.offset == 3) & (self.head == _BOM)  # <BOM>"...
        if not (_BEFORE_OPENING[before] | at_start).all():
            return False
        closes = quote[~opening]
        last = closes == len(a) - 1
        after = a[np.minimum(closes + 1, len(a) - 1)]
        if not (_AFTER_CLOSING[after] | last).all():
            return False
        self.pending_close = bool(last.any())
        return True

    # ---------------------------------------------------------------- result

    def finish(self, path: Path) -> RecordIndex | None:
        size = self.offset
        if not self.regular or self.pending_cr or self.quotes:
            return None
        ends = np.concatenate([np.zeros(0, np.int64), *self.ends])
        end_lines = np.concatenate([np.zeros(0, np.int64), *self.end_lines])
        after_cr = np.concatenate([np.zeros(0, bool), *self.after_cr])
        starts = np.concatenate([[3 if self.head == _BOM else 0], ends + 1])
        lines = np.concatenate([[1], end_lines])
        # record i runs from starts[i] to the line feed ends[i] (the last one may have none)
        length = np.append(ends, size) - starts
        blank = np.append((length[:-1] == 0) | ((length[:-1] == 1) & after_cr), False)
        if length[-1] == 0:  # the file ends with a line break: there is no last record
            starts, lines, length, blank = starts[:-1], lines[:-1], length[:-1], blank[:-1]
        if len(length) and int(length.max()) > csv.field_size_limit():
            return None  # Python's csv module may refuse such a field: let it read the file
        return RecordIndex(
            lines=lines[~blank],
            blank_lines=[int(x) for x in lines[blank]],
            path=path,
            starts=starts[~blank],
            size=size,
        )


def canonical_copy(records: Iterable[tuple[int, list[str]]], target: Path) -> RecordIndex:
    """Write the records (line, fields) read by the csv module (`read_records`) to `target` as
    UTF-8 CSV, leaving out blank lines, and index them by the lines they started on.

    The slow, exact path for files DuckDB cannot be given as they are (cp1252, lone carriage
    returns, irregular quoting, fields near the csv module's size limit).
    """
    lines: list[int] = []
    blank: list[int] = []
    counts: list[int] = []
    with open(target, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        for line, fields in records:
            if not fields:
                blank.append(line)
                continue
            lines.append(line)
            counts.append(len(fields))
            writer.writerow(fields)
    return RecordIndex(
        lines=np.asarray(lines, np.int64), blank_lines=blank, path=target, counts=np.asarray(counts, np.int64)
    )
