"""`remission app` in Debian's Chromium: first page and the redraw after a filter change.

    python benchmarks/bench_app.py [--patients 409] [--repeat 5]

409 patients is the demo study; any other number is a `remission simulate` study of that
size (100000 for the issue's large study). Measures, on a real server and browser:

- server start: `remission app STUDY` until it answers (load, validate, derive, cache), then
  again with the cache filled;
- first page: a new browser tab until the cohort's counts are on the page;
- filter change on the Durability view: ticking a histology until the KM figure, its
  legend, the medians table and the patient count have all been redrawn;
- the same work inside one process, without the browser (filter, KM fit, figure, SVG), in
  wall-clock and CPU time (on a shared machine the CPU time is what an idle core would take).

Prints the median and best of each. Needs Debian's chromium (`/usr/bin/chromium`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _server(study: Path, cache: Path):
    port = _free_port()
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "remission", "app", str(study), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"remission app exited {proc.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        yield url, time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _summary(name: str, times: list[float]) -> None:
    print(
        f"{name:<44} median {statistics.median(times):7.3f} s   best {min(times):7.3f} s"
        f"   (n = {len(times)})"
    )


def _browser_times(url: str, repeat: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=600_000)
    first, redraw = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for _ in range(repeat):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(600_000)
            t = time.perf_counter()
            page.goto(url)
            expect(page.locator("#cohort-counts")).to_be_visible()
            first.append(time.perf_counter() - t)
            page.close()
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(600_000)
        page.goto(url)
        page.get_by_role("tab", name="Durability", exact=True).click()
        expect(page.locator("#km-figure img")).to_be_visible()
        box = page.get_by_label("melanoma", exact=True)
        for i in range(repeat * 2):
            src = page.locator("#km-figure img").get_attribute("src")
            medians = page.locator("#km-medians").inner_text()
            count = page.get_by_test_id("n-patients").inner_text()
            t = time.perf_counter()
            box.set_checked(i % 2 == 0)
            page.wait_for_function(
                """([src, medians, count]) => {
                    const img = document.querySelector('#km-figure img');
                    const med = document.querySelector('#km-medians');
                    const n = document.querySelector('[data-testid=n-patients]');
                    return img && med && n && img.getAttribute('src') !== src
                        && med.innerText !== medians && n.innerText !== count
                        && !document.documentElement.classList.contains('shiny-busy');
                }""",
                arg=[src, medians, count],
                polling="raf",
            )
            redraw.append(time.perf_counter() - t)
        browser.close()
    return first, redraw


def _in_process(study_dir: Path, cache: Path, repeat: int) -> tuple[list[float], list[float]]:
    os.environ["XDG_CACHE_HOME"] = str(cache)
    from remission.app import (
        Filters,
        filter_adsl,
        filter_frames,
        km_figure,
        km_view,
        load_study_data,
    )
    from remission.app._html import svg_text
    from remission.study import load

    data = load_study_data(load(study_dir))
    times, cpu = [], []
    for i in range(repeat * 2):
        t, c = time.perf_counter(), time.process_time()
        chosen = Filters(histology=("melanoma",)) if i % 2 == 0 else Filters()
        frames = filter_frames(data.frames, filter_adsl(data.frames["adsl"], chosen))
        view = km_view(frames, "OS", "HISTOL")
        svg_text(km_figure(view)[0])  # as the app sends it (SVG)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=409)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print("chromium not installed: apt-get install chromium")
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        study = root / "study"
        if args.patients == 409:
            from remission.simulate import demo_study
            from remission.study import write_study

            write_study(demo_study().study, study, "csv")
        else:
            subprocess.run(
                [
                    *(sys.executable, "-m", "remission", "simulate"),
                    *("--patients", str(args.patients), "--out", str(study)),
                    *("--format", "parquet"),
                ],
                check=True,
                capture_output=True,
            )
        print(
            f"remission app on {args.patients} patients (cores: {os.cpu_count()}, "
            f"load average {os.getloadavg()[0]:.1f})"
        )
        with _server(study, root / "cache") as (_, cold):
            pass
        with _server(study, root / "cache") as (url, warm):
            print(f"{'server start, deriving and caching':<44} {cold:7.3f} s")
            print(f"{'server start, from the cache':<44} {warm:7.3f} s")
            first, redraw = _browser_times(url, args.repeat)
        _summary("first page (new tab to the cohort's counts)", first)
        _summary("filter change: KM + legend + medians + count", redraw)
        wall, cpu = _in_process(study, root / "cache", args.repeat)
        _summary("same work in one process (no browser)", wall)
        _summary("  its CPU time (what an idle core would take)", cpu)


if __name__ == "__main__":
    main()
