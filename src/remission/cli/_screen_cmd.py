"""``remission antigens screen``: validate and analyse a T-cell recognition screen folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from remission._io import check_out
from remission.cli._antigens_cmd import antigens_app
from remission.cli._app import stack_imported
from remission.cli._console import (
    console,
    err_console,
    print_problems,
    say,
    step,
    summary_table,
)

screen_app = typer.Typer(
    help="T-cell recognition screens: validate, analyse and design plates (docs/screens.md).",
    no_args_is_help=True,
)
antigens_app.add_typer(screen_app, name="screen")

FolderArg = Annotated[
    Path,
    typer.Argument(
        help="The screen folder: plates.csv, layout.csv (when wells name antigens), "
        "optional screen.toml.",
        exists=True,
        file_okay=False,
        dir_okay=True,
    ),
]


VALIDATE_HELP = (
    "Check a screen folder and list every problem at once (file, row, column, fix).\n\n"
    "On a terminal the problems are a table; piped or redirected, one line each "
    "(FILE:ROW: SEVERITY: column C: 'VALUE': expected ...; fix: ...) and a count."
)
ANALYSE_HELP = (
    "Analyse a screen: positivity calls, deconvolution trail, titrations, lysis.\n\n"
    "A plate with an error is left out and listed (file, row, plate, well, reason) with "
    "everything else analysed; 'remission antigens screen validate' lists every error. "
    "The results are the study report's antigen section: an HTML page (self-contained), a "
    "PDF, every table as CSV (tables/) and XLSX, and the figures as SVG and PNG."
)


@screen_app.command(
    "validate",
    help=VALIDATE_HELP,
    epilog="Example: remission antigens screen validate my_screen/  "
    "(exit 1 when there are errors; --json for a machine-readable list)",
)
def validate_cmd(
    folder: FolderArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the problems as JSON.")] = False,
) -> None:
    """Check a screen folder (``VALIDATE_HELP``)."""
    from remission.antigens.screens import read_screen
    from remission.study import StudyError

    tables = None
    with step("reading and checking the screen"):
        try:
            tables = read_screen(folder)
            problems = list(tables.warnings)
        except StudyError as exc:
            problems = exc.problems
    if as_json:
        console.print_json(json.dumps([p.__dict__ for p in problems]))
    elif problems:
        print_problems(problems, f"in {folder}")
    if tables is None:
        raise typer.Exit(1)
    if not as_json:
        plates = tables.plates["plate"].n_unique()
        say(
            Text.assemble(
                (f"{folder}: no errors", "green"),
                f" ({plates} plates, {tables.plates.height} wells, "
                f"{tables.layout.height} layout rows)",
            )
        )


@screen_app.command(
    "analyse",
    help=ANALYSE_HELP,
    epilog="Example: remission antigens screen analyse my_screen/ --out my_screen_results/  "
    "(writes index.html, report.pdf, tables.xlsx, tables/*.csv and figures/)",
)
def analyse_cmd(
    folder: FolderArg,
    out: Annotated[Path, typer.Option("--out", help="Folder for the results.")],
) -> None:
    """Analyse a screen and write its results (``ANALYSE_HELP``)."""
    check_out(out, [folder], kind="screen analysis")
    with stack_imported():
        from remission.antigens.screens import analyse_screen, read_screen
        from remission.report import build_screen_report, write_screen_report

    with step("reading the screen"):
        tables = read_screen(folder, keep_going=True)
    with step("analysing the plates"):
        result = analyse_screen(tables)
    with step("drawing the figures"):
        report = build_screen_report(tables, result, command=" ".join(["remission", *sys.argv[1:]]))
    with step(f"writing {out}"):
        write_screen_report(report, result, out.absolute(), inputs=[folder])
    label = "SYNTHETIC screen" if tables.synthetic else "screen"
    console.print(summary_table(report.headline, f"remission antigens screen analyse: {label}"))
    for problem in result.problems:
        say(Text.assemble(("left out:", "yellow"), " ", problem.render()), to=err_console)
    say(f"results written to {out / 'index.html'} (and report.pdf, tables.xlsx, tables/)")


DESIGN_HELP = (
    "Design the pools of a peptide screen and allocate them to plate wells.\n\n"
    "matrix: every peptide in one row pool and one column pool of a grid of at most "
    "POOL_SIZE x POOL_SIZE (one positive decodes from one round of wells); hierarchical: "
    "pools of POOL_SIZE peptides, then the peptides of positive pools singly (any number of "
    "positives decode). Writes layout.csv (which peptide in which pool: the screen's "
    "layout), plate_map.csv (pools to wells, with backgrounds and a positive control per "
    "plate: fill in the readings and save it as plates.csv), plate_map_stage2.csv "
    "(hierarchical: the single-peptide wells, run the blocks of positive pools), "
    "pipetting.csv (every transfer with volumes) and README.txt. The peptide file is a "
    "CSV/TSV with a column 'peptide' (optional 'sequence', 'gene') or a text file with one "
    "name per line."
)


def _peptides(path: Path) -> object:
    import polars as pl

    if not path.is_file():
        raise ValueError(f"peptide file not found: {path}")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        sep = "\t" if suffix == ".tsv" else ","
        return pl.read_csv(path, separator=sep, infer_schema=False)
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [n for n in names if n and not n.startswith("#")]


@screen_app.command(
    "design",
    help=DESIGN_HELP,
    epilog="Example: remission antigens screen design --peptides peptides.csv --design matrix "
    "--pool-size 10 --plate 96 --out my_design/",
)
def design_cmd(
    peptides: Annotated[
        Path, typer.Option("--peptides", help="CSV/TSV with a column 'peptide', or a text list.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the design.")],
    design: Annotated[str, typer.Option("--design", help="matrix or hierarchical.")] = "matrix",
    pool_size: Annotated[
        int, typer.Option("--pool-size", min=2, help="Peptides per pool at most.")
    ] = 10,
    plate: Annotated[int, typer.Option("--plate", help="Plate format: 96 or 384.")] = 96,
    replicates: Annotated[
        int, typer.Option("--replicates", min=1, help="Wells per pool or peptide.")
    ] = 2,
    background_wells: Annotated[
        int, typer.Option("--background-wells", min=1, help="Background wells per plate.")
    ] = 4,
    effector: Annotated[str, typer.Option("--effector", help="The T cells.")] = "effector",
    target: Annotated[str, typer.Option("--target", help="The presenting cells.")] = "target",
    readout: Annotated[
        str, typer.Option("--readout", help="Readout kind (ifng_pg_ml, spots_per_well, ...).")
    ] = "ifng_pg_ml",
) -> None:
    """Design a pooled peptide screen (``DESIGN_HELP``)."""
    from remission.antigens.screens import READOUTS

    if design not in ("matrix", "hierarchical"):
        raise typer.BadParameter("use matrix or hierarchical", param_hint="--design")
    if plate not in (96, 384):
        raise typer.BadParameter("use 96 or 384", param_hint="--plate")
    if readout not in READOUTS or readout == "cr51_counts":
        kinds = ", ".join(k for k in READOUTS if k != "cr51_counts")
        raise typer.BadParameter(f"use one of {kinds}", param_hint="--readout")
    check_out(out, [peptides], kind="screen design")
    from remission._io import atomic_folder, write_csv
    from remission.antigens.screens import design_pools

    with step("designing the pools"):
        result = design_pools(
            _peptides(peptides),  # type: ignore[arg-type]
            design,
            pool_size=pool_size,
            plate=plate,
            replicates=replicates,
            background_wells=background_wells,
            effector=effector,
            target=target,
            readout=readout,
        )
    with step(f"writing {out}"), atomic_folder(out, "screen design", inputs=[peptides]) as tmp:
        write_csv(result.layout, tmp / "layout.csv")
        write_csv(result.plate_map, tmp / "plate_map.csv")
        if result.followup_map.height:
            write_csv(result.followup_map, tmp / "plate_map_stage2.csv")
        write_csv(result.pipetting, tmp / "pipetting.csv")
        (tmp / "README.txt").write_text(_readme(result), encoding="utf-8")
    plates = result.plate_map["plate"].n_unique()
    wells = result.plate_map.height
    say(result.note)
    say(
        f"wrote layout.csv ({result.layout['pool'].n_unique()} pools), plate_map.csv "
        f"({wells} wells on {plates} plate{'' if plates == 1 else 's'}), pipetting.csv "
        f"({result.pipetting.height} transfers) to {out}"
    )


def _readme(result: object) -> str:
    design = result  # a PoolDesign
    lines = [
        f"Pooled peptide screen: {design.note}.",  # type: ignore[attr-defined]
        "",
        "layout.csv     which peptide is in which pool (the screen's layout.csv).",
        "plate_map.csv  stage 1: which pool goes in which well; fill in 'value' with the",
        "               raw readings and save it as plates.csv beside layout.csv.",
    ]
    if design.followup_map.height:  # type: ignore[attr-defined]
        lines += [
            "plate_map_stage2.csv  stage 2: the peptides of each pool singly; run the blocks",
            "               whose run_if_positive pool was positive (and the background and",
            "               control wells of their plates), and add those rows to plates.csv.",
        ]
    lines += [
        "pipetting.csv  every transfer: step 1 peptide stocks -> pool mixes, step 2 pool",
        "               mixes -> assay wells, step 3 (stage 2) stocks -> assay wells.",
        "",
        "Then: remission antigens screen analyse SCREEN_FOLDER --out RESULTS",
        "",
    ]
    return "\n".join(lines)
