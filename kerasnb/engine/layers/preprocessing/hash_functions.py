"""The string hashes TensorFlow's (and so Keras's) hashing layers use, in NumPy.

* `fingerprint64`: FarmHash's Fingerprint64 (``farmhashna::Hash64``), behind
  ``tf.strings.to_hash_bucket_fast``.
* `siphash`: SipHash-2-4 with a 128-bit key, behind ``tf.strings.to_hash_bucket_strong``.
* `fingerprint_cat64`: the combiner of ``tf.sparse.cross_hashed``.

Each works on many strings at once: strings of one byte length are hashed together as
uint64 columns, so the cost is a few NumPy operations per 8 bytes of the longest group.
All arithmetic is modulo 2**64 (NumPy's uint64 arrays wrap without warnings).

Example:
    >>> fingerprint64([b"kerasnb"]).dtype
    dtype('uint64')
"""

import numpy as np

_U = np.uint64
K0, K1, K2 = _U(0xC3A5C85C97CB3127), _U(0xB492B66FBE98F273), _U(0x9AE16A3B2F90404F)
_CAT_MUL = _U(0xC6A4A7935BD1E995)


def _rotate(x, shift):
    return (x >> _U(shift)) | (x << _U(64 - shift))


def _shift_mix(x):
    return x ^ (x >> _U(47))


def _fetch64(data, offset):
    return np.ascontiguousarray(data[:, offset:offset + 8]).view("<u8")[:, 0].astype(_U)


def _fetch32(data, offset):
    return np.ascontiguousarray(data[:, offset:offset + 4]).view("<u4")[:, 0].astype(_U)


def _mix16(u, v, mul):
    a = (u ^ v) * mul
    a ^= a >> _U(47)
    b = (v ^ a) * mul
    b ^= b >> _U(47)
    return b * mul


def _up_to_16(data, n):
    rows = data.shape[0]
    if n >= 8:
        mul = K2 + _U(2 * n)
        a = _fetch64(data, 0) + K2
        b = _fetch64(data, n - 8)
        return _mix16(_rotate(b, 37) * mul + a, (_rotate(a, 25) + b) * mul, mul)
    if n >= 4:
        mul = K2 + _U(2 * n)
        return _mix16(_U(n) + (_fetch32(data, 0) << _U(3)), _fetch32(data, n - 4), mul)
    if n > 0:
        first, middle, last = (data[:, i].astype(_U) for i in (0, n >> 1, n - 1))
        y = (first + (middle << _U(8))) & _U(0xFFFFFFFF)
        z = (_U(n) + (last << _U(2))) & _U(0xFFFFFFFF)
        return _shift_mix(y * K2 ^ z * K0) * K2
    return np.full(rows, K2, _U)


def _up_to_32(data, n):
    mul = K2 + _U(2 * n)
    a = _fetch64(data, 0) * K1
    b = _fetch64(data, 8)
    c = _fetch64(data, n - 8) * mul
    d = _fetch64(data, n - 16) * K2
    return _mix16(_rotate(a + b, 43) + _rotate(c, 30) + d, a + _rotate(b + K2, 18) + c, mul)


def _up_to_64(data, n):
    mul = K2 + _U(2 * n)
    a = _fetch64(data, 0) * K2
    b = _fetch64(data, 8)
    c = _fetch64(data, n - 8) * mul
    d = _fetch64(data, n - 16) * K2
    y = _rotate(a + b, 43) + _rotate(c, 30) + d
    z = _mix16(y, a + _rotate(b + K2, 18) + c, mul)
    e = _fetch64(data, 16) * mul
    f = _fetch64(data, 24)
    g = (y + _fetch64(data, n - 32)) * mul
    h = (z + _fetch64(data, n - 24)) * mul
    return _mix16(_rotate(e + f, 43) + _rotate(g, 30) + h, e + _rotate(f + a, 18) + g, mul)


def _weak32(data, offset, a, b):
    """Two 64-bit halves from 32 bytes at `offset` and two seeds."""
    w, x, y, z = (_fetch64(data, offset + 8 * i) for i in range(4))
    a = a + w
    b = _rotate(b + a + z, 21)
    c = a
    a = a + x + y
    b = b + _rotate(a, 44)
    return a + z, b + c


