"""``remission app``: the study explorer in the browser, on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from remission.cli._app import app
from remission.cli._console import err_console, note, say, say_study_warnings


def _progress_bar(total: int):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    )


@app.command("app")
def app_cmd(
    study: Annotated[Path, typer.Argument(help="The study folder (with study.toml).")],
    derived: Annotated[
        Path | None,
        typer.Option(
            "--derived",
            help="A folder `remission derive` wrote; without it the app derives (once, cached).",
        ),
    ] = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8050,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to bind; 127.0.0.1 is this machine only."),
    ] = "127.0.0.1",
) -> None:
    """Explore a study in the browser: cohort, durability, responses, patients, predictors.

    Read-only: the study folder is never written. Derived datasets are cached in the user
    cache folder ($XDG_CACHE_HOME/remission/derived, ~/.cache/remission/derived on Linux).
    The app has no authentication: keep it on 127.0.0.1, or put it behind a reverse proxy
    that authenticates (docs/app.md).
    """
    try:
        from remission.app import cache_dir, load_study_data, serve
    except ImportError as exc:  # the optional extra is missing
        raise ValueError(
            f"remission app needs the 'app' extra ({exc.name} is missing): "
            "pip install 'remission[app]'"
        ) from None
    from remission.study import load

    if derived is not None and not derived.is_dir():
        raise ValueError(f"--derived {derived}: not a folder")
    steps = 2
    with _progress_bar(steps) as progress:
        task = progress.add_task("reading and checking the study", total=steps + 1)
        loaded = load(study)
        progress.advance(task)

        def step(message: str) -> None:
            progress.update(task, description=message, advance=0.5)

        data = load_study_data(loaded, derived, progress=step)
        progress.update(task, description="ready", completed=steps + 1)
    say_study_warnings(loaded.warnings, study)
    if data.source == "derived":
        say(f"derived datasets cached in {cache_dir()}")
    label = "SYNTHETIC study" if data.synthetic else "study"
    if host not in ("127.0.0.1", "localhost", "::1"):
        note(
            f"binding {host}: anyone who can reach this address sees the study; "
            "the app has no authentication (see docs/app.md)"
        )
    shown = f"[{host}]" if ":" in host else host
    say(f"remission app: {label} {study}, {data.frames['adsl'].height} patients")
    say(f"serving on http://{shown}:{port}/ (Ctrl+C to stop)")
    serve(data, host, port)
