"""Writing a screen folder (``plates.csv``, ``layout.csv``, ``screen.toml``), atomically."""

from __future__ import annotations

from pathlib import Path

import tomli_w

from remission._io import atomic_folder, write_csv
from remission.antigens.screens._format import CONCENTRATION_UNITS, ScreenTables


def write_screen(tables: ScreenTables, out: str | Path) -> Path:
    """Write a screen as a folder that ``read_screen`` reads back.

    Parameters
    ----------
    tables : ScreenTables
        The screen.
    out : str or pathlib.Path
        The folder to create (an earlier one is replaced only when complete, and only when
        remission wrote it).

    Returns
    -------
    pathlib.Path
        The folder written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from remission.antigens.screens import demo_screen, read_screen
    >>> folder = write_screen(demo_screen(), pathlib.Path(tempfile.mkdtemp()) / "screens")
    >>> read_screen(folder).synthetic
    True
    """
    out = Path(out)
    plates = tables.plates.drop("_row", strict=False)
    units = plates["concentration_unit"].drop_nulls().unique().to_list()
    if len(units) > 1:
        raise ValueError(f"a screen has one concentration unit, not {units}")
    suffix = {label: key for key, label in CONCENTRATION_UNITS.items()}
    column = f"concentration_{suffix[units[0]]}" if units else "concentration_nm"
    plates = plates.drop("concentration_unit").rename({"concentration": column})
    with atomic_folder(out, "screen") as tmp:
        write_csv(plates, tmp / "plates.csv")
        write_csv(tables.layout.drop("_row", strict=False), tmp / "layout.csv")
        config = {"screen": {"name": tables.name, "synthetic": tables.synthetic}}
        (tmp / "screen.toml").write_bytes(tomli_w.dumps(config).encode())
    return out
