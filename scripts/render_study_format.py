"""Write docs/study-format.md from the schema in remission.study (run after changing it).

The prose lives here; the tables come from ``remission.study.TABLES``, so the document and
the code cannot disagree (tests/study/test_load.py checks it).
"""

from __future__ import annotations

from pathlib import Path

from remission.study import LAB_UNITS, TABLES

OUT = Path(__file__).resolve().parents[1] / "docs" / "study-format.md"

HEAD = """# The study format

A study is a **folder**. It holds `study.toml` (the settings) and one table per kind of record.
Each table may be a CSV file (`patients.csv`), a Parquet file (`patients.parquet`), or a sheet of
the folder's single XLSX workbook (sheet `patients`); mix as you like, but give each table one
source only. `remission validate STUDY` checks everything and lists every problem at once;
`remission simulate --out DIR` writes a complete synthetic example.

Conventions, for every table:

- **Column names** are plain snake_case words; units are part of the name (`weight_kg`,
  `longest_mm`, `dose_iu`) or in a `unit` column (labs). A value in another unit is refused, never
  guessed: write pounds as kg (lb / 2.2046), centimetres as mm, MIU as IU.
- **Dates** are ISO 8601: `1990-05-10`. Date-times are `1990-05-10 08:00` (a `T` instead of the
  space, and seconds, are accepted). `03/04/1990` is refused because its day/month order is
  ambiguous; a bare number such as `33003` is refused with the date it would be as an Excel serial
  number; a partial date (`1990-05`) is refused, because imputation must be a visible decision.
- **Text** is UTF-8 (Excel: *CSV UTF-8*; a byte-order mark is fine). Latin-1 bytes are refused with
  the line where they occur. Spaces around values are ignored; an empty cell is a missing value.
- **Booleans** are `true`/`false` (also `yes`/`no`, `1`/`0`). Controlled values (`status`,
  `category`, `organ`, `state`, `response`) are matched without regard to case.
- **Rows** in messages count as a spreadsheet shows them: the header is row 1, the first record
  row 2 (in every format). Blank rows are ignored with a warning. Columns the format does not know
  are ignored with a warning (and a suggestion when the name is close to a known one).
- **Identifiers** (`patient_id`, `lesion_id`) are study codes. Never put names, hospital numbers or
  other identifying text in any column: `remission` never logs values of free-text columns, but
  it does print identifiers in its messages.

## `study.toml`

```toml
[study]
name = "NCI Surgery Branch high-dose IL-2 series 1985-1996"
synthetic = false                # true for made-up data: every output then says SYNTHETIC
cutoff_date = 1998-05-24         # data cut-off: follow-up is counted to this date
histologies = ["melanoma", "renal"]
response_criteria = "who"        # "who" (bidimensional, NCI) or "recist1.1"
regimen = "nci-hd-il2-720k"      # a built-in regimen (see docs/treatment.md)
reference_date = "treatment_start"  # or "randomization" (patients.randomized_on)
description = "Free text about the study, never about a patient."
# workbook = "study.xlsx"        # only needed when the folder holds more than one .xlsx
```

| setting | required | meaning |
|---|---|---|
| `name` | yes | Study name, shown on every output. |
| `synthetic` | yes | `true` when the data are made up. |
| `cutoff_date` | yes | Data cut-off date. Records after it are reported with a warning. |
| `histologies` | yes | The histologies patients may have; `patients.histology` must be one of them. |
| `response_criteria` | yes | `who` or `recist1.1`. |
| `regimen` | no | Name of the treatment regimen (built-in or a `.toml` file in the folder); leave it out for a study without a dose ledger (e.g. an SDTM import): no ledger checks, no ADEX. |
| `reference_date` | no | `treatment_start` (default) or `randomization`: the date response windows and time-to-event are counted from. |
| `description` | no | Free text about the study. |
| `workbook` | no | The XLSX workbook holding the tables, when there is more than one `.xlsx` in the folder. |

"""

CHECKS = """## What `remission validate` checks

Errors stop loading; warnings are reported and the data are used.

| check | severity |
|---|---|
| `study.toml` present, valid TOML, known settings (with suggestions), required settings | error |
| every required table present, one source per table, at most one workbook | error |
| file is UTF-8 text, a table (not binary, not prose, not empty), rows as long as the header | error |
| required columns present (with rename suggestions); unknown columns | error; warning |
| values typed: dates ISO 8601, numbers with a decimal point, whole numbers, booleans, controlled values | error |
| ranges: weight 20-300 kg, diameters 0-1000 mm, ECOG 0-4, lab values >= 0, counts >= 1 | error |
| required values present | error |
| unique keys (one row per key) | error |
| every `patient_id` in `patients`; every measured lesion in `lesions` | error |
| histology among the study's histologies | error |
| chronology: death or last contact before treatment start, alive after death, treatment before birth, dose before birth or after death, measurement or lab after death, measurement before the lesion was first seen | error |
| doses: given without time or amount, held with a time | error |
| measurements: perpendicular longer than longest, an absent lesion with a size, a present target lesion without a size | error |
| labs: unit not convertible for a known analyte; unknown analytes | error; warning |
| no birth date and no age; age and birth date disagree by more than a year | warning |
| no treatment start (a patient never treated, e.g. a screen failure); a treated patient without last-known-alive date | warning; error |
| dates after the data cut-off | warning |
| blank rows; a table with a header and no rows; files that are not tables of the format | warning |

Each problem says file, row, column, the value, what was expected and how to fix it; many rows
with the same problem are listed up to 20 times, then counted.
"""

KINDS = {
    "str": "text",
    "enum": "one of a list",
    "int": "whole number",
    "float": "number",
    "bool": "true/false",
    "date": "date",
    "datetime": "date-time",
}


def render() -> str:
    """Return the whole document."""
    out = [HEAD.rstrip("\n") + "\n"]
    for t in TABLES.values():
        out.append(f"## `{t.name}`\n")
        out.append(t.description + (" *Optional table.*" if t.optional else "") + "\n")
        if t.key:
            out.append("One row per " + " + ".join(f"`{k}`" for k in t.key) + ".\n")
        out.append("| column | type | required | empty allowed | meaning |")
        out.append("|---|---|---|---|---|")
        for c in t.columns:
            extra = ""
            if c.values:
                extra = " Values: " + ", ".join(f"`{v}`" for v in c.values) + "."
            if c.range_text:
                extra += f" Range: {c.range_text}."
            out.append(
                f"| `{c.name}` | {KINDS[c.kind]} | {'yes' if c.required else 'no'} | "
                f"{'yes' if c.nullable else 'no'} | {c.description}{extra} |"
            )
        out.append("\nExample:\n\n```csv\n" + t.example + "\n```\n")
    out.append("## Lab units\n")
    out.append(
        "Accepted units per analyte (the first is the one analyses use; others are converted):\n"
    )
    out.append("| analyte | units |\n|---|---|")
    for analyte, units in LAB_UNITS.items():
        out.append(f"| `{analyte}` | " + ", ".join(f"`{u}`" for u in units) + " |")
    out.append(
        "\nA lymphocyte or neutrophil count in `%` is converted with the white-cell count "
        "(`wbc`) drawn at\nthe same time; without it the value cannot be converted and is "
        "reported.\n"
    )
    out.append(CHECKS)
    return "\n".join(out)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT}")
