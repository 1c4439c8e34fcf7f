"""Small files written so that a reader sees the old content or the new, never half."""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def replace_atomically(path: Path, content: str | bytes) -> None:
    """Write `content` (text as UTF-8) to a temporary file beside `path`, then rename it over
    `path` (`os.replace`: atomic within one file system). A failure leaves `path` as it was
    and no temporary file behind."""
    staged = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        if isinstance(content, bytes):
            staged.write_bytes(content)
        else:
            staged.write_text(content, encoding="utf-8")
        os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)
