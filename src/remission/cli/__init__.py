"""The ``remission`` command line (Typer + Rich).

Examples
--------
>>> from remission.cli import app
>>> app.info.name
'remission'
"""

from remission.cli import _study_cmds  # noqa: F401  (registers the commands)
from remission.cli._app import app, main

__all__ = ["app", "main"]
