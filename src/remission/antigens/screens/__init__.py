"""T-cell recognition screens: plates, positivity, pool deconvolution, lysis and titrations.

A screen is a folder with a plate table (one row per well) and a layout of what each pool
contains (``docs/screens.md``). ``read_screen`` types and validates it; ``analyse_screen``
calls positivity with named rules, follows positive pools down to the clone or peptide,
computes % specific lysis and lytic units, and fits 4PL titrations; ``demo_screen`` builds
a SYNTHETIC example.

Examples
--------
>>> from remission.antigens.screens import analyse_screen, demo_screen
>>> analyse_screen(demo_screen()).identified[:1]
('L07-S3-c4',)
"""

from remission.antigens.screens._analyse import ScreenResult, analyse_screen, matrix_decoding
from remission.antigens.screens._demo import demo_screen
from remission.antigens.screens._design import (
    DESIGNS,
    PLATE_FORMATS,
    PoolDesign,
    design_pools,
    plate_wells,
    simulate_readings,
)
from remission.antigens.screens._format import (
    CONCENTRATION_UNITS,
    MEMBER_TYPES,
    READOUTS,
    ROLES,
    ScreenTables,
    check_screen,
    read_screen,
)
from remission.antigens.screens._lysis import fit_lysis_curve, lytic_units, specific_lysis
from remission.antigens.screens._pools import (
    PoolDecoding,
    decode_pools,
    deconvolution_trail,
    design_matrix_pools,
)
from remission.antigens.screens._problems import ScreenProblem, problem_table
from remission.antigens.screens._rules import (
    DEFAULT_RULES,
    ELISPOT_RULE,
    FLOW_41BB_RULE,
    IFNG_ELISA_RULE,
    PositivityRule,
    call_positivity,
    dfr_stepdown,
    dfr_test,
)
from remission.antigens.screens._titration import (
    TitrationFit,
    compare_ec50,
    fit_4pl,
    fit_titrations,
    logistic4,
    titration_table,
)
from remission.antigens.screens._write import write_screen

__all__ = [
    "CONCENTRATION_UNITS",
    "DEFAULT_RULES",
    "DESIGNS",
    "ELISPOT_RULE",
    "FLOW_41BB_RULE",
    "IFNG_ELISA_RULE",
    "MEMBER_TYPES",
    "PLATE_FORMATS",
    "READOUTS",
    "ROLES",
    "PoolDecoding",
    "PoolDesign",
    "PositivityRule",
    "ScreenProblem",
    "ScreenResult",
    "ScreenTables",
    "TitrationFit",
    "analyse_screen",
    "call_positivity",
    "check_screen",
    "compare_ec50",
    "decode_pools",
    "deconvolution_trail",
    "demo_screen",
    "design_matrix_pools",
    "design_pools",
    "dfr_stepdown",
    "dfr_test",
    "fit_4pl",
    "fit_lysis_curve",
    "fit_titrations",
    "logistic4",
    "lytic_units",
    "matrix_decoding",
    "plate_wells",
    "problem_table",
    "read_screen",
    "simulate_readings",
    "specific_lysis",
    "titration_table",
    "write_screen",
]
