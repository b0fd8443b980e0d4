# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""RMCP+ integrity and confidentiality, IPMI v1.5 AuthCodes: compiled against OpenSSL 3 libcrypto.

IPMI v2.0 §13.28 (integrity), §13.29 (AES-CBC-128, Table 13-20), §13.6 / Table 13-8 (session header and
trailer), §22.17.1 (IPMI v1.5 AuthCodes). Same API, results and exception types as ``_crypto_py``.

Every packet pays for this module, so a ``SessionCipher`` does all its keying once:

- HMAC: the hash states after absorbing ``K ^ ipad`` and ``K ^ opad`` are computed in ``__init__``; a
  packet copies them (plain struct copies) and hashes only its own bytes. Measured on the development
  machine (OpenSSL 3.0, 112 bytes, HMAC-SHA1): ``EVP_MAC_CTX_dup`` per packet 505 ns, ``EVP_MAC_init``
  reuse 229 ns, legacy ``HMAC_CTX`` reuse 180 ns, ``EVP_MD_CTX_copy_ex`` 174 ns, this 104 ns. The
  low-level ``SHA1_*``/``SHA256_*``/``MD5_*`` calls are deprecated in OpenSSL 3 but run the same
  assembly (SHA-NI where present) without the provider dispatch and the per-copy allocation.
- AES-CBC-128: the encryption and decryption key schedules (``AES_KEY``, 244 bytes each) live in the object and
  ``AES_cbc_encrypt`` runs over them with the packet's IV (OpenSSL's AES-NI code where the CPU has it: ``openssl
  speed`` gives the same 64-byte throughput as EVP here). Two ``EVP_CIPHER_CTX`` (one per direction) cost 1.25 KB
  of OpenSSL heap per session, most of what a held session weighed; the tests check byte equality with the
  ``cryptography``-based reference.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.long cimport PyLong_CheckExact
from cpython.number cimport PyNumber_Index
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.stdint cimport uint8_t, uint32_t
from libc.string cimport memcpy, memset

from ipmifast.errors import DecodeError, IntegrityCheckFailed, LocalProtocolError

cdef extern from *:
    """
    /* SHA1_Init and friends are deprecated in OpenSSL 3 but remain the fastest way to reuse keyed hash
       states; this must come before any OpenSSL header. */
    #ifndef OPENSSL_SUPPRESS_DEPRECATED
    #define OPENSSL_SUPPRESS_DEPRECATED 1
    #endif
    """

cdef extern from "openssl/sha.h" nogil:
    ctypedef struct SHA_CTX:
        pass
    ctypedef struct SHA256_CTX:
        pass
    int SHA1_Init(SHA_CTX *c)
    int SHA1_Update(SHA_CTX *c, const void *data, size_t length)
    int SHA1_Final(unsigned char *md, SHA_CTX *c)
    int SHA256_Init(SHA256_CTX *c)
    int SHA256_Update(SHA256_CTX *c, const void *data, size_t length)
    int SHA256_Final(unsigned char *md, SHA256_CTX *c)

cdef extern from "openssl/md5.h" nogil:
    ctypedef struct MD5_CTX:
        pass
    int MD5_Init(MD5_CTX *c)
    int MD5_Update(MD5_CTX *c, const void *data, size_t length)
    int MD5_Final(unsigned char *md, MD5_CTX *c)

cdef extern from "openssl/evp.h" nogil:
    ctypedef struct EVP_CIPHER:
        pass
    ctypedef struct EVP_CIPHER_CTX:
        pass
    ctypedef struct ENGINE:
        pass
    EVP_CIPHER_CTX *EVP_CIPHER_CTX_new()
    void EVP_CIPHER_CTX_free(EVP_CIPHER_CTX *ctx)
    const EVP_CIPHER *EVP_aes_128_cbc()
    int EVP_CipherInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, ENGINE *impl,
                          const unsigned char *key, const unsigned char *iv, int enc)
    int EVP_CIPHER_CTX_set_padding(EVP_CIPHER_CTX *ctx, int pad)
    int EVP_Cipher(EVP_CIPHER_CTX *ctx, unsigned char *out, const unsigned char *inp, unsigned int inl)

cdef extern from "openssl/aes.h" nogil:
    ctypedef struct AES_KEY:
        pass
    int AES_set_encrypt_key(const unsigned char *user_key, const int bits, AES_KEY *key)
    int AES_set_decrypt_key(const unsigned char *user_key, const int bits, AES_KEY *key)
    void AES_cbc_encrypt(const unsigned char *inp, unsigned char *out, size_t length, const AES_KEY *key,
                         unsigned char *ivec, const int enc)

