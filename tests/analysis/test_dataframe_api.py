"""One calling convention: a DataFrame and column names give the array forms' numbers exactly.

Every function of ``remission.analysis`` that takes data takes it as a DataFrame (polars, or
pandas) plus column names; the count-table and array forms still work. These tests check that
the two forms agree bit for bit, that categorical covariates are coded for Cox as for the
logistic model (one helper), and that a wrong call says which column is wrong.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from remission.analysis import (
    chisq_test,
    cox_regression,
    fisher_test,
    kaplan_meier,
    logistic_regression,
    logrank_test,
    wilcoxon_test,
)
from tests.analysis.r_data import melanoma, veteran


def _same_result(a: object, b: object) -> None:
    """Every number equal (==, not approximately); the detail tables' numbers too."""
    for field in ("estimate", "ci", "statistic", "df", "p_value", "n", "method", "not_estimable"):
        assert getattr(a, field) == getattr(b, field), field


def test_fisher_and_chisq_from_columns_equal_the_count_table() -> None:
    mel = melanoma()
    ulcer, sex = mel["ulcer"].to_numpy(), mel["sex"].to_numpy()
    counts = [[int(np.sum((ulcer == u) & (sex == s))) for s in (0, 1)] for u in (0, 1)]
    for data_form, table_form in (
        (fisher_test(mel, "ulcer", "sex"), fisher_test(counts)),
        (fisher_test(mel, "ulcer", "sex", conf_level=0.9), fisher_test(counts, conf_level=0.9)),
        (chisq_test(mel, "ulcer", "sex"), chisq_test(counts)),
        (chisq_test(mel, "ulcer", "sex", correct=False), chisq_test(counts, correct=False)),
    ):
        _same_result(data_form, table_form)
        assert data_form.name == "sex by ulcer"
    assert fisher_test(mel, "ulcer", "sex").table.rows() == [
        ("0", *counts[0]),
        ("1", *counts[1]),
    ]
    assert fisher_test(counts).name == "Fisher's exact test"  # the count-table form unchanged
    chi = chisq_test(mel, "ulcer", "sex").table
    assert chi.drop("row_level", "column_level").equals(
        chisq_test(counts).table.drop("row_level", "column_level")
    )
    assert chisq_test(counts).table["row_level"].to_list() == ["row1", "row1", "row2", "row2"]


def test_fisher_r_by_c_and_level_orders() -> None:
    """An Enum keeps its order; Booleans are False, True; text is sorted; missing left out."""
    vet = veteran()
    order = ["squamous", "smallcell", "adeno", "large"]
    enum = vet.with_columns(pl.col("celltype").cast(pl.Enum(order)))
    r = fisher_test(enum, "celltype", "status")
    assert r.table["celltype"].to_list() == order
    assert fisher_test(vet, "celltype", "status").table["celltype"].to_list() == sorted(order)
    counts = [
        [int(((vet["celltype"] == c) & (vet["status"] == s)).sum()) for s in (0, 1)] for c in order
    ]
    _same_result(r, fisher_test(counts))
    df = pl.DataFrame(
        {"prior": [True, False, None, True, False, True], "cr": ["Y", "N", "Y", None, "Y", "N"]}
    )
    r = fisher_test(df, "prior", "cr")
    assert r.table.rows() == [("False", 1, 1), ("True", 1, 1)]
    assert r.n == 4
    assert r.notes == ("2 rows with a missing prior or cr left out",)


def test_wilcoxon_by_group_equals_two_samples() -> None:
    mel = melanoma()
    x = mel.filter(pl.col("ulcer") == 0)["thickness"]
    y = mel.filter(pl.col("ulcer") == 1)["thickness"]
    for kwargs in ({}, {"exact": False, "correct": False}):
        data_form = wilcoxon_test(mel, value="thickness", by="ulcer", **kwargs)
        _same_result(data_form, wilcoxon_test(x, y, **kwargs))
        assert data_form.table["sample"].to_list() == ["ulcer=0", "ulcer=1"]
        assert data_form.name == "thickness by ulcer"
    # the first level is x: reversing the groups gives W' = n_x n_y - W, the same p-value
    flipped = wilcoxon_test(
        mel.with_columns(ulcer=1 - pl.col("ulcer")), value="thickness", by="ulcer"
    )
    assert flipped.statistic == x.len() * y.len() - data_form.statistic
    exact = wilcoxon_test(
        pl.DataFrame({"v": [1.1, 2.3, 3.5, 7.2, 4.0, 5.1, 6.3, 8.4, 9.9], "g": list("aaaabbbbb")}),
        value="v",
        by="g",
    )
    _same_result(exact, wilcoxon_test([1.1, 2.3, 3.5, 7.2], [4.0, 5.1, 6.3, 8.4, 9.9]))
    assert "exact" in exact.method


