"""The antigen section: what the patients' T cells recognise, from a recognition screen."""

from __future__ import annotations

import numpy as np
import polars as pl
from matplotlib import pyplot as plt

from remission.antigens import list_epitopes
from remission.antigens.screens import ScreenResult, ScreenTables, analyse_screen, logistic4
from remission.figures import OKABE_ITO
from remission.figures._style import new_figure
from remission.report._model import ReportFigure, ReportTable, Section


def _heatmap(positivity: pl.DataFrame) -> plt.Figure:
    """Fold over background per effector and target, one panel per plate; * = positive."""
    plates = positivity["plate"].unique(maintain_order=True).to_list()
    fig, axes = plt.subplots(len(plates), 1, figsize=(7.5, 1.25 * len(plates) + 0.8), squeeze=False)
    for ax, plate in zip(axes[:, 0], plates, strict=True):
        part = positivity.filter(pl.col("plate") == plate)
        effectors = part["effector"].unique(maintain_order=True).to_list()
        targets = part["label"].unique(maintain_order=True).to_list()
        grid = np.full((len(effectors), len(targets)), np.nan)
        for row in part.iter_rows(named=True):
            grid[effectors.index(row["effector"]), targets.index(row["label"])] = np.log2(
                max(row["fold"], 1e-3)
            )
        image = ax.imshow(grid, aspect="auto", cmap="viridis", vmin=-1, vmax=6)
        for row in part.filter(pl.col("positive")).iter_rows(named=True):
            ax.text(
                targets.index(row["label"]),
                effectors.index(row["effector"]),
                "*",
                ha="center",
                va="center",
                color="white",
                fontsize=12,
                fontweight="bold",
            )
        ax.set_yticks(range(len(effectors)), effectors, fontsize=7)
        ax.set_xticks(range(len(targets)), targets, rotation=60, ha="right", fontsize=6)
        ax.set_title(str(plate), fontsize=8, loc="left")
    fig.colorbar(image, ax=axes[:, 0].tolist(), label="log2 fold over background", shrink=0.8)
    return fig


def _curves(result: ScreenResult) -> plt.Figure:
    fig, ax = new_figure(6.5, 4.0)
    for i, fit in enumerate(result.titration_fits):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        x = np.logspace(np.log10(fit.ec50) - 3, np.log10(fit.ec50) + 3, 200)
        ax.plot(
            x,
            logistic4(x, fit.bottom, fit.top, fit.log10_ec50, fit.hill),
            color=colour,
            label=f"{fit.antigen}: EC50 {fit.ec50:.3g} {fit.concentration_unit} "
            f"({fit.ec50_ci[0]:.3g}-{fit.ec50_ci[1]:.3g})",
        )
        ax.axvline(fit.ec50, color=colour, lw=0.7, ls=":")
    ax.set_xscale("log")
    unit = result.titration_fits[0].concentration_unit if result.titration_fits else ""
    ax.set_xlabel(f"Peptide concentration ({unit})")
    ax.set_ylabel("Response")
    ax.legend(fontsize=7, loc="upper left")
    return fig


def antigen_section(screen: ScreenTables) -> Section:
    """Recognition screen: positive calls, deconvolution trail, titrations, lysis, catalogue."""
    result = analyse_screen(screen)
    s = Section("antigens", "Antigens recognised by T cells")
    if screen.synthetic:
        s.paragraphs.append("SYNTHETIC recognition screen: made-up plates.")
    s.paragraphs.append(
        f"Screen '{screen.name}': {screen.plates.height} wells. Recognised: "
        + (", ".join(result.identified) if result.identified else "nothing")
        + "."
    )
    pos = result.positivity.with_columns(pl.coalesce("antigen", "target").alias("label"))
    s.figures.append(
        ReportFigure.from_matplotlib(
            "screen_heatmap", "Recognition by effector and target (* = positive)", _heatmap(pos)
        )
    )
    s.tables.append(
        ReportTable(
            "screen_calls",
            "Positivity calls",
            result.positivity.select(
                "plate",
                "effector",
                "target",
                "antigen",
                "readout",
                "n_replicates",
                "mean",
                "background",
                "fold",
                "rule",
                "positive",
                "dfr_p_holm",
            ),
            "Rules: IFN-gamma >= 2x background and >= 200 pg/mL; ELISPOT >= 2x and >= 20 "
            "spots above background (and the DFR permutation test); 4-1BB >= 2x and >= 1% "
            "(docs/screens.md).",
        )
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
    if result.titration_fits:
        s.figures.append(
            ReportFigure.from_matplotlib(
                "titrations", "Peptide titrations (4PL fits)", _curves(result)
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
                        in ("antigen", "n", "ec50", "ec50_lower", "ec50_upper", "hill", "r_squared")
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
