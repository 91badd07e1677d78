"""Custom regimens from TOML, checked field by field, units explicit."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from remission.protocol._arithmetic import IU_PER_MG
from remission.protocol._regimen import REGIMENS, Regimen, get_regimen
from remission.protocol._rules import DEFAULT_HOLD_RULES, Criterion, HoldRules

_FIELDS = {f.name: f for f in fields(Regimen)}
_NUMBERS = {
    "dose_iu_per_kg": float,
    "infusion_minutes": float,
    "interval_hours": float,
    "max_doses_per_cycle": int,
    "cycles_per_course": int,
    "rest_days_between_cycles": int,
    "min_days_between_courses": int,
    "interval_tolerance_minutes": float,
    "dose_tolerance_fraction": float,
}
_REQUIRED = (
    "name",
    "title",
    *(k for k in _NUMBERS if _FIELDS[k].default is _FIELDS["name"].default),
)


class RegimenError(ValueError):
    """A regimen file that cannot be used; ``problems`` lists every reason.

    Parameters
    ----------
    path : str
        The file.
    problems : list of str
        What is wrong, one sentence each, with the fix.

    Examples
    --------
    >>> str(RegimenError("r.toml", ["a is wrong"]))
    'r.toml: a is wrong'
    """

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


def _unit_guards(data: dict[str, Any], problems: list[str]) -> None:
    if "dose_mg_per_kg" in data:
        mg = data["dose_mg_per_kg"]
        hint = (
            f" ({mg} mg/kg = {float(mg) * IU_PER_MG:,.0f} IU/kg)"
            if isinstance(mg, int | float)
            else ""
        )
        problems.append(
            "dose_mg_per_kg is not accepted: doses are in international units; write "
            f"dose_iu_per_kg{hint}, converting at 18 million IU per 1.1 mg (label)"
        )
    if "dose_miu_per_kg" in data:
        problems.append(
            "dose_miu_per_kg is not accepted: write dose_iu_per_kg (1 MIU = 1,000,000 IU)"
        )
    if "weight_lb" in data:
        problems.append("weights are in kg: write weight_kg (lb / 2.2046)")


def _criteria(items: Any, problems: list[str]) -> tuple[Criterion, ...] | None:
    if not isinstance(items, list):
        problems.append("[[hold_rules.criteria]] must be a list of tables")
        return None
    out = []
    allowed = {f.name for f in fields(Criterion)}
    for i, item in enumerate(items, start=1):
        bad = set(item) - allowed
        if bad:
            problems.append(
                f"criterion {i}: unknown key(s) {', '.join(sorted(bad))}; "
                f"use {', '.join(sorted(allowed))}"
            )
            continue
        if item.get("kind") not in ("relative", "absolute"):
            problems.append(f"criterion {i}: kind must be 'relative' or 'absolute'")
            continue
        try:
            out.append(Criterion(**item))
        except TypeError as exc:
            problems.append(f"criterion {i}: {exc}")
    return tuple(out)


def regimen_from_mapping(data: dict[str, Any], path: str = "<regimen>") -> Regimen:
    """Build a regimen from a mapping (a parsed TOML file), checking every field.

    A mapping may start from a built-in regimen (``based_on = "nci-hd-il2-720k"``) and
    change some of its facts.

    Parameters
    ----------
    data : dict
        The ``[regimen]`` table (and optionally ``[regimen.hold_rules]``).
    path : str
        Name of the source, for messages.

    Returns
    -------
    Regimen
        The regimen.

    Raises
    ------
    RegimenError
        Listing every problem at once.

    Examples
    --------
    >>> r = regimen_from_mapping({"based_on": "nci-hd-il2-720k", "name": "nci-6",
    ...                           "title": "NCI, 6 doses", "max_doses_per_cycle": 6})
    >>> r.max_doses_per_cycle, r.dose_iu_per_kg
    (6, 720000)
    """
    problems: list[str] = []
    _unit_guards(data, problems)
    known = {*_FIELDS, "based_on"}
    for key in data:
        if key not in known and key not in ("dose_mg_per_kg", "dose_miu_per_kg", "weight_lb"):
            close = difflib.get_close_matches(key, sorted(known), n=1)
            problems.append(
                f"unknown setting {key!r}" + (f"; did you mean {close[0]!r}?" if close else "")
            )
    base: Regimen | None = None
    if "based_on" in data:
        try:
            base = get_regimen(str(data["based_on"]))
        except KeyError as exc:
            problems.append(str(exc.args[0]))
    values: dict[str, Any] = {}
    for key, kind in _NUMBERS.items():
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            problems.append(f"{key} must be a number of at least 0, not {value!r}")
        elif kind is int and value != int(value):
            problems.append(f"{key} must be a whole number, not {value!r}")
        else:
            values[key] = kind(value)
    for key in ("name", "title"):
        if key in data:
            values[key] = str(data[key])
    if "sources" in data:
        values["sources"] = tuple(str(s) for s in data["sources"])
    if "hold_rules" in data:
        rules = data["hold_rules"]
        crit = _criteria(rules.get("criteria", []), problems)
        if crit is not None:
            values["hold_rules"] = HoldRules(
                criteria=crit or DEFAULT_HOLD_RULES.criteria,
                holds_to_stop=int(rules.get("holds_to_stop", 3)),
                relative_to_stop=int(rules.get("relative_to_stop", 3)),
                source=str(rules.get("source", "custom")),
            )
    if base is None:
        missing = [k for k in _REQUIRED if k not in values]
        if missing:
            problems.append(
                "missing " + ", ".join(missing) + " (or start from a built-in with "
                f"based_on = one of {', '.join(REGIMENS)})"
            )
    elif "name" not in values:
        problems.append("a regimen based on another needs its own name")
    if values.get("max_doses_per_cycle", 1) < 1 or values.get("interval_hours", 1) <= 0:
        problems.append("max_doses_per_cycle and interval_hours must be above 0")
    if problems:
        raise RegimenError(path, problems)
    return replace(base, **values) if base is not None else Regimen(**values)


def load_regimen(path: str | Path) -> Regimen:
    """Read a custom regimen from a TOML file with a ``[regimen]`` table.

    Parameters
    ----------
    path : str or pathlib.Path
        The TOML file.

    Returns
    -------
    Regimen
        The regimen.

    Raises
    ------
    RegimenError
        When the file is missing, not TOML, or any field is wrong (all listed).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.toml"
    >>> _ = p.write_text('[regimen]\\nbased_on = "label-hd-il2-600k"\\nname = "x"\\n')
    >>> load_regimen(p).max_doses_per_cycle
    14
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegimenError(str(path), ["file not found"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RegimenError(str(path), [f"not valid TOML ({exc})"]) from None
    if not isinstance(data.get("regimen"), dict):
        raise RegimenError(str(path), ["no [regimen] table"])
    return regimen_from_mapping(data["regimen"], str(path))


def resolve_regimen(name: str, folder: str | Path | None = None) -> Regimen:
    """Return the regimen a study names: a built-in, or a TOML file beside ``study.toml``.

    Parameters
    ----------
    name : str
        A built-in regimen name, or a file name ending in ``.toml``.
    folder : str or pathlib.Path, optional
        The study folder, where a regimen file is looked up.

    Returns
    -------
    Regimen
        The regimen.

    Raises
    ------
    RegimenError
        When the name is neither a built-in nor a readable regimen file.

    Examples
    --------
    >>> resolve_regimen("post-til-il2").max_doses_per_cycle
    6
    """
    if name in REGIMENS:
        return REGIMENS[name]
    if name.endswith(".toml"):
        return load_regimen(Path(folder or ".") / name)
    close = difflib.get_close_matches(name, list(REGIMENS), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise RegimenError(
        "study.toml",
        [
            f"unknown regimen {name!r}; {hint}built-in regimens: {', '.join(REGIMENS)}, "
            "or name a regimen file such as my-regimen.toml"
        ],
    )
