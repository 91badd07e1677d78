"""ADRS and ADTTE reproduce pharmaverse's published outputs (TC4 of cases.md) record for record.

Inputs are the SDTM RS records (investigator, OVRLRESP) with admiralonco's date imputation,
ADSL's RANDDT/DTHDT/LSTALVDT and TU's baseline targets; outputs are compared with
``adam_adrs_onco`` (3,694 rows) and ``adam_adtte_onco`` (512 rows). The one expected
difference is the template's CBCP defect (README: CBCP is derived before CBOR exists).
"""

from __future__ import annotations

import polars as pl
import pytest

from remission.derive import derive_adrs, derive_adtte
from tests.derive.pharmaverse import date, needs_pharmaverse, read

pytestmark = needs_pharmaverse

KEY = ["USUBJID", "PARAMCD", "AVALC", "ADT"]


@pytest.fixture(scope="module")
def inputs() -> tuple[pl.DataFrame, pl.DataFrame]:
    rs = read("sdtm_rs_onco_recist").filter(
        (pl.col("RSEVAL") == "INVESTIGATOR") & (pl.col("RSTESTCD") == "OVRLRESP")
    )
    partial = pl.col("RSDTC").str.len_chars() == 7
    responses = rs.select(
        "USUBJID",
        pl.when(partial)
        .then((pl.col("RSDTC") + "-01").str.to_date(strict=False).dt.month_end())
        .otherwise(date("RSDTC"))
        .alias("ADT"),
        pl.col("RSSTRESC").alias("AVALC"),
        pl.col("RSSEQ").cast(pl.Int64).alias("SEQ"),
        pl.when(partial).then(pl.lit("D")).alias("ADTF"),
        pl.lit("RS").alias("SRCDOM"),
        pl.lit("RSSTRESC").alias("SRCVAR"),
    )
    targets = (
        read("sdtm_tu_onco_recist")
        .filter((pl.col("TUSTRESC") == "TARGET") & (pl.col("TUEVAL") == "INVESTIGATOR"))
        .select("USUBJID")
        .unique()
    )
    subjects = read("adam_adsl").select(
        "USUBJID",
        date("RANDDT").alias("REFDT"),
        date("DTHDT").alias("DTHDT"),
        date("LSTALVDT").alias("LSTALVDT"),
        pl.col("USUBJID").is_in(targets["USUBJID"].implode()).alias("MDIS"),
    )
    return responses, subjects


@pytest.fixture(scope="module")
def adrs(inputs: tuple[pl.DataFrame, pl.DataFrame]) -> pl.DataFrame:
    responses, subjects = inputs
    return derive_adrs(responses, subjects, studyid="CDISCPILOT01")


def _keyed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(KEY).with_columns(pl.col("AVALC").fill_null(""))


def test_adrs_record_for_record_against_pharmaverse(adrs: pl.DataFrame) -> None:
    published = _keyed(read("adam_adrs_onco").with_columns(date("ADT").alias("ADT")))
    ours = _keyed(adrs)
    assert ours.height == published.height == 3694
    extra = ours.join(published, on=KEY, how="anti", nulls_equal=True)
    missing = published.join(ours, on=KEY, how="anti", nulls_equal=True)
    # the only difference: the template's CBCP defect for 01-701-1118 (CBOR is PR)
    assert extra.rows() == [("01-701-1118", "CBCP", "Y", extra["ADT"][0])]
    assert missing.rows() == [("01-701-1118", "CBCP", "N", None)]
    cbor = adrs.filter((pl.col("USUBJID") == "01-701-1118") & (pl.col("PARAMCD") == "CBOR"))
    assert cbor["AVALC"].to_list() == ["PR"]


def test_aval_and_flags_against_pharmaverse(adrs: pl.DataFrame) -> None:
    published = (
        read("adam_adrs_onco")
        .select(
            "USUBJID",
            "PARAMCD",
            date("ADT").alias("ADT"),
            pl.col("AVAL").cast(pl.Float64),
            "ANL01FL",
            "ANL02FL",
            "ADTF",
        )
        .filter(pl.col("PARAMCD") == "OVR")
    )
    ours = adrs.filter(pl.col("PARAMCD") == "OVR").select(published.columns)
    assert ours.sort("USUBJID", "ADT").equals(published.sort("USUBJID", "ADT"))


