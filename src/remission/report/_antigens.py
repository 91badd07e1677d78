"""The antigen section: what the patients' T cells recognise, from a recognition screen."""

from __future__ import annotations

import polars as pl

from remission.antigens import list_epitopes
from remission.antigens.screens import (
    DEFAULT_RULES,
    READOUTS,
    ScreenResult,
    ScreenTables,
    analyse_screen,
)
from remission.figures import screen_heatmap_pages, titration_plot
from remission.report._model import ReportFigure, ReportTable, Section


def rule_table(result: ScreenResult) -> pl.DataFrame:
    """The positivity rule of each assay (readout kind) of a screen, once, with its plates.

    Examples
    --------
    >>> from remission.antigens.screens import analyse_screen, demo_screen
    >>> rule_table(analyse_screen(demo_screen()))["readout"].to_list()
    ['ifng_pg_ml', 'spots_per_well', 'pct_41bb_of_cd8']
    """
    chosen = {r.name: r for r in DEFAULT_RULES.values()}
    rows = []
    used = result.positivity.group_by("readout", "rule", maintain_order=True).agg(
        pl.col("plate").unique(maintain_order=True)
    )
    for readout, name, plates in used.iter_rows():
        rule = chosen.get(name)
        rows.append(
            {
                "readout": readout,
                "assay": READOUTS.get(readout, (readout, ""))[0],
                "rule": name,
                "plates": ", ".join(plates),
                "source": rule.source if rule is not None else "",
            }
        )
    schema = dict.fromkeys(("readout", "assay", "rule", "plates", "source"), pl.String)
    return pl.DataFrame(rows, schema=schema)


def antigen_section(screen: ScreenTables, result: ScreenResult | None = None) -> Section:
    """Recognition screen: positive calls, deconvolution trail, titrations, lysis, catalogue.

    ``result`` is ``analyse_screen(screen)``, computed when omitted.
    """
    result = result if result is not None else analyse_screen(screen)
    s = Section("antigens", "Antigens recognised by T cells")
    if screen.synthetic:
        s.paragraphs.append("SYNTHETIC recognition screen: made-up plates.")
    s.paragraphs.append(
        f"Screen '{screen.name}': {screen.plates.height} wells. Recognised: "
        + (", ".join(result.identified) if result.identified else "nothing")
        + "."
    )
    if result.problems:
        s.notes.append(
            f"{len(result.problems)} problem{'' if len(result.problems) == 1 else 's'} kept part "
            "of the screen out of the analysis (table 'Screen problems'); everything else is "
            "analysed."
        )
        s.tables.append(
            ReportTable(
                "screen_problems",
                "Screen problems: what was left out and why",
                result.problem_table.select("file", "row", "plate", "well", "reason", "left_out"),
            )
        )
    pos = result.positivity.with_columns(pl.coalesce("antigen", "target").alias("label"))
    pages = screen_heatmap_pages(pos)
    for i, fig in enumerate(pages, start=1):
        of = f" (page {i} of {len(pages)})" if len(pages) > 1 else ""
        key = "screen_heatmap" if i == 1 else f"screen_heatmap_{i}"
        title = f"Recognition by effector and target (* = positive){of}"
        s.figures.append(ReportFigure.from_matplotlib(key, title, fig))
    s.tables.append(
        ReportTable(
            "screen_calls",
            "Positivity calls",
            result.positivity.select(
                "plate",
                "effector",
                "target",
                "antigen",
                "concentration",
                pl.col("concentration_unit").alias("unit"),
                "readout",
                "n_replicates",
                "mean",
                "background",
                "fold",
                "positive",
                "dfr_p_adjusted",
            ),
            "Each assay's rule is in the table 'Positivity rules'; fold = mean / background; "
            "DFR p: the ELISPOT permutation test, adjusted by Moodie's step-down max-T over the "
            "conditions sharing a background (docs/screens.md).",
        )
    )
    s.tables.append(
        ReportTable("screen_rules", "Positivity rules, one per assay", rule_table(result))
    )
    s.tables.append(
        ReportTable(
            "screen_trail",
            "Deconvolution trail",
            result.trail.select(
                "level", "parent", "antigen", "member_type", "positive", "max_fold", "identified"
            ),
        )
    )
    if result.decoding is not None:
        s.tables.append(
            ReportTable(
                "screen_decoding",
                "Matrix pool decoding",
                result.decoding.with_columns(
                    pl.col("pools").list.join(", "), pl.col("positive_pools").list.join(", ")
                ).select("effector", "candidate", "pools", "positive_pools", "call"),
                "identified: the only consistent candidate of a positive pool (positive when the "
                "pool calls are right); ambiguous: all its pools positive, but so are another "
                "candidate's: retest singly.",
            )
        )
    if result.titration_fits:
        s.figures.append(
            ReportFigure.from_matplotlib(
                "titrations",
                "Peptide titrations (4PL fits)",
                titration_plot(result.titration_fits, screen.plates),
            )
        )
        s.tables.append(
            ReportTable(
                "titrations",
                "Titrations: four-parameter logistic fits",
                result.titrations.select(
                    [
                        c
                        for c in result.titrations.columns
                        if c
                        in (
                            "antigen",
                            "status",
                            "n",
                            "ec50",
                            "ec50_lower",
                            "ec50_upper",
                            "hill",
                            "r_squared",
                            "message",
                        )
                    ]
                ),
            )
        )
    if result.analog_comparisons:
        s.tables.append(
            ReportTable(
                "analogs",
                "Analog vs natural peptide",
                pl.concat([r.to_frame() for r in result.analog_comparisons]).select(
                    "name", "estimate_label", "estimate", "ci_lower", "ci_upper", "p_value"
                ),
            )
        )
    if result.lysis.height:
        s.tables.append(
            ReportTable(
                "lysis",
                "Chromium release: % specific lysis",
                result.lysis.drop("lysis_values", strict=False),
            )
        )
    sequences = screen.layout.filter(pl.col("sequence").is_not_null()).select("member", "sequence")
    found = sequences.filter(pl.col("member").is_in(list(result.identified)))
    catalogue = list_epitopes().join(found, left_on="peptide", right_on="sequence")
    if catalogue.height:
        s.tables.append(
            ReportTable(
                "catalogue",
                "Catalogue entries of the recognised peptides",
                catalogue.select(
                    "member",
                    "gene",
                    "antigen",
                    "peptide",
                    "hla",
                    "kind",
                    "start",
                    "end",
                    "first_report",
                    "verified",
                ),
            )
        )
    return s
