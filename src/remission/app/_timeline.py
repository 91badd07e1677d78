"""One patient's story: every dose given or held, every scan, the lymphocytes, the outcome."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from matplotlib import pyplot as plt

from remission.analysis._followup import DAYS_PER_MONTH
from remission.app._data import StudyData
from remission.figures import patient_timeline_plot
from remission.protocol import DEFAULT_HOLD_RULES

DAY = pl.duration(days=1)


@dataclass(frozen=True)
class Timeline:
    """A patient's records, each on the days from the start of treatment (day 0).

    Parameters
    ----------
    patient : str
        The patient identifier (``USUBJID``).
    summary : list of (str, str)
        Label and value: histology, sex, age, start of treatment, best confirmed response,
        doses given and held, CR duration, and each time-to-event with its censoring.
    doses : polars.DataFrame
        Every scheduled dose: ``course``, ``cycle``, ``dose``, ``scheduled``, ``status``,
        ``given at``, ``hold reason``, ``day``.
    scans : polars.DataFrame
        Every lesion measurement: ``date``, ``day``, ``lesion``, ``site``, ``target``,
        ``longest (mm)``, ``perpendicular (mm)``, ``state``, with the assessment's
        ``burden``, ``change (%)`` and time-point ``response``.
    lymphocytes : polars.DataFrame
        ``drawn at``, ``day``, ``cells/uL``, ``phase`` and ``peak`` (the cycle's maximal
        rebound).
    events : polars.DataFrame
        ``day`` and ``label`` of the outcome's milestones.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> from remission.app import study_data
    >>> data = study_data(simulate_study(n_patients=20, seed=1))
    >>> t = patient_timeline(data, data.frames["adsl"]["USUBJID"][0])
    >>> t.doses_given() == data.frames["adex"].filter(
    ...     (pl.col("USUBJID") == t.patient) & (pl.col("PARAMCD") == "DOSGIVN")
    ...     & pl.col("COURSE").is_null())["AVAL"].item()
    True
    """

    patient: str
    summary: list[tuple[str, str]]
    doses: pl.DataFrame
    scans: pl.DataFrame
    lymphocytes: pl.DataFrame
    events: pl.DataFrame

    def doses_given(self) -> int:
        """The number of doses given.

        Returns
        -------
        int
            Rows of ``doses`` with status ``given``.

        Examples
        --------
        >>> doses = pl.DataFrame({"status": ["given", "held"]})
        >>> Timeline("p", [], doses, *[None] * 3).doses_given()
        1
        """
        return int((self.doses["status"] == "given").sum())

    def doses_held(self) -> int:
        """The number of doses held.

        Returns
        -------
        int
            Rows of ``doses`` with status ``held``.

        Examples
        --------
        >>> doses = pl.DataFrame({"status": ["given", "held"]})
        >>> Timeline("p", [], doses, *[None] * 3).doses_held()
        1
        """
        return int((self.doses["status"] == "held").sum())


def _days(column: str, start: object) -> pl.Expr:
    moment = pl.col(column).cast(pl.Datetime("us"))
    return ((moment - pl.lit(start).cast(pl.Datetime("us"))) / DAY).alias("day")


def _months(days: float | None) -> str:
    return "" if days is None else f"{days / DAYS_PER_MONTH:.1f} months"


def _outcomes(adtte: pl.DataFrame) -> list[tuple[str, str]]:
    out = []
    for row in adtte.sort("PARAMCD").iter_rows(named=True):
        if row["CNSR"] == 0:
            status = f"event: {row['EVNTDESC'] or 'event'} on {row['ADT']}"
        else:
            status = f"censored: {row['CNSDTDSC'] or 'censored'} on {row['ADT']}"
        out.append((row["PARAM"] or row["PARAMCD"], f"{_months(row['AVAL'])} ({status})"))
    return out


def patient_ids(data: StudyData) -> list[str]:
    """Every patient of the study, in ADSL order.

    Parameters
    ----------
    data : StudyData
        The study and its derived datasets.

    Returns
    -------
    list of str
        The ``USUBJID`` of every patient.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> from remission.app import study_data
    >>> patient_ids(study_data(simulate_study(n_patients=20, seed=1)))[:2]
    ['SYN-0001', 'SYN-0002']
    """
    return data.frames["adsl"]["USUBJID"].to_list()


def patient_timeline(data: StudyData, patient: str) -> Timeline:
    """Gather one patient's doses, scans, lymphocytes and outcome on one time axis.

    Parameters
    ----------
    data : StudyData
        The study and its derived datasets.
    patient : str
        The patient identifier.

    Returns
    -------
    Timeline
        The patient's records; day 0 is the start of treatment (the reference date).

    Raises
    ------
    KeyError
        When the study has no such patient.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> from remission.app import study_data
    >>> data = study_data(simulate_study(n_patients=20, seed=1))
    >>> t = patient_timeline(data, "SYN-0002")
    >>> t.summary[0], t.doses.columns[:3]
    (('patient', 'SYN-0002'), ['course', 'cycle', 'dose'])
    """
    adsl = data.frames["adsl"].filter(pl.col("USUBJID") == patient)
    if adsl.is_empty():
        raise KeyError(patient)
    subject = adsl.row(0, named=True)
    start = subject["REFDT"] or subject["TRTSDT"]
    study = data.study

    def records(table: str) -> pl.DataFrame:
        return study.table(table).filter(pl.col("patient_id") == patient)

    rules = study.regimen.hold_rules if study.regimen is not None else DEFAULT_HOLD_RULES
    describe = rules.describe  # the criterion's words, not its identifier
    doses = (
        records("doses")
        .sort("scheduled_at")
        .select(
            pl.col("course"),
            pl.col("cycle"),
            pl.col("dose_number").alias("dose"),
            pl.col("scheduled_at").alias("scheduled"),
            pl.col("status"),
            pl.col("given_at").alias("given at"),
            pl.col("hold_reason")
            .map_elements(describe, return_dtype=pl.String)
            .alias("hold reason"),
            _days("scheduled_at", start).round(2),
        )
    )
    adtr = data.frames.get("adtr", pl.DataFrame(schema={"USUBJID": pl.String}))
    burden = (
        adtr.filter(pl.col("USUBJID") == patient).select(
            pl.col("ADT").alias("date"),
            pl.col("AVAL").alias("burden"),
            pl.col("PCHG").round(1).alias("change (%)"),
            pl.col("OVRLRESP").alias("response"),
        )
        if adtr.height
        else pl.DataFrame(
            schema={
                "date": pl.Date,
                "burden": pl.Float64,
                "change (%)": pl.Float64,
                "response": pl.String,
            }
        )
    )
    lesions = records("lesions").select("lesion_id", "site", "target")
    scans = (
        records("measurements")
        .join(lesions, on="lesion_id", how="left")
        .join(burden, left_on="assessed_on", right_on="date", how="left")
        .sort("assessed_on", "lesion_id")
        .select(
            pl.col("assessed_on").alias("date"),
            _days("assessed_on", start).round(0).cast(pl.Int64),
            pl.col("lesion_id").alias("lesion"),
            "site",
            pl.col("target").replace_strict({True: "yes", False: "no"}, default=None),
            pl.col("longest_mm").alias("longest (mm)"),
            pl.col("perpendicular_mm").alias("perpendicular (mm)"),
            "state",
            "burden",
            "change (%)",
            "response",
        )
    )
    adlb = data.frames.get("adlb", pl.DataFrame(schema={"USUBJID": pl.String}))
    labs = adlb.filter(pl.col("USUBJID") == patient) if adlb.height else adlb
    if labs.height:
        peaks = labs.filter(pl.col("PARAMCD") == "LYMMAX").select("ADTM").unique()
        lymphocytes = (
            labs.filter(pl.col("PARAMCD") == "LYMPH")
            .sort("ADTM")
            .select(
                pl.col("ADTM").alias("drawn at"),
                _days("ADTM", start).round(2),
                pl.col("AVAL").alias("cells/uL"),
                pl.col("APHASE").alias("phase"),
                pl.col("ADTM").is_in(peaks["ADTM"].implode()).alias("peak"),
            )
        )
    else:
        lymphocytes = pl.DataFrame(
            schema={
                "drawn at": pl.Datetime("us"),
                "day": pl.Float64,
                "cells/uL": pl.Float64,
                "phase": pl.String,
                "peak": pl.Boolean,
            }
        )
    adrs = data.frames["adrs"].filter(pl.col("USUBJID") == patient)
    adtte = data.frames["adtte"].filter(pl.col("USUBJID") == patient)
    milestones = []
    for code, label in (("RSP", "first response"), ("PD", "progression")):
        rows = adrs.filter((pl.col("PARAMCD") == code) & (pl.col("AVALC") == "Y"))
        if rows.height and rows["ADT"][0] is not None:
            milestones.append((rows["ADT"][0], label))
    first_cr = adrs.filter((pl.col("PARAMCD") == "OVR") & (pl.col("AVALC") == "CR"))
    if first_cr.height:
        milestones.append((first_cr["ADT"].min(), "first CR"))
    if subject["DTHDT"] is not None:
        milestones.append((subject["DTHDT"], "death"))
    elif subject["LSTALVDT"] is not None:
        milestones.append((subject["LSTALVDT"], "last known alive"))
    events = pl.DataFrame(
        milestones, schema={"date": pl.Date, "label": pl.String}, orient="row"
    ).select(_days("date", start).cast(pl.Float64), "label")
    timeline = Timeline(patient, [], doses, scans, lymphocytes, events)
    crdur = adtte.filter(pl.col("PARAMCD") == "CRDUR")
    summary = [
        ("patient", patient),
        ("histology", str(subject["HISTOL"])),
        ("sex", str(subject["SEX"])),
        ("age at start", "" if subject["AGE"] is None else f"{subject['AGE']:.0f} years"),
        ("start of treatment", str(subject["TRTSDT"])),
        ("best confirmed response", str(subject["CBOR"])),
        (
            "doses given / held",
            f"{timeline.doses_given()} given, {timeline.doses_held()} held",
        ),
        (
            "CR duration",
            "no complete response"
            if crdur.is_empty()
            else _months(crdur["AVAL"][0])
            + (" (censored)" if crdur["CNSR"][0] == 1 else " (relapsed)"),
        ),
        *_outcomes(adtte),
    ]
    return Timeline(patient, summary, doses, scans, lymphocytes, events)


def timeline_figure(timeline: Timeline) -> plt.Figure:
    """Draw the timeline with ``remission.figures.patient_timeline_plot``.

    Parameters
    ----------
    timeline : Timeline
        From ``patient_timeline``.

    Returns
    -------
    matplotlib.figure.Figure
        Doses, tumor burden with time-point responses, lymphocytes with the rebound.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> from remission.app import study_data
    >>> data = study_data(simulate_study(n_patients=20, seed=1))
    >>> len(timeline_figure(patient_timeline(data, "SYN-0001")).axes)
    3
    """
    burden = (
        timeline.scans.select("day", pl.col("burden").alias("value"), "response")
        .unique("day", keep="first")
        .drop_nulls("value")
        .sort("day")
        .with_columns(pl.col("day").cast(pl.Float64))
    )
    return patient_timeline_plot(
        timeline.doses.select("day", "status"),
        burden,
        timeline.lymphocytes.select(
            "day",
            pl.col("cells/uL").alias("value"),
            (pl.col("phase") == "rebound").fill_null(False).alias("rebound"),
            "peak",
        ),
        timeline.events,
        title=f"Patient {timeline.patient}",
    )
