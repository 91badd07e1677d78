"""The app's data: a loaded study and its derived datasets, derived once and cached.

The app never writes into the study folder. Derived datasets come from ``--derived DIR`` (a
folder ``remission derive`` wrote, CSV or Parquet), else from the cache
(``cache_dir()``: ``$XDG_CACHE_HOME/remission/derived`` or the platform's user cache folder),
else they are derived now and written to the cache, keyed by the study's content (every
source file's SHA-256, ``study.toml`` and remission's version), so a changed study is derived
again and an unchanged one opens at once.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

import remission
from remission._io import atomic_folder
from remission.study import Study

DATASETS = ("adsl", "adex", "adrs", "adtte", "adtr", "adlb")
"""The derived datasets the app reads (``rsqc`` is the report's)."""


@dataclass(frozen=True)
class StudyData:
    """A study and its derived datasets, as the app shows them.

    Parameters
    ----------
    study : Study
        The loaded study (its raw records feed the patient timeline).
    frames : dict of str to polars.DataFrame
        The derived datasets by name (``adsl``, ``adex``, ``adrs``, ``adtte``, ``adtr``,
        ``adlb`` as the study supports them).
    source : str
        Where the datasets came from: ``"derived"``, ``"cache"`` or ``"folder"``.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> data = study_data(simulate_study(n_patients=30, seed=1))
    >>> data.synthetic, data.frames["adsl"].height, data.source
    (True, 30, 'derived')
    """

    study: Study
    frames: dict[str, pl.DataFrame]
    source: str = "derived"

    @property
    def synthetic(self) -> bool:
        """Whether the study is synthetic (the app then shows a banner)."""
        return bool(self.study.config.synthetic)

    @property
    def name(self) -> str:
        """The study's name from ``study.toml``."""
        return self.study.config.name


def study_data(study: Study, frames: dict[str, pl.DataFrame] | None = None) -> StudyData:
    """Bundle a study with its derived datasets, deriving them when not given.

    Parameters
    ----------
    study : Study
        A loaded study.
    frames : dict of str to polars.DataFrame, optional
        Its derived datasets (``derive_study``); derived here when omitted.

    Returns
    -------
    StudyData
        The study and the datasets the app uses.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> sorted(study_data(simulate_study(n_patients=20, seed=2)).frames)
    ['adex', 'adlb', 'adrs', 'adsl', 'adtr', 'adtte']
    """
    source = "given"
    if frames is None:
        from remission.derive import derive_study

        frames, source = derive_study(study), "derived"
    return StudyData(study, {k: v for k, v in frames.items() if k in DATASETS}, source)


def cache_dir() -> Path:
    """The folder of cached derived datasets: ``$XDG_CACHE_HOME/remission/derived``.

    Without ``XDG_CACHE_HOME`` it is the platform's user cache folder (``~/.cache`` on Linux,
    ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows) plus ``remission/derived``.

    Returns
    -------
    pathlib.Path
        The folder (not created here).

    Examples
    --------
    >>> import os
    >>> os.environ["XDG_CACHE_HOME"] = "/tmp/example-cache"
    >>> str(cache_dir())
    '/tmp/example-cache/remission/derived'
    >>> del os.environ["XDG_CACHE_HOME"]
    """
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        import platformdirs

        base = platformdirs.user_cache_dir()
    return Path(base) / "remission" / "derived"


def study_key(study: Study) -> str:
    """A key of the study's content: its sources' SHA-256, its settings, remission's version.

    Parameters
    ----------
    study : Study
        A study loaded from a folder.

    Returns
    -------
    str
        24 hexadecimal digits.

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> len(study_key(simulate_study(n_patients=20, seed=1)))
    24
    """
    digest = hashlib.sha256(remission.__version__.encode())
    digest.update(repr(study.config).encode())
    for s in sorted(study.sources, key=lambda s: s.table):
        digest.update(f"{s.table}:{s.file}:{s.sha256}:{s.rows}".encode())
    return digest.hexdigest()[:24]


def read_derived(folder: Path) -> dict[str, pl.DataFrame]:
    """Read the datasets ``remission derive`` wrote into ``folder`` (Parquet or CSV).

    CSV columns are typed back by polars' inference with ISO dates parsed.

    Parameters
    ----------
    folder : pathlib.Path
        The folder (``adsl.parquet`` or ``adsl.csv`` and the others).

    Returns
    -------
    dict of str to polars.DataFrame
        The datasets found, by name.

    Raises
    ------
    ValueError
        When the folder has no ADSL.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> pl.DataFrame({"USUBJID": ["a"]}).write_parquet(folder / "adsl.parquet")
    >>> read_derived(folder)["adsl"].height
    1
    """
    frames = {}
    for name in DATASETS:
        parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
        if parquet.is_file():
            frames[name] = pl.read_parquet(parquet)
        elif csv.is_file():
            frames[name] = pl.read_csv(csv, try_parse_dates=True, infer_schema_length=None)
    if "adsl" not in frames:
        raise ValueError(
            f"{folder} holds no adsl.parquet or adsl.csv; "
            "write it with `remission derive STUDY --out DIR`"
        )
    return frames


def load_study_data(
    study: Study,
    derived: Path | None = None,
    cache: Path | None = None,
    progress: Callable[[str], object] | None = None,
) -> StudyData:
    """The study's derived datasets: from ``derived``, else the cache, else derived and cached.

    Parameters
    ----------
    study : Study
        A study loaded from its folder.
    derived : pathlib.Path, optional
        A folder ``remission derive`` wrote.
    cache : pathlib.Path, optional
        The cache folder; ``cache_dir()`` when omitted.
    progress : callable, optional
        Called with the name of each step before it runs (the CLI shows a progress bar).

    Returns
    -------
    StudyData
        The study and its datasets; ``source`` says where they came from.

    Examples
    --------
    >>> import tempfile
    >>> from remission.simulate import simulate_study
    >>> cache = Path(tempfile.mkdtemp())
    >>> study = simulate_study(n_patients=20, seed=1)
    >>> load_study_data(study, cache=cache).source, load_study_data(study, cache=cache).source
    ('derived', 'cache')
    """
    say = progress or (lambda _: None)
    if derived is not None:
        say(f"reading the derived datasets in {derived}")
        return StudyData(study, read_derived(derived), "folder")
    folder = (cache or cache_dir()) / study_key(study)
    if (folder / "adsl.parquet").is_file():
        say("reading the cached derived datasets")
        return StudyData(study, read_derived(folder), "cache")
    say("deriving the analysis datasets")
    data = study_data(study)
    say("caching them")
    inputs = [] if study.folder is None else [study.folder]
    try:
        with atomic_folder(folder, "derived datasets (app cache)", inputs=inputs) as tmp:
            for name, frame in data.frames.items():
                frame.write_parquet(tmp / f"{name}.parquet")
            (tmp / "key.json").write_text(
                json.dumps({"study": study.config.name, "version": remission.__version__}),
                encoding="utf-8",
            )
    except (OSError, ValueError):
        pass  # a cache that cannot be written costs time, never the session
    return data
