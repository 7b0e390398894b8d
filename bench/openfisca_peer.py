"""Runs in OpenFisca's own virtual environment: the generated system over the profiles.

    python openfisca_peer.py MODEL.py PROFILES.parquet OUT.parquet YEAR [REPEATS]

Prints the median seconds spent building the simulation and computing every clause (a fresh
simulation each time); writes each clause's eligibility and amount for every enterprise."""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from openfisca_core.simulation_builder import SimulationBuilder


def main() -> None:
    model_path, profiles_path, out_path, year = sys.argv[1:5]
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    spec = importlib.util.spec_from_file_location("policy_model", model_path)
    model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model)
    profiles = pq.read_table(profiles_path)
    system = model.system()
    inputs = {name: profiles.column(name).to_numpy(zero_copy_only=False)
              for name in profiles.column_names if name in system.variables}
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        columns = compute(model, system, inputs, profiles.num_rows, year)
        timings.append(time.perf_counter() - started)
    pq.write_table(pa.table(columns), out_path)
    print(json.dumps({"seconds": statistics.median(timings), "all_seconds": timings}))


def compute(model, system, inputs: dict, size: int, year: str) -> dict:
    simulation = SimulationBuilder().build_default_simulation(system, size)
    for name, values in inputs.items():
        kind = system.variables[name].value_type
        simulation.set_input(name, year, np.asarray(values, dtype=kind if kind is not str
                                                     else object))
    columns = {}
    for number in range(model.CLAUSES):
        columns[f"e{number}"] = simulation.calculate(f"c{number}_eligible", year)
        columns[f"a{number}"] = simulation.calculate(f"c{number}_amount", year)
    return columns


if __name__ == "__main__":
    main()
