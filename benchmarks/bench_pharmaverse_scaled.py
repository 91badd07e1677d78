"""Speed of ``remission import sdtm`` on the pharmaverse RECIST example scaled to 100,000 subjects.

The 8 subjects of pharmaverse's ``rs_onco_recist`` (and their DM, DS, EX, TU, TR and RS rows,
all evaluators) are each copied 12,500 times with USUBJID suffixed ``-C000000``,
``-C000001``, ... (one cross join per domain, no loop per subject) into a temporary SDTM
folder of CSV files. Then the import is timed in-process (``read_sdtm``, ``write_study``,
``load`` as the command does them) and as the command itself (a real process).

Target (issue: SDTM import, on the 2-core reference machine): import + derive <= 8 s. The
response derivation is not wired in yet: ``run_derive`` marks where it goes.

Needs the shared pharmaverse data (``../shared/conformance/pharmaverse`` beside the repo).
Run: ``make bench`` or ``.venv/bin/python benchmarks/bench_pharmaverse_scaled.py [--copies N]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from remission.sources import read_sdtm
from remission.study import load, write_study

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


def run_derive(study_dir: Path) -> None:
    """Derive the response datasets of the imported study. TODO: the response derivation.

    When ``remission.derive`` can derive ADRS/ADTTE from an SDTM-sourced study, call it here
    (e.g. ``derive_study(load(study_dir))``); its time counts towards the 8 s target.
    """
    del study_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=12_500, help="copies of each subject")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs; the best is shown")
    args = parser.parse_args()
    if not PHARMAVERSE.is_dir():
        sys.exit(f"pharmaverse data not found at {PHARMAVERSE}")

    with tempfile.TemporaryDirectory() as tmp:
        sdtm = Path(tmp) / "sdtm"
        t = time.perf_counter()
        rows = build_scaled(sdtm, args.copies)
        built = time.perf_counter() - t
        size = sum(p.stat().st_size for p in sdtm.iterdir()) / 1e6
        print(
            f"scaled SDTM: {rows['dm']:,} subjects, {sum(rows.values()):,} rows "
            f"({', '.join(f'{d.upper()} {n:,}' for d, n in rows.items())}), "
            f"{size:,.0f} MB CSV, built in {built:.1f} s"
        )
        print(f"{'step':<34}{'records':>12}{'seconds':>10}")

        def row(step: str, records: int, seconds: float) -> None:
            print(f"{step:<34}{records:>12,}{seconds:>10.2f}")

        best: dict[str, float] = {}
        for i in range(args.repeat):
            t = time.perf_counter()
            study = read_sdtm(sdtm, synthetic=True)
            read = time.perf_counter() - t
            t = time.perf_counter()
            out = Path(tmp) / f"study{i}"
            load(write_study(study, out, "csv"))  # what the command does before keeping it
            written = time.perf_counter() - t
            t = time.perf_counter()
            run_derive(out)
            derived = time.perf_counter() - t
            for name, value in (("read", read), ("write", written), ("derive", derived)):
                best[name] = min(best.get(name, value), value)
        records = sum(frame.height for frame in study.tables.values())
        row("read_sdtm (map in memory)", records, best["read"])
        row("write_study + load (validate)", records, best["write"])
        row("run_derive (not wired yet)", records, best["derive"])
        total = best["read"] + best["write"] + best["derive"]
        row("import in-process, total", records, total)

        t = time.perf_counter()
        command = ["import", "sdtm", str(sdtm), "--synthetic", "--out", str(Path(tmp) / "cli")]
        result = subprocess.run(
            [sys.executable, "-m", "remission", *command],
            capture_output=True,
            text=True,
            check=False,
        )
        cli = time.perf_counter() - t
        if result.returncode != 0:
            sys.exit(f"the command failed:\n{result.stdout}\n{result.stderr}")
        row("remission import sdtm (process)", records, cli)
        print(
            f"import + derive: {total:.1f} s in-process, {cli:.1f} s as a command "
            "(target <= 8 s; derive not wired yet)"
        )


if __name__ == "__main__":
    main()