cdef extern from *:
    """
    /* AES-128 with AES-NI when the CPU has it (constant time, 2x176 bytes of round keys in the object), else
       OpenSSL's AES_KEY code (2x244 bytes, allocated only then). */
    #include <openssl/aes.h>
    #if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    #include <wmmintrin.h>
    #include <emmintrin.h>
    #define IPMIFAST_AESNI_TARGET __attribute__((target("aes,sse2")))
    IPMIFAST_AESNI_TARGET static inline __m128i ipmifast_aes_assist(__m128i key, __m128i gen) {
        gen = _mm_shuffle_epi32(gen, 0xff);
        key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
        key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
        key = _mm_xor_si128(key, _mm_slli_si128(key, 4));
        return _mm_xor_si128(key, gen);
    }
    #define IPMIFAST_AES_ROUND_KEY(i, rcon) k[i] = ipmifast_aes_assist(k[i - 1], _mm_aeskeygenassist_si128(k[i - 1], rcon))
    IPMIFAST_AESNI_TARGET static void ipmifast_aesni_keys(const unsigned char *user, unsigned char *enc,
                                                          unsigned char *dec) {
        __m128i k[11];
        int i;
        k[0] = _mm_loadu_si128((const __m128i *)user);
        IPMIFAST_AES_ROUND_KEY(1, 0x01); IPMIFAST_AES_ROUND_KEY(2, 0x02); IPMIFAST_AES_ROUND_KEY(3, 0x04);
        IPMIFAST_AES_ROUND_KEY(4, 0x08); IPMIFAST_AES_ROUND_KEY(5, 0x10); IPMIFAST_AES_ROUND_KEY(6, 0x20);
        IPMIFAST_AES_ROUND_KEY(7, 0x40); IPMIFAST_AES_ROUND_KEY(8, 0x80); IPMIFAST_AES_ROUND_KEY(9, 0x1b);
        IPMIFAST_AES_ROUND_KEY(10, 0x36);
        for (i = 0; i < 11; i++) _mm_storeu_si128((__m128i *)(enc + 16 * i), k[i]);
        _mm_storeu_si128((__m128i *)dec, k[10]);
        for (i = 1; i < 10; i++) _mm_storeu_si128((__m128i *)(dec + 16 * i), _mm_aesimc_si128(k[10 - i]));
        _mm_storeu_si128((__m128i *)(dec + 160), k[0]);
    }
    IPMIFAST_AESNI_TARGET static void ipmifast_aesni_cbc_encrypt(const unsigned char *rk, const unsigned char *iv,
                                                                 unsigned char *buf, size_t blocks) {
        __m128i k[11], c = _mm_loadu_si128((const __m128i *)iv);
        size_t b;
        int r;
        for (r = 0; r < 11; r++) k[r] = _mm_loadu_si128((const __m128i *)(rk + 16 * r));
        for (b = 0; b < blocks; b++) {
            c = _mm_xor_si128(_mm_xor_si128(_mm_loadu_si128((const __m128i *)(buf + 16 * b)), c), k[0]);
            for (r = 1; r < 10; r++) c = _mm_aesenc_si128(c, k[r]);
            c = _mm_aesenclast_si128(c, k[10]);
            _mm_storeu_si128((__m128i *)(buf + 16 * b), c);
        }
    }
    IPMIFAST_AESNI_TARGET static void ipmifast_aesni_cbc_decrypt(const unsigned char *rk, const unsigned char *iv,
                                                                 const unsigned char *in, unsigned char *out,
                                                                 size_t blocks) {
        __m128i k[11], prev = _mm_loadu_si128((const __m128i *)iv), c, x;
        size_t b;
        int r;
        for (r = 0; r < 11; r++) k[r] = _mm_loadu_si128((const __m128i *)(rk + 16 * r));
        for (b = 0; b < blocks; b++) {
            c = _mm_loadu_si128((const __m128i *)(in + 16 * b));
            x = _mm_xor_si128(c, k[0]);
            for (r = 1; r < 10; r++) x = _mm_aesdec_si128(x, k[r]);
            x = _mm_xor_si128(_mm_aesdeclast_si128(x, k[10]), prev);
            _mm_storeu_si128((__m128i *)(out + 16 * b), x);
            prev = c;
        }
    }
    static int ipmifast_have_aesni(void) { __builtin_cpu_init(); return __builtin_cpu_supports("aes"); }
    #else
    static void ipmifast_aesni_keys(const unsigned char *u, unsigned char *e, unsigned char *d) { (void)u; (void)e; (void)d; }
    static void ipmifast_aesni_cbc_encrypt(const unsigned char *rk, const unsigned char *iv, unsigned char *buf,
                                           size_t blocks) { (void)rk; (void)iv; (void)buf; (void)blocks; }
    static void ipmifast_aesni_cbc_decrypt(const unsigned char *rk, const unsigned char *iv, const unsigned char *in,
                                           unsigned char *out, size_t blocks) {
        (void)rk; (void)iv; (void)in; (void)out; (void)blocks; }
    static int ipmifast_have_aesni(void) { return 0; }
    #endif
    """
    void ipmifast_aesni_keys(const unsigned char *user, unsigned char *enc, unsigned char *dec) nogil
    void ipmifast_aesni_cbc_encrypt(const unsigned char *rk, const unsigned char *iv, unsigned char *buf,
                                    size_t blocks) nogil
    void ipmifast_aesni_cbc_decrypt(const unsigned char *rk, const unsigned char *iv, const unsigned char *inp,
                                    unsigned char *out, size_t blocks) nogil
    int ipmifast_have_aesni() nogil

#: AES-NI in use for session AES-CBC-128 (the CPU has it); otherwise OpenSSL's AES_KEY code
cdef bint _AESNI = ipmifast_have_aesni() != 0
AESNI = bool(_AESNI)


def _prefer_aesni(bint on):
    """Tests: make the next SessionCipher objects use AES-NI (when the CPU has it) or OpenSSL's AES_KEY code."""
    global _AESNI
    _AESNI = on and ipmifast_have_aesni() != 0

cdef extern from "openssl/crypto.h" nogil:
    int CRYPTO_memcmp(const void *a, const void *b, size_t length)
    void OPENSSL_cleanse(void *ptr, size_t length)

__impl__ = "c"

__all__ = [
    "SessionCipher",
    "aes_cbc_decrypt",
    "aes_cbc_encrypt",
    "auth_code_v15",
    "crack_rakp2",
    "hmac_digest",
]

# Table 13-8 offsets and lengths, and buffer sizes
cdef enum:
    OFFSET_AUTH_TYPE = 4
    OFFSET_PAYLOAD = 16
    TRAILER_FIXED = 2
    MAX_PAYLOAD_LEN = 0xFFFF
    AES_BLOCK = 16
    AES_KEY_LEN = 16
    HASH_BLOCK = 64
    MAX_DIGEST = 32
    V15_PASSWORD_LEN = 16
    V20_PASSWORD_LEN = 20
    STACK_BUFFER = 1024

