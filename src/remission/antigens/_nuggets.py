"""MHCnuggets' class I networks, evaluated with numpy from the weights its package ships.

MHCnuggets 2.4.1 (PyPI) ships one small trained network per allele inside its wheel
(``mhcnuggets/saves/production/*.h5``): a masked LSTM (64 units) over the peptide, a dense
layer (64, tanh) and a sigmoid output ``p``, with IC50 = 50000 ** (1 - p) nM. Its own
``predict`` needs TensorFlow (a 572 MB wheel) and breaks under Keras 3; the network is small
enough that remission runs the same arithmetic with numpy (vectorised over peptides, one
matrix product per residue position) and reads only the weights, with h5py.

Equal to MHCnuggets' own ``predict`` (TensorFlow 2.21 + tf-keras) to float32 precision:
``tests/antigens/test_backends.py`` holds its values, produced by
``tests/antigens/reference/mhcnuggets_reference.py``.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from remission.antigens._errors import AntigenError
from remission.antigens._sequences import encode_peptides

MAX_IC50 = 50_000.0
"""MHCnuggets' affinity scale: IC50 = MAX_IC50 ** (1 - p)."""

_SOFT_ON, _SOFT_OFF = 0.9, 0.1 / 20
"""MHCnuggets' "soft one-hot" residue encoding: 0.9 for the residue, 0.005 for the other 20."""

_FILE = re.compile(r"^HLA-([ABCE])(\d{2}):(\d{2,3})_BA\.h5$")
_CHUNK = 32_768
"""Peptides per block: bounds memory at about 35 MB per block."""

INSTALL_HINT = (
    "pip install 'remission[mhcnuggets]' (or, without TensorFlow, which remission does not "
    "use: pip install h5py && pip install --no-deps mhcnuggets==2.4.1)"
)


def _model_dir() -> Path | None:
    if importlib.util.find_spec("mhcnuggets") is None:
        return None
    folder = Path(str(resources.files("mhcnuggets"))) / "saves" / "production"
    return folder if folder.is_dir() else None


@dataclass(frozen=True)
class _Weights:
    table: np.ndarray  # (20, 256): encoded residue @ input kernel + bias, per residue
    recurrent: np.ndarray  # (64, 256)
    dense1: np.ndarray  # (64, 64)
    bias1: np.ndarray  # (64,)
    dense2: np.ndarray  # (64,)
    bias2: float


