"""Properties of the response derivations: order-free, partition-free, monotone in PD."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from remission.derive import derive_adrs, derive_study
from remission.simulate import simulate
from remission.study import Study

VALUES = ["CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE"]
START = dt.date(2020, 1, 1)


def _shuffled(study: Study, seed: int) -> Study:
    tables = {
        name: t.sample(fraction=1.0, shuffle=True, seed=seed) for name, t in study.tables.items()
    }
    return Study(config=study.config, tables=tables, regimen=study.regimen)


def _sorted(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    return {k: v.sort(v.columns, nulls_last=True) for k, v in frames.items()}


def test_row_order_does_not_change_results() -> None:
    study = simulate(120, 3).study
    a = _sorted(derive_study(study))
    b = _sorted(derive_study(_shuffled(study, 11)))
    for name in a:
        assert a[name].equals(b[name]), name


def test_patients_derive_independently() -> None:
    study = simulate(120, 4).study
    ids = study.patients["patient_id"]
    half = set(ids[:60].to_list())

    def part(keep: bool) -> Study:
        tables = {
            n: t.filter(pl.col("patient_id").is_in(list(half)) == keep)
            for n, t in study.tables.items()
        }
        return Study(config=study.config, tables=tables, regimen=study.regimen)

    whole = _sorted(derive_study(study))
    first, second = derive_study(part(True)), derive_study(part(False))
    for name in ("adtr", "adrs", "adtte"):
        joined = pl.concat([first[name], second[name]])
        assert joined.sort(joined.columns, nulls_last=True).equals(whole[name]), name


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[int, str]]:
    n = draw(st.integers(min_value=0, max_value=7))
    gaps = draw(st.lists(st.integers(min_value=7, max_value=90), min_size=n, max_size=n))
    values = draw(st.lists(st.sampled_from(VALUES), min_size=n, max_size=n))
    day, out = 0, []
    for gap, value in zip(gaps, values, strict=True):
        day += gap
        out.append((day, value))
    return out


def _bor(history: list[tuple[int, str]], param: str) -> str:
    responses = pl.DataFrame(
        {
            "USUBJID": ["s"] * len(history),
            "ADT": [START + dt.timedelta(days=d) for d, _ in history],
            "AVALC": [v for _, v in history],
        },
        schema={"USUBJID": pl.String, "ADT": pl.Date, "AVALC": pl.String},
    )
    subjects = pl.DataFrame(
        {"USUBJID": ["s"], "REFDT": [START], "DTHDT": [None], "MDIS": [True]},
        schema_overrides={"DTHDT": pl.Date},
    )
    adrs = derive_adrs(responses, subjects)
    return adrs.filter(pl.col("PARAMCD") == param)["AVALC"][0]


@settings(max_examples=150, deadline=None)
@given(histories(), st.integers(min_value=1, max_value=200))
def test_a_later_pd_never_improves_best_response(history: list[tuple[int, str]], gap: int) -> None:
    last = history[-1][0] if history else 0
    longer = [*history, (last + gap, "PD")]
    for param in ("BOR", "CBOR"):
        before, after = _bor(history, param), _bor(longer, param)
        if before in ("NE", "MISSING"):
            assert after == "PD"  # the PD is the first evaluable response
        else:
            assert after == before  # a response already reached is never improved (or lost)


SOURCED = ["BOR", "CBOR", "RSP", "CRSP", "CB", "CCB", "BCP", "CBCP", "PD", "LSTA"]


@settings(max_examples=100, deadline=None)
@given(histories(), st.booleans())
def test_each_sourced_value_names_the_analysed_response_of_its_date(
    history: list[tuple[int, str]], same_day: bool
) -> None:
    """SRCDOM/SRCVAR/SRCSEQ of a dated parameter are those of the analysed OVR record of the
    subject's same date (the worst of the date when there are several); undated: none."""
    if same_day and history:  # a second, better response on the last date: never the source
        history = [*history, (history[-1][0], "CR")]
    responses = pl.DataFrame(
        {
            "USUBJID": ["s"] * len(history),
            "ADT": [START + dt.timedelta(days=d) for d, _ in history],
            "AVALC": [v for _, v in history],
            "SEQ": list(range(1, len(history) + 1)),
            "SRCDOM": ["RS"] * len(history),
            "SRCVAR": [f"V{i}" for i in range(len(history))],
        },
        schema={
            "USUBJID": pl.String,
            "ADT": pl.Date,
            "AVALC": pl.String,
            "SEQ": pl.Int64,
            "SRCDOM": pl.String,
            "SRCVAR": pl.String,
        },
    )
    subjects = pl.DataFrame(
        {"USUBJID": ["s"], "REFDT": [START], "DTHDT": [None], "MDIS": [True]},
        schema_overrides={"DTHDT": pl.Date},
    )
    adrs = derive_adrs(responses, subjects)
    source = ["SRCDOM", "SRCVAR", "SRCSEQ"]
    analysed = adrs.filter(pl.col("PARAMCD") == "OVR", pl.col("ANL01FL") == "Y")
    rows = adrs.filter(pl.col("PARAMCD").is_in(SOURCED))
    dated = rows.filter(pl.col("ADT").is_not_null())
    expected = dated.select("PARAMCD", "ADT").join(
        analysed.select("ADT", *source), on="ADT", how="left"
    )
    assert dated.select("PARAMCD", "ADT", *source).equals(expected)
    assert dated.filter(pl.col("SRCSEQ").is_null()).is_empty()
    undated = rows.filter(pl.col("ADT").is_null())
    assert undated.select(pl.all_horizontal(pl.col(source).is_null()).all()).item()
    assert adrs.filter(~pl.col("PARAMCD").is_in([*SOURCED, "OVR"]))["SRCSEQ"].is_null().all()