cdef enum:
    RMCP_VERSION = 0x06
    RMCP_SEQ_NO_ACK = 0xFF
    RMCP_CLASS_IPMI = 0x07
    AUTH_TYPE_NONE = 0x00
    AUTH_TYPE_MD2 = 0x01
    AUTH_TYPE_MD5 = 0x02
    AUTH_TYPE_PASSWORD = 0x04
    AUTH_TYPE_RMCP_PLUS = 0x06
    PAYLOAD_ENCRYPTED = 0x80
    PAYLOAD_AUTHENTICATED = 0x40
    PAYLOAD_TYPE_MASK = 0x3F
    PAYLOAD_OEM_EXPLICIT = 0x02
    NEXT_HEADER = 0x07
    INTEGRITY_PAD_BYTE = 0xFF

cdef enum HashKind:
    HASH_NONE
    HASH_SHA1
    HASH_MD5
    HASH_SHA256

cdef union HashCtx:
    SHA_CTX sha1
    MD5_CTX md5
    SHA256_CTX sha256

# RFC 1319 §3.2: the MD2 S table, a permutation of 0..255 built from the digits of pi.
cdef uint8_t[256] MD2_S
MD2_S[:] = [
    0x29, 0x2e, 0x43, 0xc9, 0xa2, 0xd8, 0x7c, 0x01, 0x3d, 0x36, 0x54, 0xa1, 0xec, 0xf0, 0x06, 0x13,
    0x62, 0xa7, 0x05, 0xf3, 0xc0, 0xc7, 0x73, 0x8c, 0x98, 0x93, 0x2b, 0xd9, 0xbc, 0x4c, 0x82, 0xca,
    0x1e, 0x9b, 0x57, 0x3c, 0xfd, 0xd4, 0xe0, 0x16, 0x67, 0x42, 0x6f, 0x18, 0x8a, 0x17, 0xe5, 0x12,
    0xbe, 0x4e, 0xc4, 0xd6, 0xda, 0x9e, 0xde, 0x49, 0xa0, 0xfb, 0xf5, 0x8e, 0xbb, 0x2f, 0xee, 0x7a,
    0xa9, 0x68, 0x79, 0x91, 0x15, 0xb2, 0x07, 0x3f, 0x94, 0xc2, 0x10, 0x89, 0x0b, 0x22, 0x5f, 0x21,
    0x80, 0x7f, 0x5d, 0x9a, 0x5a, 0x90, 0x32, 0x27, 0x35, 0x3e, 0xcc, 0xe7, 0xbf, 0xf7, 0x97, 0x03,
    0xff, 0x19, 0x30, 0xb3, 0x48, 0xa5, 0xb5, 0xd1, 0xd7, 0x5e, 0x92, 0x2a, 0xac, 0x56, 0xaa, 0xc6,
    0x4f, 0xb8, 0x38, 0xd2, 0x96, 0xa4, 0x7d, 0xb6, 0x76, 0xfc, 0x6b, 0xe2, 0x9c, 0x74, 0x04, 0xf1,
    0x45, 0x9d, 0x70, 0x59, 0x64, 0x71, 0x87, 0x20, 0x86, 0x5b, 0xcf, 0x65, 0xe6, 0x2d, 0xa8, 0x02,
    0x1b, 0x60, 0x25, 0xad, 0xae, 0xb0, 0xb9, 0xf6, 0x1c, 0x46, 0x61, 0x69, 0x34, 0x40, 0x7e, 0x0f,
    0x55, 0x47, 0xa3, 0x23, 0xdd, 0x51, 0xaf, 0x3a, 0xc3, 0x5c, 0xf9, 0xce, 0xba, 0xc5, 0xea, 0x26,
    0x2c, 0x53, 0x0d, 0x6e, 0x85, 0x28, 0x84, 0x09, 0xd3, 0xdf, 0xcd, 0xf4, 0x41, 0x81, 0x4d, 0x52,
    0x6a, 0xdc, 0x37, 0xc8, 0x6c, 0xc1, 0xab, 0xfa, 0x24, 0xe1, 0x7b, 0x08, 0x0c, 0xbd, 0xb1, 0x4a,
    0x78, 0x88, 0x95, 0x8b, 0xe3, 0x63, 0xe8, 0x6d, 0xe9, 0xcb, 0xd5, 0xfe, 0x3b, 0x00, 0x1d, 0x39,
    0xf2, 0xef, 0xb7, 0x0e, 0x66, 0x58, 0xd0, 0xe4, 0xa6, 0x77, 0x72, 0xf8, 0xeb, 0x75, 0x4b, 0x0a,
    0x31, 0x44, 0x50, 0xb4, 0x8f, 0xed, 0x1f, 0x1a, 0xdb, 0x99, 0x8d, 0x33, 0x9f, 0x11, 0x83, 0x14,
]


cdef inline size_t _digest_len(int kind) noexcept nogil:
    if kind == HASH_SHA1:
        return 20
    if kind == HASH_MD5:
        return 16
    return 32


cdef inline void _hash_init(int kind, HashCtx *c) noexcept nogil:
    if kind == HASH_SHA1:
        SHA1_Init(&c.sha1)
    elif kind == HASH_MD5:
        MD5_Init(&c.md5)
    else:
        SHA256_Init(&c.sha256)


cdef inline void _hash_update(int kind, HashCtx *c, const void *data, size_t length) noexcept nogil:
    if kind == HASH_SHA1:
        SHA1_Update(&c.sha1, data, length)
    elif kind == HASH_MD5:
        MD5_Update(&c.md5, data, length)
    else:
        SHA256_Update(&c.sha256, data, length)


cdef inline void _hash_final(int kind, HashCtx *c, unsigned char *out) noexcept nogil:
    if kind == HASH_SHA1:
        SHA1_Final(out, &c.sha1)
    elif kind == HASH_MD5:
        MD5_Final(out, &c.md5)
    else:
        SHA256_Final(out, &c.sha256)


