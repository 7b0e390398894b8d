"""High-technology manufacturing by GB/T 4754-2017 code, for the high-tech share of a
cluster's revenue.

《高技术产业（制造业）分类（2017）》（国统字〔2017〕200号） lists classes in six groups; it is
read here by the divisions, groups and classes it covers: 医药制造业 (27); 航空、航天器及设备
制造业 (374); 电子及通信设备制造业 (392–399, 3562, 3563); 计算机及办公设备制造业 (391, 3474,
3475); 医疗仪器设备及仪器仪表制造业 (358, 40); 信息化学品制造业 (2664, 2665). A handful of
classes the official list adds or leaves out inside these groups are not told apart.
"""

from __future__ import annotations

PREFIXES = ("27", "374", "392", "393", "394", "395", "396", "397", "398", "399", "3562",
            "3563", "391", "3474", "3475", "358", "40", "2664", "2665")


def is_hightech(industry_code: str) -> bool:
    return industry_code.startswith(PREFIXES)
