"""`acupoint specs audit`: where every number of the shipped specs comes from."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="The shipped specs: where their numbers come from.",
                  no_args_is_help=True)
console = Console()


@app.command("audit")
def audit(
    paths: Annotated[list[Path] | None, typer.Argument(
        exists=True, help="Spec files or folders (default: the shipped specs).")] = None,
    summary: Annotated[bool, typer.Option(
        help="Only the count of placeholders per spec.")] = False,
) -> None:
    """List every placeholder (a value the bureau sets locally) with its file and line,
    grouped by spec; fail when a number has neither a source nor a placeholder mark."""
    from acupoint.engine.audit import SPECS, audit_files, spec_files

    files: list[Path] = []
    for path in paths or [SPECS]:
        files.extend(spec_files(path) if path.is_dir() else [path])
    audits = audit_files(files)
    table = Table(title="Shipped specs: placeholders (待定参数)")
    for column in ("spec", "numbers", "cited", "placeholders"):
        table.add_column(column, justify="left" if column == "spec" else "right")
    for item in audits:
        table.add_row(item.file, str(len(item.marks) + len(item.unmarked)),
                      str(len(item.marks) - len(item.placeholders)),
                      str(len(item.placeholders)))
    if not summary:
        for item in audits:
            if not item.placeholders and not item.unmarked:
                continue
            console.print(f"\n[bold]{item.file}[/bold]", highlight=False)
            for mark in item.placeholders:
                console.print(f"  {item.file}:{mark.line}  {mark.key} = {mark.value}  "
                              f"待定：{mark.text}", highlight=False, soft_wrap=True)
            for key, value, line in item.unmarked:
                console.print(f"  [red]{item.file}:{line}  {'.'.join(map(str, key))} = "
                              f"{value}  no source, no placeholder[/red]", highlight=False,
                              soft_wrap=True)
    console.print(table)
    total = sum(len(item.placeholders) for item in audits)
    unmarked = sum(len(item.unmarked) for item in audits)
    console.print(f"{total} placeholders in {len(audits)} specs; "
                  f"{unmarked} numbers without a mark", highlight=False)
    if unmarked:
        raise typer.Exit(1)


@app.command("test")
def test(
    folder: Annotated[Path | None, typer.Argument(
        exists=True, file_okay=False,
        help="A folder of rung files (default: the shipped cultivation ladder).")] = None,
) -> None:
    """Judge the firms each rung file works by hand (its examples); exit 1 if any fails. The
    policy files' own examples run with `acupoint policy test`."""
    from acupoint.engine.ladder import load_ladder, run_examples
    from acupoint.engine.spec import SpecError

    try:
        outcomes = run_examples(load_ladder(folder))
    except SpecError as error:
        for problem in error.problems:
            console.print(f"[red]{problem}[/red]", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    failures = [item for item in outcomes if not item.passed]
    for item in failures:
        console.print(f"[red]FAIL[/red] {item.rung} · {item.example}: {item.message}",
                      highlight=False, soft_wrap=True)
    console.print(f"{len(outcomes) - len(failures)} passed, {len(failures)} failed")
    if failures or not outcomes:
        raise typer.Exit(1)
