"""The Shiny application of a study, and serving it on one host and port."""

from __future__ import annotations

from shiny import App

from remission.app._data import StudyData
from remission.app._server import make_server
from remission.app._ui import page


def create_app(data: StudyData) -> App:
    """The Shiny app exploring one study (read-only; it has no authentication).

    Parameters
    ----------
    data : StudyData
        The study and its derived datasets.

    Returns
    -------
    shiny.App
        An ASGI application (serve it with ``serve`` or any ASGI server).

    Examples
    --------
    >>> from remission.simulate import simulate_study
    >>> from remission.app import study_data
    >>> type(create_app(study_data(simulate_study(n_patients=20, seed=1)))).__name__
    'App'
    """
    return App(page(data), make_server(data))


def serve(data: StudyData, host: str = "127.0.0.1", port: int = 8050) -> None:
    """Serve the app until interrupted, logging no request (no patient data in logs).

    Uvicorn logs warnings and errors only, with no access log: request paths (which may
    carry a typed patient identifier) are never written.

    Parameters
    ----------
    data : StudyData
        The study and its derived datasets.
    host : str
        The address to bind: ``127.0.0.1`` (this machine only) unless told otherwise.
    port : int
        The port.

    Examples
    --------
    >>> serve.__name__
    'serve'
    """
    import uvicorn

    uvicorn.run(
        create_app(data),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        ws_max_size=16 * 1024 * 1024,
    )
