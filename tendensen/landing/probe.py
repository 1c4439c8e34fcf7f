"""The bytes of an export, before anyone knows which survey tool wrote it: identity (sha256),
encoding, record index (`probe_file`), delimiter (`check_delimiter`) and CSV records
(`read_records`).

Survey tools write UTF-8 CSV with commas. A cp1252 file is a sign that someone re-saved the
export in Excel: we still read it (the labels are then correct), but say so. UTF-16 ("Unicode
text" from Excel) and `;`-separated files are refused. The messages name the tool whose export
the file looks like (`tool_of`, from the format registry: tendensen/landing/formats).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tendensen.landing.errors import LandingError
from tendensen.landing.records import RecordIndex, RecordScanner

_DELIMITER_NAMES = {";": 'semicolons (";")', "\t": "tabs", "|": 'pipes ("|")'}
_CHUNK = 1 << 20  # read, hashed, decoded and indexed while it is still in the CPU cache
_HEAD = 1 << 16  # bytes kept to name the tool of a file that is refused before it is parsed


def any_tool(_head: str) -> str:
    """The tool named when nothing better is known."""
    return "survey tool"


@dataclass(frozen=True)
class Probe:
    """What reading the raw bytes once told us: identity, encoding, and what to say about it."""

    export_id: str  # sha256 of the file bytes
    encoding: str | None  # Python codec to open the file with; None when rejected
    messages: tuple[str, ...]
    rejection: str | None = None  # why the file cannot be read at all (LandingError detail)
    # an odd number of double quotes: the last cell was opened and never closed (truncated)
    ends_inside_quotes: bool = False
    # where the records start, when DuckDB can read the file as it is (see records.py)
    records: RecordIndex | None = None


def probe_file(path: Path, file: str, tool_of: Callable[[str], str] = any_tool) -> Probe:
    """Hash the bytes, index the records and choose the decoding: UTF-8 (BOM stripped), else
    cp1252, else Latin-1. One pass over the file in 1 MiB chunks (exports can be gigabytes).
    `tool_of(first lines)` names the survey tool in the message refusing a UTF-16 file.
    """
    digest = hashlib.sha256()
    scanner = RecordScanner()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, has_content, head = True, False, b""
    quotes = 0  # parity; 0x22 is the double quote in UTF-8, cp1252 and Latin-1 alike
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            quotes ^= chunk.count(b'"') & 1
            if len(head) < _HEAD:
                head = (head + chunk)[:_HEAD]
            if not has_content and chunk.strip(b" \t\r\n\xef\xbb\xbf"):
                has_content = True
            utf8_ok = utf8_ok and _decodes(utf8, chunk)
            if utf8_ok:
                scanner.feed(chunk)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        tool = tool_of(head.decode("utf-16", errors="ignore"))
        return Probe(
            digest.hexdigest(),
            None,
            (),
            f"file is UTF-16 encoded; {tool} CSV exports are UTF-8: export again as CSV and do "
            "not re-save the file in Excel",
        )
    if not has_content:
        return Probe(digest.hexdigest(), None, (), "file is empty")
    messages: list[str] = []
    records = None
    if utf8_ok and _decodes(utf8, b"", final=True):
        if head.startswith(codecs.BOM_UTF8):
            messages.append(f"{file}: UTF-8 byte order mark (BOM) found and stripped")
            encoding = "utf-8-sig"
        else:
            encoding = "utf-8"
        records = scanner.finish(path)
    elif _decodes_as(path, "cp1252"):
        messages.append(f"{file}: decoded as cp1252 (not UTF-8)")
        encoding = "cp1252"
    else:
        messages.append(f"{file}: decoded as Latin-1 (neither UTF-8 nor cp1252)")
        encoding = "latin-1"
    return Probe(
        digest.hexdigest(), encoding, tuple(messages), records=records, ends_inside_quotes=bool(quotes)
    )


def _decodes_as(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            if not _decodes(decoder, chunk):
                return False
    return _decodes(decoder, b"", final=True)


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        return False
    return True


def first_record(head: str, delimiter: str = ",") -> list[str]:
    """The first CSV record of `head` (a file's first characters), split at `delimiter`."""
    return next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), [])


def check_delimiter(head: str, file: str, tool_of: Callable[[str], str] = any_tool) -> None:
    """Refuse a header that another delimiter splits into more fields than the comma does.

    A `;`- or tab-separated file is what Excel writes when a CSV is re-saved with a Dutch or
    French locale; reading it with commas would make every row one long field.
    """
    commas = len(first_record(head))
    for delimiter, name in _DELIMITER_NAMES.items():
        if len(first_record(head, delimiter)) > max(commas, 1):
            tool = tool_of(head.replace(delimiter, ","))
            raise LandingError(
                f"fields are separated by {name}, not by commas; {tool} CSV exports use "
                "commas: export again as CSV and do not re-save the file in Excel",
                file=file,
                row=1,
            )


def read_records(handle: io.TextIOBase, file: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, fields) for every CSV record; line numbers count physical
    lines, so a free-text cell with line breaks does not shift later row numbers."""
    reader = csv.reader(handle)
    line = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise LandingError(f"not readable as CSV ({error})", file=file, row=reader.line_num) from None
        yield line, fields
        line = reader.line_num + 1
