"""The memory allocator's settings for the ``remission`` command, set before Polars loads.

Polars allocates with its own jemalloc, which reads ``_RJEM_MALLOC_CONF`` once, when Polars
is first imported; Polars asks it to give freed pages back to the kernel within 0.5-1 s
(``dirty_decay_ms:500,muzzy_decay_ms:1000``, added to any setting found, which wins). A
command that builds and drops tables of millions of rows part after part then spends a third
of its time in the kernel, faulting the same memory in again. Keeping freed pages for 10 s,
and purging them in jemalloc's background thread instead of on the allocating threads
(imported first by ``remission.cli``), made ``remission derive`` of 300,000 patients (3
parts) take 35.2 s instead of 38.7-46.4 s, with 6.9 s of kernel time instead of 16-19 s, for
a peak of 5.1 GB instead of 3.9-4.1 GB (docs/scale.md). A setting of the user's own is kept.
"""

from __future__ import annotations

import os
import sys

JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:10000,muzzy_decay_ms:10000"
"""What ``remission`` asks of Polars' jemalloc: purge in the background, after 10 s."""


_POLARS_OWN = frozenset(
    ("dirty_decay_ms:500", "muzzy_decay_ms:1000", "thp:always", "metadata_thp:always")
)
"""What Polars itself writes into ``_RJEM_MALLOC_CONF`` when it is imported: a parent process
that imported Polars (a script running ``remission``) passes it on, and it is not the user's."""


def configure_allocator() -> bool:
    """Set ``_RJEM_MALLOC_CONF`` for Polars' jemalloc, unless set or too late.

    Returns
    -------
    bool
        True when the setting was made: Polars not yet imported, and nothing set but what
        Polars sets itself (which a parent process that imported Polars passes on).

    Examples
    --------
    >>> import polars
    >>> configure_allocator()  # Polars is loaded here: too late, nothing is changed
    False
    """
    if "polars" in sys.modules:
        return False
    given = [pair for pair in os.environ.get("_RJEM_MALLOC_CONF", "").split(",") if pair]
    if any(pair not in _POLARS_OWN for pair in given):
        return False
    os.environ["_RJEM_MALLOC_CONF"] = JEMALLOC_CONF
    return True


configure_allocator()
