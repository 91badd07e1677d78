"""``python -m remission``: the same as the ``remission`` command."""

from remission.cli import run

if __name__ == "__main__":
    run()
