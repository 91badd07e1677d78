"""Bad SDTM input gets a clear message: file, row, column, value, what was expected, the fix.

Each case edits a copy of the small made-up study (``data/minimal``) in one way. The expected
messages are snapshots: a change of wording is a change of interface and is made here on
purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from remission.sources import read_sdtm
from remission.study import StudyError
from tests.sources.sdtm_data import copy_minimal

Edit = Callable[[Path], None]


def replace(file: str, old: str, new: str) -> Edit:
    def edit(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def append(file: str, line: str) -> Edit:
    def edit(folder: Path) -> None:
        with (folder / file).open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    return edit


def delete(file: str) -> Edit:
    return lambda folder: (folder / file).unlink()


def write(file: str, data: bytes) -> Edit:
    return lambda folder: (folder / file).write_bytes(data)


def copy(file: str, to: str) -> Edit:
    return lambda folder: (folder / to).write_bytes((folder / file).read_bytes())


CASES: dict[str, tuple[Edit, dict[str, object], str]] = {
    "dm_missing": (
        delete("dm.csv"),
        {},
        "error: sdtm: expected the DM domain (dm.xpt or dm.csv) in the SDTM folder; fix: add DM: "
        "every patient of the study comes from it",
    ),
    "two_files_for_one_domain": (
        copy("rs.csv", "SDTM_RS.csv"),
        {},
        "error: rs.csv: 'rs.csv, SDTM_RS.csv': expected one file for the RS domain; fix: keep "
        "one of these files and move the others out of the folder",
    ),
    "binary_not_a_table": (
        write("tr.csv", b"\x00\x01\x02PK\x03\x04"),
        {},
        "error: tr.csv: expected a CSV text table; this file holds binary data; fix: export "
        "the domain as CSV (comma-separated, UTF-8) or as SAS transport (.xpt)",
    ),
    "prose_not_a_table": (
        write("ds.csv", b"Disposition was sent by fax on Monday.\n"),
        {},
        "error: ds.csv: expected a table of DS records with a header row naming its variables "
        "(USUBJID, DSDECOD, DSSTDTC, ...); fix: export the domain as a table: one row per "
        "record, one column per variable",
    ),
    "latin1_bytes": (
        lambda folder: (folder / "tu.csv").write_bytes(
            (folder / "tu.csv").read_bytes().replace(b"LIVER", b"FOIE (R\xe9GION)")
        ),
        {},
        "error: tu.csv row 4: 'byte 0xE9': expected UTF-8 text (this byte is 'é' in Latin-1); "
        "fix: save the file as UTF-8, e.g. iconv -f latin1 -t utf-8",
    ),
    "unquoted_comma": (
        replace("tu.csv", "TARGET,ESOPHAGUS,", "TARGET,HEAD, NECK,"),
        {},
        "error: tu.csv row 5: expected 8 fields as in the header, found more; fix: quote values "
        "that contain commas, or remove the extra separators",
    ),
    "xpt_not_xpt": (
        write("ex.xpt", b"this is not a SAS transport file\n"),
        {"remove": "ex.csv"},
        "error: ex.xpt: expected a SAS transport file (XPT) (Unable to read from file); fix: "
        "export the domain again as SAS XPORT (version 5 or 8), or as CSV",
    ),
    "missing_column": (
        replace("rs.csv", ",RSDTC,", ",RSDATE,"),
        {},
        "error: rs.csv row 1, column RSDTC: expected the RS variable RSDTC; fix: add the column "
        "RSDTC (SDTM names, as in the SDTM Implementation Guide)",
    ),
    "wrong_domain_in_file": (
        replace("tu.csv", "S1,TU,S1-001,T01", "S1,TR,S1-001,T01"),
        {},
        "error: tu.csv row 2, column DOMAIN: 'TR': expected TU records in this file; fix: this "
        "file holds TR records: name it tr.csv",
    ),
    "subject_not_in_dm": (
        append("rs.csv", "S1,RS,S1-999,OVRLRESP,SD,INVESTIGATOR,2014-03-01,1"),
        {},
        "error: rs.csv row 5, column USUBJID: 'S1-999': expected a subject listed in DM "
        "(dm.csv); fix: add the subject to DM, or remove its records (are the files from one "
        "study?)",
    ),
    "unparseable_date": (
        replace("rs.csv", "2014-03-05", "05/03/2014"),
        {},
        "error: rs.csv row 3, column RSDTC: '05/03/2014': expected an ISO 8601 date "
        "(YYYY-MM-DD; partial dates as YYYY-MM or YYYY; time as THH:MM); fix: write the date "
        "as ISO 8601, e.g. 2014-01-23 or 2014-01-23T10:30; keep only the known parts of a "
        "partial date (2014-01)",
    ),
    "impossible_date": (
        replace("ex.csv", "2014-03-01", "2014-02-30"),
        {},
        "error: ex.csv row 2, column EXENDTC: '2014-02-30': expected an ISO 8601 date "
        "(YYYY-MM-DD; partial dates as YYYY-MM or YYYY; time as THH:MM); fix: write the date "
        "as ISO 8601, e.g. 2014-01-23 or 2014-01-23T10:30; keep only the known parts of a "
        "partial date (2014-01)",
    ),
    "diameter_in_cm": (
        replace("tr.csv", "T01,LDIAM,25,25,mm", "T01,LDIAM,2.5,2.5,cm"),
        {},
        "error: tr.csv row 2, column TRSTRESU: 'cm': expected mm (remission takes lesion "
        "diameters in millimetres); fix: convert TRSTRESN to millimetres (1 cm = 10 mm) and "
        "set TRSTRESU to mm",
    ),
    "diameter_without_unit": (
        replace("tr.csv", "T01,LPERP,21,21,mm", "T01,LPERP,21,21,"),
        {},
        "error: tr.csv row 13, column TRSTRESU: '(empty)': expected mm (remission takes lesion "
        "diameters in millimetres); fix: convert TRSTRESN to millimetres (1 cm = 10 mm) and "
        "set TRSTRESU to mm",
    ),
    "unknown_evaluator": (
        lambda folder: None,
        {"evaluator": "RADIOLOGIST"},
        "error: tu.csv, column TUEVAL: 'RADIOLOGIST': expected records of the evaluator "
        "RADIOLOGIST; fix: choose --evaluator from: INVESTIGATOR",
    ),
    "measured_lesion_not_in_tu": (
        replace("tr.csv", "S1-002,T01,LDIAM,30", "S1-002,T09,LDIAM,30"),
        {},
        "error: tr.csv row 12, column TRLNKID: 'T09': expected a lesion identified in TU "
        "(tu.csv) for this subject and evaluator; fix: add the lesion's TUMIDENT record to TU, "
        "or correct TRLNKID",
    ),
    "unknown_response": (
        replace("rs.csv", "OVRLRESP,PD", "OVRLRESP,CHECK"),
        {},
        "error: rs.csv row 4, column RSSTRESC: 'CHECK': expected an overall response: CR, PR, "
        "SD, NON-CR/NON-PD, PD, NE, ND; fix: write the response as RECIST 1.1 names it "
        "(iRECIST responses are not read yet)",
    ),
    "unknown_lesion_role": (
        replace("tu.csv", "NEW,BONE", "NEW LESION,BONE"),
        {},
        "error: tu.csv row 6, column TUSTRESC: 'NEW LESION': expected TARGET, NON-TARGET or "
        "NEW; fix: write the lesion's role in TUSTRESC as the SDTM codelist has it",
    ),
    "conflicting_repeat": (
        append("tr.csv", "S1,TR,S1-001,T01,LDIAM,26,26,mm,INVESTIGATOR,2014-01-02"),
        {},
        "error: tr.csv row 16, column TRTESTCD: 'LDIAM': expected one result per lesion, test "
        "and date for the evaluator; fix: remove the conflicting record, or mark the accepted "
        "one with TRACPTFL = Y",
    ),
    "death_before_last_record": (
        replace("dm.csv", "2014-06-10", "2014-03-15"),
        {},
        "error: dm.csv row 3, column DTHDTC: '2014-03-15': expected a death date on or after "
        "the subject's last record (2014-04-01); fix: check DTHDTC against the subject's EX, "
        "DS, TR and RS dates",
    ),
    "age_unit": (
        replace("dm.csv", "1944,70,YEARS", "1944,70,DECADES"),
        {},
        "error: dm.csv row 3, column AGEU: 'DECADES': expected an age unit: YEARS, MONTHS, "
        "WEEKS, DAYS; fix: write the unit of AGE in AGEU",
    ),
    "year_only_scan_date": (
        replace("tr.csv", "INVESTIGATOR,2014-01-05", "INVESTIGATOR,2014"),
        {},
        "error: tr.csv row 12, column TRDTC: '2014': expected an assessment date with at least "
        "year and month (a missing day is imputed as the 1st, as admiralonco's ADTR does); "
        "fix: write the month of the scan; a year alone cannot place it among the assessments",
    ),
    "adsl_disagrees": (
        write(
            "adsl.csv",
            b"USUBJID,RANDDT,TRTSDT,LSTALVDT\nS1-001,2014-01-02,2014-01-03,2014-05-01\n"
            b"S1-002,2014-01-04,2014-01-06,2014-06-10\n",
        ),
        {"adsl": "adsl.csv"},
        "error: adsl.csv row 3, column RANDDT: '2014-01-04': expected the date DS DSSTDTC of "
        "the RANDOMIZED record gives (2014-01-05); fix: use the ADSL derived from these SDTM "
        "domains, or import without --adsl",
    ),
}


def run_case(tmp_path: Path, case: str) -> StudyError:
    edit, options, _ = CASES[case]
    folder = copy_minimal(tmp_path / "sdtm")
    edit(folder)
    kwargs = dict(options)
    if "remove" in kwargs:
        (folder / str(kwargs.pop("remove"))).unlink()
    if "adsl" in kwargs:
        kwargs["adsl"] = folder / str(kwargs["adsl"])
    with pytest.raises(StudyError) as info:
        read_sdtm(folder, **kwargs)  # type: ignore[arg-type]
    return info.value


@pytest.mark.parametrize("case", sorted(CASES))
def test_message(tmp_path: Path, case: str) -> None:
    error = run_case(tmp_path, case)
    assert error.errors[0].render() == CASES[case][2]


def test_every_problem_at_once(tmp_path: Path) -> None:
    """Independent mistakes in different files are all reported in one run."""
    folder = copy_minimal(tmp_path / "sdtm")
    replace("tr.csv", "T01,LDIAM,25,25,mm", "T01,LDIAM,2.5,2.5,cm")(folder)
    replace("rs.csv", "OVRLRESP,PD", "OVRLRESP,CHECK")(folder)
    append("ex.csv", "S1,EX,S1-777,1,DRUG A,10,mg,2014-01-03,2014-03-01")(folder)
    with pytest.raises(StudyError) as info:
        read_sdtm(folder)
    codes = sorted(p.code for p in info.value.errors)
    assert codes == ["sdtm.unit", "sdtm.unknown_subject", "sdtm.value"]


def test_many_bad_rows_are_counted(tmp_path: Path) -> None:
    folder = copy_minimal(tmp_path / "sdtm")
    for i in range(30):
        append("rs.csv", f"S1,RS,S1-9{i:02d},OVRLRESP,SD,INVESTIGATOR,2014-03-01,1")(folder)
    with pytest.raises(StudyError) as info:
        read_sdtm(folder)
    assert len(info.value.errors) == 20
    assert info.value.errors[-1].more_rows == 10


def test_missing_folder() -> None:
    with pytest.raises(StudyError) as info:
        read_sdtm("/no/such/sdtm")
    assert info.value.errors[0].render() == (
        "error: /no/such/sdtm: expected a folder holding SDTM domain files (dm.xpt, ds.xpt, "
        "...); fix: give the path of the folder that holds the SDTM files"
    )
