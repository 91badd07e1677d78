"""4PL titration fits against R nls (tests/r_reference/screens.R), and the analog ratio."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from remission.antigens.screens import (
    compare_ec50,
    fit_4pl,
    fit_titrations,
    logistic4,
    titration_table,
)

REF = Path(__file__).resolve().parents[1] / "r_reference"
R = json.loads((REF / "screens.json").read_text())
GP100 = pl.read_csv(REF / "data" / "screens_titration_gp100.csv")
NOISY = pl.read_csv(REF / "data" / "screens_titration_noisy.csv")
DATA = {
    "gp100_natural": GP100.filter(pl.col("peptide") == "ITDQVPFSV"),
    "gp100_analog": GP100.filter(pl.col("peptide") == "IMDQVPFSV"),
    "mart1_noisy": NOISY,
}
# R stops at nls's relative-offset tolerance 1e-8 (tighter does not converge in R), so the
# estimates agree to ~1e-8 relative; 1e-6 relative is asserted.
TOL = 1e-6


def _fit(key: str):
    frame = DATA[key]
    return fit_4pl(frame["concentration_nm"].to_numpy(), frame["ifng_pg_ml"].to_numpy(), key)


@pytest.mark.parametrize("key", list(DATA))
def test_4pl_against_R(key):
    fit, ref = _fit(key), R[key]
    est, se = ref["estimate"], ref["std_error"]
    assert fit.n == ref["n"]
    assert fit.df == ref["df"]
    got = [fit.bottom, fit.top, fit.log10_ec50, fit.hill]
    assert got == pytest.approx([est["bottom"], est["top"], est["lec50"], est["hill"]], rel=TOL)
    got_se = [fit.se_bottom, fit.se_top, fit.se_log10_ec50, fit.se_hill]
    assert got_se == pytest.approx([se["bottom"], se["top"], se["lec50"], se["hill"]], rel=TOL)
    assert fit.ec50 == pytest.approx(ref["ec50"], rel=TOL)
    assert list(fit.ec50_ci) == pytest.approx(ref["ec50_ci_wald"], rel=TOL)
    assert fit.sigma == pytest.approx(ref["sigma"], rel=TOL)
    assert fit.rss == pytest.approx(ref["rss"], rel=TOL)
    assert fit.aic == pytest.approx(ref["aic"], rel=TOL)
    assert fit.converged


def test_ec50_ratio_against_R():
    ref = R["gp100_ratio_natural_over_analog"]
    result = compare_ec50(_fit("gp100_analog"), _fit("gp100_natural"))
    assert result.estimate == pytest.approx(ref["ratio"], rel=TOL)
    assert list(result.ci) == pytest.approx(ref["ci"], rel=TOL)
    assert result.statistic == pytest.approx(ref["z"], rel=TOL)
    assert result.estimate > 1  # the analog's curve lies left of the natural peptide's


def test_exact_data_recovers_parameters():
    x = np.repeat(10.0 ** np.arange(-3, 4), 2)
    y = logistic4(x, 50.0, 1500.0, 0.7, 1.3) + np.tile([-5.0, 5.0], 7)
    fit = fit_4pl(x, y)
    assert [fit.bottom, fit.top, fit.log10_ec50, fit.hill] == pytest.approx(
        [50.0, 1500.0, 0.7, 1.3], rel=1e-2
    )
    assert fit.r_squared > 0.999


def test_falling_curve_fits_negative_hill():
    x = np.repeat(10.0 ** np.arange(-3, 4), 2)
    y = logistic4(x, 50.0, 1500.0, 0.7, -1.0) + np.tile([-5.0, 5.0], 7)
    fit = fit_4pl(x, y)
    assert fit.log10_ec50 == pytest.approx(0.7, abs=0.01)
    assert fit.hill == pytest.approx(-1.0, abs=0.02)


X = np.repeat(10.0 ** np.arange(-3, 4), 2)
NOISE = np.tile([-5.0, 5.0], 7)


def test_exact_data_as_R_logLik():
    # tests/r_reference/screens_exact.R: R gives rss 0, logLik Inf, AIC -Inf, sigma 0 and
    # confint.default(lec50) = (0.7, 0.7) for these data.
    fit = fit_4pl(X, logistic4(X, 50.0, 1500.0, 0.7, 1.3), "exact", concentration_unit="nM")
    assert fit.status == "exact" and fit.usable
    assert (fit.rss, fit.sigma, fit.aic) == (0.0, 0.0, -math.inf)
    assert fit.se_log10_ec50 == 0.0
    assert fit.ec50_ci == (fit.ec50, fit.ec50)
    assert fit.log10_ec50 == pytest.approx(0.7, rel=1e-9)
    assert fit.r_squared == 1.0
    assert any("zero residual" in note for note in fit.to_result().notes)
    assert titration_table([fit])["aic"].to_list() == [-math.inf]


DEGENERATE = {
    "flat": (
        X,
        np.full(X.size, 100.0),
        "flat",
        "flat: all 14 readings are 100: the response does not change with concentration, so "
        "there is no curve and no EC50",
    ),
    "flat_noisy": (
        X,
        100 + NOISE,
        "flat",
        "flat_noisy: the response does not depend on concentration (4PL against a constant: "
        "F = 0 on 3 and 10 df, p = 1; readings 95 to 105), so there is no EC50",
    ),
    "two_point": (
        np.array([0.0, 1.0, 1.0, 10.0, 10.0]),
        np.array([50.0, 400.0, 420.0, 1500.0, 1400.0]),
        "too_few",
        "two_point: 2 concentrations above 0 (1, 10 nM) in 4 wells; a 4PL fit needs at least "
        "4 concentrations and 5 wells, so no EC50 is estimated; titrate over 4 or more "
        "concentrations (e.g. 10-fold steps)",
    ),
    "step": (
        X,
        np.where(X < 0.5, 100.0, 2000.0) + NOISE,
        "not_identifiable",
        "step: the response jumps between 0.1 and 1 nM with no concentration in between, so "
        "the slope and the EC50 cannot be estimated; add concentrations between them",
    ),
    "below_range": (
        X,
        logistic4(X, 100.0, 2000.0, -5.0, 1.0) + NOISE,
        "not_identifiable",
        "below_range: the half-maximal response lies below the tested concentrations (0.001 to "
        "1000 nM), so one plateau and the EC50 cannot be estimated; extend the titration "
        "downwards",
    ),
}


@pytest.mark.parametrize("case", list(DEGENERATE))
def test_degenerate_titrations_give_a_message(case):
    x, y, status, message = DEGENERATE[case]
    fit = fit_4pl(x, y, case, concentration_unit="nM")
    assert (fit.status, fit.message) == (status, message)
    assert not fit.usable and math.isnan(fit.ec50)
    assert fit.to_result().not_estimable == message
    with pytest.raises(ValueError, match=f"no EC50 ratio: {case}"):
        compare_ec50(fit, fit)


def test_non_converging_fit_gives_a_message():
    y = logistic4(X, 50.0, 1500.0, 0.7, 1.3) + NOISE
    fit = fit_4pl(X, y, "pep", max_evaluations=3)
    assert fit.status == "not_converged"
    assert fit.message == (
        "pep: the 4PL fit did not converge in 3 evaluations (the maximum number of function "
        "evaluations is exceeded); no EC50 is estimated; check the readings, or titrate over "
        "concentrations that reach both plateaus"
    )
    assert fit_4pl(X, y, "pep").status == "ok"  # the same data with the default limit


def test_fit_titrations_keeps_failed_titrations_with_their_condition():
    from remission.antigens.screens import demo_screen

    plates = demo_screen().plates
    flat = plates.filter(pl.col("antigen") == "gp100_209-217").with_columns(
        pl.lit("gp100_flat").alias("antigen"), pl.lit(300.0).alias("value")
    )
    fits = fit_titrations(pl.concat([plates, flat]))
    assert [(f.antigen, f.status) for f in fits] == [
        ("gp100_209-217", "ok"),
        ("gp100_209-217_2M", "ok"),
        ("gp100_flat", "flat"),
    ]
    assert (fits[2].plate, fits[2].target, fits[2].readout) == (
        "gp100-titration",
        "T2",
        "ifng_pg_ml",
    )
    table = titration_table(fits)
    assert table["status"].to_list() == ["ok", "ok", "flat"]
    assert table["ec50"].null_count() == 1 and table["message"].null_count() == 2


def test_fit_titrations_finds_titrated_conditions():
    from remission.antigens.screens import demo_screen

    fits = fit_titrations(demo_screen().plates)
    assert [f.antigen for f in fits] == ["gp100_209-217", "gp100_209-217_2M"]
    assert all(f.concentration_unit == "nM" for f in fits)
    assert fits[1].ec50 < fits[0].ec50


def test_result_rendering():
    fit = _fit("gp100_natural")
    text = str(fit.to_result())
    assert text.startswith("Titration of gp100_natural: EC50 (concentration) 55.6 (95% CI 36.4")


def test_titration_plot_shows_observations_with_error_bars_and_no_curve_without_ec50():
    from matplotlib.container import ErrorbarContainer

    from remission.antigens.screens import demo_screen
    from remission.figures import titration_plot

    plates = demo_screen().plates
    flat = plates.filter(pl.col("antigen") == "gp100_209-217").with_columns(
        pl.lit("gp100_flat").alias("antigen"), pl.lit(300.0).alias("value")
    )
    both = pl.concat([plates, flat])
    fig = titration_plot(fit_titrations(both), both)
    ax = fig.axes[0]
    bars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(bars) == 3  # natural, analog and the flat titration: 7 concentrations each
    assert all(len(c.lines[0].get_xdata()) == 7 for c in bars)
    assert sum(bool(c.lines[2]) for c in bars) == 3  # with their SD bars
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) == 200]
    assert len(curves) == 2  # no curve for the flat titration
