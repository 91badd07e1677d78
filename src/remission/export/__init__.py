"""Derived datasets as sponsors and regulators take them: SAS V5 transport and Dataset-JSON.

- ``write_xpt`` / ``read_xpt``: SAS V5 transport (XPT) with dataset and variable labels, checked
  against V5's limits first by ``v5_problems``.
- ``write_dataset_json`` / ``read_dataset_json``: CDISC Dataset-JSON v1.1, JSON or NDJSON, with
  column metadata; ``validate_dataset_json`` checks a document against the published schema.
- ``define_table``: the define-style metadata (dataset, variable, label, type, length, origin,
  derivation text taken from the rule objects).

``remission derive STUDY --out DIR --format xpt|dataset-json`` writes them (``docs/derive.md``).

Examples
--------
>>> from remission.derive import derive_study
>>> from remission.export import define_table, v5_problems
>>> from remission.simulate import simulate_study
>>> frames = derive_study(simulate_study(n_patients=30, seed=1))
>>> [name for name, frame in frames.items() if v5_problems(frame, name)]
[]
>>> define_table(frames).columns
['dataset', 'variable', 'order', 'label', 'type', 'length', 'origin', 'derivation']
"""

from remission.export._dataset_json import (
    VERSION,
    dataset_json,
    load_dataset_json,
    read_dataset_json,
    validate_dataset_json,
    write_dataset_json,
)
from remission.export._metadata import (
    DATASET_LABELS,
    VARIABLES,
    Variable,
    define_table,
    derivation,
    merge_define,
    text_length,
    xpt_type,
)
from remission.export._xpt import V5_LABEL, V5_TEXT, read_xpt, v5_problems, write_xpt, xpt_metadata

__all__ = [
    "DATASET_LABELS",
    "V5_LABEL",
    "V5_TEXT",
    "VARIABLES",
    "VERSION",
    "Variable",
    "dataset_json",
    "define_table",
    "derivation",
    "load_dataset_json",
    "merge_define",
    "read_dataset_json",
    "read_xpt",
    "text_length",
    "v5_problems",
    "validate_dataset_json",
    "write_dataset_json",
    "write_xpt",
    "xpt_metadata",
    "xpt_type",
]
