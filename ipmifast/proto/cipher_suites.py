"""RMCP+ cipher suites (IPMI v2.0 §22.15.2, Table 22-20).

A cipher suite ID names one authentication, integrity and confidentiality algorithm triple. ipmifast offers
the suites whose algorithms it implements: every suite without xRC4 (which the specification makes optional
and no current BMC or client implements).
"""

from __future__ import annotations

from dataclasses import dataclass

from ipmifast.errors import CipherSuiteUnavailable
from ipmifast.proto.consts import AuthAlgorithm, ConfidentialityAlgorithm, IntegrityAlgorithm

__all__ = ["CIPHER_SUITES", "CipherSuite", "get_cipher_suite"]


@dataclass(frozen=True)
class CipherSuite:
    """One row of Table 22-20."""

    id: int
    auth: AuthAlgorithm
    integrity: IntegrityAlgorithm
    confidentiality: ConfidentialityAlgorithm


_A = AuthAlgorithm
_I = IntegrityAlgorithm
_C = ConfidentialityAlgorithm

CIPHER_SUITES: dict[int, CipherSuite] = {
    suite.id: suite
    for suite in (
        CipherSuite(0, _A.RAKP_NONE, _I.NONE, _C.NONE),
        CipherSuite(1, _A.RAKP_HMAC_SHA1, _I.NONE, _C.NONE),
        CipherSuite(2, _A.RAKP_HMAC_SHA1, _I.HMAC_SHA1_96, _C.NONE),
        CipherSuite(3, _A.RAKP_HMAC_SHA1, _I.HMAC_SHA1_96, _C.AES_CBC_128),
        CipherSuite(6, _A.RAKP_HMAC_MD5, _I.NONE, _C.NONE),
        CipherSuite(7, _A.RAKP_HMAC_MD5, _I.HMAC_MD5_128, _C.NONE),
        CipherSuite(8, _A.RAKP_HMAC_MD5, _I.HMAC_MD5_128, _C.AES_CBC_128),
        CipherSuite(11, _A.RAKP_HMAC_MD5, _I.MD5_128, _C.NONE),
        CipherSuite(12, _A.RAKP_HMAC_MD5, _I.MD5_128, _C.AES_CBC_128),
        CipherSuite(15, _A.RAKP_HMAC_SHA256, _I.NONE, _C.NONE),
        CipherSuite(16, _A.RAKP_HMAC_SHA256, _I.HMAC_SHA256_128, _C.NONE),
        CipherSuite(17, _A.RAKP_HMAC_SHA256, _I.HMAC_SHA256_128, _C.AES_CBC_128),
    )
}


def get_cipher_suite(suite_id: int) -> CipherSuite:
    """The algorithms of a cipher suite ipmifast supports; CipherSuiteUnavailable for any other ID."""
    try:
        return CIPHER_SUITES[suite_id]
    except (KeyError, TypeError):
        raise CipherSuiteUnavailable(f"cipher suite {suite_id!r} is not supported") from None
