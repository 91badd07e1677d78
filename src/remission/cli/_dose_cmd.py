"""``remission dose``: regimen arithmetic and the dosing schedule (research use only)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from remission.cli._app import app
from remission.cli._console import console, say
from remission.protocol import (
    RESEARCH_USE,
    RegimenError,
    calculate_dose,
    dose_schedule,
    resolve_regimen,
)

LB_PER_KG = 2.2046


def _refuse(message: str) -> None:
    raise typer.BadParameter(message)


def _parse_start(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f'{text!r} is not an ISO 8601 date and time; write e.g. "2026-12-01 08:00"',
            param_hint="--start",
        ) from None


def _write_csv(frame_text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(frame_text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command()
def dose(
    weight_kg: Annotated[
        float | None, typer.Option("--weight-kg", help="Body weight in kilograms.")
    ] = None,
    regimen: Annotated[
        str, typer.Option("--regimen", help="Built-in regimen name or a regimen .toml file.")
    ] = "nci-hd-il2-720k",
    start: Annotated[
        str | None, typer.Option("--start", help='First dose, e.g. "2026-12-01 08:00".')
    ] = None,
    courses: Annotated[
        int, typer.Option("--courses", min=1, max=10, help="Courses to lay out.")
    ] = 1,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Also write the schedule as CSV.")
    ] = None,
    weight_lb: Annotated[
        float | None, typer.Option("--weight-lb", hidden=True, help="Refused: weights are in kg.")
    ] = None,
    dose_mg_per_kg: Annotated[
        float | None,
        typer.Option("--dose-mg-per-kg", hidden=True, help="Refused: doses are in IU."),
    ] = None,
) -> None:
    """Calculate a dose and lay out the schedule of a regimen. FOR RESEARCH USE ONLY."""
    if weight_lb is not None:
        _refuse(
            f"weights are in kilograms: {weight_lb:g} lb = {weight_lb / LB_PER_KG:.1f} kg; "
            f"run with --weight-kg {weight_lb / LB_PER_KG:.1f}"
        )
    if dose_mg_per_kg is not None:
        _refuse(
            "doses are in international units per kg: "
            f"{dose_mg_per_kg:g} mg/kg = {dose_mg_per_kg * 18e6 / 1.1:,.0f} IU/kg "
            "(18 million IU per 1.1 mg); write a regimen file with dose_iu_per_kg"
        )
    if weight_kg is None:
        _refuse("give the weight with --weight-kg (kilograms)")
    assert weight_kg is not None
    try:
        chosen = resolve_regimen(regimen, Path.cwd())
    except RegimenError as exc:
        raise typer.BadParameter("; ".join(exc.problems), param_hint="--regimen") from None
    try:
        calc = calculate_dose(weight_kg, chosen)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--weight-kg") from None

    console.print(Panel(RESEARCH_USE, title="research use only", style="bold red"))
    summary = Table(title=Text(chosen.title), show_header=False)  # a regimen file's words
    summary.add_column("item", style="bold")
    summary.add_column("value")
    for item, value in (
        ("regimen", chosen.name),
        ("weight", f"{calc.weight_kg:g} kg"),
        (
            "dose per infusion",
            f"{calc.dose_iu:,.0f} IU ({calc.dose_miu:.2f} MIU) = "
            f"{chosen.dose_iu_per_kg:,.0f} IU/kg x {calc.weight_kg:g} kg",
        ),
        ("reconstituted volume", f"{calc.volume_ml:.2f} mL at 18 MIU/mL"),
        ("vials per dose", f"{calc.vials} x 22 MIU (waste {calc.waste_iu / 1e6:.2f} MIU)"),
        ("infusion", f"{chosen.infusion_minutes:g} min IV every {chosen.interval_hours:g} h"),
        (
            "limits",
            f"at most {chosen.max_doses_per_cycle} doses per cycle, "
            f"{chosen.cycles_per_course} cycle(s) per course",
        ),
    ):
        summary.add_row(item, Text(value))
    console.print(summary)
    if start is None:
        return
    schedule = dose_schedule(chosen, weight_kg, _parse_start(start), courses)
    table = Table(title="schedule (maximum doses; hold rules decide at the bedside)")
    for col in ("course", "cycle", "dose", "scheduled at", "infusion ends", "IU", "mL"):
        table.add_column(col, justify="right")
    for row in schedule.iter_rows(named=True):
        table.add_row(
            str(row["course"]),
            str(row["cycle"]),
            str(row["dose_number"]),
            f"{row['scheduled_at']:%Y-%m-%d %H:%M}",
            f"{row['infusion_ends_at']:%H:%M}",
            f"{row['dose_iu']:,.0f}",
            f"{row['volume_ml']:.2f}",
        )
    console.print(table)
    say(Text(RESEARCH_USE, style="bold red"))
    if csv is not None:
        body = schedule.with_columns(
            schedule["scheduled_at"].dt.strftime("%Y-%m-%d %H:%M"),
            schedule["infusion_ends_at"].dt.strftime("%Y-%m-%d %H:%M"),
            regimen=pl.lit(chosen.name),
            weight_kg=pl.lit(calc.weight_kg),
        ).write_csv()
        _write_csv(f"# {RESEARCH_USE}\n" + body, csv)
        say(f"schedule written to {csv} (first line is the research-use statement)")
