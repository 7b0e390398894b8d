"""Charts for Word reports draw Chinese labels with a real CJK font, not as empty boxes."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from acupoint.site import charts, rendering
from tests.conftest import require


def _chart(label: str) -> bytes:
    return rendering.png(charts.bars([{"district": label, "firms": 10}], "district", "firms",
                                     "区市", "企业数"), width=300, scale=1)


def test_different_chinese_labels_draw_different_pixels():
    if shutil.which("fc-list") is None or not subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip():
        require("ACUPOINT_REQUIRE_BROWSER", "no CJK font installed (Debian fonts-noto-cjk)")
    qingdao, huangdao = _chart("青岛"), _chart("黄岛")
    assert qingdao.startswith(b"\x89PNG")
    # Empty boxes (tofu) look the same for every character; real glyphs do not.
    assert qingdao != huangdao
    assert _chart("青岛") == qingdao


@pytest.mark.parametrize("width", [320, 640])
def test_a_container_wide_chart_gets_the_asked_width(width):
    png = rendering.png(charts.bars([{"district": "黄岛", "firms": 3}], "district", "firms",
                                    "区市", "企业数"), width=width, scale=1)
    drawn = int.from_bytes(png[16:20], "big")  # the IHDR chunk's width
    assert width <= drawn <= width + 200