def test_adtte_against_pharmaverse(
    adrs: pl.DataFrame, inputs: tuple[pl.DataFrame, pl.DataFrame]
) -> None:
    _, subjects = inputs
    cols = [
        "USUBJID",
        "PARAMCD",
        "AVAL",
        "STARTDT",
        "ADT",
        "CNSR",
        "EVNTDESC",
        "CNSDTDSC",
        "SRCDOM",
        "SRCVAR",
    ]
    published = read("adam_adtte_onco").select(
        "USUBJID",
        "PARAMCD",
        pl.col("AVAL").cast(pl.Float64),
        date("STARTDT").alias("STARTDT"),
        date("ADT").alias("ADT"),
        pl.col("CNSR").cast(pl.Int64),
        "EVNTDESC",
        "CNSDTDSC",
        "SRCDOM",
        "SRCVAR",
    )
    ours = derive_adtte(adrs, subjects).filter(pl.col("PARAMCD") != "CRDUR").select(cols)
    assert ours.height == published.height == 512
    order = ["USUBJID", "PARAMCD"]
    assert ours.sort(order).equals(published.sort(order))


def test_import_sdtm_then_derive_against_pharmaverse(tmp_path) -> None:
    """The whole chain a user runs: SDTM folder -> read_sdtm -> derive_study -> ADRS, ADTTE."""
    import shutil

    from remission.derive import derive_study
    from remission.sources import read_sdtm
    from tests.derive.pharmaverse import PHARMAVERSE

    for domain, source in [
        ("dm", "sdtm_dm"),
        ("ds", "sdtm_ds"),
        ("ex", "sdtm_ex"),
        ("tu", "sdtm_tu_onco_recist"),
        ("tr", "sdtm_tr_onco_recist"),
        ("rs", "sdtm_rs_onco_recist"),
    ]:
        shutil.copy(PHARMAVERSE / f"{source}.csv", tmp_path / f"{domain}.csv")
    study = read_sdtm(tmp_path, synthetic=True, adsl=PHARMAVERSE / "adam_adsl.csv")
    frames = derive_study(study)
    published = _keyed(read("adam_adrs_onco").with_columns(date("ADT").alias("ADT")))
    ours = _keyed(frames["adrs"])
    assert ours.join(published, on=KEY, how="anti", nulls_equal=True)["PARAMCD"].to_list() == [
        "CBCP"
    ]
    assert published.join(ours, on=KEY, how="anti", nulls_equal=True)["PARAMCD"].to_list() == [
        "CBCP"
    ]
    cols = ["USUBJID", "PARAMCD", "AVAL", "ADT", "CNSR", "EVNTDESC"]
    tte = read("adam_adtte_onco").select(
        "USUBJID",
        "PARAMCD",
        pl.col("AVAL").cast(pl.Float64),
        date("ADT").alias("ADT"),
        pl.col("CNSR").cast(pl.Int64),
        "EVNTDESC",
    )
    ours_tte = frames["adtte"].filter(pl.col("PARAMCD") != "CRDUR").select(cols)
    assert ours_tte.sort("USUBJID", "PARAMCD").equals(tte.sort("USUBJID", "PARAMCD"))
    # recorded and computed (RECIST from TR) responses agree except where RS and TR impute the
    # same partial month differently (RS: last day, TR: first day, as admiralonco does)
    qc = frames["rsqc"]
    assert qc["USUBJID"].unique().to_list() == ["01-701-1015"]
    # each parameter names the study's assessments row (its sequence is RS's RSSEQ)
    seq = read("adam_adrs_onco").filter(pl.col("RSSEQ").is_not_null())
    seq = seq.select(*KEY[:3], date("ADT").alias("ADT"), pl.col("RSSEQ").cast(pl.Int64))
    named = seq.join(frames["adrs"], on=KEY, how="left", nulls_equal=True)
    assert named.height == 70
    assert named.select("SRCDOM", "SRCVAR").unique().rows() == [("assessments", "response")]
    assert named.filter(pl.col("SRCSEQ").cast(pl.Int64).ne_missing(pl.col("RSSEQ"))).is_empty()


def test_source_records_against_pharmaverse(adrs: pl.DataFrame) -> None:
    """Each parameter names the RS record its value came from: our SRCSEQ is the published
    RSSEQ on every record both have (3,693: all but the CBCP defect), null exactly where it is."""
    published = read("adam_adrs_onco").select(
        *KEY[:3], date("ADT").alias("ADT"), pl.col("RSSEQ").cast(pl.Int64)
    )
    both = published.join(adrs.select(*KEY, "SRCSEQ"), on=KEY, how="inner", nulls_equal=True)
    assert both.height == 3693
    assert both.filter(pl.col("RSSEQ").ne_missing(pl.col("SRCSEQ"))).is_empty()
    bor = adrs.filter(pl.col("PARAMCD") == "BOR", pl.col("SRCSEQ").is_not_null())
    assert bor.height == 8
    assert set(bor.select("SRCDOM", "SRCVAR").unique().rows()) == {("RS", "RSSTRESC")}
    death = adrs.filter(pl.col("PARAMCD") == "DEATH", pl.col("AVALC") == "Y")
    assert set(death.select("SRCDOM", "SRCVAR").unique().rows()) == {("ADSL", "DTHDT")}
