"""``jira-perms report``: one self-contained HTML file, escaped, rendered by a real headless Chromium.

The Chromium test needs Debian's ``chromium`` (``apt-get install -y chromium``);
it is skipped, saying so, only when the binary is absent.  The screenshot is
checked with a tiny PNG decoder (zlib only): it must be large, varied and show
the report's colours (the green of allowed cells), so a blank or unstyled page
fails.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from itertools import accumulate
from pathlib import Path

import pytest

from explorer.core.model import Snapshot
from explorer.core.render import html as html_report
from explorer.core.replay.fixes import explain
from explorer.store.snapshot_file import load_demo
from tests import site_builder as sb

EVIL_NAME = '<script>alert("x")</script> & Bob'
EVIL_GROUP = "<b>admins</b>"


def evil_site() -> Snapshot:
    return sb.site(
        accounts=[sb.account("u1", name=EVIL_NAME)],
        groups={EVIL_GROUP: ["u1"]},
        projects=[sb.project("ENG", roles={sb.DEVELOPERS: sb.users("u1")})],
        schemes={"S": [sb.BROWSE_LOGGED_IN, sb.grant("EDIT_ISSUES", "group", EVIL_GROUP)]},
    )


def assert_self_contained(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    lowered = html.lower()
    assert "<script" not in lowered, "a report never carries scripts"
    assert "<link" not in lowered and "src=" not in lowered and "@import" not in lowered and "url(" not in lowered
    assert "<style>" in html and "@media print" in html


def test_every_name_from_the_site_is_escaped():
    snap = evil_site()
    account = snap.accounts[0]
    pages = [
        html_report.account_report(snap, account, explanation=explain(snap, account, "EDIT_ISSUES", "ENG")),
        html_report.project_report(snap, "ENG"),
    ]
    for page in pages:
        assert_self_contained(page)
        assert EVIL_NAME not in page and EVIL_GROUP not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Bob" in page
    assert "&lt;b&gt;admins&lt;/b&gt;" in pages[0] and "&lt;b&gt;admins&lt;/b&gt;" in pages[1]


def test_the_account_report_holds_the_explanation_the_matrix_and_the_globals():
    demo = load_demo()
    account = next(a for a in demo.accounts if a.display_name == "Backbone Sync")
    page = html_report.account_report(demo, account, explanation=explain(demo, account, "DELETE_OWN_ATTACHMENTS", "ENG"))
    assert_self_contained(page)
    for text in ("✗ DENIED", "How to fix it", "Blast radius", "Permissions in every project", "Global permissions",
                 "Browse Users and Groups", "jira-software-users", "LEGACY (archived)"):
        assert text in page, text
    rows = re.findall(r'<tr><td class="name">', page)
    assert len(rows) == 39  # every project permission is a row of the matrix


def test_the_project_report_has_one_row_per_active_account():
    demo = load_demo()
    page = html_report.project_report(demo, "ENG")
    assert_self_contained(page)
    active = sum(1 for a in demo.accounts if a.active) + 1  # and the anonymous visitor
    assert len(re.findall(r'<tr><td class="name">', page)) == active
    assert "Permission scheme 'Software Permission Scheme'" in page
    assert "Role actors" in page


def test_the_audit_report():
    from explorer.core.readiness.audit import Auditor
    from explorer.core.readiness.profiles import find_profile
    from explorer.store.profiles import all_profiles

    demo = load_demo()
    profiles, _ = all_profiles()
    report = Auditor(demo, "Backbone Sync").audit(find_profile(profiles, "backbone"))
    page = html_report.audit_report(demo, report)
    assert_self_contained(page)
    assert "Requirements by project" in page and "Least privilege" in page and "NOT READY" in page


# ---------------------------------------------------------------- a real browser


def read_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB or RGBA, non-interlaced PNG into rows of pixels (tiny, zlib only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert header is not None
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    i = 0
    for _ in range(height):
        kind = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if kind == 1:  # Sub: a running sum along each channel
            for channel in range(bpp):
                line[channel::bpp] = bytes(v & 0xFF for v in accumulate(line[channel::bpp]))
        elif kind == 2:  # Up: bytewise sum with the row above, all bytes at once (no carry between bytes)
            line = bytearray(_add_bytes(line, prev))
        elif kind in (3, 4):
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                if kind == 3:
                    line[x] = (line[x] + (a + b) // 2) & 0xFF
                    continue
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line) if bpp == 3 else bytes(v for k, v in enumerate(line) if k % 4 != 3))
        prev = line
    return width, height, rows


def _add_bytes(x: bytes | bytearray, y: bytes | bytearray) -> bytes:
    """``(x[i] + y[i]) & 0xFF`` for every i, on the bytes as one big integer."""
    n = len(x)
    low, high = int.from_bytes(b"\x7f" * n, "big"), int.from_bytes(b"\x80" * n, "big")
    a, b = int.from_bytes(x, "big"), int.from_bytes(y, "big")
    return (((a & low) + (b & low)) ^ ((a ^ b) & high)).to_bytes(n, "big")


def render(html: Path, png: Path, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1200,1600", html.as_uri()],
        capture_output=True, text=True, timeout=180)


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="Debian's chromium is not installed (apt-get install -y chromium); the HTML report "
                           "is only checked without a browser")
@pytest.mark.parametrize("which", ["project", "account"])
def test_chromium_renders_the_report(tmp_path, which):
    demo = load_demo()
    if which == "project":
        page = html_report.project_report(demo, "ENG")
    else:
        account = next(a for a in demo.accounts if a.display_name == "Backbone Sync")
        page = html_report.account_report(demo, account, explanation=explain(demo, account, "EDIT_ISSUES", "OPS"))
    html = tmp_path / "report.html"
    html.write_text(page, encoding="utf-8")
    png = tmp_path / "report.png"
    result = render(html, png, tmp_path / "profile")
    assert png.exists(), result.stderr[-2000:]
    data = png.read_bytes()
    assert len(data) > 30_000, "a screenshot of a real report is not that small"
    width, height, rows = read_png(data)
    assert (width, height) == (1200, 1600)
    pixels: Counter[bytes] = Counter()
    for row in rows[::4]:
        for x in range(0, len(row), 3 * 4):
            pixels[row[x:x + 3]] += 1
    total = sum(pixels.values())
    white = pixels[b"\xff\xff\xff"]
    assert len(pixels) > 40, "the page looks blank or unstyled"
    assert 0.03 < 1 - white / total < 0.9, "mostly blank, or all ink"
    green = sum(n for p, n in pixels.items() if abs(p[0] - 0xDA) < 8 and abs(p[1] - 0xFB) < 8 and abs(p[2] - 0xE1) < 8)
    assert green > 0, "the allowed cells' green is missing: the inline CSS was not applied"
