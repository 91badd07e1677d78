"""Files named in study.toml (``regimen``, ``workbook``): read only from inside the study folder."""

from __future__ import annotations

from pathlib import Path

from remission.study._problems import Problem


def inside_folder(folder: Path, name: str) -> bool:
    """Whether the file ``name`` (as study.toml gives it) lies inside ``folder``.

    A name is relative to the folder, without ``..``, and stays inside it once symbolic links
    are followed: a study never reads (and ``write_study`` never writes) outside its folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> inside_folder(folder, "regimen.toml"), inside_folder(folder, "sub/regimen.toml")
    (True, True)
    >>> inside_folder(folder, "../regimen.toml"), inside_folder(folder, "/etc/passwd")
    (False, False)
    >>> (folder / "link.toml").symlink_to("/etc/passwd")
    >>> inside_folder(folder, "link.toml")
    False
    """
    path = Path(name)
    if not name or path.is_absolute() or path.drive or ".." in path.parts:
        return False
    base = folder.resolve()
    return (base / path).resolve().is_relative_to(base)


def outside_problem(key: str, name: str) -> Problem:
    """The problem of a file named in study.toml that lies outside the study folder."""
    path = Path(name)
    if path.is_absolute() or ".." in path.parts:
        fix = f'copy the file into the study folder and give its name alone ({key} = "{path.name}")'
    else:  # a name in the folder, leading out of it through a symbolic link
        fix = (
            "replace the symbolic link by a copy of the file: a link out of the folder is not "
            "followed"
        )
    return Problem(
        "error",
        "config.path_outside",
        "study.toml",
        None,
        key,
        name,
        "the name of a file inside the study folder",
        fix,
    )
