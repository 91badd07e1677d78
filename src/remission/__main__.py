"""``python -m remission``: the same as the ``remission`` command."""

from remission.cli import main

if __name__ == "__main__":
    main()
