"""HLA class I binding prediction behind one interface, with percentile ranks.

Backends turn peptides of one length into a *raw* score where lower is better (log10 IC50 for
the SMM matrices, minus the score for SYFPEITHI). Percentile ranks are computed here, the same
way for every backend, against a fixed background of natural peptides per allele and length.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Protocol, runtime_checkable

import numpy as np
import polars as pl

from remission.antigens._errors import AntigenError
from remission.antigens._hla import normalize_allele
from remission.antigens._netmhcpan import NetmhcpanBackend
from remission.antigens._nuggets import MhcnuggetsBackend
from remission.antigens._sequences import AMINO_ACIDS, _shipped, encode_peptides

LENGTHS = (8, 9, 10, 11)
"""Peptide lengths scanned by default (HLA class I ligands)."""

DEFAULT_BACKENDS = ("consensus-mhcnuggets", "consensus")
"""The default backend is the first of these that is installed; chosen by
``benchmarks/bench_antigens.py`` (HPV16 AUC, see docs/antigens.md)."""


@runtime_checkable
class BindingBackend(Protocol):
    """What a binding predictor provides to ``predict_binding``."""

    name: str
    description: str

    def alleles(self) -> list[str]:
        """Normalised names of the alleles the backend covers."""
        ...

    def lengths(self, allele: str) -> list[int]:
        """Peptide lengths the backend scores for one allele."""
        ...

    def raw(self, peptides: list[str], length: int, allele: str) -> np.ndarray:
        """Raw scores for equal-length peptides (lower binds better)."""
        ...

    def ic50(self, raw: np.ndarray) -> np.ndarray:
        """IC50 in nM from raw scores (NaN where the method has no affinity scale)."""
        ...


def _epytope_dir(method: str) -> list[str]:
    spec = importlib.util.find_spec("epytope")
    if spec is None:
        return []
    folder = resources.files("epytope").joinpath(f"Data/pssms/{method}/mat")
    return sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".py"))


@dataclass(eq=False)
class MatrixBackend:
    """A position-specific scoring matrix method shipped by epytope (offline).

    ``method`` is epytope's folder name (``smmpmbec``, ``smm``, ``syfpeithi``); ``affinity``
    says whether the matrix sum is log10 IC50 (SMM family) or a score where higher binds better.
    """

    name: str
    method: str
    affinity: bool
    description: str
    _files: dict[tuple[str, int], str] = field(default_factory=dict, init=False, repr=False)

    def _index(self) -> dict[tuple[str, int], str]:
        if not self._files:
            for module in _epytope_dir(self.method):
                head, _, length = module.rpartition("_")
                parts = head.split("_")
                if len(parts) == 3:  # A_02_01
                    locus, f1, f2 = parts
                elif len(parts) == 2 and len(parts[1]) == 4:  # A_0201
                    locus, f1, f2 = parts[0], parts[1][:2], parts[1][2:]
                else:
                    continue
                if locus not in {"A", "B", "C", "E"}:
                    continue
                self._files[(f"HLA-{locus}*{f1}:{f2}", int(length))] = module
        return self._files

    def missing(self) -> str:
        """Why the backend cannot run here ('' when it can)."""
        if not _epytope_dir(self.method):
            return "the epytope package is not installed (pip install epytope)"
        return ""

    def alleles(self) -> list[str]:
        """Normalised names of the alleles with at least one matrix."""
        return sorted({a for a, _ in self._index()})

    def lengths(self, allele: str) -> list[int]:
        """Peptide lengths with a matrix for ``allele``."""
        return sorted(n for a, n in self._index() if a == allele)

    @functools.cache  # noqa: B019  (backends live for the whole process)
    def matrix(self, allele: str, length: int) -> tuple[np.ndarray, float]:
        """The (length, 20) matrix in ``AMINO_ACIDS`` column order and its constant."""
        module_name = self._index().get((allele, length))
        if module_name is None:
            have = ", ".join(map(str, self.lengths(allele))) or "none"
            raise AntigenError(
                f"backend {self.name!r} has no matrix for {allele} {length}-mers "
                f"(lengths it has for this allele: {have})"
            )
        module = importlib.import_module(f"epytope.Data.pssms.{self.method}.mat.{module_name}")
        table = getattr(module, module_name)
        mat = np.array(
            [[float(table[i].get(aa, 0.0)) for aa in AMINO_ACIDS] for i in range(length)]
        )
        const = float(table.get(-1, {}).get("con", 0.0))
        return mat, const

    def raw(self, peptides: list[str], length: int, allele: str) -> np.ndarray:
        """Matrix sums, vectorised over the peptides (lower binds better)."""
        mat, const = self.matrix(allele, length)
        codes = encode_peptides(peptides, length)
        total = mat[np.arange(length), codes].sum(axis=1) + const
        return total if self.affinity else -total

    def ic50(self, raw: np.ndarray) -> np.ndarray:
        """IC50 in nM (10 ** raw) for the SMM family; NaN for score-only matrices."""
        if self.affinity:
            return np.power(10.0, raw)
        return np.full(raw.shape, np.nan)


@dataclass(eq=False)
class ConsensusBackend:
    """The median percentile rank of several backends, as the IEDB consensus method.

    The rank is the median of the ranks of the components that cover the allele and length.
    Alleles and lengths are those of the components with an affinity scale (IC50); the IC50
    is the first such component's that covers the allele and length.
    """

    name: str
    components: tuple[str, ...]
    description: str

    def _parts(self) -> list[BindingBackend]:
        return [get_backend(c) for c in self.components]

    def missing(self) -> str:
        """Why the backend cannot run here: the first missing component ('' when none)."""
        for component in self.components:
            reason = _missing(_BACKENDS[component]) if component in _BACKENDS else "unknown"
            if reason:
                return f"its component {component!r} is not available: {reason}"
        return ""

    def _affinity_parts(self) -> list[BindingBackend]:
        return [p for p in self._parts() if getattr(p, "affinity", True)]

    def alleles(self) -> list[str]:
        """Alleles covered by an affinity component (the others join where they can)."""
        return sorted({a for part in self._affinity_parts() for a in part.alleles()})

    def lengths(self, allele: str) -> list[int]:
        """Lengths an affinity component scores for ``allele``."""
        return sorted(
            {
                n
                for part in self._affinity_parts()
                if allele in part.alleles()
                for n in part.lengths(allele)
            }
        )

    def affinity_part(self, allele: str, length: int) -> BindingBackend:
        """The component whose IC50 is reported for ``allele`` and ``length``."""
        for part in self._affinity_parts():
            if allele in part.alleles() and length in part.lengths(allele):
                return part
        raise AntigenError(f"backend {self.name!r} cannot score {length}-mers for {allele}")

    def raw(self, peptides: list[str], length: int, allele: str) -> np.ndarray:
        """Median of the components' percentile ranks (already a rank)."""
        ranks = [
            _rank(part, peptides, length, allele)
            for part in self._parts()
            if allele in part.alleles() and length in part.lengths(allele)
        ]
        return np.median(np.vstack(ranks), axis=0)

    def ic50(self, raw: np.ndarray) -> np.ndarray:  # pragma: no cover - not used
        """Unused: IC50 comes from ``affinity_part``."""
        return np.full(raw.shape, np.nan)


