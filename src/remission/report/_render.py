"""Figures rendered to SVG and PNG, the work shared across the machine's cores.

Rendering is most of a report's time (15 figures, each drawn twice). Inside
:func:`rendering_batch` a figure is only recorded; when the block ends the figures are drawn by
the parent and, on Linux with more than one core, by forked workers that do nothing else: they
draw their share with matplotlib, send the bytes back through a pipe and exit (no Polars, no
files). A worker that fails is redone in the parent, so the result never depends on the
workers. ``REMISSION_PROCESSES=1`` draws everything in one process.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import os
import pickle
import select
import signal
import sys
import warnings
from collections.abc import Iterator

from matplotlib import pyplot as plt
from PIL import Image

PNG_DPI = 150
_SHARE = 2
"""Figures handed to a worker at once while the report is being built."""
_SVG_RC = {"svg.hashsalt": "remission", "svg.fonttype": "none"}
"""The settings read when a figure is drawn to SVG: fixed here, so that a figure drawn by a
worker forked before the house style was first applied is the same as one drawn later."""
_batch: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar("figures", default=None)


def draw(fig: plt.Figure) -> tuple[str, bytes]:
    """SVG text and PNG bytes (RGB, ``PNG_DPI``) of a figure; the figure is then closed.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.

    Returns
    -------
    tuple of (str, bytes)
        The inline SVG (no XML declaration) and the PNG.

    Examples
    --------
    >>> fig, _ = plt.subplots(figsize=(2, 1))
    >>> svg, png = draw(fig)
    >>> svg[:4], png[:4] == b"\\x89PNG"
    ('<svg', True)
    """
    svg_buf = io.StringIO()
    # a fixed salt: the SVG's element ids, and so the file, are the same on every run; text
    # as text (the house style's), whatever rcParams held when a worker was forked
    with plt.rc_context(_SVG_RC):
        fig.savefig(svg_buf, format="svg", metadata={"Date": None})
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=PNG_DPI)
    width, height = (int(v) for v in fig.get_size_inches() * PNG_DPI)
    png_buf = io.BytesIO()
    if len(raw.getbuffer()) == width * height * 4:
        # the figure is opaque: RGB without the alpha channel (smaller, and the PDF embeds it
        # without a soft mask)
        image = Image.frombuffer("RGBA", (width, height), raw.getbuffer(), "raw", "RGBA", 0, 1)
        image.convert("RGB").save(png_buf, format="png", dpi=(PNG_DPI, PNG_DPI))
    else:  # a size matplotlib rounded differently: its own PNG writer
        fig.savefig(png_buf, format="png", dpi=PNG_DPI)
    plt.close(fig)
    svg = svg_buf.getvalue()
    return svg[svg.index("<svg") :], png_buf.getvalue()


def defer(target: object, fig: plt.Figure) -> bool:
    """Record ``fig`` to be drawn into ``target.svg`` / ``target.png`` when the batch ends.

    Returns False outside :func:`rendering_batch` (the caller then draws at once).
    """
    batch = _batch.get()
    if batch is None:
        return False
    batch.jobs.append((target, fig))
    batch.hand_off()
    return True


def _processes() -> int:
    wanted = os.environ.get("REMISSION_PROCESSES", "")
    if wanted.isdigit() and int(wanted) >= 1:
        return int(wanted)
    if not sys.platform.startswith("linux"):
        return 1  # fork is Linux's; elsewhere one process
    return len(os.sched_getaffinity(0))


def _fork(figs: list[plt.Figure]) -> tuple[int, int] | None:
    """A worker drawing ``figs``; (pid, read end of its pipe), or None when fork fails."""
    read, write = os.pipe()
    try:
        with warnings.catch_warnings():
            # Python 3.12+ warns that forking a threaded process may deadlock the child; this
            # child runs only matplotlib's drawing, no thread pool, and exits
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:  # the worker
        code = 1
        try:
            os.close(read)
            payload = pickle.dumps([draw(f) for f in figs], protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as out:
                out.write(payload)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def _collect(pid: int, read: int) -> list[tuple[str, bytes]] | None:
    with os.fdopen(read, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        return pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError):
        return None


def _done(read: int) -> bool:
    """Whether a worker has finished drawing: it writes its pipe only then (or exits)."""
    return bool(select.select([read], [], [], 0)[0])


Job = tuple[object, plt.Figure]


class _Batch:
    """The figures of one ``rendering_batch``: handed to workers while the report is still
    being built (``hand_off``), the rest drawn when the block ends (``finish``)."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []
        self.handed = 0  # jobs[:handed] are a worker's or drawn
        self.running: list[tuple[list[Job], tuple[int, int]]] = []
        self.drawn: list[tuple[list[Job], list[tuple[str, bytes]] | None]] = []

    def hand_off(self) -> None:
        """Give the figures recorded since the last hand-off to a worker, if a core is free.

        The parent computes the next sections while the worker draws: on 2 cores the demo's
        report is built in 2.4 s instead of 2.7 s (medians of 6, alternating with drawing
        every figure at the end).
        """
        if _processes() < 2 or self.handed == len(self.jobs):
            return
        for item in [r for r in self.running if _done(r[1][1])]:
            self.running.remove(item)
            self.drawn.append((item[0], _collect(*item[1])))
        if len(self.running) >= _processes() - 1:
            return
        # a few at a time: a worker still drawing a long share when the block ends would
        # leave the parent's core idle at the end
        share = self.jobs[self.handed : self.handed + _SHARE]
        worker = _fork([fig for _, fig in share])
        if worker is not None:
            self.handed += len(share)
            self.running.append((share, worker))

    def finish(self) -> None:
        """Draw what no worker has (shared with new workers), then collect every worker."""
        # on every core again, though a worker may still be busy: it is soon done, and the
        # core it frees would otherwise wait for the parent's share
        render_all(self.jobs[self.handed :])
        for share, worker in self.running:
            self.drawn.append((share, _collect(*worker)))
        self.running.clear()
        for share, drawn in self.drawn:
            _deliver(share, drawn if drawn is not None else [draw(f) for _, f in share])

    def close(self) -> None:
        """Abandon the batch (an error while building): close every figure, end workers."""
        for _, (pid, read) in self.running:
            os.close(read)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # its drawing is not wanted
            os.waitpid(pid, 0)
        for _, fig in self.jobs:
            plt.close(fig)


