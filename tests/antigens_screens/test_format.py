"""Reading and validating screen folders: exact messages for bad inputs."""

from __future__ import annotations

import pytest

from remission.antigens.screens import read_screen
from remission.antigens.screens._demo import _demo_raw
from remission.study import StudyError

HEADER = "plate,well,effector,target,antigen,concentration_nm,role,replicate,readout,value\n"
LAYOUT = "pool,member,member_type,sequence\nMART-1 peptides,M27,peptide,AAGIGILTV\n"
GOOD = "P1,A1,TIL1,T2,,,background,1,ifng_pg_ml,50\nP1,A2,TIL1,T2,M27,1000,test,1,ifng_pg_ml,900\n"


def _folder(tmp_path, plates, layout=LAYOUT, header=HEADER):
    (tmp_path / "plates.csv").write_text(header + plates)
    if layout is not None:
        (tmp_path / "layout.csv").write_text(layout)
    return tmp_path


def _messages(tmp_path, plates, **kw) -> list[str]:
    with pytest.raises(StudyError) as info:
        read_screen(_folder(tmp_path, plates, **kw))
    return [p.render() for p in info.value.errors]


def test_good_screen_reads_typed(tmp_path):
    tables = read_screen(_folder(tmp_path, GOOD))
    assert tables.plates["value"].to_list() == [50.0, 900.0]
    assert tables.plates["concentration"].to_list() == [None, 1000.0]
    assert tables.plates["concentration_unit"].to_list() == [None, "nM"]  # unit where a value is
    assert tables.plates["_row"].to_list() == [2, 3]
    assert tables.layout["sequence"].to_list() == ["AAGIGILTV"]
    assert not tables.synthetic


def test_notes_of_a_usable_screen_are_kept(tmp_path):
    header = HEADER.replace("value\n", "value,comment\n")
    rows = GOOD.replace("50\n", "50,edge well\n").replace("900\n", "900,\n")
    tables = read_screen(_folder(tmp_path, rows, header=header))
    assert tables.plates.height == 2
    assert [(w.code, w.file, w.column) for w in tables.warnings] == [
        ("column.unknown", "plates.csv", "comment")
    ]


def test_missing_controls_maximum_below_spontaneous(tmp_path):
    header = "plate,well,effector,target,e_t_ratio,role,replicate,readout,value\n"
    plates = (
        "C,A1,,624mel,,spontaneous,1,cr51_counts,2000\n"
        "C,A2,,624mel,,maximum,1,cr51_counts,400\n"
        "C,A3,TIL1,624mel,40,test,1,cr51_counts,900\n"
    )
    assert _messages(tmp_path, plates, layout=None, header=header) == [
        "error: plates.csv row 3, column value: 'C / 624mel: maximum 400 <= spontaneous 2000': "
        "expected maximum release above spontaneous release; fix: check that the spontaneous "
        "and maximum wells are not swapped and that the detergent lysed the targets"
    ]


def test_missing_release_control(tmp_path):
    header = "plate,well,effector,target,e_t_ratio,role,replicate,readout,value\n"
    plates = (
        "C,A1,,624mel,,spontaneous,1,cr51_counts,400\nC,A3,TIL1,624mel,40,test,1,cr51_counts,900\n"
    )
    assert _messages(tmp_path, plates, layout=None, header=header) == [
        "error: plates.csv row 3, column role: 'C / 624mel': expected maximum release wells "
        "for target 624mel on plate C; fix: add the maximum release wells (role maximum) of "
        "this target; specific lysis cannot be computed without them"
    ]


def test_missing_background(tmp_path):
    plates = "P1,A2,TIL1,T2,M27,1000,test,1,ifng_pg_ml,900\n"
    assert _messages(tmp_path, plates) == [
        "error: plates.csv row 2, column role: 'P1 / TIL1 / T2': expected background wells "
        "(role background) for the same plate, effector and target; fix: add wells of the "
        "effector with the target cells and no antigen; positivity is judged against them"
    ]


def test_wells_without_layout(tmp_path):
    plates = GOOD + "P1,A3,TIL1,T2,M26,1000,test,1,ifng_pg_ml,700\n"
    assert _messages(tmp_path, plates) == [
        "error: plates.csv row 4, column antigen: 'M26': expected an antigen listed in the "
        "layout (as a pool or a member); fix: add 'M26' to layout.csv with what it contains, "
        "or correct the name"
    ]


def test_layout_file_missing_when_antigens_named(tmp_path):
    assert _messages(tmp_path, GOOD, layout=None) == [
        "error: layout.csv: expected a layout table (layout.csv or layout.parquet) in the "
        "screen folder; fix: add layout.csv (see docs/screens.md)"
    ]


def test_negative_readouts(tmp_path):
    plates = GOOD + "P1,A3,TIL1,T2,M27,1000,test,2,ifng_pg_ml,-30\n"
    assert _messages(tmp_path, plates) == [
        "error: plates.csv row 4, column value: '-30': expected a readout of 0 or more "
        "(counts, pg/mL and percentages cannot be negative); fix: enter the raw reading, not a "
        "background-subtracted one; a reading below the assay's range is 0"
    ]