cdef void _hmac_key(int kind, const unsigned char *key, size_t key_len,
                    HashCtx *inner, HashCtx *outer) noexcept nogil:
    """RFC 2104: hash states after absorbing K ^ ipad and K ^ opad (keys longer than a block are hashed)."""
    cdef unsigned char block[HASH_BLOCK]
    cdef HashCtx c
    cdef int i
    memset(block, 0, HASH_BLOCK)
    if key_len > HASH_BLOCK:
        _hash_init(kind, &c)
        _hash_update(kind, &c, key, key_len)
        _hash_final(kind, &c, block)
    else:
        memcpy(block, key, key_len)
    for i in range(HASH_BLOCK):
        block[i] ^= 0x36
    _hash_init(kind, inner)
    _hash_update(kind, inner, block, HASH_BLOCK)
    for i in range(HASH_BLOCK):
        block[i] ^= 0x36 ^ 0x5C
    _hash_init(kind, outer)
    _hash_update(kind, outer, block, HASH_BLOCK)
    OPENSSL_cleanse(block, HASH_BLOCK)
    OPENSSL_cleanse(&c, sizeof(HashCtx))


cdef inline void _hmac(int kind, const HashCtx *inner, const HashCtx *outer,
                       const unsigned char *data, size_t length, unsigned char *out) noexcept nogil:
    cdef HashCtx c = inner[0]
    cdef unsigned char digest[MAX_DIGEST]
    _hash_update(kind, &c, data, length)
    _hash_final(kind, &c, digest)
    c = outer[0]
    _hash_update(kind, &c, digest, _digest_len(kind))
    _hash_final(kind, &c, out)


cdef inline void _store_le32(unsigned char *p, uint32_t v) noexcept nogil:
    p[0] = v & 0xFF
    p[1] = (v >> 8) & 0xFF
    p[2] = (v >> 16) & 0xFF
    p[3] = v >> 24


cdef inline uint32_t _load_le32(const unsigned char *p) noexcept nogil:
    return p[0] | (<uint32_t>p[1] << 8) | (<uint32_t>p[2] << 16) | (<uint32_t>p[3] << 24)


cdef int _auth_hash_kind(object algorithm) except -1:
    """HashKind for an RMCP+ authentication algorithm number (Table 13-17)."""
    if algorithm == 1:
        return HASH_SHA1
    if algorithm == 2:
        return HASH_MD5
    if algorithm == 3:
        return HASH_SHA256
    raise LocalProtocolError(f"no HMAC for authentication algorithm {algorithm}")


cdef uint32_t _u32(object value) except? 0xFFFFFFFF:
    cdef unsigned long long v
    if not PyLong_CheckExact(value):
        value = PyNumber_Index(value)  # like operator.index: no floats
    try:
        v = value
    except OverflowError:
        raise LocalProtocolError("session ID and session sequence number are 32-bit values") from None
    if v > 0xFFFFFFFF:
        raise LocalProtocolError("session ID and session sequence number are 32-bit values")
    return <uint32_t>v


def hmac_digest(algorithm, bytes key not None, bytes data not None):
    """HMAC (RFC 2104) with the hash of an RMCP+ authentication algorithm (Table 13-17), untruncated.

    ``algorithm`` is 1 (HMAC-SHA1), 2 (HMAC-MD5) or 3 (HMAC-SHA256); others raise LocalProtocolError.
    """
    cdef int kind = _auth_hash_kind(algorithm)
    cdef HashCtx inner, outer
    cdef unsigned char out[MAX_DIGEST]
    _hmac_key(kind, <const unsigned char *>PyBytes_AS_STRING(key), <size_t>PyBytes_GET_SIZE(key),
              &inner, &outer)
    _hmac(kind, &inner, &outer, <const unsigned char *>PyBytes_AS_STRING(data),
          <size_t>PyBytes_GET_SIZE(data), out)
    OPENSSL_cleanse(&inner, sizeof(HashCtx))
    OPENSSL_cleanse(&outer, sizeof(HashCtx))
    return PyBytes_FromStringAndSize(<char *>out, <Py_ssize_t>_digest_len(kind))


def crack_rakp2(algorithm, list salts not None, list codes not None, list words not None):
    """Offline check of candidate passwords against captured RAKP 2 auth codes (§13.31; ``ipmifast audit``).

    ``salts[i]`` is the HMAC message of capture ``i`` (SIDm ‖ SIDc ‖ Rm ‖ Rc ‖ GUIDc ‖ role ‖ ULen ‖ user) and
    ``codes[i]`` its auth code; the result's ``i``-th item is the index in ``words`` of the first password whose
    HMAC_Kuid(salt) equals the code (Kuid: the word zero-padded to 20 bytes), or -1. Words longer than 20 bytes
    cannot be IPMI v2.0 passwords and are skipped. The keyed hash states are made once per word.
    """
    cdef int kind = _auth_hash_kind(algorithm)
    cdef Py_ssize_t n = len(salts), i, w, found = 0
    if len(codes) != n:
        raise LocalProtocolError("crack_rakp2 needs one auth code per salt")
    cdef size_t digest_len = _digest_len(kind)
    for i in range(n):
        if type(salts[i]) is not bytes or type(codes[i]) is not bytes:
            raise TypeError("salts and codes must be bytes")
        if not 0 < PyBytes_GET_SIZE(codes[i]) <= <Py_ssize_t>digest_len:
            raise LocalProtocolError(f"auth code {i} of {len(codes[i])} bytes for a {digest_len}-byte HMAC")
    result = [-1] * n
    if n == 0:
        return result
    cdef HashCtx inner, outer
    cdef unsigned char key[V20_PASSWORD_LEN]
    cdef unsigned char out[MAX_DIGEST]
    cdef Py_ssize_t length
    cdef bytes word, salt, code
    for w in range(len(words)):
        word = words[w]
        if word is None:
            raise TypeError("words must be bytes")
        length = PyBytes_GET_SIZE(word)
        if length > V20_PASSWORD_LEN:
            continue
        memset(key, 0, V20_PASSWORD_LEN)
        memcpy(key, PyBytes_AS_STRING(word), <size_t>length)
        _hmac_key(kind, key, V20_PASSWORD_LEN, &inner, &outer)
        for i in range(n):
            if <Py_ssize_t>result[i] >= 0:
                continue
            salt = salts[i]
            code = codes[i]
            _hmac(kind, &inner, &outer, <const unsigned char *>PyBytes_AS_STRING(salt),
                  <size_t>PyBytes_GET_SIZE(salt), out)
            if CRYPTO_memcmp(out, PyBytes_AS_STRING(code), <size_t>PyBytes_GET_SIZE(code)) == 0:
                result[i] = w
                found += 1
        if found == n:
            break
    OPENSSL_cleanse(key, V20_PASSWORD_LEN)
    OPENSSL_cleanse(&inner, sizeof(HashCtx))
    OPENSSL_cleanse(&outer, sizeof(HashCtx))
    return result


