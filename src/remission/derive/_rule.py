"""A rule as data: a condition (a Polars expression), what it gives, its words and its source.

The response derivations state each guideline rule once, as a ``Rule``, and execute ordered
lists of them (``FirstMatch``), as admiralonco's ``derive_extreme_event`` executes its ``event``
objects: the first rule whose condition holds gives the value. The same objects give the
report and the documentation their wording, so what is printed is what was computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True, eq=False)
class Rule:
    """One named rule: where ``condition`` holds, the result is ``value``.

    Parameters
    ----------
    value : str
        What the rule gives: a response category, or ``"Y"`` for a flag.
    condition : polars.Expr
        Where the rule applies, over the columns of the table it is applied to.
    description : str
        The rule in words, with the thresholds it uses.
    source : str
        Where it comes from (guideline and table, or template and object).

    Examples
    --------
    >>> r = Rule("PD", pl.col("AVALC") == "PD", "progression", "RECIST 1.1")
    >>> pl.DataFrame({"AVALC": ["PD", "SD"]}).select(r.condition)["AVALC"].to_list()
    [True, False]
    """

    value: str
    condition: pl.Expr
    description: str
    source: str


@dataclass(frozen=True, eq=False)
class FirstMatch:
    """Rules in order of precedence: the first whose condition holds gives the value.

    Parameters
    ----------
    name : str
        What the rules decide (a column or ``PARAMCD``).
    rules : tuple of Rule
        In order; a null condition does not hold.
    description : str
        What the rules decide, in words.

    Examples
    --------
    >>> rules = FirstMatch("R", (Rule("big", pl.col("x") > 9, "", ""),
    ...                          Rule("small", pl.lit(True), "", "")))
    >>> pl.DataFrame({"x": [3, 12]}).select(rules.value())["R"].to_list()
    ['small', 'big']
    """

    name: str
    rules: tuple[Rule, ...]
    description: str = ""

    def value(self) -> pl.Expr:
        """The value of the first rule that holds (null when none does), named ``name``.

        Returns
        -------
        polars.Expr
            A ``when/then`` chain over the rules' conditions.

        Examples
        --------
        >>> r = FirstMatch("R", (Rule("pos", pl.col("x") > 0, "", ""),))
        >>> pl.DataFrame({"x": [1, -1]}).select(r.value())["R"].to_list()
        ['pos', None]
        """
        return self._chain([pl.lit(r.value) for r in self.rules]).alias(self.name)

    def rank(self) -> pl.Expr:
        """The position of the first rule that holds (0 for the first; null when none does).

        Returns
        -------
        polars.Expr
            Its position, an Int64: the best of several rows is the smallest.

        Examples
        --------
        >>> r = FirstMatch("R", (Rule("big", pl.col("x") > 9, "", ""),
        ...                      Rule("pos", pl.col("x") > 0, "", "")))
        >>> pl.DataFrame({"x": [12, 3, -1]}).select(r.rank().alias("k"))["k"].to_list()
        [0, 1, None]
        """
        return self._chain([pl.lit(i, pl.Int64) for i in range(len(self.rules))])

    def values(self) -> list[str]:
        """The value of each rule, by position (as ``rank`` numbers them).

        Returns
        -------
        list of str
            The rules' values, in order.

        Examples
        --------
        >>> FirstMatch("R", (Rule("a", pl.lit(True), "", ""),)).values()
        ['a']
        """
        return [r.value for r in self.rules]

    def _chain(self, results: list[pl.Expr]) -> pl.Expr:
        first, *rest = self.rules
        chain = pl.when(first.condition).then(results[0])
        for rule, result in zip(rest, results[1:], strict=True):
            chain = chain.when(rule.condition).then(result)
        return chain.otherwise(None)