def test_kaplan_meier_and_logrank_from_columns_equal_the_arrays() -> None:
    mel = melanoma()
    for conf in ("log", "log-log", "plain"):
        data_form = kaplan_meier(mel, duration="time", event="event", group="ulcer", conf_type=conf)
        arrays = kaplan_meier(
            mel["time"], mel["event"], mel["ulcer"], conf_type=conf, group_name="ulcer"
        )
        assert data_form.table.equals(arrays.table)
        assert data_form.n.equals(arrays.n)
        assert data_form.median().equals(arrays.median())
    assert kaplan_meier(mel, duration="time", event="event").strata() == ["all"]
    assert kaplan_meier(
        mel, duration="time", event="event", group="ulcer", group_name="u"
    ).strata() == [
        "u=0",
        "u=1",
    ]
    data_form = logrank_test(mel, duration="time", event="event", group="ulcer", strata="sex")
    arrays = logrank_test(mel["time"], mel["event"], mel["ulcer"], strata=mel["sex"])
    _same_result(data_form, arrays)
    assert data_form.table.equals(arrays.table)
    assert data_form.name == "time by ulcer"
    assert arrays.name == "log-rank test"


def test_survival_data_forms_leave_incomplete_rows_out() -> None:
    """As R's survfit and survdiff (na.omit); the array form is given the complete rows."""
    mel = melanoma().with_columns(
        time=pl.when(pl.col("year") == 1970).then(None).otherwise(pl.col("time")),
        ulcer=pl.when(pl.col("age") > 85).then(None).otherwise(pl.col("ulcer")),
    )
    complete = mel.drop_nulls(["time", "event", "ulcer"])
    assert 0 < complete.height < mel.height
    km = kaplan_meier(mel, duration="time", event="event", group="ulcer")
    by_hand = kaplan_meier(
        complete["time"], complete["event"], complete["ulcer"], group_name="ulcer"
    )
    assert km.table.equals(by_hand.table)
    assert km.n["n"].sum() == complete.height
    test = logrank_test(mel, duration="time", event="event", group="ulcer")
    _same_result(test, logrank_test(complete["time"], complete["event"], complete["ulcer"]))
    missing = mel.height - complete.height
    assert test.notes[0] == f"{missing} rows with a missing time, event or ulcer left out"


def test_km_summary_is_the_table_at_event_times() -> None:
    """summary() keeps the table's numbers at the event times; only n_censor accumulates."""
    km = kaplan_meier(
        melanoma(), duration="time", event="event", group="ulcer", conf_type="log-log"
    )
    events = km.table.filter(pl.col("n_event") > 0)
    summary = km.summary()
    same = ["strata", "time", "n_risk", "n_event", "surv", "std_err_surv", "lower", "upper"]
    assert summary.select(same).equals(events.select(same))
    # the censorings shown plus those after each stratum's last event are all of them
    last_event = events.group_by("strata").agg(pl.col("time").max().alias("last"))
    after = km.table.join(last_event, on="strata").filter(pl.col("time") > pl.col("last"))
    assert summary["n_censor"].sum() + after["n_censor"].sum() == km.table["n_censor"].sum()


def test_cox_codes_categories_as_logistic_regression() -> None:
    """One coder: the same terms as glm's, and the numbers of hand-made 0/1 columns."""
    vet = veteran().with_columns(
        prior_yes=pl.col("prior") == 10, long=(pl.col("time") > 100).cast(pl.Int64)
    )
    cox = cox_regression(vet, "time", "status", ["celltype", "prior_yes", "karno"])
    glm = logistic_regression(vet, "long", ["celltype", "prior_yes", "karno"])
    assert cox.table["term"].to_list() == glm.table["term"].to_list()[1:]
    assert cox.table["term"].to_list() == [
        "celltypelarge",
        "celltypesmallcell",
        "celltypesquamous",
        "prior_yesTRUE",
        "karno",
    ]
    dummies = vet.with_columns(
        (pl.col("celltype") == level).cast(pl.Float64).alias(f"celltype{level}")
        for level in ("large", "smallcell", "squamous")
    ).with_columns(prior_yesTRUE=pl.col("prior_yes").cast(pl.Float64))
    by_hand = cox_regression(dummies, "time", "status", cox.table["term"].to_list())
    assert cox.table.equals(by_hand.table)
    _same_result(cox, by_hand)


def test_cox_categorical_not_estimable_and_missing() -> None:
    """A level without variation is R's NA; rows missing a covariate are left out."""
    df = pl.DataFrame(
        {
            "t": [5, 6, 7, 8, 9, 10, 11, 12, 13],
            "e": [1, 1, 1, 0, 1, 1, 0, 1, 1],
            "site": ["lung", "liver", "skin", "lung", "liver", "skin", "lung", "liver", None],
            "x": [1.0, 0.0, 1.0, 0.0, float("nan"), 1.0, 0.0, 1.0, 0.0],
            "arm": ["a"] * 9,
        }
    )
    r = cox_regression(df, "t", "e", ["site", "arm", "x"])
    assert r.n == 7  # the missing site and the NaN x
    assert r.table["term"].to_list() == ["sitelung", "siteskin", "x"]  # arm has one level
    complete = df.filter(pl.col("site").is_not_null() & pl.col("x").is_not_nan())
    _same_result(r, cox_regression(complete, "t", "e", ["site", "x"]))


