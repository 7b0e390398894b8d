"""The demo city's co-creation: demands from enterprises and the automotive association, a
peer city's policy to benchmark against, and a draft written by the association, one of its
clauses answering a demand, with a public consultation round open for comments. Everything
here is illustrative and says so."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from acupoint.accounts.models import User
from acupoint.cocreation import actions
from acupoint.cocreation.models import Demand, Round

DEMANDS = [
    ("enterprise", "整车项目奖励上限偏低",
     "建议将新落户整车项目的奖励上限提高到2亿元，与周边城市持平。",
     "funding", "manufacturing", "3612"),
    ("enterprise", "本地配套采购缺少激励",
     "建议对整车企业采购本地关键零部件给予奖励，提高本地配套率。",
     "funding", "supporting", "3670"),
    ("association", "加氢站运营补贴期限太短", "建议将加氢站运营补贴延长至5年，稳定投资预期。",
     "funding", "demonstration", "4590"),
    ("association", "新能源汽车人才住房困难", "建议扩大人才住房补贴覆盖范围，包括一线技术工人。",
     "talent", "rd_design", ""),
    ("enterprise", "技改项目审批周期长", "建议推行拿地即开工，压缩技改项目审批时限。",
     "approval", "manufacturing", "3670"),
]
PEER = """示例城市支持新能源汽车产业发展的若干政策（示例）
第一条 对新落户的整车制造项目，按照实际设备投资的10%给予补助，最高2亿元。
第二条 对整车企业采购本地关键零部件的，按采购额的3%给予奖励，最高1000万元。
第三条 对新建加氢站，按照设备投资额的30%给予补贴，单站最高500万元；运营补贴期限5年。
第四条 对新能源汽车领域引进的高层次人才，给予最高100万元安家补贴。
"""
CLAUSES = [
    {"key": "vehicle", "article": "第一条", "title": "整车项目奖励",
     "text": "对新落户整车企业，按设备投资的20%给予奖励，最高1亿元。",
     "chain": "manufacturing", "side": "supply", "support": "reward"},
    {"key": "local-parts", "article": "第二条", "title": "本地配套奖励",
     "text": "对采购本地关键零部件的整车企业，按采购额的2%给予奖励，最高500万元。",
     "chain": "supporting", "side": "demand", "support": "reward"},
    {"key": "h2-stations", "article": "第三条", "title": "加氢站建设运营",
     "text": "对新建加氢站，按设备投资额的30%给予补贴，最高500万元；运营补贴期限3年。",
     "chain": "demonstration", "side": "demand", "support": "subsidy"},
]


def seed() -> None:
    """Once: the demo's demands, peer policy, draft and open round."""
    if Demand.objects.exists():
        return
    users = {user.username: user for user in User.objects.filter(
        username__in=["admin", "enterprise", "association"])}
    if len(users) < 3:
        return
    admin = users["admin"]
    demands = [actions.do_submit_demand(users[who], title=title, text=text, category=category,
                                        chain=chain, industry=industry)
               for who, title, text, category, chain, industry in DEMANDS]
    actions.do_analyse_demands(admin)
    actions.do_import_peer_policy(admin, city="示例城市", title="示例城市新能源汽车政策（示例）",
                                  text=PEER, year=2023)
    draft = actions.do_create_draft(
        admin, title="新能源汽车产业链高质量发展若干政策（征求意见稿，示例）",
        policy_id="demo-cocreated-nev", issuer="青岛市工业和信息化局",
        author=users["association"])
    version = actions.do_save_version(users["association"], draft, CLAUSES, "协会起草初稿")
    actions.do_review_demand(admin, demands[1], Demand.Status.ADOPTED,
                             clause=version.clauses.get(key="local-parts"))
    actions.do_review_demand(admin, demands[0], Demand.Status.REVIEWING)
    today = timezone.localdate()
    consultation = actions.do_open_round(admin, draft, kind=Round.Kind.PUBLIC, opens=today,
                                         closes=today + dt.timedelta(days=30), public=True)
    actions.do_comment(users["enterprise"], consultation,
                       version.clauses.get(key="vehicle"), "建议上限提高到2亿元，与周边城市持平。",
                       span=(0, len("对新落户整车企业")))
