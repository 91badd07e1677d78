"""Validate the numpydoc docstrings of every public name (each package's ``__all__``).

``numpydoc lint`` works file by file and cannot see re-exports, so this walks the front door
of each package instead: every name listed in an ``__all__`` must have a complete numpydoc
docstring with an Examples section (the examples run as doctests in ``make test``).
Checks ignored are listed in ``[tool.numpydoc_validation]`` of ``pyproject.toml``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
import tomllib
from pathlib import Path

from numpydoc.validate import validate

ROOT = Path(__file__).resolve().parents[1]


def ignored_checks() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["numpydoc_validation"]
    return {c for c in config["checks"] if c != "all"}


def public_objects() -> list[str]:
    import remission

    names = []
    for info in pkgutil.walk_packages(remission.__path__, "remission."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                names.append(f"{obj.__module__}.{obj.__qualname__}")
                if inspect.isclass(obj):
                    for attr, member in vars(obj).items():
                        if not attr.startswith("_") and inspect.isfunction(member):
                            names.append(f"{obj.__module__}.{obj.__qualname__}.{attr}")
    return sorted(set(names))


def main() -> int:
    ignore = ignored_checks()
    failures = 0
    objects = public_objects()
    for name in objects:
        result = validate(name)
        for code, message in result["errors"]:
            if code in ignore:
                continue
            failures += 1
            print(f"{name}: {code} {message}")
    print(f"{len(objects)} public objects checked, {failures} docstring problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
