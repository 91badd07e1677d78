"""``remission redcap template`` and ``remission import redcap``: REDCap projects in."""

from __future__ import annotations

import datetime as dt
import tempfile
import tomllib
from pathlib import Path
from typing import Annotated

import typer

from remission._io import atomic_folder, check_out, write_csv
from remission.cli._app import app
from remission.cli._console import check_format, say, say_notes, step
from remission.cli._import_cmd import import_app
from remission.study import Problem, StudyError

redcap_app = typer.Typer(
    help="REDCap projects: the data dictionary template.", no_args_is_help=True
)
app.add_typer(redcap_app, name="redcap")

TEMPLATE_FILES = {
    "dictionary": "redcap_dictionary.csv",
    "arms": "redcap_arms.csv",
    "events": "redcap_events.csv",
    "instrument_designation": "redcap_instrument_designation.csv",
    "repeating_instruments": "redcap_repeating_instruments.csv",
}
"""The template's files: the data dictionary and the longitudinal layout REDCap imports."""
SETTINGS_KEYS = (
    "name",
    "synthetic",
    "cutoff_date",
    "response_criteria",
    "regimen",
    "reference_date",
    "description",
)


def write_template(
    out: Path, histologies: tuple[str, ...], command: str = "redcap template"
) -> None:
    """Write the REDCap template files into ``out`` (atomically)."""
    from remission.sources import redcap_template

    frames = redcap_template(histologies)
    with atomic_folder(out, command) as tmp:
        for name, file in TEMPLATE_FILES.items():
            write_csv(frames[name], tmp / file)


@redcap_app.command("template")
def template(
    out: Annotated[Path, typer.Option("--out", help="Folder for the dictionary and layout.")],
    histology: Annotated[
        list[str] | None,
        typer.Option(
            "--histology", help="A histology choice (repeat it); default melanoma, renal."
        ),
    ] = None,
) -> None:
    """Write the REDCap data dictionary and arm/event layout of an immunotherapy cohort."""
    from remission.sources._redcap_template import HISTOLOGIES

    check_out(out, kind="redcap template")
    histologies = tuple(histology) if histology else HISTOLOGIES
    with step(f"writing {out}"):
        write_template(out, histologies)
    say(
        f"wrote the REDCap template to {out}: {TEMPLATE_FILES['dictionary']} (upload in Project "
        "Setup > Data Dictionary), arms, events, instrument designation and repeating "
        "instruments (docs/sources.md)"
    )


