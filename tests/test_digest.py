"""The digests the definitions, the caches and the reuse of unchanged files are named by are
SHA-256, the same as hashlib's (manifests written before keep matching)."""

from __future__ import annotations

import hashlib

from hypothesis import given, strategies as st

from evaluator.values.digest import sha256, sha256_hex


@given(st.text())
def test_a_text_digest_is_hashlibs_sha256_of_its_utf8(text):
    assert sha256_hex(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()


@given(st.lists(st.binary(), max_size=5))
def test_bytes_and_pieces_give_hashlibs_digest(pieces):
    whole = b"".join(pieces)
    assert sha256_hex(whole) == hashlib.sha256(whole).hexdigest()
    digest = sha256()
    for piece in pieces:
        digest.update(piece)
    assert digest.hexdigest() == hashlib.sha256(whole).hexdigest()