def test_pandas_data_give_the_same_numbers() -> None:
    mel = melanoma()
    pdf = pd.DataFrame({c: mel[c].to_numpy() for c in mel.columns})
    _same_result(fisher_test(pdf, "ulcer", "sex"), fisher_test(mel, "ulcer", "sex"))
    _same_result(chisq_test(pdf, "ulcer", "sex"), chisq_test(mel, "ulcer", "sex"))
    _same_result(
        wilcoxon_test(pdf, value="age", by="sex"), wilcoxon_test(mel, value="age", by="sex")
    )
    km = kaplan_meier(pdf, duration="time", event="event", group="ulcer")
    assert km.table.equals(kaplan_meier(mel, duration="time", event="event", group="ulcer").table)
    _same_result(
        cox_regression(pdf, "time", "event", ["ulcer", "age"]),
        cox_regression(mel, "time", "event", ["ulcer", "age"]),
    )
    _same_result(
        logistic_regression(pdf, "event", ["ulcer", "thickness"]),
        logistic_regression(mel, "event", ["ulcer", "thickness"]),
    )
    # a pandas categorical keeps its category order: squamous is the reference level
    vet = veteran()
    order = ["squamous", "smallcell", "adeno", "large"]
    pvet = pd.DataFrame({c: vet[c].to_numpy() for c in vet.columns})
    pvet["celltype"] = pd.Categorical(pvet["celltype"], categories=order)
    pvet.loc[0, "karno"] = np.nan  # a missing value is left out, as in polars
    expected = cox_regression(
        vet.with_columns(pl.col("celltype").cast(pl.Enum(order))).slice(1),
        "time",
        "status",
        ["celltype", "karno"],
    )
    ours = cox_regression(pvet, "time", "status", ["celltype", "karno"])
    assert ours.table["term"].to_list() == [
        "celltypesmallcell",
        "celltypeadeno",
        "celltypelarge",
        "karno",
    ]
    _same_result(ours, expected)


def test_wrong_calls_name_the_column() -> None:
    """The messages are part of the interface (snapshots)."""
    df = pl.DataFrame(
        {"dose": [1.0, 2.0, 3.0, 4.0], "arm": ["a", "b", "c", "a"], "cr": ["N", "N", "N", None]}
    )
    with pytest.raises(ValueError) as err:
        wilcoxon_test(df, value="dose", by="arm")
    assert str(err.value) == (
        "grouping column 'arm' must take exactly two values among the 4 rows with 'dose' "
        "present; found 3 (a, b, c)"
    )
    with pytest.raises(ValueError) as err:
        wilcoxon_test(df, value="dose", by="cr")
    assert str(err.value) == (
        "grouping column 'cr' must take exactly two values among the 3 rows with 'dose' "
        "present; found 1 (N)"
    )
    with pytest.raises(ValueError) as err:
        wilcoxon_test(df, value="doses", by="arms")
    assert str(err.value) == (
        "columns not in the data: doses, arms ('doses': did you mean 'dose'?; "
        "'arms': did you mean 'arm'?)"
    )
    with pytest.raises(ValueError) as err:
        fisher_test(df, "arm", "cr")
    assert str(err.value) == (
        "column 'cr' needs at least two distinct values for a contingency table; found 1 (N) "
        "among the 3 rows with both values"
    )
    with pytest.raises(ValueError, match=r"^columns not in the data: site$"):
        cox_regression(df, "dose", "cr", ["site"])
    with pytest.raises(TypeError) as err:
        fisher_test([[3, 1], [1, 3]], 0.9)
    assert str(err.value) == (
        "fisher_test(data, row, column): row and column name two columns of the data "
        "(got 0.9, None); pass other options by keyword"
    )
    with pytest.raises(TypeError, match=r"data must be a DataFrame, not list"):
        chisq_test([[3, 1], [1, 3]], "a", "b")
    with pytest.raises(ValueError) as err:
        kaplan_meier(df, event="cr")
    assert str(err.value) == (
        "with a DataFrame, name the columns: kaplan_meier(data, duration=..., event=..., group=...)"
    )
    with pytest.raises(ValueError, match="need the DataFrame first"):
        kaplan_meier([1, 2], "cr")
    with pytest.raises(ValueError, match=r"wilcoxon_test\(data, value=\.\.\., by=\.\.\.\)"):
        wilcoxon_test(df, [1.0, 2.0])
    with pytest.raises(ValueError, match="pass the DataFrame first"):
        wilcoxon_test([1.0, 2.0], value="dose", by="arm")
    with pytest.raises(ValueError, match="needs two samples"):
        wilcoxon_test([1.0, 2.0])
    with pytest.raises(ValueError) as err:
        wilcoxon_test(df, value="arm", by="cr")
    assert str(err.value) == "value column 'arm' must be numeric, not String"
