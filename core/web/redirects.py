"""Where the dashboard may send a browser back to after login: a path on this site only.

The check runs on what the browser will follow, not on the raw text: aiohttp/yarl strip
tab, CR and LF when they build the ``Location`` header, so ``/\\t/evil.example`` would
become ``//evil.example`` (another site). A target is accepted only when neither the raw
text nor its percent-decoded form has a control or whitespace character or a backslash,
yarl sees no scheme and no host, and the path starts with exactly one ``/``.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

from yarl import URL

DEFAULT_TARGET = "/dashboard"
MAX_LENGTH = 500


def _plain(text: str) -> bool:
    """No backslash, whitespace (any script) or control/format/unassigned character."""
    return not any(
        ch == "\\" or ch.isspace() or unicodedata.category(ch)[0] in ("C", "Z") for ch in text
    )


def local_target(raw: object) -> str | None:
    """``raw`` when it is a path on this site (see the module), else ``None``."""
    if not isinstance(raw, str) or not raw.startswith("/") or len(raw) > MAX_LENGTH:
        return None
    decoded = unquote(raw)
    if not (_plain(raw) and _plain(decoded)):
        return None
    try:
        url = URL(raw)
    except ValueError:
        return None
    if url.scheme or url.host is not None or url.is_absolute():
        return None
    for path in (raw, url.raw_path, url.path, decoded):
        if not path.startswith("/") or path.startswith("//"):
            return None
    return raw


def safe_next(raw: object) -> str:
    """A local path to return to after login (anything else: the guild list)."""
    return local_target(raw) or DEFAULT_TARGET