cdef bytes _aes_cbc(bytes key, bytes iv, bytes data, int enc):
    if PyBytes_GET_SIZE(key) != AES_KEY_LEN:
        raise LocalProtocolError(f"AES-128 key must be {AES_KEY_LEN} bytes, not {len(key)}")
    if PyBytes_GET_SIZE(iv) != AES_BLOCK:
        raise LocalProtocolError(f"AES-CBC IV must be {AES_BLOCK} bytes, not {len(iv)}")
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    if n % AES_BLOCK:
        if enc:
            raise LocalProtocolError(f"AES-CBC plaintext of {n} bytes is not a multiple of {AES_BLOCK}")
        raise DecodeError(f"AES-CBC ciphertext of {n} bytes is not a multiple of {AES_BLOCK}")
    cdef bytes out = PyBytes_FromStringAndSize(NULL, n)
    cdef EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new()
    if ctx == NULL:
        raise MemoryError()
    try:
        if (EVP_CipherInit_ex(ctx, EVP_aes_128_cbc(), NULL, <const unsigned char *>PyBytes_AS_STRING(key),
                              <const unsigned char *>PyBytes_AS_STRING(iv), enc) != 1
                or EVP_CIPHER_CTX_set_padding(ctx, 0) != 1):
            raise RuntimeError("OpenSSL could not set up AES-128-CBC")
        if n and EVP_Cipher(ctx, <unsigned char *>PyBytes_AS_STRING(out),
                            <const unsigned char *>PyBytes_AS_STRING(data), <unsigned int>n) <= 0:
            raise RuntimeError("OpenSSL AES-128-CBC failed")
    finally:
        EVP_CIPHER_CTX_free(ctx)
    return out


def aes_cbc_encrypt(bytes key not None, bytes iv not None, bytes data not None):
    """AES-128 in CBC mode without padding (§13.29; RFC 3602). ``data`` must be whole 16-byte blocks."""
    return _aes_cbc(key, iv, data, 1)


def aes_cbc_decrypt(bytes key not None, bytes iv not None, bytes data not None):
    """Inverse of :func:`aes_cbc_encrypt`. A ciphertext that is not whole blocks raises DecodeError."""
    return _aes_cbc(key, iv, data, 0)


cdef void _md2(const unsigned char *data, size_t length, unsigned char *out) noexcept nogil:
    """MD2 (RFC 1319, with the published erratum: the checksum step XORs into C[j])."""
    cdef uint8_t checksum[16]
    cdef uint8_t state[48]
    cdef uint8_t block[16]
    cdef uint8_t last = 0, t
    cdef size_t pos = 0, j, k, rnd
    cdef size_t pad = 16 - length % 16
    cdef size_t total = length + pad
    cdef bint checksum_done = False
    memset(checksum, 0, 16)
    memset(state, 0, 48)
    while True:
        if pos < total:
            for j in range(16):
                block[j] = data[pos + j] if pos + j < length else <uint8_t>pad
            for j in range(16):
                checksum[j] ^= MD2_S[block[j] ^ last]
                last = checksum[j]
            pos += 16
        elif not checksum_done:
            memcpy(block, checksum, 16)
            checksum_done = True
        else:
            break
        for j in range(16):
            state[16 + j] = block[j]
            state[32 + j] = block[j] ^ state[j]
        t = 0
        for rnd in range(18):
            for k in range(48):
                state[k] ^= MD2_S[t]
                t = state[k]
            t = <uint8_t>(t + rnd)
    memcpy(out, state, 16)


