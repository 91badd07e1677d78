"""The one error type of the antigens package."""

from __future__ import annotations


class AntigenError(ValueError):
    """A user mistake in antigen input: unknown allele, bad HGVS, bad sequence, ...

    It is a ``ValueError`` so the command line ends it with a message and exit code 2.

    Examples
    --------
    >>> from remission.antigens import AntigenError, normalize_allele
    >>> try:
    ...     normalize_allele("HLA-Q*99:99")
    ... except AntigenError as exc:
    ...     print(str(exc).splitlines()[0])
    unknown HLA allele 'HLA-Q*99:99': mhcgnomes cannot parse it
    """