def _read_weights(path: Path) -> _Weights:
    import h5py

    with h5py.File(path, "r") as f:

        def get(name: str) -> np.ndarray:
            return np.asarray(f[name], dtype=np.float32)

        # (21, 256): rows in MHCnuggets' residue order ACDEFGHIKLMNPQRSTVWY + X, which is
        # AMINO_ACIDS + X; columns are the gates i f c o
        kernel = get("lstm_1/lstm_1/kernel:0")
        bias = get("lstm_1/lstm_1/bias:0")
        recurrent = get("lstm_1/lstm_1/recurrent_kernel:0")
        dense1, bias1 = get("dense_1/dense_1/kernel:0"), get("dense_1/dense_1/bias:0")
        dense2, bias2 = get("dense_2/dense_2/kernel:0"), get("dense_2/dense_2/bias:0")
    # the soft one-hot row of residue r times the kernel, folded into one table row per residue
    table = _SOFT_ON * kernel[:20] + _SOFT_OFF * (kernel.sum(axis=0) - kernel[:20]) + bias
    # gates reordered i f c o -> i f o c: one sigmoid over the first three quarters
    units = recurrent.shape[0]
    order = np.r_[0 : 2 * units, 3 * units : 4 * units, 2 * units : 3 * units]
    return _Weights(
        table[:, order], recurrent[:, order], dense1, bias1, dense2[:, 0], float(bias2[0])
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    out = np.exp(-x)
    out += 1.0
    return np.reciprocal(out, out=out)


def _forward(w: _Weights, codes: np.ndarray) -> np.ndarray:
    """Output probability ``p`` for an (n, length) block of residue codes.

    MHCnuggets pads peptides at the front with masked positions; a masked step leaves the LSTM
    state as it is, so the network reads only the residues, from a zero state. Gates are in
    Keras order (input, forget, cell, output; reordered on reading) with sigmoid recurrent
    activation, as TensorFlow 2 builds MHCnuggets' model.
    """
    units = w.recurrent.shape[0]
    h = c = None
    for t in range(codes.shape[1]):
        z = w.table[codes[:, t]]
        if h is not None:  # the first step starts from the zero state
            z += h @ w.recurrent
        gates = _sigmoid(z[:, : 3 * units])  # input, forget, output
        cell = np.tanh(z[:, 3 * units :])
        cell *= gates[:, :units]
        c = cell if c is None else gates[:, units : 2 * units] * c + cell
        h = gates[:, 2 * units :] * np.tanh(c)
    out = np.tanh(h @ w.dense1 + w.bias1) @ w.dense2 + w.bias2
    return _sigmoid(out.astype(np.float64))


@dataclass(eq=False)
class MhcnuggetsBackend:
    """MHCnuggets 2.4.1 binding-affinity networks (offline: the weights ship in its wheel).

    Uses each allele's binding-affinity model (``*_BA.h5``, MHCnuggets' ``ba_models=True``),
    not the mass-spectrometry-tuned ``*_BA_to_HLAp.h5`` that MHCnuggets prefers for 15
    alleles: on the HPV16 affinity benchmark the latter scores AUC 0.54 for HLA-A*02:01
    against 0.76 (docs/antigens.md). Covers the 101 HLA-A, -B, -C and -E alleles with a model
    of their own; MHCnuggets' fallback to a neighbouring allele's model is not applied.
    """

    name: str = "mhcnuggets"
    description: str = "MHCnuggets 2.4.1 LSTM per allele (binding-affinity models, IC50)"
    _files: dict[str, Path] = field(default_factory=dict, init=False, repr=False)

    def missing(self) -> str:
        """Why the backend cannot run here ('' when it can)."""
        if _model_dir() is None:
            return f"the mhcnuggets package is not installed ({INSTALL_HINT})"
        if importlib.util.find_spec("h5py") is None:
            return f"h5py, which reads MHCnuggets' weights, is not installed ({INSTALL_HINT})"
        return ""

    def _index(self) -> dict[str, Path]:
        if not self._files:
            folder = _model_dir()
            for path in sorted(folder.iterdir()) if folder else []:
                match = _FILE.match(path.name)
                if match:
                    locus, f1, f2 = match.groups()
                    self._files[f"HLA-{locus}*{f1}:{f2}"] = path
        return self._files

    def alleles(self) -> list[str]:
        """Normalised names of the alleles with their own MHCnuggets model."""
        return sorted(self._index())

    def lengths(self, allele: str) -> list[int]:
        """MHCnuggets scores class I peptides of up to 15 residues; 8-15 are offered."""
        return list(range(8, 16))

    @functools.cache  # noqa: B019  (backends live for the whole process)
    def weights(self, allele: str) -> _Weights:
        """The network of ``allele``, read once per process."""
        path = self._index().get(allele)
        if path is None:
            raise AntigenError(f"backend 'mhcnuggets' has no model for {allele}")
        return _read_weights(path)

    def probability(self, peptides: list[str], length: int, allele: str) -> np.ndarray:
        """The network's output ``p`` in [0, 1] for equal-length peptides (higher binds)."""
        w = self.weights(allele)
        codes = encode_peptides(peptides, length)
        out = np.empty(len(peptides))
        for start in range(0, len(peptides), _CHUNK):
            out[start : start + _CHUNK] = _forward(w, codes[start : start + _CHUNK])
        return out

    def raw(self, peptides: list[str], length: int, allele: str) -> np.ndarray:
        """log10 IC50 (lower binds better)."""
        return (1.0 - self.probability(peptides, length, allele)) * np.log10(MAX_IC50)

    def ic50(self, raw: np.ndarray) -> np.ndarray:
        """IC50 in nM (10 ** raw)."""
        return np.power(10.0, raw)
