"""``remission antigens``: the epitope catalogue, scans, neoantigens and minigenes."""

from __future__ import annotations

import importlib
import os
import tempfile
import warnings
from pathlib import Path
from types import ModuleType
from typing import Annotated

import polars as pl
import typer
from rich.table import Table
from rich.text import Text

from remission._io import OutputError, atomic_folder, check_out
from remission.cli._app import app
from remission.cli._console import console, error, note, one_line, say

antigens_app = typer.Typer(
    help="Tumor antigens: epitope catalogue, HLA binding scans, neoantigens, minigenes.",
    no_args_is_help=True,
)
app.add_typer(antigens_app, name="antigens")

HlaOpt = Annotated[
    list[str], typer.Option("--hla", help="HLA allele (repeatable): A*02:01, A2, HLA-A0201.")
]
BackendOpt = Annotated[
    str,
    typer.Option(
        "--backend",
        help="Binding backend: consensus-mhcnuggets (the default where MHCnuggets is "
        "installed), consensus (the default otherwise), mhcnuggets, smmpmbec, smm, syfpeithi, "
        "netmhcpan (your netMHCpan on PATH), mhcflurry.",
    ),
]


def _api() -> ModuleType:
    """remission.antigens, imported on first use (it loads mhcgnomes and the matrices: keep
    ``remission --version`` and the other commands fast)."""
    return importlib.import_module("remission.antigens")


def _fail(message: str) -> None:
    error(message)
    raise typer.Exit(2)


def _check_new_file(path: Path) -> None:
    """``--out`` of a single file must be new: remission cannot tell a file it wrote from the
    user's, so it replaces none (the folder outputs have a marker for that)."""
    if path.exists() or path.is_symlink():
        what = "a folder" if path.is_dir() else "a file"
        raise OutputError(
            f"--out {path} exists ({what}); remission does not replace files it cannot tell "
            "it wrote, and leaves it as it is. Give a new file name for --out, or remove the "
            "old file yourself."
        )


