"""Hold and stop rules for high-dose IL-2 as data, and ``check_dose``.

Each scheduled dose is checked against named criteria: a *relative* criterion holds that one
dose, an *absolute* one stops the cycle; the counting rule stops the cycle at the third held
dose or when three relative criteria fire at once. The thresholds are the expert consensus of
Dutcher JP et al., J Immunother Cancer 2014;2:26 (Table 3), as summarised in DOMAIN.md §2;
every one is a parameter, because centres differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

Kind = Literal["relative", "absolute"]
Action = Literal["give", "hold", "stop"]

DUTCHER_2014 = "Dutcher JP et al. J Immunother Cancer 2014;2:26, Table 3"

VARIABLES: dict[str, str] = {
    "urine_ml_per_8h": "urine output over the 8-hour shift (mL)",
    "creatinine_mg_dl": "serum creatinine (mg/dL)",
    "platelets_per_ul": "platelet count (per uL)",
    "phenylephrine_ug_kg_min": "phenylephrine needed to keep blood pressure (ug/kg/min)",
    "bicarbonate_mmol_l": "serum bicarbonate (mmol/L)",
    "arrhythmia": "new arrhythmia (true/false)",
    "intubation": "intubation needed (true/false)",
    "infection": "documented infection (true/false)",
}
"""Observations the default rules read, with their units."""


@dataclass(frozen=True)
class Criterion:
    """One hold or stop criterion.

    A numeric criterion fires when ``lower <= value`` (or ``<``) and ``value < upper`` (or
    ``<=``); a true/false criterion (``lower=1``) fires when the observation is true.

    Parameters
    ----------
    name : str
        Identifier, written to the ledger as the hold reason.
    variable : str
        Observation it reads (units in the name, e.g. ``creatinine_mg_dl``).
    kind : {"relative", "absolute"}
        Relative criteria hold one dose; absolute criteria stop the cycle.
    lower, upper : float or None
        Bounds of the firing range; None for unbounded.
    lower_inclusive, upper_inclusive : bool
        Whether the bounds belong to the firing range.
    description : str
        The criterion in words.
    source : str
        Where the threshold comes from.

    Examples
    --------
    >>> c = Criterion("creatinine_3_or_more", "creatinine_mg_dl", "absolute", lower=3.0)
    >>> c.fires(3.0), c.fires(2.9)
    (True, False)
    """

    name: str
    variable: str
    kind: Kind
    lower: float | None = None
    upper: float | None = None
    lower_inclusive: bool = True
    upper_inclusive: bool = False
    description: str = ""
    source: str = DUTCHER_2014

    def expression(self) -> pl.Expr:
        """Return the Polars expression that is true where the criterion fires.

        Returns
        -------
        polars.Expr
            Boolean; false where the observation is missing.

        Examples
        --------
        >>> c = Criterion("x", "v", "relative", lower=1, upper=2)
        >>> pl.DataFrame({"v": [0.5, 1.0, 2.0]}).select(c.expression())["x"].to_list()
        [False, True, False]
        """
        value = pl.col(self.variable).cast(pl.Float64)
        cond = pl.lit(True)
        if self.lower is not None:
            cond = cond & ((value >= self.lower) if self.lower_inclusive else (value > self.lower))
        if self.upper is not None:
            cond = cond & ((value <= self.upper) if self.upper_inclusive else (value < self.upper))
        return cond.fill_null(False).alias(self.name)

    def fires(self, value: float | bool | None) -> bool:
        """Return whether the criterion fires for one observed value.

        Parameters
        ----------
        value : float, bool or None
            The observation; None (not measured) never fires.

        Returns
        -------
        bool
            True when the value is in the firing range.

        Examples
        --------
        >>> Criterion("a", "arrhythmia", "absolute", lower=1).fires(True)
        True
        """
        frame = pl.DataFrame({self.variable: [value]}, schema={self.variable: pl.Float64})
        return bool(frame.select(self.expression()).item())


@dataclass(frozen=True)
class HoldRules:
    """A set of hold and stop criteria with the counting rule.

    Parameters
    ----------
    criteria : tuple of Criterion
        Checked in order; absolute criteria should come first so the reason names them.
    holds_to_stop : int
        The cycle stops at this held dose (the counting rule: the third).
    relative_to_stop : int
        The cycle stops when this many relative criteria fire at once.
    source : str
        Where the counting rule comes from.

    Examples
    --------
    >>> DEFAULT_HOLD_RULES.holds_to_stop
    3
    """

    criteria: tuple[Criterion, ...]
    holds_to_stop: int = 3
    relative_to_stop: int = 3
    source: str = DUTCHER_2014

    @property
    def variables(self) -> tuple[str, ...]:
        """Observations the criteria read, in order of first use."""
        return tuple(dict.fromkeys(c.variable for c in self.criteria))

    def criterion(self, name: str) -> Criterion:
        """Return the criterion called ``name``.

        Parameters
        ----------
        name : str
            Criterion name.

        Returns
        -------
        Criterion
            The criterion.

        Examples
        --------
        >>> DEFAULT_HOLD_RULES.criterion("arrhythmia").kind
        'absolute'
        """
        for c in self.criteria:
            if c.name == name:
                return c
        raise KeyError(f"no criterion {name!r}; known: {', '.join(c.name for c in self.criteria)}")

    def describe(self, reason: str) -> str:
        """A hold reason as a reader takes it: its criterion's description, else the code.

        The ledger holds the criterion's identifier (``creatinine_2_5_to_2_9``), which reads
        wrong with its underscores as spaces ("creatinine 2 5 to 2 9"); a reason no criterion
        of these rules names is shown with underscores as spaces.

        Parameters
        ----------
        reason : str
            A ``hold_reason`` of the dose ledger.

        Returns
        -------
        str
            Its description.

        Examples
        --------
        >>> DEFAULT_HOLD_RULES.describe("creatinine_2_5_to_2_9")
        'creatinine 2.5-2.9 mg/dL'
        >>> DEFAULT_HOLD_RULES.describe("patient_request")
        'patient request'
        """
        for c in self.criteria:
            if c.name == reason and c.description:
                return c.description
        return reason.replace("_", " ")


def _rel(name: str, variable: str, lower: float, upper: float, description: str) -> Criterion:
    return Criterion(name, variable, "relative", lower=lower, upper=upper, description=description)


DEFAULT_HOLD_RULES = HoldRules(
    criteria=(
        Criterion(
            "oliguria_below_80ml",
            "urine_ml_per_8h",
            "absolute",
            upper=80,
            description="urine output < 80 mL per 8-h shift",
        ),
        Criterion(
            "creatinine_3_or_more",
            "creatinine_mg_dl",
            "absolute",
            lower=3.0,
            description="creatinine >= 3.0 mg/dL",
        ),
        Criterion(
            "acidosis_hco3_18_or_less",
            "bicarbonate_mmol_l",
            "absolute",
            upper=18,
            upper_inclusive=True,
            description="bicarbonate <= 18 mmol/L",
        ),
        Criterion(
            "platelets_below_30k",
            "platelets_per_ul",
            "absolute",
            upper=30_000,
            description="platelets < 30,000/uL",
        ),
        Criterion("arrhythmia", "arrhythmia", "absolute", lower=1, description="new arrhythmia"),
        Criterion("intubation", "intubation", "absolute", lower=1, description="intubation"),
        Criterion(
            "infection", "infection", "absolute", lower=1, description="documented infection"
        ),
        _rel(
            "urine_80_to_160ml", "urine_ml_per_8h", 80, 160, "urine output 80-160 mL per 8-h shift"
        ),
        _rel("creatinine_2_5_to_2_9", "creatinine_mg_dl", 2.5, 3.0, "creatinine 2.5-2.9 mg/dL"),
        _rel(
            "platelets_30k_to_50k", "platelets_per_ul", 30_000, 50_000, "platelets 30,000-50,000/uL"
        ),
        Criterion(
            "phenylephrine_1_to_1_5",
            "phenylephrine_ug_kg_min",
            "relative",
            lower=1.0,
            upper=1.5,
            upper_inclusive=True,
            description="phenylephrine 1-1.5 ug/kg/min to keep blood pressure",
        ),
    ),
)
"""The consensus hold/stop criteria (Dutcher 2014) with the three-holds counting rule."""


@dataclass(frozen=True)
class DoseDecision:
    """What to do with one scheduled dose, and why.

    Parameters
    ----------
    action : {"give", "hold", "stop"}
        Give the dose, hold it, or hold it and stop the cycle.
    fired : tuple of str
        Criteria that fired, absolute first.
    reason : str
        The decision in words.

    Examples
    --------
    >>> check_dose({"creatinine_mg_dl": 3.2}).action
    'stop'
    """

    action: Action
    fired: tuple[str, ...] = field(default=())
    reason: str = ""


def _decide(frame: pl.DataFrame, rules: HoldRules) -> pl.DataFrame:
    for var in rules.variables:
        if var not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(var))
    if "holds_so_far" not in frame.columns:
        frame = frame.with_columns(pl.lit(0, dtype=pl.Int64).alias("holds_so_far"))
    absolute = [c for c in rules.criteria if c.kind == "absolute"]
    relative = [c for c in rules.criteria if c.kind == "relative"]
    flags = frame.select([c.expression().alias(f"__{c.name}") for c in rules.criteria])
    ordered = absolute + relative  # the order of ``fired``
    # which criteria fired, as bits of one integer: the few combinations that occur become
    # lists once, and each row takes its own (a join of names would cost ~20x more)
    mask = flags.select(
        pl.sum_horizontal(
            [pl.col(f"__{c.name}").cast(pl.Int64) * (1 << i) for i, c in enumerate(ordered)]
            or [pl.lit(0, dtype=pl.Int64)]
        ).alias("mask")
    ).to_series()
    combos = mask.unique().sort()
    lists = pl.Series(
        "fired",
        [[c.name for i, c in enumerate(ordered) if m >> i & 1] for m in combos],
        dtype=pl.List(pl.String),
    )
    fired = lists.gather(combos.search_sorted(mask))
    n_abs = pl.sum_horizontal(
        [pl.col(f"__{c.name}").cast(pl.Int32) for c in absolute] or [pl.lit(0)]
    )
    n_rel = pl.sum_horizontal(
        [pl.col(f"__{c.name}").cast(pl.Int32) for c in relative] or [pl.lit(0)]
    )
    holds = pl.col("holds_so_far")
    decided = pl.concat([frame, flags], how="horizontal").with_columns(
        fired,
        pl.when(n_abs > 0)
        .then(pl.lit("stop"))
        .when(n_rel >= rules.relative_to_stop)
        .then(pl.lit("stop"))
        .when((n_rel > 0) & (holds + 1 >= rules.holds_to_stop))
        .then(pl.lit("stop"))
        .when(n_rel > 0)
        .then(pl.lit("hold"))
        .otherwise(pl.lit("give"))
        .alias("action"),
        pl.when(n_abs > 0)
        .then(pl.lit("absolute criterion"))
        .when(n_rel >= rules.relative_to_stop)
        .then(pl.lit(f"{rules.relative_to_stop} or more relative criteria at once"))
        .when((n_rel > 0) & (holds + 1 >= rules.holds_to_stop))
        .then(pl.lit(f"held dose number {rules.holds_to_stop} in the cycle (counting rule)"))
        .when(n_rel > 0)
        .then(pl.lit("relative criterion"))
        .otherwise(pl.lit("no criterion fired"))
        .alias("reason"),
    )
    return decided.drop([f"__{c.name}" for c in rules.criteria])


def check_dose(
    observations: Mapping[str, float | bool | None] | pl.DataFrame,
    rules: HoldRules = DEFAULT_HOLD_RULES,
) -> DoseDecision | pl.DataFrame:
    """Decide whether to give, hold or stop at a scheduled dose.

    FOR RESEARCH USE ONLY: a model of bedside rules for analysis and simulation, not a
    clinical decision tool; the treating team decides every dose.

    Parameters
    ----------
    observations : mapping or polars.DataFrame
        The observations at the dose (keys as in ``VARIABLES``, plus ``holds_so_far``, the
        doses already held in this cycle). A DataFrame is checked row by row, vectorised; an
        observation that is missing never fires.
    rules : HoldRules
        The criteria; the Dutcher 2014 consensus by default.

    Returns
    -------
    DoseDecision or polars.DataFrame
        For a mapping, the decision; for a DataFrame, the frame with ``action``, ``fired``
        (list of criterion names) and ``reason`` added.

    Raises
    ------
    KeyError
        When a mapping names an observation no criterion reads (a typo would otherwise
        silently never fire).

    Examples
    --------
    >>> check_dose({"urine_ml_per_8h": 120, "holds_so_far": 0})
    DoseDecision(action='hold', fired=('urine_80_to_160ml',), reason='relative criterion')
    >>> check_dose({"urine_ml_per_8h": 120, "holds_so_far": 2}).action
    'stop'
    >>> check_dose({"urine_ml_per_8h": 400}).action
    'give'
    """
    if isinstance(observations, pl.DataFrame):
        return _decide(observations, rules)
    known = {*rules.variables, "holds_so_far"}
    unknown = [k for k in observations if k not in known]
    if unknown:
        raise KeyError(
            f"unknown observation(s) {', '.join(map(repr, unknown))}; "
            f"the rules read: {', '.join(sorted(known))}"
        )
    row = {
        k: [None if v is None else float(v)] for k, v in observations.items() if k != "holds_so_far"
    }
    frame = pl.DataFrame(row, schema={k: pl.Float64 for k in row}).with_columns(
        pl.lit(int(observations.get("holds_so_far") or 0), dtype=pl.Int64).alias("holds_so_far")
    )
    out = _decide(frame, rules).row(0, named=True)
    return DoseDecision(out["action"], tuple(out["fired"]), out["reason"])