@dataclass(eq=False)
class MhcflurryBackend:
    """MHCflurry, when the user has installed it and downloaded its models."""

    name: str = "mhcflurry"
    description: str = "MHCflurry class I affinity predictor (needs `mhcflurry-downloads fetch`)"

    def missing(self) -> str:
        """Why the backend cannot run here ('' when it can)."""
        if importlib.util.find_spec("mhcflurry") is None:
            return (
                "the mhcflurry package is not installed "
                "(pip install mhcflurry, then mhcflurry-downloads fetch)"
            )
        return ""

    @functools.cached_property
    def _predictor(self):  # pragma: no cover - needs the optional package
        from mhcflurry import Class1AffinityPredictor

        try:
            return Class1AffinityPredictor.load()
        except Exception as exc:
            raise AntigenError(
                f"backend 'mhcflurry' is installed but its models cannot be loaded ({exc}); "
                "run mhcflurry-downloads fetch"
            ) from None

    def alleles(self) -> list[str]:  # pragma: no cover - needs the optional package
        """Alleles MHCflurry supports, normalised."""
        return sorted(
            {normalize_allele(a) for a in self._predictor.supported_alleles if "HLA" in a}
        )

    def lengths(self, allele: str) -> list[int]:  # pragma: no cover
        """MHCflurry scores 8-15-mers."""
        return list(range(8, 16))

    def raw(self, peptides: list[str], length: int, allele: str) -> np.ndarray:  # pragma: no cover
        """log10 IC50 from MHCflurry."""
        return np.log10(self._predictor.predict(peptides=peptides, allele=allele))

    def ic50(self, raw: np.ndarray) -> np.ndarray:  # pragma: no cover
        """IC50 in nM."""
        return np.power(10.0, raw)