def _write(text: str, path: Path) -> None:
    """Write the new file ``path`` whole or not at all, never replacing one (a file that
    appeared since the command's early ``_check_new_file`` is refused: the final link does not
    replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            os.link(tmp, path)  # FileExistsError rather than replacing
        except FileExistsError:
            _check_new_file(path)
            raise
        except OSError:  # a file system without hard links: check, then rename
            _check_new_file(path)
            os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _inputs(mutations: Path, fasta: Path | None) -> list[Path]:
    return [mutations] if fasta is None else [mutations, fasta]


def _show(frame: pl.DataFrame, title: str, limit: int) -> None:
    table = Table(title=title)
    shown = frame.head(limit)
    for col in shown.columns:
        table.add_column(Text(one_line(col)), overflow="fold")
    for row in shown.iter_rows():  # the user's genes, changes and sequences: literal text
        table.add_row(
            *(Text(f"{v:.4g}" if isinstance(v, float) else one_line(str(v))) for v in row)
        )
    console.print(table)
    if frame.height > limit:
        say(f"({frame.height - limit} more rows; write them all with --out)")


def _changes(path: Path) -> pl.DataFrame:
    if not path.exists():
        _fail(f"mutation table not found: {path}")
    if path.suffix.lower() == ".vcf":
        try:
            frame = _api().read_annotated_vcf(path)
        except _api().AntigenError as exc:
            _fail(str(exc))
        if frame.height == 0:
            _fail(f"{path}: no missense or in-frame protein change in its annotations")
        return frame
    sep = "\t" if path.suffix.lower() in {".tsv", ".txt"} else ","
    frame = pl.read_csv(path, separator=sep, infer_schema=False)
    if frame.height == 0:
        _fail(f"{path}: no mutations (the table is empty)")
    return frame


@antigens_app.command("list")
def list_cmd(
    hla: Annotated[str | None, typer.Option("--hla", help="Only this HLA allele.")] = None,
    gene: Annotated[str | None, typer.Option("--gene", help="Only this gene.")] = None,
) -> None:
    """List the catalogue of published TIL-recognised epitopes."""
    try:
        table = _api().list_epitopes(hla=hla, gene=gene)
    except _api().AntigenError as exc:
        _fail(str(exc))
    _show(
        table.select("gene", "antigen", "peptide", "hla", "kind", "start", "end", "verified"),
        "Epitope catalogue",
        200,
    )


@antigens_app.command("scan")
def scan_cmd(
    gene: Annotated[
        list[str] | None, typer.Option("--gene", help="Shipped protein (repeatable).")
    ] = None,
    hla: HlaOpt = ["HLA-A*02:01"],  # noqa: B006
    fasta: Annotated[Path | None, typer.Option("--fasta", help="FASTA of proteins.")] = None,
    backend: BackendOpt = "default",
    top: Annotated[int, typer.Option("--top", min=1, help="Rows to show.")] = 20,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the table as CSV (a new file).")
    ] = None,
) -> None:
    """Predict every 8-11-mer of proteins against HLA alleles and rank them."""
    if out:
        _check_new_file(out)  # before the scan, not after it
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = _api().scan_proteins(gene, hla, fasta=fasta, backend=backend)
    except _api().AntigenError as exc:
        _fail(str(exc))
    for w in caught:
        note(str(w.message))
    _show(table, "Epitope scan (rank: percentile vs natural background)", top)
    if out:
        _write(table.write_csv(), out)
        say(f"wrote {table.height} rows to {out}")


@antigens_app.command("neo")
def neo_cmd(
    mutations: Annotated[
        Path,
        typer.Argument(
            help="CSV/TSV with gene, change (HGVS p.) [, new_sequence], or a VEP/SnpEff VCF."
        ),
    ],
    hla: HlaOpt = ["HLA-A*02:01"],  # noqa: B006
    fasta: Annotated[Path | None, typer.Option("--fasta", help="FASTA of proteins.")] = None,
    backend: BackendOpt = "default",
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for aggregated.tsv and all_epitopes.tsv.")
    ] = None,
) -> None:
    """Mutant peptides of protein changes, predicted and ranked (pVACtools-like tables)."""
    if out:
        check_out(out, _inputs(mutations, fasta), kind="neoantigens")
    try:
        result = _api().predict_neoantigens(_changes(mutations), hla, fasta=fasta, backend=backend)
    except _api().AntigenError as exc:
        _fail(str(exc))
    _show(result.aggregated, "Neoantigen candidates (best peptide per mutation and allele)", 50)
    if out:
        with atomic_folder(out, "neoantigens", inputs=_inputs(mutations, fasta)) as tmp:
            result.aggregated.write_csv(tmp / "aggregated.tsv", separator="\t")
            result.all_epitopes.write_csv(tmp / "all_epitopes.tsv", separator="\t")
        say(f"wrote aggregated.tsv and all_epitopes.tsv to {out}")


@antigens_app.command("minigenes")
def minigenes_cmd(
    mutations: Annotated[
        Path,
        typer.Argument(
            help="CSV/TSV with gene, change (HGVS p.) [, new_sequence], or a VEP/SnpEff VCF."
        ),
    ],
    hla: HlaOpt = ["HLA-A*02:01"],  # noqa: B006
    per_construct: Annotated[
        int, typer.Option("--per-construct", min=1, help="Minigenes per tandem construct.")
    ] = 6,
    pool_size: Annotated[
        int, typer.Option("--pool-size", min=1, help="Long peptides per pool.")
    ] = 10,
    fasta: Annotated[Path | None, typer.Option("--fasta", help="FASTA of proteins.")] = None,
    backend: BackendOpt = "default",
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the outputs.")] = None,
) -> None:
    """25-mer minigenes, tandem constructs (junction binders minimised) and peptide pools."""
    if out:
        check_out(out, _inputs(mutations, fasta), kind="minigenes")
    try:
        changes = _changes(mutations)
        mg = _api().design_minigenes(changes, fasta=fasta)
        design = _api().design_constructs(mg, hla, per_construct=per_construct, backend=backend)
        pools = _api().long_peptides(changes, pool_size=pool_size, fasta=fasta)
    except _api().AntigenError as exc:
        _fail(str(exc))
    _show(design.constructs, "Tandem-minigene constructs", 100)
    say(
        f"strong junction binders: {design.strong_before} in input order, "
        f"{design.strong_after} after reordering"
    )
    if out:
        with atomic_folder(out, "minigenes", inputs=_inputs(mutations, fasta)) as tmp:
            (tmp / "constructs.fasta").write_text(design.fasta, encoding="utf-8")
            design.constructs.write_csv(tmp / "constructs.tsv", separator="\t")
            design.junctions.write_csv(tmp / "junction_binders.tsv", separator="\t")
            mg.write_csv(tmp / "minigenes.tsv", separator="\t")
            pools.write_csv(tmp / "long_peptides.tsv", separator="\t")
        say(f"wrote constructs, minigenes and long-peptide pools to {out}")
