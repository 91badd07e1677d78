"""The ``remission`` command sets Polars' allocator before Polars loads, keeping a user's own."""

from __future__ import annotations

import os
import subprocess
import sys

from remission._allocator import JEMALLOC_CONF

_SHOW = "import remission.cli, os; print(os.environ['_RJEM_MALLOC_CONF'])"


def _conf(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _SHOW], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_command_asks_for_background_purging() -> None:
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    # Polars puts its own defaults first; the later pairs win
    assert _conf(env).endswith("," + JEMALLOC_CONF)


def test_polars_own_setting_from_a_parent_process_is_not_the_users() -> None:
    """A script that imported Polars and runs ``remission`` passes Polars' setting on."""
    env = {**os.environ, "_RJEM_MALLOC_CONF": "dirty_decay_ms:500,muzzy_decay_ms:1000"}
    assert _conf(env).endswith("," + JEMALLOC_CONF)


def test_a_setting_of_the_users_own_is_kept() -> None:
    env = {**os.environ, "_RJEM_MALLOC_CONF": "dirty_decay_ms:0"}
    assert _conf(env).endswith(",dirty_decay_ms:0")
    assert "background_thread" not in _conf(env)
