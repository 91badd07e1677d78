"""The ``remission`` command line (Typer + Rich).

Examples
--------
>>> from remission.cli import app
>>> app.info.name
'remission'
"""

# first: sets the allocator's settings before anything imports Polars
from remission import _allocator  # noqa: F401

# importing the command modules registers their commands on the app
from remission.cli import (  # noqa: F401
    _antigens_cmd,
    _app_cmd,
    _derive_cmd,
    _dose_cmd,
    _import_cmd,
    _omop_cmd,
    _redcap_cmd,
    _report_cmd,
    _screen_cmd,
    _study_cmds,
)
from remission.cli._app import app, main, run

__all__ = ["app", "main", "run"]
