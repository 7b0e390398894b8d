"""A policy amendment as an official makes it: every figure of every clause (a threshold in a
condition, a rate or amount in the benefit, a cap, a parameter's value) in a labelled field
with its unit, written back into the policy file that the simulation reads. The file stays
open to an analyst in the advanced view."""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext as _

from acupoint.policies import library

_SYMBOLS = {ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">", ast.GtE: "≥", ast.Eq: "=",
            ast.NotEq: "≠"}


@dataclass(frozen=True)
class Figure:
    """A number an official may change, where it sits in the file, and what it means."""

    key: str
    label: str
    value: float
    place: tuple  # ("when", clause, condition, index) | ("formula", clause, index) | …


def _numbers(tree: ast.AST) -> list[ast.Constant]:
    """The numeric constants of a parsed expression, in the order the parser walks them."""
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)]


def _meaning(source: str, constant: ast.Constant, names: dict[str, tuple[str, str]]) -> str:
    """The comparison or product a number takes part in, in words: 营业收入（万元）≥."""
    for node in ast.walk(ast.parse(source, mode="eval")):
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = node.left, node.comparators[0]
            if _same(right, constant) and isinstance(left, ast.Name):
                return f"{_named(left.id, names)} {_SYMBOLS.get(type(node.ops[0]), '?')}"
            if _same(left, constant) and isinstance(right, ast.Name):
                return f"{_SYMBOLS.get(type(node.ops[0]), '?')} {_named(right.id, names)}"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            other = node.right if _same(node.left, constant) else (
                node.left if _same(node.right, constant) else None)
            if isinstance(other, ast.Name):
                return _("rate × %(name)s") % {"name": _named(other.id, names)}
    return ""


def _same(node: ast.AST, constant: ast.Constant) -> bool:
    return isinstance(node, ast.Constant) and (node.lineno, node.col_offset) == (
        constant.lineno, constant.col_offset)


def _named(name: str, names: dict[str, tuple[str, str]]) -> str:
    label, unit = names.get(name, (name, ""))
    return f"{label}（{unit}）" if unit else label


def figures(data: dict[str, Any]) -> list[Figure]:
    """Every figure of the file's clauses and parameters."""
    names = {name: (variable.label, variable.unit or "")
             for name, variable in library.catalogue().variables.items()}
    found: list[Figure] = []
    for name, parameter in (data.get("parameters") or {}).items():
        for index, dated in enumerate(parameter.get("values", [])):
            found.append(Figure(
                f"p{len(found)}", _("%(label)s（%(unit)s） from %(day)s") % {
                    "label": parameter.get("label", name), "unit": parameter.get("unit", ""),
                    "day": dated.get("from", "")}, dated["value"], ("parameter", name, index)))
    for position, clause in enumerate(data.get("clauses", [])):
        title = f"{clause.get('article', '')} {clause.get('title', '')}".strip()
        for number, condition in enumerate(clause.get("conditions", [])):
            if not isinstance(condition, dict):
                continue
            for index, constant in enumerate(_numbers(ast.parse(condition["when"], mode="eval"))):
                meaning = _meaning(condition["when"], constant, names)
                found.append(Figure(f"f{len(found)}", " · ".join(
                    part for part in (title, condition.get("label", ""), meaning) if part),
                    constant.value, ("when", position, number, index)))
        benefit = clause.get("benefit") or {}
        if benefit.get("formula"):
            formula = ast.parse(str(benefit["formula"]), mode="eval")
            for index, constant in enumerate(_numbers(formula)):
                meaning = _meaning(str(benefit["formula"]), constant, names)
                found.append(Figure(f"f{len(found)}", " · ".join(
                    part for part in (title, _("amount (%(unit)s)") % {
                        "unit": benefit.get("unit", "万元")}, meaning) if part),
                    constant.value, ("formula", position, index)))
        if benefit.get("cap") is not None:
            found.append(Figure(f"f{len(found)}", " · ".join((title, _("cap (%(unit)s)") % {
                "unit": benefit.get("unit", "万元")})), benefit["cap"], ("cap", position)))
    return found


def _rewrite(source: str, values: dict[int, float]) -> str:
    """``source`` with its numbers at the given walk positions replaced."""
    tree = ast.parse(source, mode="eval")
    numbers = _numbers(tree)
    for index, value in values.items():
        numbers[index].value = int(value) if float(value).is_integer() else value
    return ast.unparse(tree)


class AmendmentForm(forms.Form):
    """One field per figure of the policy file, starting from its published values."""

    def __init__(self, *args, text: str, **kwargs) -> None:
        kwargs.setdefault("prefix", "amend")
        super().__init__(*args, **kwargs)
        self.data_source = yaml.safe_load(text) or {}
        self.figures = figures(self.data_source)
        for figure in self.figures:
            self.fields[figure.key] = forms.FloatField(label=figure.label, initial=figure.value)

    def amended_text(self) -> str:
        """The policy file with the typed figures in place."""
        data = copy.deepcopy(self.data_source)
        clauses = data.get("clauses", [])
        by_source: dict[tuple, dict[int, float]] = {}
        for figure in self.figures:
            value = self.cleaned_data[figure.key]
            kind = figure.place[0]
            if kind == "parameter":
                data["parameters"][figure.place[1]]["values"][figure.place[2]]["value"] = value
            elif kind == "cap":
                clauses[figure.place[1]]["benefit"]["cap"] = value
            elif kind == "when":
                by_source.setdefault(figure.place[:3], {})[figure.place[3]] = value
            else:
                by_source.setdefault(figure.place[:2], {})[figure.place[2]] = value
        for place, values in by_source.items():
            if place[0] == "when":
                condition = clauses[place[1]]["conditions"][place[2]]
                condition["when"] = _rewrite(condition["when"], values)
            else:
                benefit = clauses[place[1]]["benefit"]
                benefit["formula"] = _rewrite(str(benefit["formula"]), values)
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)

    def changed_figures(self) -> list[tuple[str, float, float]]:
        return [(figure.label, figure.value, self.cleaned_data[figure.key])
                for figure in self.figures if self.cleaned_data[figure.key] != figure.value]
