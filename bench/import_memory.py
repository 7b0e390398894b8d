"""Peak memory of importing the same annual figures from CSV and from a dense .xlsx.

A workbook is read whole by its reader (the rectangle of its cells), a CSV row by row, so the
.xlsx import costs more memory; the target is at most 600 MB more than the CSV at 300,000
rows. Each import runs in a fresh process on its own SQLite database (the registry loaded
first), the two formats interleaved, and the peak resident size of each is compared.

    python bench/import_memory.py [--enterprises 50000] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import RESULTS  # noqa: E402
from import_registry import _xlsx_from_csv  # noqa: E402

_PREPARE = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from pathlib import Path
call_command("migrate", verbosity=0)
from acupoint.registry.actions import do_import_file, do_load_geography
folder = Path(sys.argv[1])
do_load_geography(None, json.loads((folder / "geography.json").read_text()))
assert do_import_file(None, folder / "enterprises.csv").status == "landed"
"""
# The high-water mark of this process's memory (ru_maxrss would carry the parent's across
# exec).
_IMPORT = """
import json, re, sys
import django
django.setup()
from pathlib import Path
from acupoint.registry.actions import do_import_file

def peak_mb():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024

before = peak_mb()
batch = do_import_file(None, Path(sys.argv[1]))
assert batch.status == "landed", batch.errors[:3]
print(json.dumps({"rows": batch.rows, "peak_mb": peak_mb(), "before_mb": before,
                  "seconds": batch.seconds}))
"""


def _run(script: str, database: Path, *arguments: str) -> str:
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1",
                   "DJANGO_SETTINGS_MODULE": "acupoint.site.settings"}
    return subprocess.run([sys.executable, "-c", script, *arguments], env=environment,
                          check=True, capture_output=True, text=True).stdout


def _peak(registry: Path, annual: Path) -> dict:
    """The annual import alone, in a fresh process on a copy of the loaded registry."""
    database = Path(tempfile.mkdtemp(prefix="acupoint-memory-")) / "db.sqlite3"
    shutil.copy(registry, database)
    return json.loads(_run(_IMPORT, database, str(annual)).strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    from acupoint.demo.generator import generate, write

    folder = Path(tempfile.mkdtemp(prefix="acupoint-bench-"))
    city = generate(args.enterprises, (2019, 2024), seed=2024)
    write(city, folder)
    _enterprises, annual_xlsx = _xlsx_from_csv(folder)
    registry = folder / "registry.sqlite3"
    _run(_PREPARE, registry, str(folder))
    runs: dict[str, list[dict]] = {"csv": [], "xlsx": []}
    for _ in range(args.repeats):
        runs["csv"].append(_peak(registry, folder / "annual.csv"))
        runs["xlsx"].append(_peak(registry, annual_xlsx))
    csv_peak = min(run["peak_mb"] for run in runs["csv"])
    xlsx_peak = min(run["peak_mb"] for run in runs["xlsx"])
    results = {"annual_rows": runs["csv"][0]["rows"], "csv_peak_mb": round(csv_peak),
               "xlsx_peak_mb": round(xlsx_peak), "xlsx_extra_mb": round(xlsx_peak - csv_peak),
               "load_average": os.getloadavg()[0], "cores": os.cpu_count(), "runs": runs}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "import_memory.json").write_text(json.dumps(results, indent=1))
    print(f"{results['annual_rows']:,} annual rows; peak memory of the import "
          f"(least of {args.repeats}), load average {results['load_average']:.2f} on "
          f"{results['cores']} cores")
    print(f"  CSV    {csv_peak:8.0f} MB")
    print(f"  .xlsx  {xlsx_peak:8.0f} MB   +{xlsx_peak - csv_peak:.0f} MB "
          f"(target ≤ +600 MB: {'met' if xlsx_peak - csv_peak <= 600 else 'MISSED'})")


if __name__ == "__main__":
    main()