_BACKENDS: dict[str, BindingBackend] = {}


def register_backend(backend: BindingBackend) -> None:
    """Make a binding backend available to ``predict_binding`` under ``backend.name``.

    Parameters
    ----------
    backend : BindingBackend
        Any object with ``name``, ``description``, ``alleles()``, ``lengths(allele)``,
        ``raw(peptides, length, allele)`` (lower binds better) and ``ic50(raw)``.

    Examples
    --------
    >>> from remission.antigens import register_backend, predict_binding
    >>> from remission.antigens._predict import MatrixBackend
    >>> register_backend(MatrixBackend("smm-copy", "smm", True, "SMM again"))
    >>> predict_binding(["AAGIGILTV"], ["A2"], backend="smm-copy")["backend"].to_list()
    ['smm-copy']
    """
    if not isinstance(backend, BindingBackend):
        raise AntigenError(f"{backend!r} does not implement the BindingBackend interface")
    _BACKENDS[backend.name] = backend


for _backend in (
    MatrixBackend("smmpmbec", "smmpmbec", True, "IEDB SMMPMBEC matrices via epytope (IC50)"),
    MatrixBackend("smm", "smm", True, "IEDB SMM matrices via epytope (IC50)"),
    MatrixBackend("syfpeithi", "syfpeithi", False, "SYFPEITHI motif scores via epytope (no IC50)"),
    ConsensusBackend(
        "consensus",
        ("smmpmbec", "smm", "syfpeithi"),
        "median rank of SMMPMBEC, SMM and SYFPEITHI; IC50 from SMMPMBEC",
    ),
    MhcflurryBackend(),
    MhcnuggetsBackend(),
    # chosen over the four-method median (MHCnuggets with all three matrices) and over
    # MHCnuggets + SMMPMBEC by the HPV16 AUC and the A*02:01 catalogue (docs/antigens.md)
    ConsensusBackend(
        "consensus-mhcnuggets",
        ("mhcnuggets", "smmpmbec", "syfpeithi"),
        "median rank of MHCnuggets, SMMPMBEC and SYFPEITHI; IC50 from MHCnuggets",
    ),
    NetmhcpanBackend(),
):
    _BACKENDS[_backend.name] = _backend


def _missing(backend: BindingBackend) -> str:
    """Why ``backend`` cannot run here; '' when it can (or when it does not say)."""
    check = getattr(backend, "missing", None)
    return check() if callable(check) else ""


def installed_backends() -> list[str]:
    """Names of the registered backends whose software is present here.

    Returns
    -------
    list of str
        Backend names usable without further installation.

    Examples
    --------
    >>> "smmpmbec" in installed_backends()
    True
    """
    return [name for name, backend in _BACKENDS.items() if not _missing(backend)]


def default_backend() -> str:
    """The backend ``'default'`` stands for: the first installed of ``DEFAULT_BACKENDS``.

    ``consensus-mhcnuggets`` where MHCnuggets is installed (``remission[mhcnuggets]``),
    otherwise ``consensus`` (the three matrices). Every prediction names the backend it used.

    Returns
    -------
    str
        A backend name.

    Examples
    --------
    >>> default_backend() in ("consensus-mhcnuggets", "consensus")
    True
    """
    installed = installed_backends()
    return next(name for name in DEFAULT_BACKENDS if name in installed)


def get_backend(name: str) -> BindingBackend:
    """The registered backend called ``name`` (``'default'`` is ``default_backend()``)."""
    key = default_backend() if name == "default" else name
    backend = _BACKENDS.get(key)
    if backend is None:
        raise AntigenError(f"unknown binding backend {name!r}; registered: {', '.join(_BACKENDS)}")
    reason = _missing(backend)
    if reason:
        raise AntigenError(
            f"backend {key!r} is not available: {reason}; "
            f"installed backends: {', '.join(installed_backends())}"
        )
    return backend


@functools.cache
def background_peptides(length: int) -> tuple[str, ...]:
    """The rank background: every distinct ``length``-mer of the shipped proteins.

    Nine human proteins (MLANA, PMEL, TYR, TYRP1, CDK4, CTNNB1, MAGEA3, CTAG1B, DCT): about
    3,600 natural peptides per length, the same for every allele and backend.
    """
    peps = {
        seq[i : i + length] for seq in _shipped().values() for i in range(len(seq) - length + 1)
    }
    return tuple(sorted(peps))


