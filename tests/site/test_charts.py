"""The charts as a reader needs them: they fit their box, list every legend entry in full,
colour a yellow card yellow, give each cluster its own colour, and label the map by name
without two labels on top of each other."""

from __future__ import annotations

import json
import math

import pytest
from shapely.geometry import box, mapping

from acupoint.site import charts


def _square(lon: float, lat: float, size: float = 0.02) -> dict:
    return mapping(box(lon, lat, lon + size, lat + size))


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_container_charts_fit_their_box():
    for spec in (charts.bars([{"d": "黄岛", "n": 3}], "d", "n", "区市", "企业"),
                 charts.race([{"cluster": "甲", "period": "2024", "rank": 1, "score": 50}], "名次"),
                 charts.pillars([{"pillar": "整体规划", "score": 60}])):
        assert spec["autosize"] == {"type": "fit", "contains": "padding"}


def test_a_yellow_card_is_yellow_whatever_the_words():
    clusters = [{"code": f"QD{i:02d}", "name": f"第{i}产业集聚区", "boundary": _square(120 + i, 36),
                 "standing": standing, "label": label}
                for i, (standing, label) in enumerate([("active", "在赛"), ("yellow", "黄牌"),
                                                       ("candidate", "创建中")])]
    spec = charts.clusters_map(clusters)
    scale = _layers(spec)[1]["encoding"]["color"]["scale"]
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colours["黄牌"] == charts.STANDING_COLOURS["yellow"]
    assert colours["在赛"] == charts.STANDING_COLOURS["active"]


@pytest.mark.parametrize("count", [3, 14])
def test_map_labels_are_names_and_never_overlap(count):
    centres = [{"code": f"QD{i:02d}", "text": f"第{i}号集聚", "lon": 120.3 + (i % 3) * 0.01,
                "lat": 36.1 + (i // 3) * 0.005} for i in range(count)]
    placed = charts._placed_labels(centres, 1 / 32)
    middle = math.cos(math.radians(36.1))
    span = max(max(c["lat"] for c in centres) - min(c["lat"] for c in centres),
               (max(c["lon"] for c in centres) - min(c["lon"] for c in centres)) * middle)
    char, height = span / 32 / middle, span / 32 * 1.3
    boxes = [(p["lon"] - char * len(p["text"]) / 2, p["lat"] - height / 2,
              p["lon"] + char * len(p["text"]) / 2, p["lat"] + height / 2) for p in placed]
    overlapping = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                   if a[0] < b[2] - 1e-12 and b[0] < a[2] - 1e-12 and a[1] < b[3] - 1e-12
                   and b[1] < a[3] - 1e-12]
    assert not overlapping
    assert len(charts._placed_labels(centres * 3, 1 / 32)) == count * 3  # crowded: all drawn
    assert charts.short_name("即墨汽车制造产业集聚区") == "即墨汽车制造"


def test_every_cluster_has_its_own_colour_and_a_full_legend():
    spec = charts.race([{"cluster": f"集聚区{i}", "period": "2024", "rank": i, "score": 1.0}
                        for i in range(14)], "名次")
    colour = spec["encoding"]["color"]
    assert colour["scale"]["scheme"] == "tableau20"
    assert colour["legend"]["labelLimit"] == 0
    assert "…" not in json.dumps(spec, ensure_ascii=False)
