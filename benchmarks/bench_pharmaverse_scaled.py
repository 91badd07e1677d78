"""Speed of ``remission import sdtm`` on the pharmaverse RECIST example scaled to 100,000 subjects.

The 8 subjects of pharmaverse's ``rs_onco_recist`` (and their DM, DS, EX, TU, TR and RS rows,
all evaluators) are each copied 12,500 times with USUBJID suffixed ``-C000000``,
``-C000001``, ... (one cross join per domain, no loop per subject) into a temporary SDTM
folder of CSV files. Then the import is timed in-process (``read_sdtm``, then
``validate_study`` and ``write_study`` as the command does them; ``load``, which ``remission
derive`` starts with, separately) and as the commands themselves (real processes). The
written study must load back to the tables validated in memory (checked at the end).

Target (issue 4, on the 2-core reference machine): import + derive <= 8 s, with every copy's
ADRS equal to its source subject's published rows (checked at the end).

Needs the shared pharmaverse data (``../shared/conformance/pharmaverse`` beside the repo).
Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_pharmaverse_scaled.py [--copies N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from remission.derive import DerivedDatasets, derive_study
from remission.sources import read_sdtm
from remission.study import ROW_COLUMN, Study, load, validate_study, write_study

PHARMAVERSE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "pharmaverse"
SOURCES = {
    "dm": "sdtm_dm.csv",
    "ds": "sdtm_ds.csv",
    "ex": "sdtm_ex.csv",
    "tu": "sdtm_tu_onco_recist.csv",
    "tr": "sdtm_tr_onco_recist.csv",
    "rs": "sdtm_rs_onco_recist.csv",
}


def build_scaled(folder: Path, copies: int) -> dict[str, int]:
    """Write the scaled SDTM folder; return the rows of each domain."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = {d: pl.read_csv(PHARMAVERSE / f, infer_schema=False) for d, f in SOURCES.items()}
    subjects = frames["rs"].select("USUBJID").unique()
    copy = pl.DataFrame({"_copy": pl.int_range(copies, eager=True)})
    rows = {}
    for domain, frame in frames.items():
        mine = frame.join(subjects, on="USUBJID", how="semi")
        scaled = copy.join(mine, how="cross").with_columns(
            pl.format(
                "{}-C{}", pl.col("USUBJID"), pl.col("_copy").cast(pl.String).str.zfill(6)
            ).alias("USUBJID")
        )
        scaled.drop("_copy").write_csv(folder / f"{domain}.csv")
        rows[domain] = scaled.height
    return rows


def run_derive(study: Study) -> DerivedDatasets:
    """Derive ADTR, ADRS and ADTTE of the imported (and validated) study."""
    return derive_study(study)


