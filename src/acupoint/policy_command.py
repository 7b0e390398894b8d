"""`acupoint policy …`: match, explain, test and simulate policy files from the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from acupoint.engine.backends import MATCH_BACKENDS

app = typer.Typer(help="Policy as code: match enterprises with clauses, test, simulate.",
                  no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)

PoliciesOption = Annotated[list[Path] | None, typer.Option(
    "--policies", exists=True, help="Policy files or folders (default: the shipped ones).")]
DateOption = Annotated[str | None, typer.Option(
    "--date", help="Match as of this day, YYYY-MM-DD (default: today).")]


def _library(paths: list[Path] | None):
    from acupoint.engine.policy import load_library

    library = load_library(paths or None)
    for warning in library.warnings:
        err_console.print(f"[yellow]warning: {warning}[/yellow]", highlight=False)
    return library


def _day(text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else dt.date.today()
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a date like 2024-06-30") from None


def _fail(error: Exception) -> None:
    err_console.print(f"[red]{error}[/red]", highlight=False)
    raise typer.Exit(2)


@app.command("match")
def match(
    data: Annotated[Path, typer.Option(exists=True, dir_okay=False,
                                       help="Enterprise profiles: .csv, .xlsx or .parquet.")],
    out: Annotated[Path, typer.Option(help="Matches: .parquet, .csv or .xlsx.")],
    policies: PoliciesOption = None,
    date: DateOption = None,
    explain: Annotated[str | None, typer.Option(
        help="Explain every clause for this enterprise (credit code).")] = None,
    keep: Annotated[str, typer.Option(
        help="relevant (eligible, unknown, near misses), all pairs, or eligible only "
             "(fastest: no near misses are looked for).")] = "relevant",
    tolerance: Annotated[float, typer.Option(min=0, max=1,
                                             help="Near-miss margin (0.1 = 10%).")] = 0.10,
    backend: Annotated[str, typer.Option(help=f"{' or '.join(MATCH_BACKENDS)}.")] = "duckdb",
) -> None:
    """Match every enterprise with every clause in force: status, amount, failed conditions."""
    from acupoint.engine import backends
    from acupoint.engine.expr import ExpressionError
    from acupoint.engine.policy_explain import Explainer
    from acupoint.engine.rules import Matcher, arrow_types
    from acupoint.engine.spec import SpecError

    try:
        library = _library(policies)
        matcher = Matcher(library, _day(date), tolerance)
        con = backends.connect(backend)
        table = backends.load(con, data, "profiles", arrow_types(library.catalogue))
        rows, reach = matcher.write(table, out, keep)
    except (SpecError, ExpressionError, ValueError, KeyError) as error:
        _fail(error)
    except backends.DATA_ERRORS as error:
        _fail(ValueError(f"the profiles cannot be matched: {error}"))
    console.print(f"{len(matcher.plans)} clauses in force × {table.count().execute():,} "
                  f"enterprises → {rows:,} rows in {out}")
    _print_reach(reach.rows(), near_misses=keep != "eligible")
    if explain:
        found = table.filter(table[matcher.entity].cast("string") == explain).to_pyarrow()
        if not found.num_rows:
            _fail(ValueError(f"no enterprise '{explain}' in {data}"))
        print_explanations(Explainer(matcher).explain(found.to_pylist()[0]), library.catalogue)


def _print_reach(rows: list[dict], near_misses: bool = True) -> None:
    table = Table("clause", "eligible", "unknown", "near misses", "cost (万元)")
    for row in rows:
        table.add_row(row["clause"], f"{row['eligible']:,}", f"{row['unknown']:,}",
                      f"{row['near_misses']:,}" if near_misses else "—", f"{row['cost']:,.2f}")
    console.print(table)


def print_explanations(explanations, catalogue) -> None:
    from acupoint.engine.policy_explain import format_value, near_miss_text
    from acupoint.engine.rules import ELIGIBLE

    for item in explanations:
        if item.status != ELIGIBLE and not item.near_miss and item.status != "unknown":
            continue
        mark = {"eligible": "[green]✓[/green]", "unknown": "[yellow]?[/yellow]"}.get(
            item.status, "[cyan]≈[/cyan]")
        amount = (f"  {format_value(item.amount, item.clause.benefit.unit)}"
                  if item.amount is not None else "")
        console.print(f"{mark} [bold]{item.key}[/bold] {item.clause.title}{amount}")
        for condition in item.conditions:
            value = condition.describe()
            needs = f" needs {', '.join(condition.needs)}" if condition.needs else ""
            console.print(f"    {condition.outcome:7} {condition.label}  {value}{needs}")
        if item.near_miss:
            console.print(f"    near miss: {near_miss_text(item.failed[0], catalogue)}")
        if item.arithmetic:
            console.print(f"    amount: {item.arithmetic}")


@app.command("test")
def test(
    paths: Annotated[list[Path] | None, typer.Argument(
        exists=True, help="Policy files or folders (default: the shipped ones).")] = None,
) -> None:
    """Run the example enterprises each policy file carries; exit 1 if any fails."""
    from acupoint.engine.policy_tests import run_policy_tests
    from acupoint.engine.spec import SpecError

    try:
        outcomes = run_policy_tests(_library(paths))
    except SpecError as error:
        _fail(error)
    failures = [item for item in outcomes if not item.passed]
    for item in failures:
        console.print(f"[red]FAIL[/red] {item.policy} · {item.test} · {item.clause}: "
                      f"{item.message}", highlight=False)
    console.print(f"{len(outcomes) - len(failures)} passed, {len(failures)} failed")
    if failures or not outcomes:
        raise typer.Exit(1)


@app.command("simulate")
def simulate(
    data: Annotated[Path, typer.Option(exists=True, dir_okay=False,
                                       help="Enterprise profiles: .csv, .xlsx or .parquet.")],
    draft: Annotated[Path, typer.Option(exists=True, dir_okay=False,
                                        help="Draft policy file (same policy id).")],
    policies: PoliciesOption = None,
    date: DateOption = None,
    out: Annotated[Path | None, typer.Option(help="Who gains and who loses (.xlsx/.csv).")
                   ] = None,
) -> None:
    """Compare a draft policy file with the baseline: reach, cost, by group, gains and losses."""
    from acupoint.engine import backends
    from acupoint.engine.policy import parse_policy
    from acupoint.engine.reform import amended
    from acupoint.engine.reform import simulate as run_simulation
    from acupoint.engine.rules import arrow_types
    from acupoint.engine.spec import SpecError, read_text

    try:
        baseline = _library(policies)
        draft_library, keys = amended(
            baseline, parse_policy(read_text(draft), str(draft), baseline.catalogue))
        if not keys:
            raise ValueError(f"{draft} changes no clause of the published policy")
        con = backends.connect()
        table = backends.load(con, data, "profiles", arrow_types(baseline.catalogue))
        result = run_simulation(baseline, draft_library, table, _day(date), keys)
    except (SpecError, ValueError) as error:
        _fail(error)
    before, after = result.totals["baseline"], result.totals["draft"]
    console.print(f"eligible: {before['eligible']:,} → {after['eligible']:,}   "
                  f"cost: {before['cost']:,.2f} → {after['cost']:,.2f} 万元")
    for group, rows in result.by_group.items():
        table = Table(group, "eligible before", "after", "cost before", "after")
        for row in rows:
            table.add_row(str(row["group"]), f"{row['baseline_eligible']:,}",
                          f"{row['draft_eligible']:,}", f"{row['baseline_cost']:,.2f}",
                          f"{row['draft_cost']:,.2f}")
        console.print(table)
    if out is not None:
        import pyarrow as pa

        backends.write(pa.Table.from_pylist(result.changes), out)
        console.print(f"{len(result.changes):,} gains and losses → {out}")


@app.command("schema")
def schema(
    out: Annotated[Path | None, typer.Option(help="Write here instead of printing.")] = None,
) -> None:
    """Print the JSON Schema of policy files."""
    from acupoint.engine.policy import policy_schema_text
    from acupoint.score_command import print_or_write

    print_or_write(policy_schema_text(), out)
