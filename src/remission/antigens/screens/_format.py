"""The screen format: a plate table and a pool layout, read as text, typed and validated."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from remission.antigens.screens._problems import ScreenProblem
from remission.study._problems import Problem, ProblemLog, StudyError
from remission.study._read import ROW_COLUMN, _read_csv, _read_parquet, clean_text

#: Readout kinds: name -> (assay, unit in words). The unit is part of the name.
READOUTS: dict[str, tuple[str, str]] = {
    "ifng_pg_ml": ("IFN-gamma ELISA", "pg/mL"),
    "spots_per_well": ("IFN-gamma ELISPOT", "spots per well"),
    "pct_41bb_of_cd8": ("4-1BB (CD137) flow cytometry", "% 4-1BB+ of CD8+ T cells"),
    "cr51_counts": ("51Cr release", "counts per minute in the supernatant"),
}

#: What a well is for.
ROLES: dict[str, str] = {
    "test": "effector with a target (a pool, construct, peptide or tumor line)",
    "background": "effector with the target cells but no antigen (or an irrelevant one)",
    "positive_control": "effector with a polyclonal stimulus (e.g. OKT3, PMA/ionomycin)",
    "spontaneous": "51Cr-labelled targets in medium alone (spontaneous release)",
    "maximum": "51Cr-labelled targets lysed with detergent (maximum release)",
}

#: Concentration units accepted in the column name ``concentration_<unit>``.
CONCENTRATION_UNITS: dict[str, str] = {
    "pm": "pM",
    "nm": "nM",
    "um": "µM",
    "ng_ml": "ng/mL",
    "ug_ml": "µg/mL",
}

#: What a layout member is.
MEMBER_TYPES = ("pool", "clone", "gene", "construct", "minigene", "peptide", "candidate")

PLATE_COLUMNS = ("plate", "well", "effector", "target", "role", "replicate", "readout", "value")
PLATE_OPTIONAL = ("antigen", "e_t_ratio")
LAYOUT_COLUMNS = ("pool", "member", "member_type")
LAYOUT_OPTIONAL = ("gene", "sequence", "analog_of")

_WELL = r"^[A-P](0?[1-9]|1[0-9]|2[0-4])$"
_AMINO = r"^[ACDEFGHIKLMNPQRSTVWY]+$"

# Readout names people write instead of ours, and how to convert.
_READOUT_HINTS = {
    "ifng_ng_ml": "IFN-gamma is recorded in pg/mL: multiply ng/mL by 1000 and name it ifng_pg_ml",
    "ifng_pg_per_ml": "name it ifng_pg_ml",
    "ifng": "name the unit: ifng_pg_ml for ELISA, spots_per_well for ELISPOT",
    "spots_per_million": (
        "record raw spots per well (spots_per_well) and the cells plated; do not rescale"
    ),
    "pct_41bb": "name it pct_41bb_of_cd8 (percent of CD8+ T cells)",
    "cr51_cpm": "name it cr51_counts",
}


@dataclass(frozen=True)
class ScreenTables:
    """A recognition screen: typed plate and layout tables.

    Parameters
    ----------
    plates : polars.DataFrame
        One row per well: plate, well, effector, target, antigen, concentration,
        concentration_unit, e_t_ratio, role, replicate, readout, value and ``_row`` (the row
        of the source file, header = row 1).
    layout : polars.DataFrame
        One row per pool member: pool, member, member_type, gene, sequence, analog_of, ``_row``.
    name : str
        Name of the screen.
    synthetic : bool
        True when the data are made up (every output then says SYNTHETIC).
    warnings : tuple of Problem
        Notes found while reading (blank rows, files ignored, ...): the screen is usable, but
        the report lists them with the other notes on the input.
    problems : tuple of ScreenProblem
        Errors that kept plates (or layout rows) out, when read with ``keep_going``: the
        tables hold the rest.
    plates_file, layout_file : str
        The files the tables were read from (named in problems).

    Examples
    --------
    >>> from remission.antigens.screens import demo_screen
    >>> tables = demo_screen()
    >>> tables.synthetic, tables.plates.height > 0, tables.warnings
    (True, True, ())
    """

    plates: pl.DataFrame
    layout: pl.DataFrame
    name: str = "screen"
    synthetic: bool = False
    warnings: tuple[Problem, ...] = ()
    problems: tuple[ScreenProblem, ...] = ()
    plates_file: str = "plates.csv"
    layout_file: str = "layout.csv"


def _find(folder: Path, stem: str, log: ProblemLog, required: bool) -> pl.DataFrame | None:
    found = [folder / f"{stem}{ext}" for ext in (".csv", ".parquet")]
    found = [p for p in found if p.exists()]
    if len(found) > 1:
        log.add(
            Problem(
                "error",
                "file.duplicate_table",
                ", ".join(p.name for p in found),
                None,
                None,
                None,
                f"one file for the {stem} table",
                "keep one of them",
            )
        )
        return None
    if not found:
        if required:
            log.add(
                Problem(
                    "error",
                    "file.missing",
                    f"{stem}.csv",
                    None,
                    None,
                    None,
                    f"a {stem} table ({stem}.csv or {stem}.parquet) in the screen folder",
                    f"add {stem}.csv (see docs/screens.md)",
                )
            )
        return None
    path = found[0]
    frame = _read_csv(path, log) if path.suffix == ".csv" else _read_parquet(path, log)
    if frame is None:
        return None
    return _clean(frame)


def _clean(frame: pl.DataFrame) -> pl.DataFrame:
    frame = clean_text(frame)
    data = [c for c in frame.columns if c != ROW_COLUMN]
    return frame.filter(~pl.all_horizontal(pl.col(data).is_null())) if data else frame


def _rows(frame: pl.DataFrame, mask: pl.Expr, column: str | None) -> tuple[list[int], list]:
    bad = frame.filter(mask)
    values = bad[column].to_list() if column is not None else [None] * bad.height
    return bad[ROW_COLUMN].to_list(), values


def _report_rows(
    log: ProblemLog,
    code: str,
    file: str,
    column: str,
    frame: pl.DataFrame,
    mask: pl.Expr,
    expected: str,
    fix: str,
) -> None:
    """An error for every row of ``frame`` where ``mask`` holds, showing its ``column``."""
    rows, values = _rows(frame, mask, column)
    if rows:
        log.add_rows("error", code, file, column, rows, values, expected, fix)


def _columns(
    frame: pl.DataFrame,
    file: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    log: ProblemLog,
    extra_known: tuple[str, ...] = (),
) -> bool:
    ok = True
    for name in required:
        if name not in frame.columns:
            ok = False
            log.add(
                Problem(
                    "error",
                    "column.missing",
                    file,
                    1,
                    name,
                    None,
                    f"a column {name}",
                    f"add the column {name} (see docs/screens.md)",
                )
            )
    known = [*required, *optional, *extra_known]
    for name in frame.columns:
        if name == ROW_COLUMN or name in known or name.startswith("concentration"):
            continue
        close = difflib.get_close_matches(name, known, n=1)
        fix = f"did you mean {close[0]}? " if close else ""
        log.add(
            Problem(
                "warning",
                "column.unknown",
                file,
                1,
                name,
                None,
                "a column of the screen format",
                fix + "the column is ignored",
            )
        )
    return ok


def _number(
    frame: pl.DataFrame, file: str, column: str, log: ProblemLog, *, whole: bool = False
) -> pl.Expr:
    text = pl.col(column)
    parsed = text.cast(pl.Float64, strict=False)
    bad = text.is_not_null() & parsed.is_null()
    if whole and not frame.select(bad.any()).item():  # all numbers: now check they are whole
        bad = parsed.is_not_null() & (parsed != parsed.round(0))
    _report_rows(
        log,
        "value.not_number",
        file,
        column,
        frame,
        bad,
        "a whole number" if whole else "a number",
        "write the number with a point as decimal mark and no unit or thousands separator",
    )
    return parsed.cast(pl.Int64) if whole else parsed


def _concentration(frame: pl.DataFrame, file: str, log: ProblemLog) -> tuple[str | None, str]:
    names = [c for c in frame.columns if c.startswith("concentration_")]
    if not names:
        if "concentration" in frame.columns:
            log.add(
                Problem(
                    "error",
                    "units.missing",
                    file,
                    1,
                    "concentration",
                    None,
                    "the unit in the column name: concentration_<unit>, unit one of "
                    + ", ".join(CONCENTRATION_UNITS),
                    "rename the column with its unit (e.g. concentration_nm for nanomolar); "
                    "a number without a unit is not used",
                )
            )
        return None, ""
    if "concentration" in frame.columns:
        names.append("concentration")
    bad_units = [n for n in names if n.removeprefix("concentration_") not in CONCENTRATION_UNITS]
    for name in bad_units:
        log.add(
            Problem(
                "error",
                "units.unknown",
                file,
                1,
                name,
                None,
                "a concentration column concentration_<unit>, unit one of "
                + ", ".join(CONCENTRATION_UNITS),
                "name the unit in the column (e.g. concentration_nm for nanomolar)",
            )
        )
    if bad_units:
        return None, ""
    if len(names) > 1:
        used = [n for n in names if frame[n].is_not_null().any()]
        if len(used) > 1:
            log.add(
                Problem(
                    "error",
                    "units.mixed",
                    file,
                    1,
                    ", ".join(used),
                    None,
                    "concentrations in one unit (one concentration_<unit> column)",
                    "convert every concentration to one unit and keep that column only "
                    "(nM = µM x 1000 = pM / 1000; ng/mL needs the molecular weight)",
                )
            )
            return None, ""
        names = used or names[:1]
    return names[0], names[0].removeprefix("concentration_")


def _vocabulary(
    frame: pl.DataFrame,
    file: str,
    column: str,
    allowed: list[str] | tuple[str, ...],
    code: str,
    what: str,
    log: ProblemLog,
    hints: dict[str, str] | None = None,
) -> None:
    col = pl.col(column)
    bad = frame.filter(col.is_not_null() & ~col.is_in(list(allowed)))
    for value, group in bad.group_by(column, maintain_order=True):
        text = value[0]
        rows = group[ROW_COLUMN].to_list()
        hint = (hints or {}).get(text.lower())
        if hint is None:
            close = difflib.get_close_matches(text.lower(), list(allowed), n=1)
            hint = f"did you mean {close[0]}?" if close else "use one of the listed values"
        log.add_rows(
            "error",
            code,
            file,
            column,
            rows,
            [text] * len(rows),
            f"{what}: one of " + ", ".join(allowed),
            hint,
        )


def _required_values(
    frame: pl.DataFrame, file: str, columns: tuple[str, ...], log: ProblemLog
) -> None:
    for column in columns:
        _report_rows(
            log,
            "value.missing",
            file,
            column,
            frame,
            pl.col(column).is_null(),
            f"a value in {column}",
            f"fill in {column}",
        )


def _type_plates(frame: pl.DataFrame, file: str, log: ProblemLog) -> pl.DataFrame | None:
    if not _columns(frame, file, PLATE_COLUMNS, PLATE_OPTIONAL, log):
        return None
    conc_col, unit = _concentration(frame, file, log)
    for name in PLATE_OPTIONAL:
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(name))
    before = len(log.errors)
    frame = frame.with_columns(
        pl.col("readout").str.to_lowercase(), pl.col("role").str.to_lowercase()
    )
    _required_values(frame, file, ("plate", "well", "target", "role", "replicate"), log)
    _required_values(frame, file, ("readout", "value"), log)
    _vocabulary(
        frame,
        file,
        "readout",
        list(READOUTS),
        "readout.unknown",
        "a readout kind",
        log,
        _READOUT_HINTS,
    )
    _vocabulary(frame, file, "role", list(ROLES), "role.unknown", "a well role", log)
    well = pl.col("well").str.to_uppercase()
    _report_rows(
        log,
        "well.invalid",
        file,
        "well",
        frame,
        well.is_not_null() & ~well.str.contains(_WELL),
        "a well name: row letter A-P and column 1-24 (e.g. B7)",
        "write the well as on the plate map",
    )
    typed = frame.with_columns(
        well.str.replace(r"^([A-P])0", "$1").alias("well"),
        _number(frame, file, "replicate", log, whole=True).alias("replicate"),
        _number(frame, file, "value", log).alias("value"),
        _number(frame, file, "e_t_ratio", log).alias("e_t_ratio"),
        (_number(frame, file, conc_col, log) if conc_col else pl.lit(None, pl.Float64)).alias(
            "concentration"
        ),
    )
    typed = typed.with_columns(  # the unit where there is a concentration, as data
        pl.when(pl.col("concentration").is_not_null())
        .then(pl.lit(CONCENTRATION_UNITS.get(unit), pl.String))
        .alias("concentration_unit")
    )
    if len(log.errors) > before:
        return None
    _check_ranges(typed, frame, file, conc_col or "concentration", log)
    return typed.select(
        "plate",
        "well",
        "effector",
        "target",
        "antigen",
        "concentration",
        "concentration_unit",
        "e_t_ratio",
        "role",
        "replicate",
        "readout",
        "value",
        ROW_COLUMN,
    )


def _check_ranges(
    typed: pl.DataFrame, text: pl.DataFrame, file: str, conc_name: str, log: ProblemLog
) -> None:
    """Numbers out of range; each value is shown as written (``text``, row by row as ``typed``)."""
    checks = [
        (
            "value.negative",
            "value",
            pl.col("value") < 0,
            "a readout of 0 or more (counts, pg/mL and percentages cannot be negative)",
            "enter the raw reading, not a background-subtracted one; a reading below the "
            "assay's range is 0",
        ),
        (
            "value.range",
            "replicate",
            pl.col("replicate") < 1,
            "a replicate number from 1",
            "number replicates 1, 2, 3, ...",
        ),
        (
            "value.range",
            "e_t_ratio",
            pl.col("e_t_ratio") <= 0,
            "an effector:target ratio above 0 (e.g. 40 for 40:1)",
            "write the ratio as one number: effectors per target",
        ),
        (
            "value.range",
            conc_name,
            pl.col("concentration") < 0,
            "a concentration of 0 or more",
            "check the value",
        ),
        (
            "value.range",
            "value",
            (pl.col("readout") == "pct_41bb_of_cd8") & (pl.col("value") > 100),
            "a percentage between 0 and 100",
            "record % of CD8+ T cells, not a count",
        ),
    ]
    for code, column, mask, expected, fix in checks:
        hit = typed.select(mask.fill_null(False)).to_series()
        if hit.any():
            bad = text.filter(hit)
            log.add_rows(
                "error",
                code,
                file,
                column,
                bad[ROW_COLUMN].to_list(),
                bad[column].to_list(),
                expected,
                fix,
            )


def _type_layout(frame: pl.DataFrame, file: str, log: ProblemLog) -> pl.DataFrame | None:
    if not _columns(frame, file, LAYOUT_COLUMNS, LAYOUT_OPTIONAL, log):
        return None
    for name in LAYOUT_OPTIONAL:
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(name))
    before = len(log.errors)
    frame = frame.with_columns(
        pl.col("member_type").str.to_lowercase(), pl.col("sequence").str.to_uppercase()
    )
    _required_values(frame, file, LAYOUT_COLUMNS, log)
    _vocabulary(
        frame, file, "member_type", MEMBER_TYPES, "member_type.unknown", "a member type", log
    )
    seq = pl.col("sequence")
    _report_rows(
        log,
        "sequence.invalid",
        file,
        "sequence",
        frame,
        seq.is_not_null() & ~seq.str.contains(_AMINO),
        "a peptide in one-letter amino-acid code (ACDEFGHIKLMNPQRSTVWY)",
        "remove spaces, digits and modification marks",
    )
    dup = frame.filter(pl.struct("pool", "member").is_duplicated() & pl.col("pool").is_not_null())
    dup = dup.filter(pl.struct("pool", "member").is_first_distinct().not_())
    if dup.height:
        log.add_rows(
            "error",
            "layout.duplicate",
            file,
            "member",
            dup[ROW_COLUMN].to_list(),
            dup["member"].to_list(),
            "each member once per pool",
            "delete the repeated row",
        )
    if len(log.errors) > before:
        return None
    _check_cycles(frame, file, log)
    members = set(frame["member"].to_list())
    analog = frame.filter(
        pl.col("analog_of").is_not_null() & ~pl.col("analog_of").is_in(list(members))
    )
    if analog.height:
        log.add_rows(
            "error",
            "layout.analog_unknown",
            file,
            "analog_of",
            analog[ROW_COLUMN].to_list(),
            analog["analog_of"].to_list(),
            "the member name of the natural peptide, itself a row of the layout",
            "add the natural peptide to the layout or correct the name",
        )
    return frame.select(
        "pool", "member", "member_type", "gene", "sequence", "analog_of", ROW_COLUMN
    )


def _check_cycles(frame: pl.DataFrame, file: str, log: ProblemLog) -> None:
    children: dict[str, list[str]] = {}
    for pool, member in frame.select("pool", "member").iter_rows():
        children.setdefault(pool, []).append(member)
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for child in children.get(node, []):
            if state.get(child) == 1:
                return [*path, node, child]
            if child not in state:
                found = visit(child, [*path, node])
                if found:
                    return found
        state[node] = 2
        return None

    for pool in children:
        if pool not in state:
            cycle = visit(pool, [])
            if cycle:
                start = cycle.index(cycle[-1])
                loop = " -> ".join(cycle[start:])
                log.add(
                    Problem(
                        "error",
                        "layout.cycle",
                        file,
                        None,
                        "member",
                        loop,
                        "pools that split into smaller pools, never into themselves",
                        "a pool is listed inside its own sub-pool; correct the layout",
                    )
                )
                return


def _group_rows(
    frame: pl.DataFrame, keys: list[str], mask: pl.Expr
) -> list[tuple[tuple, list[int]]]:
    bad = frame.filter(mask)
    out = []
    for key, group in bad.group_by(keys, maintain_order=True):
        out.append((key, group[ROW_COLUMN].to_list()))
    return out


def _check_plates(
    plates: pl.DataFrame, layout: pl.DataFrame | None, pfile: str, log: ProblemLog
) -> None:
    """Cross-row and cross-table checks of a typed plate table."""
    dup = plates.filter(pl.struct("plate", "well").is_duplicated())
    dup = dup.filter(~pl.struct("plate", "well").is_first_distinct())
    if dup.height:
        log.add_rows(
            "error",
            "well.duplicate",
            pfile,
            "well",
            dup[ROW_COLUMN].to_list(),
            (dup["plate"] + " " + dup["well"]).to_list(),
            "each well of a plate once",
            "a well holds one culture and gives one reading; correct the plate or well name",
        )
    kinds = plates.group_by("plate", maintain_order=True).agg(
        pl.col("readout").unique(maintain_order=True), pl.col(ROW_COLUMN).min()
    )
    for plate, readouts, row in kinds.filter(pl.col("readout").list.len() > 1).iter_rows():
        log.add(
            Problem(
                "error",
                "units.mixed",
                pfile,
                row,
                "readout",
                plate,
                "one readout kind per plate (a plate is read by one assay in one unit); "
                f"plate {plate} has " + ", ".join(readouts),
                "give wells read by another assay their own plate name",
            )
        )
    role, readout = pl.col("role"), pl.col("readout")
    cr_only = role.is_in(["spontaneous", "maximum"]) & (readout != "cr51_counts")
    _report_rows(
        log,
        "role.readout",
        pfile,
        "role",
        plates,
        cr_only,
        "spontaneous and maximum release wells read as cr51_counts",
        "mark ELISA/ELISPOT/flow controls as background",
    )
    needs_effector = role.is_in(["test", "background", "positive_control"])
    _report_rows(
        log,
        "value.missing",
        pfile,
        "effector",
        plates,
        needs_effector & pl.col("effector").is_null(),
        "the effector (T-cell culture) in every test, background and positive-control well",
        "fill in the effector",
    )
    cr_test = (readout == "cr51_counts") & (role == "test")
    _report_rows(
        log,
        "value.missing",
        pfile,
        "e_t_ratio",
        plates,
        cr_test & pl.col("e_t_ratio").is_null(),
        "the effector:target ratio of every 51Cr-release test well",
        "fill in e_t_ratio (e.g. 40 for 40:1)",
    )
    _check_release_controls(plates, pfile, log)
    _check_backgrounds(plates, pfile, log)
    if layout is None:
        named = plates.filter(pl.col("antigen").is_not_null())
        known: set[str] = set()
    else:
        named = plates.filter(pl.col("antigen").is_not_null())
        known = set(layout["pool"].to_list()) | set(layout["member"].to_list())
    missing = named.filter(~pl.col("antigen").is_in(list(known)))
    for (antigen,), rows in _group_rows(missing, ["antigen"], pl.lit(True)):
        log.add_rows(
            "error",
            "well.no_layout",
            pfile,
            "antigen",
            rows,
            [antigen] * len(rows),
            "an antigen listed in the layout (as a pool or a member)",
            f"add {antigen!r} to layout.csv with what it contains, or correct the name",
        )


def _check_release_controls(plates: pl.DataFrame, pfile: str, log: ProblemLog) -> None:
    cr = plates.filter(pl.col("readout") == "cr51_counts")
    if not cr.height:
        return
    means = cr.group_by("plate", "target", maintain_order=True).agg(
        pl.col("value").filter(pl.col("role") == "spontaneous").mean().alias("spont"),
        pl.col("value").filter(pl.col("role") == "maximum").mean().alias("maxi"),
        pl.col(ROW_COLUMN).filter(pl.col("role") == "test").min().alias("test_row"),
        pl.col(ROW_COLUMN).filter(pl.col("role") == "maximum").min().alias("max_row"),
    )
    for plate, target, spont, maxi, test_row, max_row in means.iter_rows():
        if test_row is None:
            continue
        for control, mean in (("spontaneous", spont), ("maximum", maxi)):
            if mean is None:
                log.add(
                    Problem(
                        "error",
                        "control.missing",
                        pfile,
                        test_row,
                        "role",
                        f"{plate} / {target}",
                        f"{control} release wells for target {target} on plate {plate}",
                        f"add the {control} release wells (role {control}) of this target; "
                        "specific lysis cannot be computed without them",
                    )
                )
        if spont is not None and maxi is not None and maxi <= spont:
            log.add(
                Problem(
                    "error",
                    "control.maximum_below_spontaneous",
                    pfile,
                    max_row,
                    "value",
                    f"{plate} / {target}: maximum {maxi:g} <= spontaneous {spont:g}",
                    "maximum release above spontaneous release",
                    "check that the spontaneous and maximum wells are not swapped and that "
                    "the detergent lysed the targets",
                )
            )


def _check_backgrounds(plates: pl.DataFrame, pfile: str, log: ProblemLog) -> None:
    keys = ["plate", "effector", "target", "readout"]
    other = plates.filter(pl.col("readout") != "cr51_counts")
    backgrounds = other.filter(pl.col("role") == "background").select(keys).unique()
    tests = other.filter(pl.col("role") == "test")
    orphans = tests.join(backgrounds, on=keys, how="anti", nulls_equal=True)
    for key, rows in _group_rows(orphans, keys, pl.lit(True)):
        plate, effector, target, _ = key
        log.add_rows(
            "error",
            "control.missing",
            pfile,
            "role",
            rows,
            [f"{plate} / {effector} / {target}"] * len(rows),
            "background wells (role background) for the same plate, effector and target",
            "add wells of the effector with the target cells and no antigen; positivity is "
            "judged against them",
        )


def check_screen(
    plates: pl.DataFrame,
    layout: pl.DataFrame | None,
    *,
    plates_file: str = "plates.csv",
    layout_file: str = "layout.csv",
    keep_going: bool = False,
) -> ScreenTables:
    """Type and validate untyped (text) screen tables, raising every problem at once.

    Parameters
    ----------
    plates : polars.DataFrame
        The plate table as text columns (as written in the file); a ``_row`` column is added
        when absent (first record = row 2).
    layout : polars.DataFrame or None
        The layout table as text columns, or None when no well names an antigen.
    plates_file, layout_file : str
        File names used in messages.
    keep_going : bool
        Instead of raising, leave out every plate with an error (a plate is read by one
        assay) and every layout row with an error, and return the rest with the errors as
        ``ScreenTables.problems``. Only errors that leave nothing to analyse (a required
        column or file missing) still raise.

    Returns
    -------
    ScreenTables
        The typed tables.

    Raises
    ------
    StudyError
        Listing every problem (file, row, column, value, expected, fix).

    Examples
    --------
    >>> import polars as pl
    >>> plates = pl.DataFrame({"plate": ["P1", "P1"], "well": ["A1", "A2"],
    ...     "effector": ["TIL1", "TIL1"], "target": ["T2", "T2"], "antigen": ["pep", None],
    ...     "role": ["test", "background"], "replicate": ["1", "1"],
    ...     "readout": ["ifng_pg_ml", "ifng_pg_ml"], "value": ["900", "-5"]})
    >>> layout = pl.DataFrame({"pool": ["peptides"], "member": ["pep"],
    ...     "member_type": ["peptide"]})
    >>> try:
    ...     check_screen(plates, layout)
    ... except StudyError as err:
    ...     print(err.errors[0].code, err.errors[0].row)
    value.negative 3
    >>> kept = check_screen(plates, layout, keep_going=True)
    >>> kept.plates.height, kept.problems[0].left_out
    (0, 'plate P1 (2 wells)')
    """
    plates = _numbered(plates)
    layout = None if layout is None else _numbered(layout)
    if not keep_going:
        log = ProblemLog()
        typed, typed_layout = _validate(plates, layout, plates_file, layout_file, log)
        if log.errors:
            raise StudyError(log.problems)
        assert typed is not None
        return ScreenTables(
            typed,
            _empty_layout() if typed_layout is None else typed_layout,
            warnings=tuple(log.warnings),
            plates_file=plates_file,
            layout_file=layout_file,
        )
    return _keep_going(plates, layout, plates_file, layout_file)


def _numbered(frame: pl.DataFrame) -> pl.DataFrame:
    if ROW_COLUMN in frame.columns:
        return frame
    return frame.with_row_index(ROW_COLUMN, offset=2).with_columns(
        pl.col(ROW_COLUMN).cast(pl.Int64)
    )


def _validate(
    plates: pl.DataFrame,
    layout: pl.DataFrame | None,
    plates_file: str,
    layout_file: str,
    log: ProblemLog,
) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    typed_layout = None if layout is None else _type_layout(_clean(layout), layout_file, log)
    typed = _type_plates(_clean(plates), plates_file, log)
    if typed is not None and (layout is None or typed_layout is not None):
        _check_plates(typed, typed_layout, plates_file, log)
    return typed, typed_layout


_FATAL = ("column.missing", "file.missing", "file.duplicate_table", "toml.invalid")


def _keep_going(
    plates: pl.DataFrame, layout: pl.DataFrame | None, pfile: str, lfile: str
) -> ScreenTables:
    """Validate, leave out what has errors, validate the rest again until it is clean."""
    plates = text = _clean(plates)
    wells = (
        {
            row: (plate, well)
            for row, plate, well in text.select(ROW_COLUMN, "plate", "well").iter_rows()
        }
        if {"plate", "well"} <= set(text.columns)
        else {}
    )
    sizes = text.group_by("plate").len() if "plate" in text.columns else None
    size = dict(sizes.iter_rows()) if sizes is not None else {}
    out: list[ScreenProblem] = []
    named: set[str | None] = set()  # plates already named by a problem
    warnings: list[Problem] = []
    first = True
    while True:
        log = ProblemLog()
        typed, typed_layout = _validate(plates, layout, pfile, lfile, log)
        if first:
            warnings = log.warnings
        if not log.errors:
            break
        if any(p.code in _FATAL for p in log.errors):
            raise StudyError(log.problems)
        drop_plates: set[str] = set()
        drop_rows: set[int] = set()
        drop_layout: set[int] = set()
        drop_columns: set[str] = set()
        grouped: dict[tuple, list] = {}
        for p in log.errors:
            lost: list[str] = []
            plate = well = None
            if p.file == pfile and p.row is not None and p.row > 1:
                plate, well = wells.get(p.row, (None, None))
                if plate is None:
                    drop_rows.add(p.row)
                    lost.append(f"row {p.row}")
                else:
                    drop_plates.add(plate)
                    lost.append(f"plate {plate} ({size.get(plate, 0)} wells)")
            elif p.file == pfile:  # a column header: the plates using that column
                columns = [c for c in (p.column or "").split(", ") if c in plates.columns]
                if not columns:
                    raise StudyError(log.problems)
                if p.code == "units.mixed" and len(columns) > 1:  # keep the most used unit
                    used = {c: plates[c].is_not_null().sum() for c in columns}
                    columns.remove(max(columns, key=lambda c: used[c]))
                users = plates.filter(pl.any_horizontal(pl.col(columns).is_not_null()))
                found = sorted(set(users["plate"].drop_nulls().to_list()))
                drop_plates.update(found)
                drop_columns.update(columns)
                lost.append(
                    "plates " + ", ".join(found) if found else f"column {', '.join(columns)}"
                )
            elif p.file == lfile and p.row is not None:
                drop_layout.add(p.row)
                lost.append(f"layout row {p.row}")
            elif p.file == lfile and p.code == "layout.cycle" and layout is not None:
                loop = set((p.value or "").split(" -> "))
                rows = layout.filter(pl.col("pool").is_in(list(loop)))[ROW_COLUMN].to_list()
                drop_layout.update(rows)
                lost.append("layout rows " + ", ".join(map(str, rows)))
            else:
                raise StudyError(log.problems)
            key = (p.code, p.file, p.column, plate)
            if key in grouped:  # one problem per kind and plate: count the further rows
                grouped[key][1] += 1 + p.more_rows
            elif first or plate not in named:
                grouped[key] = [
                    ScreenProblem(p.code, p.file, p.row, plate, well, _reason(p), "; ".join(lost)),
                    p.more_rows,
                ]
                named.add(plate)
        for problem, more in grouped.values():
            extra = f" (and {more} more rows)" if more else ""
            out.append(replace(problem, reason=problem.reason + extra))
        before = (plates.height, len(plates.columns), 0 if layout is None else layout.height)
        keep = ~pl.col("plate").is_in(list(drop_plates)) & ~pl.col(ROW_COLUMN).is_in(
            list(drop_rows)
        )
        plates = plates.filter(keep.fill_null(True)).drop(list(drop_columns))
        if layout is not None:
            layout = layout.filter(~pl.col(ROW_COLUMN).is_in(list(drop_layout)))
        after = (plates.height, len(plates.columns), 0 if layout is None else layout.height)
        if after == before:  # nothing more can be left out: report what remains
            raise StudyError(log.problems)
        first = False
    assert typed is not None
    return ScreenTables(
        typed,
        _empty_layout() if typed_layout is None else typed_layout,
        warnings=tuple(warnings),
        problems=tuple(out),
        plates_file=pfile,
        layout_file=lfile,
    )


def _reason(p: Problem) -> str:
    """A validation problem as the reason of a ScreenProblem (column, value, expected, fix)."""
    text = f"{p.code}: "
    if p.column is not None:
        text += f"column {p.column}: "
    if p.value is not None:
        text += f"{p.value!r}: "
    text += f"expected {p.expected}; fix: {p.fix}"
    return text


def _empty_layout() -> pl.DataFrame:
    cols = ["pool", "member", "member_type", "gene", "sequence", "analog_of"]
    schema = dict.fromkeys(cols, pl.String) | {ROW_COLUMN: pl.Int64}
    return pl.DataFrame(schema=schema)


def read_screen(folder: str | Path, *, keep_going: bool = False) -> ScreenTables:
    """Read a screen folder (``plates``, ``layout``, optional ``screen.toml``) and validate it.

    Parameters
    ----------
    folder : str or pathlib.Path
        A folder holding ``plates.csv`` (or ``.parquet``), ``layout.csv`` (or ``.parquet``;
        needed when a well names an antigen) and optionally ``screen.toml`` with
        ``[screen] name = "..."`` and ``synthetic = true|false``.
    keep_going : bool
        Leave out the plates and layout rows with errors and return the rest, the errors in
        ``ScreenTables.problems`` (``check_screen``); only a screen with nothing left to
        analyse raises.

    Returns
    -------
    ScreenTables
        Typed plate and layout tables.

    Raises
    ------
    StudyError
        Listing every problem found, with file, row, column, value, expected and fix.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "plates.csv").write_text(
    ...     "plate,well,effector,target,role,replicate,readout,value\\n"
    ...     "P1,A1,TIL1,888mel,background,1,ifng_pg_ml,40\\n"
    ...     "P1,A2,TIL1,624mel,test,1,ifng_pg_ml,1500\\n")
    >>> try:
    ...     read_screen(folder)
    ... except StudyError as err:
    ...     print(err.errors[0].code)
    control.missing
    """
    folder = Path(folder)
    log = ProblemLog()
    name, synthetic = folder.name, False
    toml_path = folder / "screen.toml"
    if toml_path.exists():
        try:
            config = tomllib.loads(toml_path.read_text(encoding="utf-8")).get("screen", {})
            name = str(config.get("name", name))
            synthetic = bool(config.get("synthetic", False))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            log.add(
                Problem(
                    "error",
                    "toml.invalid",
                    "screen.toml",
                    None,
                    None,
                    None,
                    "a valid TOML file",
                    f"correct the syntax ({exc})",
                )
            )
    plates = _find(folder, "plates", log, required=True)
    layout = _find(folder, "layout", log, required=False)
    named = plates is not None and "antigen" in plates.columns
    if named and layout is None and plates["antigen"].is_not_null().any():
        _find(folder, "layout", log, required=True)
    if log.errors or plates is None:
        raise StudyError(log.problems)
    pfile = next(p.name for p in (folder / "plates.csv", folder / "plates.parquet") if p.exists())
    lfile = "layout.parquet" if (folder / "layout.parquet").exists() else "layout.csv"
    try:
        tables = check_screen(
            plates, layout, plates_file=pfile, layout_file=lfile, keep_going=keep_going
        )
    except StudyError as err:
        raise StudyError([*log.problems, *err.problems]) from None
    return ScreenTables(
        tables.plates,
        tables.layout,
        name=name,
        synthetic=synthetic,
        warnings=(*log.warnings, *tables.warnings),
        problems=tables.problems,
        plates_file=pfile,
        layout_file=lfile,
    )
