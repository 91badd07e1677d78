"""The cohort filter: which patients the app's views show, and the counts that follow."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import polars as pl

from remission.analysis import clopper_pearson

MISSING = "missing"
"""How a filter choice names an unrecorded value (e.g. ECOG not recorded)."""

FILTER_COLUMNS = {
    "histology": ("HISTOL", "Histology"),
    "sex": ("SEX", "Sex"),
    "ecog": ("ECOG", "ECOG performance status"),
    "prior_immunotherapy": ("PRIORIT", "Prior immunotherapy"),
    "best_response": ("CBOR", "Best confirmed response"),
}
"""Each categorical filter: its ADSL column and label."""

DOSE_COLUMN = "C1DOSES"
"""The dose filter's column: doses of IL-2 given in course 1 (the 1998 paper's total dose)."""

RESPONSE_ORDER = ("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE", "MISSING")


@dataclass(frozen=True)
class Filters:
    """A cohort filter: an empty choice keeps every patient.

    Parameters
    ----------
    histology, sex, ecog, prior_immunotherapy, best_response : tuple of str
        The values kept (``"missing"`` keeps patients without a value); empty keeps all.
    doses : tuple of (float, float), optional
        The inclusive range of doses given in course 1 (``C1DOSES``).

    Examples
    --------
    >>> Filters(histology=("melanoma",)).active()
    ['histology']
    """

    histology: tuple[str, ...] = ()
    sex: tuple[str, ...] = ()
    ecog: tuple[str, ...] = ()
    prior_immunotherapy: tuple[str, ...] = ()
    best_response: tuple[str, ...] = ()
    doses: tuple[float, float] | None = None

    def active(self) -> list[str]:
        """The names of the filters that restrict the cohort.

        Returns
        -------
        list of str
            Filter names, in the sidebar's order.

        Examples
        --------
        >>> Filters(sex=("F",), doses=(2.0, 9.0)).active()
        ['sex', 'doses']
        """
        names = [name for name in FILTER_COLUMNS if getattr(self, name)]
        return [*names, "doses"] if self.doses is not None else names


def _as_text(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).fill_null(MISSING)


def filter_choices(adsl: pl.DataFrame) -> dict[str, list[str]]:
    """The values each categorical filter offers, as the ADSL holds them.

    Parameters
    ----------
    adsl : polars.DataFrame
        The subject-level dataset.

    Returns
    -------
    dict of str to list of str
        Filter name to its values (best responses in clinical order, others sorted;
        ``"missing"`` last when some patient has no value).

    Examples
    --------
    >>> adsl = pl.DataFrame({"HISTOL": ["renal", "melanoma"], "SEX": ["F", None],
    ...     "ECOG": [0, 1], "PRIORIT": ["N", "Y"], "CBOR": ["PD", "CR"]})
    >>> filter_choices(adsl)["best_response"], filter_choices(adsl)["sex"]
    (['CR', 'PD'], ['F', 'missing'])
    """
    out = {}
    for name, (column, _) in FILTER_COLUMNS.items():
        if column not in adsl.columns:
            out[name] = []
            continue
        values = set(adsl.select(_as_text(column)).to_series().unique().to_list())
        if name == "best_response":
            known = [v for v in RESPONSE_ORDER if v in values]
            ordered = known + sorted(values - set(known))
        else:
            ordered = sorted(values - {MISSING}) + ([MISSING] if MISSING in values else [])
        out[name] = ordered
    return out


def dose_range(adsl: pl.DataFrame) -> tuple[float, float]:
    """The smallest and largest number of course-1 doses (0, 0 when none is recorded).

    Parameters
    ----------
    adsl : polars.DataFrame
        The subject-level dataset.

    Returns
    -------
    tuple of (float, float)
        The range of ``C1DOSES``.

    Examples
    --------
    >>> dose_range(pl.DataFrame({"C1DOSES": [3.0, 14.0, None]}))
    (3.0, 14.0)
    """
    values = adsl[DOSE_COLUMN].drop_nulls() if DOSE_COLUMN in adsl.columns else pl.Series([])
    if values.is_empty():
        return 0.0, 0.0
    return float(values.min()), float(values.max())


def filter_adsl(adsl: pl.DataFrame, filters: Filters) -> pl.DataFrame:
    """The patients the filter keeps.

    Parameters
    ----------
    adsl : polars.DataFrame
        The subject-level dataset.
    filters : Filters
        The choices.

    Returns
    -------
    polars.DataFrame
        The ADSL rows kept, in their order.

    Examples
    --------
    >>> adsl = pl.DataFrame({"USUBJID": ["a", "b", "c"], "HISTOL": ["renal", "melanoma",
    ...     "melanoma"], "C1DOSES": [10.0, 12.0, 4.0]})
    >>> filter_adsl(adsl, Filters(histology=("melanoma",), doses=(5, 15)))["USUBJID"].to_list()
    ['b']
    """
    keep = pl.lit(True)
    for name, (column, _) in FILTER_COLUMNS.items():
        chosen = getattr(filters, name)
        if chosen and column in adsl.columns:
            keep = keep & _as_text(column).is_in(list(chosen))
    if filters.doses is not None and DOSE_COLUMN in adsl.columns:
        low, high = filters.doses
        keep = keep & pl.col(DOSE_COLUMN).is_between(low, high).fill_null(False)
    return adsl.filter(keep)


class FilteredFrames(Mapping[str, pl.DataFrame]):
    """The derived datasets of the patients of a filtered ADSL, each filtered when first read.

    A view reads two or three datasets; on 100,000 patients ADEX and ADLB hold millions of
    rows, so a dataset is filtered only when a view asks for it, and then once.

    Parameters
    ----------
    frames : mapping of str to polars.DataFrame
        The derived datasets.
    adsl : polars.DataFrame
        The filtered ADSL.

    Examples
    --------
    >>> frames = {"adsl": pl.DataFrame({"USUBJID": ["a", "b"]}),
    ...           "adrs": pl.DataFrame({"USUBJID": ["b", "a"], "AVALC": ["PD", "CR"]})}
    >>> filtered = FilteredFrames(frames, frames["adsl"].head(1))
    >>> sorted(filtered), filtered["adrs"]["AVALC"].to_list()
    (['adrs', 'adsl'], ['CR'])
    """

    def __init__(self, frames: Mapping[str, pl.DataFrame], adsl: pl.DataFrame) -> None:
        self._frames = frames
        self._ids = adsl.select("USUBJID")
        self._done: dict[str, pl.DataFrame] = {"adsl": adsl}

    def __getitem__(self, name: str) -> pl.DataFrame:
        if name not in self._done:
            frame = self._frames[name]
            self._done[name] = frame.join(
                self._ids, on="USUBJID", how="semi", maintain_order="left"
            )
        return self._done[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)


def filter_frames(
    frames: Mapping[str, pl.DataFrame], adsl: pl.DataFrame
) -> Mapping[str, pl.DataFrame]:
    """Every derived dataset restricted to the patients of a filtered ADSL.

    Parameters
    ----------
    frames : mapping of str to polars.DataFrame
        The derived datasets.
    adsl : polars.DataFrame
        The filtered ADSL (``filter_adsl``).

    Returns
    -------
    mapping of str to polars.DataFrame
        The same datasets with only those patients' rows (``FilteredFrames``: each is
        filtered when first read); ``adsl`` is the one given.

    Examples
    --------
    >>> frames = {"adsl": pl.DataFrame({"USUBJID": ["a", "b"]}),
    ...           "adrs": pl.DataFrame({"USUBJID": ["a", "a", "b"], "AVALC": ["PR", "CR", "PD"]})}
    >>> filter_frames(frames, frames["adsl"].head(1))["adrs"]["AVALC"].to_list()
    ['PR', 'CR']
    """
    return FilteredFrames(frames, adsl)


def cohort_counts(adsl: pl.DataFrame) -> pl.DataFrame:
    """Patients by histology and in all, with complete and objective responders.

    Parameters
    ----------
    adsl : polars.DataFrame
        The (filtered) ADSL.

    Returns
    -------
    polars.DataFrame
        ``histology``, ``patients``, ``CR``, ``CR + PR``; the last row is ``all``.

    Examples
    --------
    >>> adsl = pl.DataFrame({"HISTOL": ["renal", "melanoma", "melanoma"],
    ...     "CRFL": ["N", "Y", "N"], "ORFL": ["Y", "Y", "N"]})
    >>> cohort_counts(adsl).rows()
    [('melanoma', 2, 1, 1), ('renal', 1, 0, 1), ('all', 3, 1, 2)]
    """

    def count(frame: pl.DataFrame) -> list[pl.Expr]:
        return [
            pl.len().cast(pl.Int64).alias("patients"),
            (pl.col("CRFL") == "Y").sum().cast(pl.Int64).alias("CR"),
            (pl.col("ORFL") == "Y").sum().cast(pl.Int64).alias("CR + PR"),
        ]

    by = (
        adsl.group_by(pl.col("HISTOL").cast(pl.String).alias("histology"))
        .agg(count(adsl))
        .sort("histology")
    )
    total = adsl.select(pl.lit("all").alias("histology"), *count(adsl))
    return pl.concat([by, total])


def response_summary(adsl: pl.DataFrame) -> pl.DataFrame:
    """Best confirmed response of the cohort: n, % and exact (Clopper-Pearson) 95% CI.

    Parameters
    ----------
    adsl : polars.DataFrame
        The (filtered) ADSL.

    Returns
    -------
    polars.DataFrame
        ``response`` (each best response present, then ``CR + PR``), ``n``, ``%``,
        ``95% CI`` (text).

    Examples
    --------
    >>> adsl = pl.DataFrame({"CBOR": ["CR", "PD", "PD", "PR"]})
    >>> response_summary(adsl).select("response", "n").rows()
    [('CR', 1), ('PR', 1), ('PD', 2), ('CR + PR', 2)]
    """
    n = adsl.height
    best = adsl["CBOR"].fill_null("MISSING")
    present = set(best.unique().to_list())
    rows = [(r, int((best == r).sum())) for r in RESPONSE_ORDER if r in present]
    rows += [(r, int((best == r).sum())) for r in sorted(present - set(RESPONSE_ORDER))]
    rows.append(("CR + PR", int(best.is_in(["CR", "PR"]).sum())))
    out = []
    for label, k in rows:
        if n:
            low, high = clopper_pearson(k, n)
            out.append((label, k, 100 * k / n, f"{100 * low:.1f}–{100 * high:.1f}"))
        else:
            out.append((label, k, None, ""))
    return pl.DataFrame(
        out,
        schema={"response": pl.String, "n": pl.Int64, "%": pl.Float64, "95% CI": pl.String},
        orient="row",
    ).with_columns(pl.col("%").round(1))