def _long(data, n):
    """Strings longer than 64 bytes: a 56-byte state updated per 64-byte block, then the
    last 64 bytes (which may overlap the previous block) mixed in with a length-dependent
    multiplier."""
    rows = data.shape[0]
    seed = _U(81)
    y = np.full(rows, seed * K1 + _U(113), _U)
    z = _shift_mix(y * K2 + _U(113)) * K2
    v = (np.zeros(rows, _U), np.zeros(rows, _U))
    w = (np.zeros(rows, _U), np.zeros(rows, _U))
    x = seed * K2 + _fetch64(data, 0)
    for start in range(0, ((n - 1) // 64) * 64, 64):
        x = _rotate(x + y + v[0] + _fetch64(data, start + 8), 37) * K1
        y = _rotate(y + v[1] + _fetch64(data, start + 48), 42) * K1
        x ^= w[1]
        y = y + v[0] + _fetch64(data, start + 40)
        z = _rotate(z + w[0], 33) * K1
        v = _weak32(data, start, v[1] * K1, x + w[0])
        w = _weak32(data, start + 32, z + w[1], y + _fetch64(data, start + 16))
        x, z = z, x
    mul = K1 + ((z & _U(0xFF)) << _U(1))
    last = n - 64
    w0 = w[0] + _U((n - 1) & 63)
    v0 = v[0] + w0
    w = (w0 + v0, w[1])
    v = (v0, v[1])
    x = _rotate(x + y + v[0] + _fetch64(data, last + 8), 37) * mul
    y = _rotate(y + v[1] + _fetch64(data, last + 48), 42) * mul
    x ^= w[1] * _U(9)
    y = y + v[0] * _U(9) + _fetch64(data, last + 40)
    z = _rotate(z + w[0], 33) * mul
    v = _weak32(data, last, v[1] * mul, x + w[0])
    w = _weak32(data, last + 32, z + w[1], y + _fetch64(data, last + 16))
    x, z = z, x
    return _mix16(_mix16(v[0], w[0], mul) + _shift_mix(y) * K0 + z, _mix16(v[1], w[1], mul) + x, mul)


def _farm(data, n):
    if n <= 16:
        return _up_to_16(data, n)
    if n <= 32:
        return _up_to_32(data, n)
    if n <= 64:
        return _up_to_64(data, n)
    return _long(data, n)


def _sip_round(v0, v1, v2, v3):
    v0 = v0 + v1
    v1 = _rotate(v1, 64 - 13) ^ v0
    v0 = _rotate(v0, 32)
    v2 = v2 + v3
    v3 = _rotate(v3, 64 - 16) ^ v2
    v0 = v0 + v3
    v3 = _rotate(v3, 64 - 21) ^ v0
    v2 = v2 + v1
    v1 = _rotate(v1, 64 - 17) ^ v2
    v2 = _rotate(v2, 32)
    return v0, v1, v2, v3


def _sip(data, n, key):
    rows = data.shape[0]
    k0, k1 = _U(key[0] % 2**64), _U(key[1] % 2**64)
    v = [np.full(rows, k0 ^ _U(0x736F6D6570736575), _U), np.full(rows, k1 ^ _U(0x646F72616E646F6D), _U),
         np.full(rows, k0 ^ _U(0x6C7967656E657261), _U), np.full(rows, k1 ^ _U(0x7465646279746573), _U)]
    tail = np.zeros((rows, 8), np.uint8)
    tail[:, :n % 8] = data[:, n - n % 8:]
    tail[:, 7] = n & 0xFF
    blocks = [_fetch64(data, i) for i in range(0, n - n % 8, 8)] + [_fetch64(tail, 0)]
    for block in blocks:
        v[3] = v[3] ^ block
        for _ in range(2):
            v = list(_sip_round(*v))
        v[0] = v[0] ^ block
    v[2] = v[2] ^ _U(0xFF)
    for _ in range(4):
        v = list(_sip_round(*v))
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def _by_length(strings, hash_group):
    """Applies ``hash_group(bytes_matrix, length)`` to the strings grouped by byte length."""
    encoded = [s if isinstance(s, bytes) else str(s).encode("utf-8") for s in strings]
    lengths = np.fromiter((len(s) for s in encoded), dtype=np.int64, count=len(encoded))
    out = np.zeros(len(encoded), _U)
    with np.errstate(over="ignore"):  # uint64 scalars warn where arrays wrap silently
        for n in np.unique(lengths):
            rows = np.flatnonzero(lengths == n)
            data = np.frombuffer(b"".join(encoded[i] for i in rows), np.uint8).reshape(len(rows), int(n))
            out[rows] = hash_group(data, int(n))
    return out


def fingerprint64(strings):
    """FarmHash Fingerprint64 of each string (`str` as UTF-8, or `bytes`), as uint64.

    Example:
        >>> int(fingerprint64([b""])[0]) == 0x9AE16A3B2F90404F
        True
    """
    return _by_length(list(strings), _farm)


def siphash(strings, key):
    """SipHash-2-4 of each string under the 128-bit `key` (two ints), as uint64.

    Example:
        >>> siphash([b"a"], (1, 2)).shape
        (1,)
    """
    return _by_length(list(strings), lambda data, n: _sip(data, n, key))


def fingerprint_cat64(first, second):
    """Combines two uint64 fingerprints (order matters), elementwise.

    Example:
        >>> fingerprint_cat64(np.uint64([1]), np.uint64([2])).dtype
        dtype('uint64')
    """
    with np.errstate(over="ignore"):
        result = np.asarray(first, _U) ^ _CAT_MUL
        result ^= _shift_mix(np.asarray(second, _U) * _CAT_MUL) * _CAT_MUL
        result = result * _CAT_MUL
        return _shift_mix(_shift_mix(result) * _CAT_MUL)