def run_commands(sdtm: Path, out: Path, fmt: str) -> tuple[Path, Path, float]:
    """Run ``remission import sdtm`` then ``remission derive`` as a user would, in ``fmt``.

    Both write ``fmt`` files (the study folder and the derived datasets). Returns the two
    folders and the seconds the two processes took together.
    """
    study, derived = out / "study", out / "derived"
    steps = [
        ["import", "sdtm", str(sdtm), "--synthetic", "--out", str(study), "--format", fmt],
        ["derive", str(study), "--out", str(derived), "--format", fmt],
    ]
    t = time.perf_counter()
    for command in steps:
        result = subprocess.run(
            [sys.executable, "-m", "remission", *command],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            sys.exit(f"remission {command[0]} failed:\n{result.stdout}\n{result.stderr}")
    return study, derived, time.perf_counter() - t


def check_round_trip(study: Study, loaded: Study) -> None:
    """The written study loads back to the tables validated in memory (``_row`` aside)."""
    for name, frame in study.tables.items():
        if not frame.drop(ROW_COLUMN).equals(loaded.tables[name].drop(ROW_COLUMN)):
            sys.exit(f"the written {name} table does not load back as it was validated")


def check_copies(adrs: pl.DataFrame, copies: int) -> int:
    """Every copy's ADRS equals its source subject's published rows (but the CBCP defect).

    Returns the number of rows checked; exits with a message on the first difference.
    """
    key = ["USUBJID", "PARAMCD", "AVALC", "ADT"]
    published = (
        pl.read_csv(PHARMAVERSE / "adam_adrs_onco.csv", infer_schema=False)
        .with_columns(pl.col("ADT").str.to_date(strict=False), pl.col("AVALC").fill_null(""))
        .filter(~((pl.col("USUBJID") == "01-701-1118") & (pl.col("PARAMCD") == "CBCP")))
        .select(key)
    )
    ours = (
        adrs.filter(
            ~(pl.col("USUBJID").str.starts_with("01-701-1118-") & (pl.col("PARAMCD") == "CBCP"))
        )
        .with_columns(pl.col("USUBJID").str.replace(r"-C\d{6}$", ""), pl.col("AVALC").fill_null(""))
        .select(key)
    )
    counts = ours.group_by(key).len()
    expected = published.join(ours.select("USUBJID").unique(), on="USUBJID", how="semi")
    joined = expected.join(counts, on=key, how="full", coalesce=True, nulls_equal=True)
    bad = joined.filter(pl.col("len").is_null() | (pl.col("len") != copies))
    if bad.height or counts.height != expected.height:
        sys.exit(f"copies differ from the published rows:\n{bad.head(10)}")
    return ours.height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=12_500, help="copies of each subject")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="timed runs (in-process: best; commands: best, median)",
    )
    args = parser.parse_args()
    if not PHARMAVERSE.is_dir():
        sys.exit(f"pharmaverse data not found at {PHARMAVERSE}")

    with tempfile.TemporaryDirectory() as tmp:
        sdtm = Path(tmp) / "sdtm"
        t = time.perf_counter()
        rows = build_scaled(sdtm, args.copies)
        built = time.perf_counter() - t
        os.sync()  # the 1.4 GB just written goes to disk now, not while the commands are timed
        size = sum(p.stat().st_size for p in sdtm.iterdir()) / 1e6
        print(
            f"scaled SDTM: {rows['dm']:,} subjects, {sum(rows.values()):,} rows "
            f"({', '.join(f'{d.upper()} {n:,}' for d, n in rows.items())}), "
            f"{size:,.0f} MB CSV, built in {built:.1f} s"
        )
        print(f"{'step':<46}{'records':>12}{'seconds':>10}")

        def row(step: str, records: int, seconds: float) -> None:
            print(f"{step:<46}{records:>12,}{seconds:>10.2f}")

        best: dict[str, float] = {}
        for i in range(args.repeat):
            t = time.perf_counter()
            study = read_sdtm(sdtm, synthetic=True)
            read = time.perf_counter() - t
            t = time.perf_counter()
            problems = validate_study(study)  # what the command does: validate, then write
            if any(p.severity == "error" for p in problems):
                sys.exit("the imported study does not validate")
            out = write_study(study, Path(tmp) / f"study{i}", "csv")
            written = time.perf_counter() - t
            t = time.perf_counter()
            frames = run_derive(study)
            derived = time.perf_counter() - t
            t = time.perf_counter()
            loaded = load(out)  # what remission derive starts with
            reloaded = time.perf_counter() - t
            for name, value in (
                ("read", read),
                ("write", written),
                ("derive", derived),
                ("load", reloaded),
            ):
                best[name] = min(best.get(name, value), value)
        check_round_trip(study, loaded)
        records = sum(frame.height for frame in study.tables.values())
        row("read_sdtm (map in memory)", records, best["read"])
        row("validate_study + write_study", records, best["write"])
        row("derive_study (ADTR, ADRS, ADTTE)", records, best["derive"])
        total = best["read"] + best["write"] + best["derive"]
        row("import + derive in-process, total", records, total)
        row("load (remission derive reads it)", records, best["load"])

        checked = check_copies(frames["adrs"], args.copies)
        commands: dict[str, list[float]] = {}
        for i in range(args.repeat):
            for fmt in ("csv", "parquet"):
                os.sync()  # the previous run's output is written back before this one is timed
                imported, derived, seconds = run_commands(sdtm, Path(tmp) / f"cli-{fmt}", fmt)
                commands.setdefault(fmt, []).append(seconds)
                if i == 0:  # what the commands wrote is checked too
                    check_round_trip(study, load(imported))
                    adrs = (
                        pl.read_csv(derived / "adrs.csv", infer_schema=False).with_columns(
                            pl.col("ADT").str.to_date()
                        )
                        if fmt == "csv"
                        else pl.read_parquet(derived / "adrs.parquet")
                    )
                    check_copies(adrs, args.copies)
        for fmt, times in commands.items():
            row(f"import + derive commands ({fmt}), best", records, min(times))
            row(f"import + derive commands ({fmt}), median", records, statistics.median(times))
        print(
            f"every copy's ADRS equals its source subject's published rows ({checked:,} rows; "
            "in-process and as written by remission derive, CSV and Parquet)"
        )
        print(
            f"import + derive: {total:.1f} s in-process; as two commands "
            f"{statistics.median(commands['csv']):.1f} s (CSV study folder, the default), "
            f"{statistics.median(commands['parquet']):.1f} s (--format parquet), medians of "
            f"{args.repeat} (target <= 8 s; R admiralonco 1.4.0: 406 s)"
        )


if __name__ == "__main__":
    main()
