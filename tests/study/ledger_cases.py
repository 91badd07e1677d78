"""Dose-ledger cases: each adds or edits rows of the minimal study's doses.csv."""

from __future__ import annotations

from pathlib import Path

from tests.study.bad_input_cases import Edit, _append, _replace


def _rows(
    patient: str,
    start_hour: int,
    statuses: list[str],
    iu: int,
    day: str = "1994-02-14",
    course: int = 1,
    cycle: int = 1,
    reasons: dict[int, str] | None = None,
) -> str:
    """Dose rows every 8 hours from ``day`` at ``start_hour``."""
    import datetime as dt

    reasons = reasons or {}
    t0 = dt.datetime.fromisoformat(day) + dt.timedelta(hours=start_hour)
    out = []
    for i, status in enumerate(statuses, start=1):
        at = t0 + dt.timedelta(hours=8 * (i - 1))
        stamp = at.strftime("%Y-%m-%d %H:%M")
        if status == "given":
            out.append(f"{patient},{course},{cycle},{i},{stamp},given,{stamp},{iu},")
        else:
            out.append(f"{patient},{course},{cycle},{i},{stamp},held,,,{reasons.get(i, '')}")
    return "\n".join(out) + "\n"


def _replace_p03(rows: str) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / "doses.csv"
        lines = [ln for ln in path.read_text().splitlines() if not ln.startswith("P03,")]
        path.write_text("\n".join(lines) + "\n" + rows)

    return edit


P03_IU = 64_940_000

LEDGER_CASES: dict[str, tuple[Edit, str]] = {
    "too_many_doses": (
        _replace_p03(_rows("P03", 9, ["given"] * 16, P03_IU)),
        "ledger.too_many_doses",
    ),
    "short_interval": (
        _replace(
            "doses.csv",
            "P02,1,1,2,1991-11-04 18:00,given,1991-11-04 18:01",
            "P02,1,1,2,1991-11-04 18:00,given,1991-11-04 14:01",
        ),
        "ledger.short_interval",
    ),
    "dose_in_miu_not_iu": (
        _replace("doses.csv", "1991-11-04 10:02,58320000", "1991-11-04 10:02,5832000"),
        "ledger.dose_mismatch",
    ),
    "hold_without_reason": (
        _replace("doses.csv", "held,,,hypotension", "held,,,"),
        "ledger.hold_without_reason",
    ),
    "dose_after_absolute_stop": (
        _replace_p03(
            _rows("P03", 9, ["given", "held", "given"], P03_IU, reasons={2: "creatinine_3_or_more"})
        ),
        "ledger.dose_after_stop",
    ),
    "dose_after_third_hold": (
        _replace_p03(
            _rows(
                "P03",
                9,
                ["given", "held", "held", "held", "given"],
                P03_IU,
                reasons={2: "hypotension", 3: "oliguria", 4: "hypotension"},
            )
        ),
        "ledger.dose_after_stop",
    ),
    "cycles_overlap": (
        _replace_p03(
            _rows("P03", 9, ["given"] * 3, P03_IU) + _rows("P03", 17, ["given"], P03_IU, cycle=2)
        ),
        "ledger.cycles_overlap",
    ),
    "course_too_soon": (
        _append("doses.csv", _rows("P03", 9, ["given"], P03_IU, day="1994-03-01", course=2)),
        "ledger.course_too_soon",
    ),
    "dose_order": (
        _replace_p03(
            "P03,1,1,1,1994-02-14 17:00,given,1994-02-14 17:00,64940000,\n"
            "P03,1,1,2,1994-02-14 09:00,given,1994-02-14 09:00,64940000,\n"
        ),
        "ledger.dose_order",
    ),
    "unknown_regimen": (
        _replace("study.toml", 'regimen = "nci-hd-il2-720k"', 'regimen = "nci-720"'),
        "config.regimen",
    ),
}
