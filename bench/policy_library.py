"""A large policy library for benchmarks: the shipped clauses in many variants.

Each variant scales every number in a clause's conditions by its own factor, so a thousand
clauses differ in their thresholds as real ones do, and are written as policy files that the
loader checks like any other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import yaml

from acupoint.engine.policy import Library, load_library, policy_files, shipped_dir


class _Scale(ast.NodeTransformer):
    def __init__(self, factor: float) -> None:
        self.factor = factor

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, int | float) and not isinstance(node.value, bool):
            return ast.Constant(round(node.value * self.factor, 4))
        return node


def scaled(source: str, factor: float) -> str:
    return ast.unparse(_Scale(factor).visit(ast.parse(source, mode="eval")))


def write_library(folder: Path, clauses: int, seed: int = 7) -> Library:
    """Policy files holding ``clauses`` clauses, derived from the shipped ones."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    sources = [yaml.safe_load(path.read_text(encoding="utf-8"))
               for path in policy_files([shipped_dir()])]
    written, variant = 0, 0
    while written < clauses:
        for source in sources:
            if written >= clauses:
                break
            document = {**source, "tests": []}
            document["policy"] = {**source["policy"],
                                  "id": f"{source['policy']['id']}-v{variant}",
                                  "valid_to": None}
            kept = []
            for clause in source["clauses"]:
                if written >= clauses:
                    break
                factor = float(rng.uniform(0.5, 2.0))
                conditions = [
                    {**item, "when": scaled(item["when"], factor)} if isinstance(item, dict)
                    else scaled(item, factor) for item in clause["conditions"]]
                kept.append({**clause, "conditions": conditions})
                written += 1
            document["clauses"] = kept
            path = folder / f"{document['policy']['id']}.yaml"
            path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                            encoding="utf-8")
        variant += 1
    return load_library([folder])
