"""Importers into the study format: CDISC SDTM, REDCap exports (and OMOP CDM).

``read_sdtm(folder)`` reads the SDTM domains DM, DS, EX, TU, TR and RS (CSV or SAS XPT) and
returns a ``Study``; ``remission.study.write_study`` writes it as a study folder, and
``remission import sdtm SDTM_DIR --out STUDY_DIR`` does both (and validates the result).
Every mapping decision is in ``docs/sources.md``.

Examples
--------
>>> import tempfile, pathlib
>>> from remission.sources import read_sdtm
>>> from remission.study import load, write_study
>>> sdtm = pathlib.Path(tempfile.mkdtemp())
>>> _ = (sdtm / "DM.csv").write_text(
...     "STUDYID,USUBJID,SEX,BRTHDTC\\nS1,S1-001,F,1950-12-26\\nS1,S1-002,M,1948-07-22\\n"
... )
>>> _ = (sdtm / "ds.csv").write_text(
...     "USUBJID,DSDECOD,DSSTDTC\\nS1-001,RANDOMIZED,2014-01-02\\n"
... )
>>> _ = (sdtm / "ex.csv").write_text(
...     "USUBJID,EXSTDTC,EXENDTC\\nS1-001,2014-01-02,2014-03-01\\n"
... )
>>> _ = (sdtm / "tu.csv").write_text(
...     "USUBJID,TULNKID,TUTESTCD,TUSTRESC,TULOC,TUEVAL\\n"
...     "S1-001,T01,TUMIDENT,TARGET,LYMPH NODE,INVESTIGATOR\\n"
... )
>>> _ = (sdtm / "tr.csv").write_text(
...     "USUBJID,TRLNKID,TRTESTCD,TRSTRESN,TRSTRESU,TREVAL,TRDTC\\n"
...     "S1-001,T01,LDIAM,33,mm,INVESTIGATOR,2014-01-02\\n"
...     "S1-001,T01,LPERP,21,mm,INVESTIGATOR,2014-01-02\\n"
... )
>>> study = read_sdtm(sdtm, synthetic=True)
>>> study.table("measurements").select("longest_mm", "short_axis_mm", "state").row(0)
(33.0, 21.0, 'present')
>>> [w.code for w in study.warnings]
['sdtm.domain_absent']
>>> loaded = load(write_study(study, sdtm / "study"))
>>> loaded.patients.height, loaded.config.reference_date
(2, 'randomization')
"""

from remission.sources._omop import OmopSettings, read_omop
from remission.sources._omop_cohort import (
    CohortDefinition,
    default_cohort,
    read_cohort_definition,
)
from remission.sources._omop_schema import CDM_TABLES
from remission.sources._omop_write import load_omop, omop_tables
from remission.sources._redcap import RedcapSettings, read_redcap
from remission.sources._redcap_api import pull_redcap
from remission.sources._redcap_dictionary import (
    DICTIONARY_COLUMNS,
    FIELD_TYPES,
    VALIDATIONS,
    Field,
    check_dictionary,
    read_dictionary,
)
from remission.sources._redcap_template import EVENTS, INSTRUMENTS, redcap_template
from remission.sources._redcap_write import redcap_export, write_redcap_csv
from remission.sources._sdtm import ALIVE_DS_TERMS, EVALUATOR, HISTOLOGY, read_sdtm
from remission.sources._sdtm_files import SDTM_DOMAINS
from remission.sources._sdtm_tumor import ORGAN_PATTERNS

__all__ = [
    "ALIVE_DS_TERMS",
    "CDM_TABLES",
    "DICTIONARY_COLUMNS",
    "EVALUATOR",
    "EVENTS",
    "FIELD_TYPES",
    "HISTOLOGY",
    "INSTRUMENTS",
    "ORGAN_PATTERNS",
    "SDTM_DOMAINS",
    "VALIDATIONS",
    "CohortDefinition",
    "Field",
    "OmopSettings",
    "RedcapSettings",
    "check_dictionary",
    "default_cohort",
    "load_omop",
    "omop_tables",
    "pull_redcap",
    "read_cohort_definition",
    "read_dictionary",
    "read_omop",
    "read_redcap",
    "read_sdtm",
    "redcap_export",
    "redcap_template",
    "write_redcap_csv",
]
