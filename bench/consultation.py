"""Policy co-creation text work at the scale of a real consultation, with brute force as peer.

1. 100,000 comments (a mass campaign of near-identical texts among many distinct ones):
   duplicate groups (MinHash LSH) and themes (TF-IDF k-means on the groups). Target ≤ 60 s.
   Peer on a 4,000-comment sample: every pair compared with RapidFuzz (what a naive tool
   does), for the time ratio and the share of its near-duplicate pairs we also group.
2. A 60-clause draft against 300 peer policies (about 12,000 clauses): alignment and the
   clauses peers offer that the draft lacks. Target ≤ 5 s. Peer: local alignment of every
   draft clause with every peer clause (RapidFuzz cdist on 2 workers), for the time ratio and
   the share of its confirmed pairs that our candidates find.
3. 20,000 comments grouped one by one as they arrive, as a consultation round does.

    python bench/consultation.py [--comments 100000] [--peers 300]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from acupoint.text.align import MIN_ALIGNMENT, Aligner, Text  # noqa: E402
from acupoint.text.dedupe import (  # noqa: E402
    THRESHOLD,
    duplicate_groups,
    first_similar,
    signature,
)
from acupoint.text.themes import themes  # noqa: E402
from common import RESULTS  # noqa: E402

SUBJECTS = ["新能源汽车零部件", "集成电路设计", "工业互联网平台", "氢能装备", "生物医药",
            "高端数控机床", "海洋装备", "智能家电", "新材料", "软件和信息服务", "轨道交通装备",
            "纺织服装", "食品饮料", "现代物流", "检验检测"]
ASKS = ["设备投资补助比例从百分之十提高到百分之二十", "研发费用加计扣除政策延续执行",
        "加快项目审批推行拿地即开工", "扩大人才住房补贴覆盖范围", "增加贷款贴息和融资担保额度",
        "降低标准地用地成本和厂房租金", "对首台套装备给予保险补偿", "支持企业参加国际展会",
        "对加氢站运营给予补贴", "放宽专精特新申报条件", "减少重复提交的申报材料",
        "对本地配套采购给予奖励", "建设公共检验检测平台", "提高技术改造项目奖励上限"]
REASONS = ["以支持本地配套", "缓解企业资金压力", "提高企业获得感", "吸引优秀人才留青",
           "增强产业链韧性", "加快产品迭代", "降低企业成本"]
CAMPAIGN = ("我们强烈建议将新能源汽车零部件企业的设备投资补助比例从百分之十提高到百分之二十，"
            "单个企业上限提高到一千万元，以支持本地配套，请予采纳。")


def comments(size: int, seed: int = 7) -> list[str]:
    """A fifth from one campaign (with small edits), the rest composed from parts."""
    rng = random.Random(seed)
    texts = []
    for index in range(size):
        if rng.random() < 0.2:
            edited = CAMPAIGN.replace("强烈", rng.choice(["", "再次", "恳请"]))
            text = CAMPAIGN if rng.random() < 0.5 else edited + rng.choice(
                ["", "谢谢！", "（企业代表）"])
        else:
            text = (f"关于{rng.choice(SUBJECTS)}，建议{rng.choice(ASKS)}，"
                    f"{rng.choice(REASONS)}。另外{rng.choice(ASKS)}。编号{index}")
        texts.append(text)
    return texts


def comment_run(size: int) -> dict:
    texts = comments(size)
    started = time.perf_counter()
    groups = duplicate_groups(texts)
    grouped = time.perf_counter() - started
    counts = Counter(groups)
    leaders = sorted(counts)
    found = themes([texts[index] for index in leaders], [counts[index] for index in leaders])
    total = time.perf_counter() - started
    sample = texts[:4_000]
    started = time.perf_counter()
    scores = process.cdist(sample, sample, scorer=fuzz.ratio, workers=2, dtype=np.uint8)
    brute_seconds = time.perf_counter() - started
    sample_started = time.perf_counter()
    sample_groups = duplicate_groups(sample)
    sample_seconds = time.perf_counter() - sample_started
    pairs = np.argwhere(np.triu(scores >= round(THRESHOLD * 100) + 20, k=1))
    caught = sum(sample_groups[a] == sample_groups[b] for a, b in pairs)
    return {"comments": size, "groups": len(leaders), "largest_group": max(counts.values()),
            "themes": len(found.terms), "theme_terms": found.terms[:5],
            "dedupe_seconds": grouped, "total_seconds": total,
            "sample": len(sample), "ours_sample_seconds": sample_seconds,
            "brute_force_sample_seconds": brute_seconds,
            "speed_ratio_on_sample": brute_seconds / sample_seconds,
            "brute_force_pairs_at_90": int(len(pairs)),
            "share_we_group": float(caught / len(pairs)) if len(pairs) else 1.0}


def arrival_run(size: int) -> dict:
    """Comments grouped one by one as they arrive (what a round does), each compared with the
    signatures of every group so far."""
    texts = comments(size, seed=8)
    leaders: list[tuple[int, bytes]] = []
    started = time.perf_counter()
    for index, text in enumerate(texts):
        if first_similar(text, leaders) is None:
            leaders.append((index, signature(text)))
    seconds = time.perf_counter() - started
    return {"comments": size, "groups": len(leaders), "seconds": seconds,
            "ms_per_comment": seconds / size * 1000}


CLAUSES = ["对新引进的{s}项目，按照实际设备投资的{p}%给予补助，最高{m}万元。",
           "对获得国家级专精特新小巨人称号的{s}企业，给予一次性奖励{m}万元。",
           "对{s}企业研发投入较上年增长部分，按{p}%给予奖励，单个企业最高{m}万元。",
           "对{s}领域引进的高层次人才，给予最高{m}万元安家补贴。",
           "对{s}企业获得银行贷款的，按贷款市场报价利率的{p}%给予贴息，最高{m}万元。",
           "对{s}企业新建厂房的，按照建设投资的{p}%给予补助，最高{m}万元。",
           "对{s}首台套装备首次销售的，按销售额的{p}%给予奖励，最高{m}万元。",
           "对{s}企业参加国际展会的展位费，按{p}%给予补助，每年最高{m}万元。",
           "对{s}企业牵头制定国际标准的，每项奖励{m}万元。",
           "对{s}公共服务平台建设，按投资额的{p}%给予补助，最高{m}万元。",
           "对年营业收入首次突破{m}万元的{s}企业，给予管理团队奖励。",
           "对{s}企业实施智能化改造，按设备投资的{p}%给予补助，最高{m}万元。"]


def clause(rng: random.Random) -> str:
    return rng.choice(CLAUSES).format(s=rng.choice(SUBJECTS), p=rng.choice([5, 10, 20, 30]),
                                      m=rng.choice([50, 100, 200, 500, 1000, 3000]))


def alignment_run(peers: int, draft_size: int = 60, seed: int = 11) -> dict:
    rng = random.Random(seed)
    library = [Text(f"p{policy}/{number}", clause(rng)) for policy in range(peers)
               for number in range(rng.randint(30, 50))]
    draft = [Text(f"d{number}", clause(rng)) for number in range(draft_size)]
    started = time.perf_counter()
    aligner = Aligner(library)
    aligned = aligner.align(draft)
    lacking = aligner.unmatched(draft)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    scores = process.cdist([item.text for item in draft], [item.text for item in library],
                           scorer=fuzz.partial_ratio, workers=2, dtype=np.uint8)
    brute_seconds = time.perf_counter() - started
    column_of = {item.key: column for column, item in enumerate(library)}
    ours: dict[int, list[int]] = {}
    for item in aligned:
        ours.setdefault(int(item.ours[1:]), []).append(column_of[item.theirs])
    best = scores.max(axis=1)
    with_match = np.flatnonzero(best >= MIN_ALIGNMENT)
    # Ours finds a peer clause that local alignment scores within 5 points of the best one.
    best_found = sum(1 for row in with_match
                     if any(scores[row, column] >= best[row] - 5
                            for column in ours.get(row, [])))
    return {"peer_policies": peers, "peer_clauses": len(library), "draft_clauses": len(draft),
            "alignments": len(aligned), "peer_clauses_we_lack": len(lacking),
            "seconds": seconds, "brute_force_seconds": brute_seconds,
            "speed_ratio": brute_seconds / seconds,
            "draft_clauses_with_a_match_by_brute_force": int(len(with_match)),
            "of_which_we_find_one_within_5_points": best_found}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--peers", type=int, default=300)
    parser.add_argument("--arrivals", type=int, default=20_000)
    args = parser.parse_args()
    results = {"comments": comment_run(args.comments), "alignment": alignment_run(args.peers),
               "arrivals": arrival_run(args.arrivals)}
    print(json.dumps(results, indent=2, ensure_ascii=False))
    run, align = results["comments"], results["alignment"]
    print(f"\n{run['comments']:,} comments: {run['groups']:,} groups (largest "
          f"{run['largest_group']:,}) in {run['dedupe_seconds']:.1f} s, {run['themes']} themes;"
          f" total {run['total_seconds']:.1f} s (target ≤ 60 s)")
    print(f"  sample of {run['sample']:,}: ours {run['ours_sample_seconds']:.2f} s, every pair "
          f"with RapidFuzz {run['brute_force_sample_seconds']:.2f} s "
          f"({run['speed_ratio_on_sample']:.1f}×); we group {run['share_we_group']:.1%} of its "
          f"{run['brute_force_pairs_at_90']:,} pairs scoring ≥ 90")
    print(f"{align['draft_clauses']}-clause draft × {align['peer_policies']} peer policies "
          f"({align['peer_clauses']:,} clauses): {align['seconds']:.2f} s (target ≤ 5 s); every "
          f"pair aligned by brute force {align['brute_force_seconds']:.2f} s "
          f"({align['speed_ratio']:.1f}×); of {align['draft_clauses_with_a_match_by_brute_force']}"
          f" draft clauses with a match, we find one within 5 points of the best for "
          f"{align['of_which_we_find_one_within_5_points']}")
    arrivals = results["arrivals"]
    print(f"{arrivals['comments']:,} comments grouped as they arrive: {arrivals['seconds']:.1f} s"
          f" ({arrivals['ms_per_comment']:.2f} ms each on average, {arrivals['groups']:,} "
          "groups at the end)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "consultation.json").write_text(json.dumps(results, indent=2,
                                                          ensure_ascii=False))


if __name__ == "__main__":
    main()