def auth_code_v15(auth_type, bytes password not None, session_id, bytes msg not None, session_seq):
    """IPMI v1.5 session AuthCode (§22.17.1, Table 13-4 notes; the password is zero-padded to 16 bytes).

    NONE gives b"", PASSWORD the padded password, MD5 and MD2 the hash of
    ``pw16 ‖ session_id (LE) ‖ msg ‖ session_seq (LE) ‖ pw16``.
    """
    cdef uint32_t sid = _u32(session_id)
    cdef uint32_t seq = _u32(session_seq)
    cdef Py_ssize_t pw_len = PyBytes_GET_SIZE(password)
    cdef Py_ssize_t msg_len = PyBytes_GET_SIZE(msg)
    cdef unsigned char pw16[V15_PASSWORD_LEN]
    cdef unsigned char le[4]
    cdef unsigned char out[16]
    cdef MD5_CTX md5
    cdef unsigned char *buf
    if pw_len > V15_PASSWORD_LEN:
        raise LocalProtocolError(f"IPMI v1.5 passwords are at most {V15_PASSWORD_LEN} bytes")
    if auth_type == AUTH_TYPE_NONE:
        return b""
    memset(pw16, 0, V15_PASSWORD_LEN)
    memcpy(pw16, PyBytes_AS_STRING(password), pw_len)
    if auth_type == AUTH_TYPE_PASSWORD:
        return PyBytes_FromStringAndSize(<char *>pw16, V15_PASSWORD_LEN)
    if auth_type == AUTH_TYPE_MD5:
        MD5_Init(&md5)
        MD5_Update(&md5, pw16, V15_PASSWORD_LEN)
        _store_le32(le, sid)
        MD5_Update(&md5, le, 4)
        MD5_Update(&md5, PyBytes_AS_STRING(msg), <size_t>msg_len)
        _store_le32(le, seq)
        MD5_Update(&md5, le, 4)
        MD5_Update(&md5, pw16, V15_PASSWORD_LEN)
        MD5_Final(out, &md5)
        return PyBytes_FromStringAndSize(<char *>out, 16)
    if auth_type == AUTH_TYPE_MD2:
        buf = <unsigned char *>PyMem_Malloc(2 * V15_PASSWORD_LEN + 8 + msg_len)
        if buf == NULL:
            raise MemoryError()
        memcpy(buf, pw16, V15_PASSWORD_LEN)
        _store_le32(buf + V15_PASSWORD_LEN, sid)
        memcpy(buf + V15_PASSWORD_LEN + 4, PyBytes_AS_STRING(msg), msg_len)
        _store_le32(buf + V15_PASSWORD_LEN + 4 + msg_len, seq)
        memcpy(buf + V15_PASSWORD_LEN + 8 + msg_len, pw16, V15_PASSWORD_LEN)
        _md2(buf, 2 * V15_PASSWORD_LEN + 8 + msg_len, out)
        PyMem_Free(buf)
        return PyBytes_FromStringAndSize(<char *>out, 16)
    raise LocalProtocolError(f"no IPMI v1.5 AuthCode for authentication type {auth_type}")


