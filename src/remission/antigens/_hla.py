"""HLA allele names as users write them, normalised with mhcgnomes."""

from __future__ import annotations

import difflib
import functools

from remission.antigens._errors import AntigenError


def _suggest(text: str, known: list[str], n: int = 3) -> str:
    key = text.strip().upper().replace("HLA-", "")
    pool = {k.replace("HLA-", ""): k for k in known}
    close = difflib.get_close_matches(key, list(pool), n=n, cutoff=0.5)
    if not close:
        return ""
    return "; did you mean " + ", ".join(pool[c] for c in close) + "?"


@functools.cache
def _normalize(name: str, known: tuple[str, ...]) -> str:
    text = name.strip()
    if not text:
        raise AntigenError("empty HLA allele name; write e.g. HLA-A*02:01, A*02:01 or A2")
    # imported here, not at the top: mhcgnomes reads its allele tables on import (about 3 s),
    # which every command importing remission.antigens would otherwise pay
    import mhcgnomes

    try:
        parsed = mhcgnomes.parse(text, only_class1=False)
    except Exception:
        parsed = None
    kind = type(parsed).__name__
    if kind == "Serotype" and parsed.alleles:
        # mhcgnomes lists a serotype's alleles most common first (A2 -> A*02:01)
        parsed = parsed.alleles[0]
        kind = "Allele"
    if kind != "Allele":
        raise AntigenError(
            f"unknown HLA allele {name!r}: mhcgnomes cannot parse it"
            + (f" (it reads as a {kind})" if parsed is not None else "")
            + _suggest(text, list(known))
            + "\nwrite e.g. HLA-A*02:01, A*02:01, HLA-A0201 or the serotype A2"
        )
    if parsed.species.name != "Homo sapiens" or not parsed.is_class1:
        raise AntigenError(
            f"HLA allele {name!r} ({parsed.to_string()}) is not a human class I allele; "
            "the binding predictors here cover HLA-A, -B, -C and -E"
        )
    if parsed.annotations:
        raise AntigenError(
            f"HLA allele {name!r} ({parsed.to_string()}) is a null or low-expression allele "
            "and presents no peptides"
        )
    if len(parsed.allele_fields) < 2:
        raise AntigenError(f"HLA allele {name!r} is too coarse; give two fields, e.g. HLA-A*02:01")
    allele = parsed.restrict_allele_fields(2).to_string()
    if known and allele not in known:
        raise AntigenError(
            f"unknown HLA allele {name!r} ({allele}): no installed binding backend has it"
            + _suggest(allele, list(known))
        )
    return allele


def normalize_allele(name: str, known: list[str] | None = None) -> str:
    """Normalise an HLA class I allele name to two-field ``HLA-A*02:01`` form.

    Accepts what users write: ``A2`` (a serotype: its most common allele), ``A*02:01``,
    ``HLA-A0201``, ``A*0201``, ``A*02:01:01:01`` (extra fields dropped). Parsing is done by
    mhcgnomes, not by regular expressions.

    Parameters
    ----------
    name : str
        The allele as written.
    known : list of str, optional
        Alleles that exist for the purpose at hand (e.g. a backend's alleles); when given, an
        allele outside it is refused with the closest names.

    Returns
    -------
    str
        The normalised name, e.g. ``'HLA-A*02:01'``.

    Raises
    ------
    AntigenError
        If the name cannot be parsed, is not human class I, is a null allele, or is not known.

    Examples
    --------
    >>> [normalize_allele(a) for a in ["A2", "A*02:01", "HLA-A0201", "A*02:01:01:01"]]
    ['HLA-A*02:01', 'HLA-A*02:01', 'HLA-A*02:01', 'HLA-A*02:01']
    >>> normalize_allele("B*44:03")
    'HLA-B*44:03'
    """
    return _normalize(name, tuple(known or ()))
