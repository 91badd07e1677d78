# Read remission's SAS V5 transport files with haven::read_xpt once and record what R sees.
#
#   PYTHONPATH=src python -m remission simulate --out /tmp/demo-sim   # or the demo study
#   PYTHONPATH=src python -m remission derive DEMO_STUDY --out /tmp/xpt --format xpt
#   Rscript tests/r_reference/haven_xpt.R /tmp/xpt tests/r_reference/haven_xpt.json
#
# The demo study is `remission.simulate.demo_study()` written with `write_study`.
# tests/export/test_haven.py compares this file with pyreadstat's reading of a fresh export.
library(haven)
library(jsonlite)

args <- commandArgs(trailingOnly = TRUE)
folder <- args[[1]]
out <- args[[2]]
calls <- character()
datasets <- list()
for (name in c("adsl", "adex", "adtr", "adrs", "adtte", "adlb")) {
  call <- sprintf('haven::read_xpt("%s.xpt")', name)
  calls <- c(calls, call)
  d <- read_xpt(file.path(folder, paste0(name, ".xpt")))
  vars <- lapply(names(d), function(v) {
    x <- d[[v]]
    list(
      name = v,
      label = attr(x, "label"),
      format = if (is.null(attr(x, "format.sas"))) NA else attr(x, "format.sas"),
      class = class(x)[[1]],
      missing = if (is.character(x)) sum(is.na(x) | x == "") else sum(is.na(x)),
      first = if (inherits(x, "Date") || inherits(x, "POSIXct")) format(x[[1]], "%Y-%m-%d %H:%M:%S") else x[[1]],
      sum = if (is.numeric(x) && !inherits(x, "Date") && !inherits(x, "POSIXct")) sum(x, na.rm = TRUE) else NA
    )
  })
  datasets[[name]] <- list(
    label = attr(d, "label"),
    rows = nrow(d),
    variables = vars
  )
}
meta <- list(
  r_version = R.version.string,
  haven = as.character(packageVersion("haven")),
  run_date = format(Sys.Date()),
  calls = calls,
  notes = "first: the first row's value (dates as text); missing: NA or empty text; sum: numeric columns"
)
write(toJSON(list(`_meta` = meta, datasets = datasets), auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE), out)