cdef class SessionCipher:
    """The integrity and confidentiality of one RMCP+ session (§13.28, §13.29), keyed once from K1/K2.

    ``integrity`` is an IntegrityAlgorithm number: HMAC-SHA1-96 keys HMAC with K1[:20], HMAC-MD5-128 with
    K1[:16], HMAC-SHA256-128 with K1[:32]; MD5-128 uses the user password zero-padded to 20 bytes (§13.28.4,
    as FreeIPMI and OpenIPMI do) and ignores K1. ``confidentiality`` 1 is AES-CBC-128 keyed with K2[:16].
    """

    cdef readonly int integrity
    cdef readonly int confidentiality
    cdef readonly int auth_code_len
    cdef int _kind
    cdef bint _md5_128
    cdef bint _ready
    cdef HashCtx _inner
    cdef HashCtx _outer
    cdef unsigned char _password[V20_PASSWORD_LEN]
    cdef bint _aes
    cdef bint _ni  # this object's key schedules are AES-NI round keys
    cdef unsigned char _enc_rk[176]
    cdef unsigned char _dec_rk[176]
    cdef AES_KEY *_enc_key  # OpenSSL's schedules, without AES-NI only
    cdef AES_KEY *_dec_key

    def __cinit__(self):
        self._enc_key = NULL
        self._dec_key = NULL
        self._aes = False
        self._kind = HASH_NONE

    def __init__(self, integrity, confidentiality, bytes k1 not None = b"", bytes k2 not None = b"",
                 bytes password not None = b""):
        cdef size_t key_len = 0
        cdef Py_ssize_t pw_len
        if self._ready:
            raise TypeError("SessionCipher is already initialised")
        self._kind = HASH_NONE
        self._md5_128 = False
        if integrity == 0:
            self.auth_code_len = 0
        elif integrity == 1:
            self._kind = HASH_SHA1
            key_len = 20
            self.auth_code_len = 12
        elif integrity == 2:
            self._kind = HASH_MD5
            key_len = 16
            self.auth_code_len = 16
        elif integrity == 4:
            self._kind = HASH_SHA256
            key_len = 32
            self.auth_code_len = 16
        elif integrity == 3:
            pw_len = PyBytes_GET_SIZE(password)
            if pw_len > V20_PASSWORD_LEN:
                raise LocalProtocolError(f"RMCP+ passwords are at most {V20_PASSWORD_LEN} bytes")
            self._md5_128 = True
            self.auth_code_len = 16
            memset(self._password, 0, V20_PASSWORD_LEN)
            memcpy(self._password, PyBytes_AS_STRING(password), pw_len)
            MD5_Init(&self._inner.md5)
            MD5_Update(&self._inner.md5, self._password, V20_PASSWORD_LEN)
        else:
            raise LocalProtocolError(f"unsupported integrity algorithm {integrity}")
        if key_len:
            if <size_t>PyBytes_GET_SIZE(k1) < key_len:
                self._kind = HASH_NONE
                raise LocalProtocolError(f"integrity algorithm {integrity} needs a K1 of {key_len} bytes")
            _hmac_key(self._kind, <const unsigned char *>PyBytes_AS_STRING(k1), key_len,
                      &self._inner, &self._outer)
        if confidentiality == 1:
            if PyBytes_GET_SIZE(k2) < AES_KEY_LEN:
                raise LocalProtocolError(f"AES-CBC-128 needs a K2 of at least {AES_KEY_LEN} bytes")
            self._ni = _AESNI
            if self._ni:
                ipmifast_aesni_keys(<const unsigned char *>PyBytes_AS_STRING(k2), self._enc_rk, self._dec_rk)
            else:
                self._enc_key = <AES_KEY *>PyMem_Malloc(sizeof(AES_KEY))
                self._dec_key = <AES_KEY *>PyMem_Malloc(sizeof(AES_KEY))
                if self._enc_key == NULL or self._dec_key == NULL:
                    raise MemoryError()
                if (AES_set_encrypt_key(<const unsigned char *>PyBytes_AS_STRING(k2), 128, self._enc_key)
                        or AES_set_decrypt_key(<const unsigned char *>PyBytes_AS_STRING(k2), 128, self._dec_key)):
                    raise RuntimeError("OpenSSL could not set up AES-128")
            self._aes = True
        elif confidentiality != 0:
            raise LocalProtocolError(f"unsupported confidentiality algorithm {confidentiality}")
        self.integrity = integrity
        self.confidentiality = confidentiality
        self._ready = True

    def __dealloc__(self):
        OPENSSL_cleanse(self._enc_rk, 176)
        OPENSSL_cleanse(self._dec_rk, 176)
        if self._enc_key != NULL:
            OPENSSL_cleanse(self._enc_key, sizeof(AES_KEY))
            PyMem_Free(self._enc_key)
        if self._dec_key != NULL:
            OPENSSL_cleanse(self._dec_key, sizeof(AES_KEY))
            PyMem_Free(self._dec_key)
        OPENSSL_cleanse(&self._inner, sizeof(HashCtx))
        OPENSSL_cleanse(&self._outer, sizeof(HashCtx))
        OPENSSL_cleanse(self._password, V20_PASSWORD_LEN)

    cdef inline void _auth_code(self, const unsigned char *data, size_t length, unsigned char *out) noexcept:
        cdef HashCtx c
        if self._md5_128:
            c = self._inner
            MD5_Update(&c.md5, data, length)
            MD5_Update(&c.md5, self._password, V20_PASSWORD_LEN)
            MD5_Final(out, &c.md5)
        else:
            _hmac(self._kind, &self._inner, &self._outer, data, length, out)

    def seal(self, payload_type, session_id, session_seq, bytes payload not None, bytes iv):
        """Build the RMCP+ datagram carrying ``payload`` (Table 13-8), encrypted and authenticated as keyed.

        ``payload_type`` is the bare type (0..3Fh, not OEM explicit); bit 7 / bit 6 are set here when this
        cipher encrypts / authenticates. ``iv`` (16 bytes, the caller's randomness) is used only when
        encrypting, and may be None otherwise.
        """
        cdef int ptype
        if not PyLong_CheckExact(payload_type):
            payload_type = PyNumber_Index(payload_type)
        try:
            ptype = payload_type
        except OverflowError:
            ptype = -1
        if ptype < 0 or ptype > PAYLOAD_TYPE_MASK or ptype == PAYLOAD_OEM_EXPLICIT:
            raise LocalProtocolError(f"cannot seal payload type 0x{payload_type:02x}")
        cdef uint32_t sid = _u32(session_id)
        cdef uint32_t seq = _u32(session_seq)
        cdef Py_ssize_t n = PyBytes_GET_SIZE(payload)
        cdef Py_ssize_t body_len = n, conf_pad = 0, integ_pad = 0, total, i
        cdef const unsigned char *ivp = NULL
        cdef unsigned char chain[AES_BLOCK]
        if self._aes:
            if iv is None:
                raise TypeError("object of type 'NoneType' has no len()")
            if PyBytes_GET_SIZE(iv) != AES_BLOCK:
                raise LocalProtocolError(f"AES-CBC IV must be {AES_BLOCK} bytes, not {len(iv)}")
            ivp = <const unsigned char *>PyBytes_AS_STRING(iv)
            ptype |= PAYLOAD_ENCRYPTED
            conf_pad = (AES_BLOCK - (n + 1) % AES_BLOCK) % AES_BLOCK
            body_len = AES_BLOCK + n + conf_pad + 1
        if body_len > MAX_PAYLOAD_LEN:
            raise LocalProtocolError(f"payload of {n} bytes is too long for RMCP+")
        total = OFFSET_PAYLOAD + body_len
        if self.auth_code_len:
            ptype |= PAYLOAD_AUTHENTICATED
            integ_pad = (4 - (body_len + TRAILER_FIXED) % 4) % 4
            total += integ_pad + TRAILER_FIXED + self.auth_code_len
        cdef bytes out = PyBytes_FromStringAndSize(NULL, total)
        cdef unsigned char *p = <unsigned char *>PyBytes_AS_STRING(out)
        cdef unsigned char *q = p + OFFSET_PAYLOAD
        cdef unsigned char digest[MAX_DIGEST]
        p[0] = RMCP_VERSION
        p[1] = 0
        p[2] = RMCP_SEQ_NO_ACK
        p[3] = RMCP_CLASS_IPMI
        p[4] = AUTH_TYPE_RMCP_PLUS
        p[5] = <unsigned char>ptype
        _store_le32(p + 6, sid)
        _store_le32(p + 10, seq)
        p[14] = body_len & 0xFF
        p[15] = body_len >> 8
        if ivp != NULL:
            # Table 13-20: IV ‖ AES-CBC(payload ‖ pad 01h 02h .. ‖ pad length)
            memcpy(q, ivp, AES_BLOCK)
            q += AES_BLOCK
            memcpy(q, PyBytes_AS_STRING(payload), n)
            for i in range(conf_pad):
                q[n + i] = <unsigned char>(i + 1)
            q[n + conf_pad] = <unsigned char>conf_pad
            if self._ni:
                ipmifast_aesni_cbc_encrypt(self._enc_rk, ivp, q, <size_t>(body_len - AES_BLOCK) // AES_BLOCK)
            else:
                memcpy(chain, ivp, AES_BLOCK)  # AES_cbc_encrypt advances its IV argument
                AES_cbc_encrypt(q, q, <size_t>(body_len - AES_BLOCK), self._enc_key, chain, 1)
        else:
            memcpy(q, PyBytes_AS_STRING(payload), n)
        if self.auth_code_len:
            # §13.28: integrity pad FFh so that auth type .. next header is a multiple of 4 bytes
            q = p + OFFSET_PAYLOAD + body_len
            memset(q, INTEGRITY_PAD_BYTE, integ_pad)
            q[integ_pad] = <unsigned char>integ_pad
            q[integ_pad + 1] = NEXT_HEADER
            q += integ_pad + TRAILER_FIXED
            self._auth_code(p + OFFSET_AUTH_TYPE, <size_t>(q - p - OFFSET_AUTH_TYPE), digest)
            memcpy(q, digest, self.auth_code_len)
        return out

    def open(self, bytes data not None):
        """Verify and decrypt a received RMCP+ datagram: (payload_type byte, session_id, session_seq, payload).

        When bit 6 is set the AuthCode (the last ``auth_code_len`` bytes) is checked over auth type .. next
        header, in constant time, before anything else of the trailer is trusted; a mismatch raises
        IntegrityCheckFailed. The integrity pad length must agree with the payload length; the pad bytes and
        the next header byte are covered by the AuthCode and otherwise not checked. When bit 7 is set the
        payload is IV ‖ AES-CBC blocks whose confidentiality pad must read 01h 02h .. (Table 13-20). A
        packet with bit 6 clear must end with its payload. Everything else malformed raises DecodeError.
        """
        cdef Py_ssize_t size = PyBytes_GET_SIZE(data)
        cdef const unsigned char *p = <const unsigned char *>PyBytes_AS_STRING(data)
        cdef unsigned char digest[MAX_DIGEST]
        cdef unsigned char stack_buffer[STACK_BUFFER]
        cdef unsigned char *buf
        cdef const unsigned char *plain
        cdef Py_ssize_t payload_len, end, mac_start, plain_len, stop, i
        cdef unsigned int ptype, pad
        cdef bytes result
        cdef unsigned char chain[AES_BLOCK]
        if size < OFFSET_PAYLOAD:
            raise DecodeError(f"RMCP+ datagram of {size} bytes is shorter than its header")
        if p[0] != RMCP_VERSION or p[1] != 0 or p[2] != RMCP_SEQ_NO_ACK or p[3] != RMCP_CLASS_IPMI:
            raise DecodeError(f"not an RMCP IPMI-class header: {data[:4].hex()}")
        if p[4] != AUTH_TYPE_RMCP_PLUS:
            raise DecodeError(f"authentication type 0x{p[4]:02x} is not RMCP+")
        ptype = p[5]
        if ptype & PAYLOAD_TYPE_MASK == PAYLOAD_OEM_EXPLICIT:
            raise DecodeError("OEM explicit payloads are not handled by SessionCipher")
        payload_len = p[14] | (p[15] << 8)
        end = OFFSET_PAYLOAD + payload_len
        if ptype & PAYLOAD_AUTHENTICATED:
            if not self.auth_code_len:
                raise DecodeError("authenticated packet on a session without integrity")
            mac_start = size - self.auth_code_len
            if end + TRAILER_FIXED > mac_start:
                raise DecodeError("RMCP+ packet too short for its payload length and integrity trailer")
            self._auth_code(p + OFFSET_AUTH_TYPE, <size_t>(mac_start - OFFSET_AUTH_TYPE), digest)
            if CRYPTO_memcmp(digest, p + mac_start, <size_t>self.auth_code_len) != 0:
                raise IntegrityCheckFailed("AuthCode mismatch")
            if end + p[mac_start - TRAILER_FIXED] != mac_start - TRAILER_FIXED:
                raise DecodeError("integrity pad length disagrees with the payload length")
        elif end != size:
            raise DecodeError(f"payload length {payload_len} disagrees with the datagram length {size}")
        if not ptype & PAYLOAD_ENCRYPTED:
            return (ptype, _load_le32(p + 6), _load_le32(p + 10),
                    PyBytes_FromStringAndSize(<char *>p + OFFSET_PAYLOAD, payload_len))
        if not self._aes:
            raise DecodeError("encrypted packet on a session without confidentiality")
        if payload_len < 2 * AES_BLOCK or payload_len % AES_BLOCK:
            raise DecodeError(f"encrypted payload of {payload_len} bytes is not IV + whole AES blocks")
        if payload_len <= STACK_BUFFER:
            buf = stack_buffer
        else:
            buf = <unsigned char *>PyMem_Malloc(payload_len)
            if buf == NULL:
                raise MemoryError()
        try:
            if self._ni:
                ipmifast_aesni_cbc_decrypt(self._dec_rk, p + OFFSET_PAYLOAD, p + OFFSET_PAYLOAD + AES_BLOCK,
                                           buf + AES_BLOCK, <size_t>(payload_len - AES_BLOCK) // AES_BLOCK)
            else:
                memcpy(chain, p + OFFSET_PAYLOAD, AES_BLOCK)
                AES_cbc_encrypt(p + OFFSET_PAYLOAD + AES_BLOCK, buf + AES_BLOCK, <size_t>(payload_len - AES_BLOCK),
                                self._dec_key, chain, 0)
            plain = buf + AES_BLOCK
            plain_len = payload_len - AES_BLOCK
            pad = plain[plain_len - 1]
            if pad > AES_BLOCK - 1:
                raise DecodeError(f"confidentiality pad length {pad} is more than {AES_BLOCK - 1}")
            stop = plain_len - 1 - pad
            for i in range(pad):
                if plain[stop + i] != i + 1:
                    raise DecodeError("confidentiality pad is not 01h 02h ...")
            result = PyBytes_FromStringAndSize(<char *>plain, stop)
        finally:
            if buf != stack_buffer:
                PyMem_Free(buf)
        return (ptype, _load_le32(p + 6), _load_le32(p + 10), result)
