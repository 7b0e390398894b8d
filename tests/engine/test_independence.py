"""The engine is usable without Django: importing all of it must not import Django."""

from __future__ import annotations

import subprocess
import sys

MODULES = ["expr", "spec", "layering", "scorecard", "weights", "explain", "uncertainty",
           "periods", "rewards", "compare", "backends", "run"]


def test_engine_never_imports_django():
    imports = "; ".join(f"import acupoint.engine.{name}" for name in MODULES)
    check = f"{imports}; import sys; print(sorted(m for m in sys.modules if 'django' in m))"
    output = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                            check=True, env={"PATH": ""})
    assert output.stdout.strip() == "[]"
