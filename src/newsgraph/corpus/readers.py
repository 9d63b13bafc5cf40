"""Readers: files and streams in, checked text out, with one clear error per bad document."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import DocumentError
from ..nlp import decode

# Bytes read at most from one file: a UTF-8 character is at most 4 bytes, so a file larger than
# this cannot fit the character limit and is refused before it is read into memory.
BYTES_PER_CHAR = 4


def read_text(path: str | Path, max_chars: int) -> str:
    """The text of one plain-text file ('-' for standard input), decoded and checked."""
    where = "<stdin>" if str(path) == "-" else str(path)
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_chars * BYTES_PER_CHAR + 1)
    else:
        p = Path(path)
        if not p.exists():
            raise DocumentError("no such file", "read", where)
        if p.is_dir():
            raise DocumentError("is a folder, not a file", "read", where)
        size = p.stat().st_size
        if size > max_chars * BYTES_PER_CHAR:
            raise DocumentError(
                f"document too large: {size:,} bytes (limit {max_chars:,} characters; "
                "set NEWSGRAPH_MAX_CHARS to raise it)", "read", where)
        try:
            data = p.read_bytes()
        except OSError as err:
            raise DocumentError(f"cannot read: {err.strerror}", "read", where) from None
    if len(data) > max_chars * BYTES_PER_CHAR:
        raise DocumentError(f"document too large (over {max_chars:,} characters)", "read", where)
    return decode(data, where)
