"""NetMHCpan 4.1, when the user has installed it: run ``netMHCpan`` and read its output.

NetMHCpan is licensed software (a download from DTU Health Tech after accepting its
licence), so remission never installs it; it uses the ``netMHCpan`` script it finds on PATH.
Peptides go in as a list (``-p FILE``), one allele per run (``-a HLA-A02:01``), with
binding-affinity predictions switched on (``-BA``); the standard output is parsed by the
column names of its header line (NetMHCpan 4.1: ``Pos MHC Peptide Core Of Gp Gl Ip Il Icore
Identity Score_EL %Rank_EL Score_BA %Rank_BA Aff(nM) BindLevel``).
"""

from __future__ import annotations

import functools
import math
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from remission.antigens._errors import AntigenError

EXECUTABLE = "netMHCpan"
"""The program looked up on PATH."""

_COLUMNS = {
    "MHC": "allele",
    "Peptide": "peptide",
    "Score_EL": "score_el",
    "%Rank_EL": "rank_el",
    "Score_BA": "score_ba",
    "%Rank_BA": "rank_ba",
    "Aff(nM)": "ic50_nm",
}
_ALLELE = re.compile(r"^HLA-([ABCEG])\*?(\d{2}):?(\d{2,3})$")


def _normal(name: str) -> str:
    match = _ALLELE.match(name.strip())
    if not match:
        return name.strip()
    locus, f1, f2 = match.groups()
    return f"HLA-{locus}*{f1}:{f2}"


def parse_netmhcpan_output(text: str) -> pl.DataFrame:
    """Read the prediction rows of NetMHCpan 4.x standard output.

    Columns are found by the names in the header line (the line starting with ``Pos``), so
    output without ``-BA`` (no affinity columns) is read too. Comment lines (``#``), rulers
    (``---``), the per-allele summary lines and the ``<= SB``/``<= WB`` marks are skipped.

    Parameters
    ----------
    text : str
        What ``netMHCpan`` printed.

    Returns
    -------
    polars.DataFrame
        One row per prediction, in output order: ``allele`` (``HLA-A*02:01`` form),
        ``peptide``, ``score_el``, ``rank_el``, ``score_ba``, ``rank_ba``, ``ic50_nm`` (NaN
        where the output has no such column).

    Raises
    ------
    AntigenError
        If the text has no NetMHCpan header line (e.g. NetMHCpan printed an error instead).

    Examples
    --------
    >>> header = (" Pos MHC Peptide Core Of Gp Gl Ip Il Icore Identity"
    ...           " Score_EL %Rank_EL Score_BA %Rank_BA Aff(nM) BindLevel")
    >>> row = ("   1 HLA-A*02:01 KTWGQYWQV KTWGQYWQV 0 0 0 0 0 KTWGQYWQV PEPLIST"
    ...        " 0.5380310 0.650 0.612043 0.680 66.49 <= WB")
    >>> out = "\\n".join(["# NetMHCpan version 4.1b", "-" * 40, header, "-" * 40, row])
    >>> parse_netmhcpan_output(out).select("allele", "peptide", "ic50_nm").rows()
    [('HLA-A*02:01', 'KTWGQYWQV', 66.49)]
    """
    index: dict[str, int] = {}
    rows: dict[str, list] = {name: [] for name in _COLUMNS.values()}
    for line in text.splitlines():
        fields = line.split()
        if not fields or fields[0].startswith(("#", "-")):
            continue
        if fields[0] == "Pos" and "Peptide" in fields:
            index = {_COLUMNS[f]: i for i, f in enumerate(fields) if f in _COLUMNS}
            continue
        if not index or not fields[0].isdigit() or len(fields) <= max(index.values()):
            continue
        for name in _COLUMNS.values():
            i = index.get(name)
            value = fields[i] if i is not None else None
            if name == "allele":
                rows[name].append(_normal(value))
            elif name == "peptide":
                rows[name].append(value)
            else:
                rows[name].append(float(value) if value is not None else math.nan)
    if not index:
        head = " | ".join(text.strip().splitlines()[:3]) or "(nothing)"
        raise AntigenError(f"not NetMHCpan output (no 'Pos ... Peptide' header line): {head}")
    schema = {name: pl.Float64 for name in _COLUMNS.values()} | {
        "allele": pl.String,
        "peptide": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


@dataclass(eq=False)
class NetmhcpanBackend:
    """NetMHCpan 4.1 binding affinity (``-BA``), run as the user's ``netMHCpan`` program."""

    name: str = "netmhcpan"
    description: str = "NetMHCpan 4.1 binding affinity, if netMHCpan is on PATH (licensed)"

    def missing(self) -> str:
        """Why the backend cannot run here ('' when it can)."""
        if shutil.which(EXECUTABLE) is None:
            return (
                f"{EXECUTABLE} is not on PATH; NetMHCpan 4.1 is licensed software: download it "
                "from DTU Health Tech, install it as its readme says, and put its netMHCpan "
                "script on PATH"
            )
        return ""

    def _run(self, args: list[str]) -> str:
        program = shutil.which(EXECUTABLE)
        if program is None:
            raise AntigenError(f"backend 'netmhcpan' is not available: {self.missing()}")
        done = subprocess.run(
            [program, *args], capture_output=True, text=True, check=False, timeout=3600
        )
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise AntigenError(
                f"{EXECUTABLE} {' '.join(args)} failed (exit {done.returncode}): "
                + " | ".join(tail)
            )
        return done.stdout

    @functools.cache  # noqa: B019  (backends live for the whole process)
    def alleles(self) -> list[str]:
        """HLA class I alleles NetMHCpan lists with ``-listMHC``, normalised."""
        names = set()
        for line in self._run(["-listMHC"]).splitlines():
            word = line.strip()
            if word and not word.startswith("#") and _ALLELE.match(word):
                names.add(_normal(word))
        return sorted(names)

    def lengths(self, allele: str) -> list[int]:
        """NetMHCpan 4.1 predicts 8-14-mers."""
        return list(range(8, 15))

    def raw(self, peptides: list[str], length: int, allele: str) -> np.ndarray:
        """log10 of NetMHCpan's predicted IC50 (lower binds better)."""
        if not peptides:
            return np.zeros(0)
        with tempfile.TemporaryDirectory(prefix="remission-netmhcpan-") as tmp:
            path = Path(tmp) / "peptides.txt"
            path.write_text("\n".join(peptides) + "\n")
            text = self._run(["-p", str(path), "-a", allele.replace("*", ""), "-BA"])
        table = parse_netmhcpan_output(text)
        if table["peptide"].to_list() != peptides:
            raise AntigenError(
                f"{EXECUTABLE} returned {table.height} predictions for {len(peptides)} "
                "peptides, or in another order"
            )
        if table["ic50_nm"].is_nan().any():
            raise AntigenError(f"{EXECUTABLE} printed no Aff(nM) column although -BA was given")
        return np.log10(table["ic50_nm"].to_numpy())

    def ic50(self, raw: np.ndarray) -> np.ndarray:
        """IC50 in nM (10 ** raw)."""
        return np.power(10.0, raw)