def _deliver(share: list[Job], drawn: list[tuple[str, bytes]]) -> None:
    for (target, fig), (svg, png) in zip(share, drawn, strict=True):
        target.svg, target.png = svg, png  # type: ignore[attr-defined]
        plt.close(fig)


def render_all(jobs: list[Job]) -> None:
    """Draw every recorded figure into its target, shared among the cores.

    Parameters
    ----------
    jobs : list of (target, Figure)
        What :func:`defer` recorded.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> target = SimpleNamespace(svg="", png=b"")
    >>> render_all([(target, plt.subplots(figsize=(2, 1))[0])])
    >>> target.svg[:4]
    '<svg'
    """
    n = _processes()
    shares = [jobs[i::n] for i in range(min(n, len(jobs)))]
    workers = []
    for share in shares[1:]:
        worker = _fork([fig for _, fig in share])
        workers.append((share, worker))
    if shares:
        _deliver(shares[0], [draw(fig) for _, fig in shares[0]])
    for share, worker in workers:
        drawn = _collect(*worker) if worker is not None else None
        _deliver(share, drawn if drawn is not None else [draw(f) for _, f in share])


def hand_off() -> None:
    """Within :func:`rendering_batch`, start drawing the figures recorded so far on a free
    core while the caller goes on; elsewhere nothing.

    Examples
    --------
    >>> hand_off()  # outside a batch: nothing to do
    """
    batch = _batch.get()
    if batch is not None:
        batch.hand_off()


@contextlib.contextmanager
def rendering_batch() -> Iterator[None]:
    """Within the block figures are recorded; they are drawn, in parallel, as the block calls
    :func:`hand_off` and when it ends.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> target = SimpleNamespace(svg="", png=b"")
    >>> with rendering_batch():
    ...     defer(target, plt.subplots(figsize=(2, 1))[0])
    ...     hand_off()
    True
    >>> target.png[:4] == b"\\x89PNG"
    True
    """
    batch = _Batch()
    token = _batch.set(batch)
    try:
        # figures stay open until the block ends, by design: no "more than 20 figures" warning
        with plt.rc_context({"figure.max_open_warning": 0}):
            yield
    except BaseException:
        batch.close()
        raise
    finally:
        _batch.reset(token)
    batch.finish()
