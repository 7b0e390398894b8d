"""`acupoint score` and `acupoint spec-schema`: the scorecard engine from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from acupoint.engine.backends import BACKENDS
from acupoint.engine.explain import Explanation

console = Console()
err_console = Console(stderr=True)


def score(
    data: Annotated[Path, typer.Option(exists=True, dir_okay=False,
                                       help="Data: .csv, .xlsx, .xls, .ods or .parquet.")],
    out: Annotated[Path, typer.Option(help="Result: .parquet, .csv or .xlsx.")],
    spec: Annotated[Path | None, typer.Option(exists=True, dir_okay=False,
                                              help="Scorecard spec (YAML).")] = None,
    framework: Annotated[Path | None, typer.Option(
        exists=True, dir_okay=False, help="COINr iMeta table of indicators and aggregates.")
    ] = None,
    entity: Annotated[str | None, typer.Option(help="Key column (framework without spec).")
                      ] = None,
    normalise: Annotated[str, typer.Option(help="Normalisation without a spec.")] = "minmax",
    aggregate: Annotated[str, typer.Option(help="Aggregation without a spec.")] = "arithmetic",
    meta_out: Annotated[Path | None, typer.Option(help="Weights, methods and counts (JSON).")
                        ] = None,
    explain: Annotated[str | None, typer.Option(help="Explain this entity's result.")] = None,
    trends_out: Annotated[Path | None, typer.Option(
        help="Growth rates (CAGR) per entity of the spec's trends: columns.")] = None,
    uncertainty: Annotated[int, typer.Option(min=0, help="Monte Carlo draws (0: none).")] = 0,
    sensitivity: Annotated[int, typer.Option(min=0, help="Sobol base samples (0: none).")] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the random draws.")] = 0,
    backend: Annotated[str, typer.Option(help=f"{' or '.join(BACKENDS)}.")] = "duckdb",
) -> None:
    """Score entities with a spec, or build an index from a framework file."""
    from acupoint.engine.expr import ExpressionError
    from acupoint.engine.run import score_file
    from acupoint.engine.scorecard import EngineError
    from acupoint.engine.spec import SpecError

    try:
        run = score_file(data, out, spec, framework, entity, normalise, aggregate, backend,
                         meta_out, explain, uncertainty, seed, sensitivity, trends_out)
    except (SpecError, EngineError, ExpressionError, ValueError) as error:
        err_console.print(f"[red]{error}[/red]", highlight=False)
        raise typer.Exit(2) from None
    counts = run.meta["counts"]
    console.print(f"{run.rows:,} rows → {out}  (evaluated {counts['evaluated']:,}, "
                  f"scored {counts['scored']:,}, excluded {counts['excluded']:,})")
    if "classes" in counts:
        console.print("classes: " + ", ".join(f"{k} {v:,}" for k, v in counts["classes"].items()))
    for label, number in counts["nulls_from_formulas"].items():
        if number:
            console.print(f"[yellow]{number:,} nulls — {label}[/yellow]")
    if run.explanation is not None:
        _print_explanation(run.explanation)
    if run.uncertainty is not None and run.uncertainty.sensitivity:
        for name, indices in run.uncertainty.sensitivity.items():
            console.print(f"sensitivity {name}: first order {indices['first_order']:.3f}, "
                          f"total {indices['total_order']:.3f}")


def _print_explanation(explanation: Explanation) -> None:
    console.print(f"\n[bold]{explanation.entity}[/bold]  score {_fmt(explanation.score)}  "
                  f"rank {explanation.rank}  class {explanation.class_}")
    console.print(f"rule: {explanation.class_rule}")
    for gate in explanation.gates:
        mark = "✗" if gate.triggered else "✓"
        console.print(f"gate {mark} {gate.when}  → {gate.action if gate.triggered else '—'}"
                      f"  ({gate.reason})")
    for item in explanation.adjustments:
        if item.triggered:
            console.print(f"{item.points:+g} points: {item.reason} ({item.when})")
    table = Table("indicator", "raw", "benchmark", "treated", "normalised", "weight",
                  "contribution")
    for line in explanation.indicators:
        table.add_row(line.code, _fmt(line.raw), _fmt(line.benchmark),
                      _fmt(line.treated), _fmt(line.normalised), f"{line.effective_weight:.4f}",
                      _fmt(line.contribution))
    console.print(table)
    if explanation.robustness:
        robust = explanation.robustness
        low, high = robust["rank_interval_90"]
        kept = robust.get("probability_class_kept")
        console.print(f"robustness: rank {low}–{high} in 90% of {robust['draws']} draws"
                      + (f"; class kept in {kept:.0%}" if kept is not None else ""))


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:,.4g}"


def spec_schema(
    out: Annotated[Path | None, typer.Option(help="Write here instead of printing.")] = None,
) -> None:
    """Print the JSON Schema of scorecard specs (for editors and validators)."""
    from acupoint.engine.spec import json_schema_text

    print_or_write(json_schema_text(), out)


def print_or_write(text: str, out: Path | None) -> None:
    """A generated file (a schema) to standard output, or to ``out``."""
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
