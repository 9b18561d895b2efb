"""Integers as text that is safe in JSON and in a classic script: `pack` (base-45 digits, one to three
characters a number) and bit codes (`rice`, Elias gamma), six bits a character, for the long lists a
common word makes at archive scale (its documents, their lengths, a facet value's documents). The JS
twins are `unpack`, `head` and `rice` in assets/sitegen-index/codes.js.
"""

from __future__ import annotations

import base64
from itertools import repeat
from operator import sub
from typing import Iterable, Sequence

ALPHABET = "".join(chr(c) for c in range(0x23, 0x7F) if chr(c) not in "\\<")  # 90 chars, JSON- and HTML-safe
HALF = 45  # digits below HALF end a number; digits from HALF on continue it
_CODES: list[str] = []


def _codes() -> list[str]:
    """`_code(v)` for every v with at most three digits, made by joining digits (in order: one, then
    two, then three digits, least significant first): 0.05 s of a body edit's build as a loop."""
    if not _CODES:
        ends, goes_on = ALPHABET[:HALF], ALPHABET[HALF:2 * HALF]
        _CODES.extend(ends)
        _CODES.extend([low + last for last in ends[1:] for low in goes_on])
        _CODES.extend([low + mid + last for last in ends[1:] for mid in goes_on for low in goes_on])
    return _CODES


def _code(v: int) -> str:
    out = ""
    while v >= HALF:
        out += ALPHABET[HALF + v % HALF]
        v //= HALF
    return out + ALPHABET[v]


def pack(values: Iterable[int]) -> str:
    """Non-negative integers as a string of base-45 digits, least significant first (1 char < 45,
    2 chars < 2,025, 3 chars < 91,125); the JS twin is `unpack` in `sitegen-index/codes.js`."""
    codes = _codes()
    values = values if isinstance(values, list) else list(values)
    try:  # in C: a document's body terms are hundreds of numbers, all below the table's end
        return "".join(map(codes.__getitem__, values))
    except IndexError:
        limit = len(codes)
        return "".join([codes[v] if v < limit else _code(v) for v in values])


def unpack(text: str) -> list[int]:
    """The inverse of `pack` (used by tests and by the edit benchmark)."""
    out, value, scale = [], 0, 1
    for ch in text:
        d = ALPHABET.index(ch)
        if d >= HALF:
            value, scale = value + (d - HALF) * scale, scale * HALF
        else:
            out.append(value + d * scale)
            value, scale = 0, 1
    return out


def read(packed: str, at: int) -> tuple[int, int]:
    """The packed number at `at`, and where the next starts."""
    value, scale = 0, 1
    while (d := ALPHABET.index(packed[at])) >= HALF:
        value, scale, at = value + (d - HALF) * scale, scale * HALF, at + 1
    return value + d * scale, at + 1


def rice_parameter(total: int, count: int) -> int:
    """A near-best Rice parameter for `count` numbers summing to `total`: log2 of their mean times ln 2."""
    return max(0, int(total / count * 0.6931).bit_length() - 1) if count else 0


def rice(values: Sequence[int], k: int) -> str:
    """Non-negative integers as Rice codes (value >> k in unary, ones ended by a zero, then its k low
    bits), six bits a character of ALPHABET: a dense list costs a few bits a number, where `pack`
    spends a whole character. The JS twin is `rice` in sitegen-index/codes.js."""
    return chars("".join(rice_codes(values, k, 0)))


_RICE: dict[int, list[str]] = {}
_GAMMA: list[str] = []


def rice_codes(values: Iterable[int], k: int, offset: int) -> list[str]:
    """The Rice codes of value - offset for each value, from a table of the first few thousand."""
    table = _RICE.get(k)
    if table is None:
        low = (1 << k) - 1
        table = _RICE[k] = ["1" * (v >> k) + "0" + (format(v & low, f"0{k}b") if k else "") for v in range(min(4096, 32 << k))]
    values = list(values)
    try:
        return list(map(table.__getitem__, map(sub, values, repeat(offset)) if offset else values))
    except IndexError:
        low = (1 << k) - 1
        return ["1" * ((v - offset) >> k) + "0" + (format((v - offset) & low, f"0{k}b") if k else "") for v in values]


def gamma_table() -> list[str]:
    if not _GAMMA:
        _GAMMA.extend(["0" * (v.bit_length() - 1) + format(v, "b") if v else "" for v in range(4096)])
    return _GAMMA


def unrice(text: str, k: int, count: int) -> list[int]:
    """The inverse of `rice` (for tests and tools)."""
    code, out, i = bits(text), [], 0
    for _ in range(count):
        value, i = rice_at(code, i, k)
        out.append(value)
    return out


def rice_at(code: str, i: int, k: int) -> tuple[int, int]:
    """The Rice code with parameter k at bit i of `code` (a string of bits), and where the next starts."""
    q = code.index("0", i) - i
    return (q << k) + (int(code[i + q + 1:i + q + 1 + k], 2) if k else 0), i + q + 1 + k


def gamma_at(code: str, i: int) -> tuple[int, int]:
    """The Elias gamma code at bit i of `code`, and where the next starts."""
    zeros = code.index("1", i) - i
    return int(code[i + zeros:i + 2 * zeros + 1], 2), i + 2 * zeros + 1


_BITS = {c: format(i, "06b") for i, c in enumerate(ALPHABET[:64])}


def bits(text: str) -> str:
    """The bits of characters made by `chars` (for tests and tools)."""
    return "".join(map(_BITS.__getitem__, text))


_FROM_BASE64 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", ALPHABET[:64].encode())


def chars(bits: str) -> str:
    """A string of bits as characters of ALPHABET, six bits each (the last padded with zeros): base64
    with another alphabet, so it runs in C."""
    if not bits:
        return ""
    size = -(-len(bits) // 6)
    bits += "0" * (-len(bits) % 24)
    return base64.b64encode(int(bits, 2).to_bytes(len(bits) // 8, "big")).translate(_FROM_BASE64)[:size].decode()