def test_mixed_concentration_units(tmp_path):
    header = HEADER.replace("concentration_nm,", "concentration_nm,concentration_um,")
    plates = (
        "P1,A1,TIL1,T2,,,,background,1,ifng_pg_ml,50\n"
        "P1,A2,TIL1,T2,M27,1000,,test,1,ifng_pg_ml,900\n"
        "P1,A3,TIL1,T2,M27,,1,test,2,ifng_pg_ml,900\n"
    )
    assert _messages(tmp_path, plates, header=header) == [
        "error: plates.csv row 1, column concentration_nm, concentration_um: expected "
        "concentrations in one unit (one concentration_<unit> column); fix: convert every "
        "concentration to one unit and keep that column only (nM = µM x 1000 = pM / 1000; "
        "ng/mL needs the molecular weight)"
    ]


def test_mixed_readouts_on_one_plate(tmp_path):
    plates = GOOD + "P1,A3,TIL1,T2,M27,1000,test,1,spots_per_well,90\n"
    messages = _messages(tmp_path, plates)
    assert messages[0] == (
        "error: plates.csv row 2, column readout: 'P1': expected one readout kind per plate "
        "(a plate is read by one assay in one unit); plate P1 has ifng_pg_ml, spots_per_well; "
        "fix: give wells read by another assay their own plate name"
    )


def test_unknown_readout_kind_with_conversion_hint(tmp_path):
    plates = GOOD.replace("900", "0.9").replace("test,1,ifng_pg_ml", "test,1,ifng_ng_ml")
    assert _messages(tmp_path, plates) == [
        "error: plates.csv row 3, column readout: 'ifng_ng_ml': expected a readout kind: one "
        "of ifng_pg_ml, spots_per_well, pct_41bb_of_cd8, cr51_counts; fix: IFN-gamma is "
        "recorded in pg/mL: multiply ng/mL by 1000 and name it ifng_pg_ml"
    ]


def test_unknown_concentration_unit(tmp_path):
    header = HEADER.replace("concentration_nm", "concentration_mg")
    assert _messages(tmp_path, GOOD, header=header) == [
        "error: plates.csv row 1, column concentration_mg: expected a concentration column "
        "concentration_<unit>, unit one of pm, nm, um, ng_ml, ug_ml; fix: name the unit in "
        "the column (e.g. concentration_nm for nanomolar)"
    ]


def test_duplicate_wells(tmp_path):
    plates = GOOD + "P1,a02,TIL1,T2,M27,1000,test,2,ifng_pg_ml,800\n"
    assert _messages(tmp_path, plates) == [
        "error: plates.csv row 4, column well: 'P1 A2': expected each well of a plate once; "
        "fix: a well holds one culture and gives one reading; correct the plate or well name"
    ]


def test_every_problem_at_once(tmp_path):
    plates = (
        "P1,A1,TIL1,T2,,,background,1,ifng_pg_ml,50\n"
        "P1,Z9,TIL1,T2,M27,1000,test,x,ifng_pg_ml,900\n"
        "P1,A3,TIL1,T2,M27,1000,tset,1,ifng_pg_ml,abc\n"
    )
    with pytest.raises(StudyError) as info:
        read_screen(_folder(tmp_path, plates))
    codes = sorted(p.code for p in info.value.errors)
    assert codes == ["role.unknown", "value.not_number", "value.not_number", "well.invalid"]


def test_layout_problems(tmp_path):
    layout = (
        "pool,member,member_type,sequence\n"
        "MART-1 peptides,M27,peptide,AAGIGILTV\n"
        "MART-1 peptides,M27,peptide,AAGIGILTV\n"
        "A,B,pool,\n"
        "B,A,pool,\n"
        "MART-1 peptides,M99,protein,AAG1\n"
    )
    with pytest.raises(StudyError) as info:
        read_screen(_folder(tmp_path, GOOD, layout=layout))
    codes = sorted(p.code for p in info.value.errors)
    assert codes == ["layout.duplicate", "member_type.unknown", "sequence.invalid"]
    layout = "pool,member,member_type\nMART-1 peptides,M27,peptide\nA,B,pool\nB,A,pool\n"
    messages = _messages(tmp_path, GOOD, layout=layout)
    assert messages == [
        "error: layout.csv, column member: 'A -> B -> A': expected pools that split into "
        "smaller pools, never into themselves; fix: a pool is listed inside its own sub-pool; "
        "correct the layout"
    ]


def test_missing_plates_and_columns(tmp_path):
    with pytest.raises(StudyError) as info:
        read_screen(tmp_path)
    assert info.value.errors[0].code == "file.missing"
    messages = _messages(tmp_path, "P1,A1\n", header="plate,well\n", layout=None)
    assert messages[0] == (
        "error: plates.csv row 1, column effector: expected a column effector; "
        "fix: add the column effector (see docs/screens.md)"
    )


def test_demo_round_trip_through_csv(tmp_path):
    plates, layout = _demo_raw(0)
    plates.write_csv(tmp_path / "plates.csv")
    layout.write_csv(tmp_path / "layout.csv")
    (tmp_path / "screen.toml").write_text('[screen]\nname = "demo"\nsynthetic = true\n')
    tables = read_screen(tmp_path)
    assert tables.synthetic and tables.name == "demo"
    from remission.antigens.screens import demo_screen

    assert tables.plates.drop("_row").equals(demo_screen(0).plates.drop("_row"))