def read_settings(path: Path | None) -> dict[str, object]:
    """The ``[study]`` settings of a study.toml-style file (problems as a StudyError)."""
    if path is None:
        return {}

    def bad(expected: str, fix: str, column: str | None = None, value: str | None = None):
        return StudyError(
            [Problem("error", "redcap.settings", str(path), None, column, value, expected, fix)]
        )

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise bad("a readable TOML file", f"check the path ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise bad("valid TOML", str(exc)) from None
    study = data.get("study")
    if not isinstance(study, dict):
        raise bad("a [study] table", "write the settings under [study] as in study.toml")
    unknown = [k for k in study if k not in (*SETTINGS_KEYS, "histologies")]
    if unknown:
        raise bad(f"settings among {', '.join(SETTINGS_KEYS)}", "remove it", unknown[0])
    return study


@import_app.command(
    "redcap",
    help="Import a REDCap export of the template project as a study folder, validated first."
    "\n\nGive the CSV export and its --dictionary, or --api-url and --token-file to pull both "
    "from the server (the token is never printed or written).",
    epilog="Example: remission import redcap export.csv --dictionary dictionary.csv --out "
    "study/  or  remission import redcap --api-url https://redcap.example.org/api/ "
    "--token-file ~/.redcap_token --out study/",
)
def import_redcap(
    out: Annotated[Path, typer.Option("--out", help="Study folder to write.")],
    export: Annotated[
        Path | None,
        typer.Argument(help="The REDCap CSV export (raw or labels); not with --api-url."),
    ] = None,
    dictionary: Annotated[
        Path | None,
        typer.Option(
            "--dictionary",
            help="The project's data dictionary (CSV); with --api-url, pulled when not given.",
        ),
    ] = None,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            help="Pull the records through the REDCap API instead (https://HOST/api/; needs "
            "the extra remission\\[redcap]).",
        ),
    ] = None,
    token_file: Annotated[
        Path | None,
        typer.Option("--token-file", help="File holding the project's API token (with --api-url)."),
    ] = None,
    settings: Annotated[
        Path | None,
        typer.Option("--settings", help="A study.toml giving name, cut-off, criteria, regimen."),
    ] = None,
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="Mark the study as made-up data.")
    ] = False,
    criteria: Annotated[
        str | None, typer.Option("--criteria", help="Response criteria: who or recist1.1.")
    ] = None,
    regimen: Annotated[
        str | None, typer.Option("--regimen", help="The IL-2 regimen (e.g. nci-hd-il2-720k).")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="Study folder files: csv, parquet or xlsx.")
    ] = "csv",
) -> None:
    """Import a REDCap export of the template project as a study folder, validated first.

    Give the CSV export and its --dictionary, or --api-url and --token-file to pull both
    from the server (the token is never printed or written).
    """
    from remission.sources import RedcapSettings, read_redcap
    from remission.study import ROW_COLUMN, write_study

    check_format(fmt)
    if (export is None) == (api_url is None):
        raise typer.BadParameter(
            "give either the CSV export or --api-url (with --token-file), not both",
            param_hint="EXPORT / --api-url",
        )
    if api_url is not None and token_file is None:
        raise typer.BadParameter("--api-url needs the token's file", param_hint="--token-file")
    if export is not None and dictionary is None:
        raise typer.BadParameter("the export needs its data dictionary", param_hint="--dictionary")
    given_files = [export, dictionary, token_file, settings]
    inputs = [f for f in given_files if f is not None]
    check_out(out, inputs, kind="study")  # before any pull
    given = read_settings(settings)
    cutoff = given.get("cutoff_date")
    chosen = RedcapSettings(
        name=given.get("name"),  # type: ignore[arg-type]
        synthetic=synthetic or bool(given.get("synthetic", False)),
        cutoff=cutoff if isinstance(cutoff, dt.date) else None,
        response_criteria=criteria or given.get("response_criteria", "recist1.1"),  # type: ignore[arg-type]
        regimen=regimen or given.get("regimen"),  # type: ignore[arg-type]
        reference_date=given.get("reference_date", "treatment_start"),  # type: ignore[arg-type]
        description=given.get("description"),  # type: ignore[arg-type]
    )
    with tempfile.TemporaryDirectory(prefix="remission-redcap-") as pulled:
        if api_url is not None:
            from remission.sources import pull_redcap

            with step(f"pulling the records from {api_url}"):
                export, got = pull_redcap(api_url, token_file, Path(pulled))  # type: ignore[arg-type]
                dictionary = dictionary or got
        with step(f"reading and checking REDCap export {export}"):
            study = read_redcap(export, dictionary, chosen)  # type: ignore[arg-type]
    with step(f"writing {out}"):
        write_study(study, out, fmt)  # type: ignore[arg-type]
    say_notes(study.warnings, "on the import (one per kind of note)")
    label = "SYNTHETIC study" if study.config.synthetic else "study"
    counts = ", ".join(
        f"{frame.height:,} {name.replace('_', ' ')}"
        for name, frame in study.tables.items()
        if frame.drop(ROW_COLUMN, strict=False).height
    )
    say(
        f"imported {label} {study.config.name!r} from REDCap to {out}: {counts}; cut-off "
        f"{study.config.cutoff_date.isoformat()}"
    )


def write_redcap_simulation(study, out: Path) -> None:
    """The simulator's REDCap form: raw and label exports, the template, the settings."""
    import tomli_w

    from remission.sources import redcap_export, redcap_template, write_redcap_csv

    frames = redcap_template(study.config.histologies)
    with atomic_folder(out, "simulate --format redcap") as tmp:
        for name, file in TEMPLATE_FILES.items():
            write_csv(frames[name], tmp / file)
        write_redcap_csv(redcap_export(study), str(tmp / "redcap_export.csv"))
        write_redcap_csv(redcap_export(study, labels=True), str(tmp / "redcap_export_labels.csv"))
        cfg = {k: v for k, v in study.config.to_toml_dict()["study"].items() if k in SETTINGS_KEYS}
        (tmp / "study.toml").write_bytes(tomli_w.dumps({"study": cfg}).encode())
