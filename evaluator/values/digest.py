"""SHA-256 of a text, as the definitions, the caches and the reuse of unchanged files name them.

``hashlib`` loads OpenSSL's library as it is imported (a tenth of the time a one-file check takes
to start); the interpreter's own SHA-256 module gives the same digest without it. Where that
module is missing (a build without it), ``hashlib`` is used.
"""

from __future__ import annotations

try:
    from _sha2 import sha256   # Python 3.12 and later
except ImportError:
    try:
        from _sha256 import sha256   # Python 3.11
    except ImportError:
        from hashlib import sha256

__all__ = ["sha256", "sha256_hex"]


def sha256_hex(text: str | bytes) -> str:
    """The SHA-256 of ``text`` (UTF-8 when a str), in hexadecimal."""
    return sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()