@functools.cache
def _background(backend_name: str, allele: str, length: int) -> np.ndarray:
    backend = get_backend(backend_name)
    return np.sort(backend.raw(list(background_peptides(length)), length, allele))


def _rank(backend: BindingBackend, peptides: list[str], length: int, allele: str) -> np.ndarray:
    if isinstance(backend, ConsensusBackend):
        return backend.raw(peptides, length, allele)
    bg = _background(backend.name, allele, length)
    raw = backend.raw(peptides, length, allele)
    return 100.0 * np.searchsorted(bg, raw, side="right") / bg.size


def resolve_alleles(alleles: Iterable[str], backend: str = "default") -> list[str]:
    """Normalise allele names and check the backend has them (order kept, duplicates dropped)."""
    known = get_backend(backend).alleles()
    out: list[str] = []
    for a in alleles:
        name = normalize_allele(a, known)
        if name not in out:
            out.append(name)
    if not out:
        raise AntigenError("no HLA alleles given; write e.g. --hla A*02:01")
    return out


def predict_binding(
    peptides: Sequence[str], alleles: Sequence[str], backend: str = "default"
) -> pl.DataFrame:
    """Predict HLA class I binding of every peptide to every allele.

    Scoring is vectorised with numpy per (allele, length) group; there is no Python loop per
    peptide. Percentile ranks are against the natural background of ``background_peptides``
    for the same allele and length (lower is better; computed once per process and cached).

    Parameters
    ----------
    peptides : sequence of str
        Peptides of 8-11 residues (the standard 20 amino acids; case-insensitive).
    alleles : sequence of str
        HLA alleles as users write them (``A2``, ``A*02:01``, ``HLA-A0201``).
    backend : str, default ``'default'``
        A registered backend (``installed_backends()``); ``'default'`` is
        ``default_backend()``.

    Returns
    -------
    polars.DataFrame
        One row per peptide and allele, in input order: ``peptide``, ``length``, ``allele``,
        ``ic50_nm`` (NaN where the backend has no affinity scale), ``rank`` (percent),
        ``backend``.

    Raises
    ------
    AntigenError
        For an unknown backend or allele, a length the backend cannot score for an allele,
        or non-standard residues.

    Examples
    --------
    >>> out = predict_binding(["AAGIGILTV", "ELAGIGILTV"], ["A*02:01"], backend="smmpmbec")
    >>> out.select("peptide", "allele", pl.col("ic50_nm").round(0)).rows()
    [('AAGIGILTV', 'HLA-A*02:01', 1460.0), ('ELAGIGILTV', 'HLA-A*02:01', 124.0)]
    """
    chosen = get_backend(backend)
    names = resolve_alleles(alleles, backend)
    peps = [p.strip().upper() for p in peptides]
    lengths = np.fromiter((len(p) for p in peps), dtype=np.int64, count=len(peps))
    frames = []
    for allele in names:
        ic50 = np.full(len(peps), np.nan)
        rank = np.full(len(peps), np.nan)
        for length in np.unique(lengths).tolist():
            idx = np.flatnonzero(lengths == length)
            group = [peps[i] for i in idx]
            if length not in chosen.lengths(allele):
                have = ", ".join(map(str, chosen.lengths(allele)))
                raise AntigenError(
                    f"backend {chosen.name!r} cannot score {length}-mers for {allele} "
                    f"(e.g. {group[0]!r}); it scores lengths {have} for this allele"
                )
            if isinstance(chosen, ConsensusBackend):
                affinity = chosen.affinity_part(allele, length)
                ic50[idx] = affinity.ic50(affinity.raw(group, length, allele))
            else:
                ic50[idx] = chosen.ic50(chosen.raw(group, length, allele))
            rank[idx] = _rank(chosen, group, length, allele)
        frames.append(
            pl.DataFrame(
                {
                    "peptide": peps,
                    "length": lengths.astype(np.int32),
                    "allele": [allele] * len(peps),
                    "ic50_nm": ic50,
                    "rank": rank,
                }
            )
        )
    out = pl.concat(frames) if frames else pl.DataFrame()
    return out.with_columns(backend=pl.lit(chosen.name))
