"""The `acupoint` command: demo, serve, worker, demo-data, import, export, createuser, score,
recompute, manage."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from acupoint.policy_command import app as policy_app
from acupoint.score_command import score, spec_schema
from acupoint.specs_command import app as specs_app

logger = logging.getLogger(__name__)

app = typer.Typer(help="Acupoint (点穴): precision industrial policy platform.",
                  no_args_is_help=True, add_completion=False)
console = Console()
app.command("score")(score)
app.command("spec-schema")(spec_schema)
app.add_typer(policy_app, name="policy")
app.add_typer(specs_app, name="specs")


def _django(debug: bool | None = None) -> None:
    if debug:
        os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acupoint.site.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["acupoint", *args])


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed:,} rows"), TimeElapsedColumn(), console=console)


def _years(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    return int(first), int(last or first)


@app.command("demo-data")
def demo_data(
    out: Annotated[Path, typer.Option(help="Folder to write the demo city into.")] = Path(
        "var/demo"),
    enterprises: Annotated[int, typer.Option(min=10, help="Number of enterprises.")] = 20_000,
    years: Annotated[str, typer.Option(help="Years, e.g. 2019-2024.")] = "2019-2024",
    seed: Annotated[int, typer.Option(help="Same seed, same city.")] = 2019,
    file_format: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
) -> None:
    """Write a synthetic Qingdao-like city (every file marked synthetic)."""
    from acupoint.demo.generator import generate, write

    with console.status(f"Generating {enterprises:,} enterprises…"):
        city = generate(enterprises, _years(years), seed)
        paths = write(city, out, file_format)
    console.print(f"[green]Wrote[/green] {city.enterprises.num_rows:,} enterprises, "
                  f"{city.annual.num_rows:,} annual rows:")
    for path in paths:
        console.print(f"  {path}")


@app.command("import")
def import_files(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False,
                                                help="CSV, .xlsx, .xls or Parquet files.")],
    source: Annotated[str, typer.Option(help="Where the figures come from.")] = "",
    user: Annotated[str | None, typer.Option(help="Import as this user (scope applies).")] = None,
    lang: Annotated[str, typer.Option(help="Language of messages: zh-hans or en.")] = "zh-hans",
) -> None:
    """Import enterprise files; each lands whole or not at all."""
    _django()
    from django.utils import translation

    from acupoint.accounts.models import User
    from acupoint.registry.actions import do_import_file
    from acupoint.registry.importing.problems import describe, locate

    translation.activate(lang)
    acting = User.objects.get(username=user) if user else None
    failed = False
    for path in files:
        with _progress() as progress:
            task = progress.add_task(f"{path.name}", total=None)
            batch = do_import_file(acting, path, source=source,
                                   progress=lambda rows, t=task: progress.update(t, completed=rows))
            progress.update(task, completed=batch.rows, total=batch.rows or 1)
        if batch.status == "landed":
            console.print(f"[green]✓[/green] {path.name}: {batch.rows:,} rows; enterprises "
                          f"+{batch.enterprises_created:,} ~{batch.enterprises_updated:,}; annual "
                          f"+{batch.annual_created:,} ~{batch.annual_updated:,} "
                          f"({batch.seconds:.1f} s, batch #{batch.pk})")
        else:
            failed = True
            console.print(f"[red]✗[/red] {path.name}: nothing saved, "
                          f"{len(batch.errors):,} problems (batch #{batch.pk})")
            for item in batch.errors[:200]:
                console.print(f"  {locate(item)}: {describe(item)}", markup=False)
        for item in batch.warnings[:20]:
            console.print(f"  [yellow]![/yellow] {locate(item)}: {describe(item)}")
    if failed:
        raise typer.Exit(1)


@app.command("export")
def export(
    out: Annotated[Path, typer.Argument(help="Target file: .xlsx or .parquet.")],
    table: Annotated[str, typer.Option(help="enterprises or annual (Parquet holds one).")
                     ] = "enterprises",
    district: Annotated[str | None, typer.Option(help="Only this district's code.")] = None,
) -> None:
    """Export the registry to .xlsx (both tables) or Parquet (one table)."""
    _django()
    from acupoint.registry import exporting
    from acupoint.registry.models import AnnualData, Enterprise

    enterprises = Enterprise.objects.all()
    annual = AnnualData.objects.all()
    if district:
        enterprises = enterprises.filter(district__code=district)
        annual = annual.filter(enterprise__district__code=district)
    with console.status(f"Writing {out}…"):
        if out.suffix.lower() == ".parquet":
            exporting.write_parquet(out, exporting.annual_table(annual) if table == "annual"
                                    else exporting.enterprise_table(enterprises))
        else:
            exporting.write_xlsx(out, {"企业": exporting.enterprise_table(enterprises),
                                       "年度数据": exporting.annual_table(annual)})
    console.print(f"[green]Wrote[/green] {out}")


@app.command("createuser")
def createuser(
    username: str,
    role: Annotated[str, typer.Option(help="bureau_admin, bureau_analyst, district_officer, "
                                           "cluster_manager, enterprise_user or participant.")],
    password: Annotated[str | None, typer.Option(help="Generated and printed if omitted.")
                        ] = None,
    district: Annotated[str | None, typer.Option(help="District code or name.")] = None,
    cluster: Annotated[str | None, typer.Option(help="Cluster code.")] = None,
    enterprise: Annotated[str | None, typer.Option(help="Enterprise credit code.")] = None,
    organisation: str = "",
    token: Annotated[bool, typer.Option(help="Also issue an API token.")] = False,
) -> None:
    """Create a user bound to one role and scope."""
    _django()
    from django.core.exceptions import ValidationError
    from django.db.models import Q

    from acupoint.accounts.actions import do_create_user, do_issue_token
    from acupoint.registry.models import Cluster, District, Enterprise

    password = password or secrets.token_urlsafe(12)
    try:
        user = do_create_user(
            None, username=username, password=password, role=role, organisation=organisation,
            district=District.objects.get(Q(code=district) | Q(name=district)) if district
            else None,
            cluster=Cluster.objects.get(code=cluster) if cluster else None,
            enterprise=Enterprise.objects.get(credit_code=enterprise) if enterprise else None,
        )
    except (ValidationError, District.DoesNotExist, Cluster.DoesNotExist,
            Enterprise.DoesNotExist) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from error
    console.print(f"Created [bold]{user.username}[/bold] ({user.role_label}), "
                  f"password: {password}")
    if token:
        console.print(f"API token (shown once): {do_issue_token(None, user, 'cli')}")


@app.command("serve")
def serve(host: str = "127.0.0.1", port: int = 8000,
          dev: Annotated[bool, typer.Option(
              "--dev", help="Django's development server instead of gunicorn.")] = False
          ) -> None:
    """Serve the site in production: gunicorn with ACUPOINT_WEB_WORKERS workers, static files
    by WhiteNoise (collected first). Refuses to start on a database that is not migrated."""
    _django()
    if dev:
        _manage("runserver", f"{host}:{port}", "--noreload")
        return
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    pending = MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes())
    if pending:
        console.print(f"[red]The database lacks {len(pending)} migrations:[/red] run "
                      "`acupoint manage migrate` first (see docs/deployment.md, Upgrades).")
        raise typer.Exit(1)
    _manage("collectstatic", "--noinput", "--verbosity", "0")
    connection.close()
    from gunicorn.app.wsgiapp import WSGIApplication

    sys.argv = ["acupoint serve", "--bind", f"{host}:{port}",
                "--workers", str(settings.ACUPOINT_WEB_WORKERS), "--timeout", "120",
                "--graceful-timeout", "30", "--access-logfile", "-",
                # systemd signals the master; no control socket in the service user's home.
                "--no-control-socket",
                "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                "acupoint.site.wsgi:application"]
    WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()


@app.command("worker")
def worker(batch: Annotated[bool, typer.Option(
        help="Run what is queued, then exit.")] = False) -> None:
    """Run background tasks (evaluation runs, imports, re-matching) as they are queued; a
    heartbeat every half minute tells /healthz the worker is alive."""
    _django()
    from acupoint.site.health import start_heartbeat

    start_heartbeat()
    supervised(lambda: _manage("db_worker", "--no-reload", "--interval", "0.5",
                               *(["--batch"] if batch else [])))


def supervised(run_worker: Callable[[], None], pause: float = 5.0) -> None:
    """Keep the worker running through database errors (a dropped connection, a database
    that stays busy): each is logged with its traceback and the worker starts again."""
    from django.db import DatabaseError

    from acupoint.site.database import fresh_connection

    while True:
        try:
            run_worker()
            return
        except DatabaseError:
            logger.exception("the worker stopped on a database error; it starts again in "
                             "%.0f s", pause)
            fresh_connection()
            time.sleep(pause)


@app.command("escalate")
def escalate() -> None:
    """The daily overdue check of investment projects (run it from cron): every approval past
    its stage's local limit, or past the reform's total of 100 working days, is raised to its
    department, and past twice the limit to the leadership."""
    _django()
    from acupoint.clusters.actions import do_remind_tasks
    from acupoint.projects.actions import do_escalate_overdue
    from acupoint.registry.calendar import sync

    sync(force=True)
    raised = do_escalate_overdue(None)
    for escalation in raised:
        console.print(f"{escalation.project} · {escalation.get_stage_display()} · "
                      f"{escalation.department or escalation.get_level_display()} "
                      f"({escalation.waited}/{escalation.limit} working days)")
    console.print(f"{len(raised)} overdue stages escalated")
    reminded = do_remind_tasks(None)
    console.print(f"{reminded} task reminders sent")


@app.command("recompute")
def recompute_run(run_id: Annotated[int, typer.Argument(help="The evaluation run's number.")]
                  ) -> None:
    """Evaluate a stored run again from its own spec and say whether anything differs."""
    _django()
    from acupoint.triage.actions import recompute
    from acupoint.triage.models import EvaluationRun

    run = EvaluationRun.objects.get(pk=run_id)
    with console.status(f"Recomputing run #{run.pk} ({run.spec_name}, {run.year})…"):
        outcome = recompute(run)
    console.print(f"inputs: {'unchanged' if outcome.same_inputs else 'CHANGED since the run'}"
                  f" (fingerprint {run.inputs_sha256[:16]}…)")
    if not outcome.differing:
        console.print(f"[green]same result[/green]: every one of {run.results.count():,} "
                      f"firms has the stored score, class and rank")
        return
    console.print(f"[red]{len(outcome.differing):,} firms differ[/red], e.g. "
                  + ", ".join(outcome.differing[:10]))
    raise typer.Exit(1)


def _publish_demo_evaluations(years: list[int]) -> None:
    """The shipped Shandong evaluation of the last years, computed and published, so that the
    triage pages, the enterprise card and the class transitions have something to show."""
    from acupoint.triage.actions import do_publish_run, do_start_run, execute_run
    from acupoint.triage.models import EvaluationRun

    for year in years:
        if EvaluationRun.objects.filter(year=year, status=EvaluationRun.Status.PUBLISHED,
                                        district=None).exists():
            continue
        run = do_start_run(None, spec_name="shandong_2019.yaml", year=year, queued=False)
        with Progress(console=console) as progress:
            task = progress.add_task(f"Evaluating {year} (亩均效益评价)", total=100)
            execute_run(run, lambda percent, task=task: progress.update(task, completed=percent))
        run.refresh_from_db()
        if run.status != EvaluationRun.Status.DRAFT:
            console.print(f"[red]The {year} evaluation failed:[/red] {run.error}")
            continue
        do_publish_run(None, run)


@app.command("demo")
def demo(
    enterprises: Annotated[int, typer.Option(help="Size of the demo city.")] = 20_000,
    host: str = "127.0.0.1",
    port: int = 8000,
    serve_site: Annotated[bool, typer.Option("--serve/--no-serve")] = True,
) -> None:
    """Set up the demo city (once) and serve it: migrate, generate, load, create users."""
    _django(debug=True)
    from django.conf import settings
    from django.utils import translation

    from acupoint.demo.generator import generate, write
    from acupoint.demo.loader import ensure_users, load_city
    from acupoint.registry.models import Enterprise

    _manage("migrate", "--verbosity", "0")
    folder = Path(os.environ.get("ACUPOINT_VAR_DIR", "var")) / "demo"
    if not Enterprise.objects.exists():
        if not (folder / "geography.json").exists():
            with console.status(f"Generating a demo city of {enterprises:,} enterprises…"):
                write(generate(enterprises), folder)
        with _progress() as progress:
            task = progress.add_task("Loading the demo city", total=None)
            load_city(folder, progress=lambda rows: progress.update(task, completed=rows))
    translation.activate(settings.LANGUAGE_CODE)
    from acupoint.registry.models import AnnualData

    latest = AnnualData.objects.order_by("-year").values_list("year", flat=True).first()
    if latest:
        _publish_demo_evaluations([latest - 1, latest])
    from acupoint.policies.actions import do_rematch, publish_shipped

    if publish_shipped():  # a shipped policy corrected since this database was made
        do_rematch(None, "publication")
    logins = ensure_users()
    from acupoint.demo import brands as demo_brands
    from acupoint.demo import cocreation, ladder, race
    from acupoint.demo import projects as demo_projects

    cocreation.seed()
    demo_projects.seed()
    ladder.seed()
    from acupoint.accounts.models import User
    from acupoint.accounts.roles import Role

    demo_brands.seed(User.objects.filter(role=Role.BUREAU_ADMIN).order_by("pk").first())
    race.publish_assessment()
    table = Table(title="Demo logins")
    for column in ("user", "password", "role", "scope"):
        table.add_column(column, no_wrap=column != "scope", overflow="fold")
    for login in logins:
        table.add_row(login.username, login.password, login.role, login.scope)
    console.print(table)
    console.print(f"Acupoint is at [bold]http://{host}:{port}/[/bold]  (Ctrl-C to stop)")
    sys.stdout.flush()
    if serve_site:
        background = subprocess.Popen([sys.executable, "-m", "acupoint.cli", "worker"])
        # A SIGTERM (a service manager, `kill`) unwinds like Ctrl-C, so the worker stops too.
        signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
        try:
            _manage("runserver", f"{host}:{port}", "--noreload")
        finally:
            background.terminate()
            background.wait(timeout=30)


@app.command("backup")
def backup_command(out: Annotated[Path, typer.Option(
        help="Folder for the archive.")] = Path("backups")) -> None:
    """Write the database and the uploaded files into one dated archive."""
    _django()
    from acupoint.site.backup import backup

    console.print(f"[green]Backup written:[/green] {backup(out)}")


@app.command("restore")
def restore_command(archive: Annotated[Path, typer.Argument(
        exists=True, dir_okay=False, help="An archive `acupoint backup` wrote.")]) -> None:
    """Bring an archive back into an empty database (migrated by nothing else) and an empty
    media folder, and check every table's rows against the archive's record."""
    _django()
    from acupoint.site.backup import RestoreRefused, restore

    try:
        compared = restore(archive)
    except RestoreRefused as error:
        console.print(f"[red]Not restored:[/red] {error}")
        raise typer.Exit(1) from None
    differing = {table: counts for table, counts in compared.items()
                 if counts[0] != counts[1]}
    for table, (recorded, present) in differing.items():
        console.print(f"[red]{table}: {recorded:,} rows recorded, {present:,} restored[/red]")
    if differing:
        raise typer.Exit(1)
    console.print(f"[green]Restored[/green] {len(compared)} tables, "
                  f"{sum(recorded for recorded, _ in compared.values()):,} rows, as recorded.")


@app.command("manage", context_settings={"allow_extra_args": True,
                                         "ignore_unknown_options": True})
def manage(context: typer.Context) -> None:
    """Run a Django management command, e.g. `acupoint manage migrate`."""
    _django()
    _manage(*context.args)


if __name__ == "__main__":
    app()
