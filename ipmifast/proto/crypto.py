"""RMCP+ integrity and confidentiality, IPMI v1.5 AuthCodes (IPMI v2.0 §13.28, §13.29, §22.17.1).

Selects the compiled ``_crypto_c`` or, with ``IPMIFAST_PURE_PYTHON=1``, the reference ``_crypto_py``
(STYLE.md §3). Both have the same API, results and exception types; ``__impl__`` says which is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ipmifast._impl import load

_mod = load("ipmifast.proto", "crypto")

if TYPE_CHECKING:
    from ipmifast.proto._crypto_c import (
        SessionCipher,
        aes_cbc_decrypt,
        aes_cbc_encrypt,
        auth_code_v15,
        crack_rakp2,
        hmac_digest,
    )
else:
    SessionCipher = _mod.SessionCipher
    aes_cbc_decrypt = _mod.aes_cbc_decrypt
    aes_cbc_encrypt = _mod.aes_cbc_encrypt
    auth_code_v15 = _mod.auth_code_v15
    crack_rakp2 = _mod.crack_rakp2
    hmac_digest = _mod.hmac_digest

__impl__: str = _mod.__impl__

__all__ = [
    "SessionCipher",
    "aes_cbc_decrypt",
    "aes_cbc_encrypt",
    "auth_code_v15",
    "crack_rakp2",
    "hmac_digest",
]
