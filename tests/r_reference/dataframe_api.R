# R reference values for the DataFrame + column-name calling convention of
# remission.analysis: the R calls that take a data frame and variables, whose answers the
# Python calls of the same shape must give.
#   - summary(survfit(...)): one row per event time (n.censor accumulated as R does)
#   - coxph() with factor and logical covariates (treatment contrasts, term names)
#   - fisher.test(x, y), chisq.test(x, y): tables counted from two variables
#   - wilcox.test(value ~ group, data): the formula interface (x = first level)
#
# Run from the repository root:
#     Rscript tests/r_reference/dataframe_api.R
# Writes tests/r_reference/dataframe_api.json and exports survival::veteran to
# tests/r_reference/data/survival_veteran.csv. Melanoma and tongue are read from the CSVs
# survival.R exported; Riaz 2017 is read in place from /work/shared/datasets (not copied).
#
# Debian packages: r-base-core r-cran-survival r-cran-jsonlite

suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

out_dir  <- "tests/r_reference"
data_dir <- file.path(out_dir, "data")
riaz_clin <- "/work/shared/datasets/riaz2017_nivolumab_melanoma/bms038_clinical_data.csv"
riaz_mut  <- "/work/shared/datasets/riaz2017_nivolumab_melanoma/MutCnt_pretheray.csv"

# Every analysis call is written as a string, recorded in `calls`, evaluated in the global
# environment, with the warnings it raised kept (as association.R does).
calls <- list()
run <- function(key, code) {
  calls[[key]] <<- code
  warns <- character(0)
  val <- withCallingHandlers(eval(parse(text = code), envir = globalenv()),
                             warning = function(w) {
                               warns <<- c(warns, conditionMessage(w))
                               invokeRestart("muffleWarning")
                             })
  attr(val, "r_warnings") <- unique(warns)
  val
}
warnings_of <- function(x) { w <- attr(x, "r_warnings"); if (is.null(w)) list() else as.list(w) }
num <- function(x) { x <- as.numeric(x); x[!is.finite(x)] <- NA; x }

# ---------------------------------------------------------------- data ------
veteran <- survival::veteran                     # lazy data of the survival package
write.csv(veteran, file.path(data_dir, "survival_veteran.csv"), row.names = FALSE)

mel <- read.csv(file.path(data_dir, "boot_melanoma.csv"))
mel$event <- as.integer(mel$status == 1)        # 1 = died of melanoma; 2, 3 censored
stopifnot(nrow(mel) == 205, sum(mel$event) == 57)

tng <- read.csv(file.path(data_dir, "kmsurv_tongue.csv"))
tng$type <- factor(tng$type, levels = c(1, 2))
stopifnot(nrow(tng) == 80)

vet <- veteran                                   # celltype: squamous, smallcell, adeno, large
vet$cell <- as.character(vet$celltype)           # text: factor() sorts it (adeno first)
vet$prior_yes <- vet$prior == 10                 # logical: term prior_yesTRUE
stopifnot(nrow(vet) == 137)

# Nine patients in two arms: censorings tied with an event time (arm a at 3), between
# events (a at 5), after the last event (a at 9); arm b has no event at all.
small <- data.frame(time  = c(2, 3, 3, 5, 6, 8, 9, 4, 7),
                    event = c(1, 0, 1, 0, 1, 1, 0, 0, 0),
                    arm   = c(rep("a", 7), "b", "b"))

riaz <- read.csv(riaz_clin, stringsAsFactors = FALSE)
riaz$os_event  <- as.integer(!riaz$OS_SOR)      # OS_SOR = 1 means CENSORED
riaz$prior_ipi <- as.integer(riaz$Cohort == "NIV3-PROG")
riaz$response  <- as.integer(riaz$BOR %in% c("CR", "PR"))
riaz$cr        <- as.integer(riaz$BOR == "CR")
mut <- read.csv(riaz_mut, stringsAsFactors = FALSE)
riaz <- merge(riaz, mut[, c("Patient", "NonSynMut")], by.x = "PatientID", by.y = "Patient",
              all.x = TRUE)
stopifnot(nrow(riaz) == 73, sum(riaz$os_event) == 42, sum(!is.na(riaz$NonSynMut)) == 68)

assign("mel", mel, envir = globalenv())
assign("tng", tng, envir = globalenv())
assign("vet", vet, envir = globalenv())
assign("small", small, envir = globalenv())
assign("riaz", riaz, envir = globalenv())

# ------------------------------------------------------------- helpers ------
conf_types <- c("log", "log-log", "plain")

# summary(fit) with its defaults (censored = FALSE): the event-time rows
event_rows <- function(key, formula_str, data_name) {
  res <- list(formula = formula_str, data = data_name)
  for (ct in conf_types) {
    code <- sprintf('summary(survfit(%s, data = %s, conf.type = "%s"))', formula_str,
                    data_name, ct)
    s <- run(paste0(key, "/", ct), code)
    st <- if (is.null(s$strata)) rep("all", length(s$time)) else as.character(s$strata)
    res[[ct]] <- data.frame(strata = st, time = num(s$time), n_risk = num(s$n.risk),
                            n_event = num(s$n.event), n_censor = num(s$n.censor),
                            surv = num(s$surv), std_err = num(s$std.err),
                            lower = num(s$lower), upper = num(s$upper),
                            stringsAsFactors = FALSE)
  }
  res
}

cox_block <- function(key, formula_str, data_name) {
  code <- sprintf("coxph(%s, data = %s)", formula_str, data_name)  # ties = "efron"
  fit <- run(key, code)
  s <- summary(fit, conf.int = 0.95)
  cf <- s$coefficients; ci <- s$conf.int
  list(call = code, n = fit$n, nevent = fit$nevent,
       terms = data.frame(term = rownames(cf), coef = cf[, "coef"], se = cf[, "se(coef)"],
                          hr = cf[, "exp(coef)"], hr_lower = ci[, "lower .95"],
                          hr_upper = ci[, "upper .95"], z = cf[, "z"],
                          p = cf[, "Pr(>|z|)"], stringsAsFactors = FALSE, row.names = NULL),
       lrt = 2 * (fit$loglik[2] - fit$loglik[1]), df = length(fit$coefficients))
}

fisher_block <- function(key, code) {
  ft <- run(key, code)
  res <- list(call = code, p = ft$p.value, r_warnings = warnings_of(ft))
  if (!is.null(ft$estimate)) {
    res$odds_ratio <- unname(ft$estimate)
    res$conf_int <- as.numeric(ft$conf.int)
  }
  res
}

chisq_block <- function(key, code) {
  ct <- run(key, code)
  list(call = code, statistic = unname(ct$statistic), df = unname(ct$parameter),
       p = ct$p.value, method = ct$method, observed = unname(unclass(ct$observed)),
       expected = unname(unclass(ct$expected)), r_warnings = warnings_of(ct))
}

wilcox_block <- function(key, code) {
  wt <- run(key, code)
  list(call = code, W = unname(wt$statistic), p = wt$p.value, method = wt$method,
       r_warnings = warnings_of(wt))
}

# ------------------------------------------------------------ analyses ------
out <- list()

out$km_summary <- list(
  melanoma_by_ulcer = event_rows("km/melanoma_ulcer", "Surv(time, event) ~ ulcer", "mel"),
  tongue_by_type = event_rows("km/tongue_type", "Surv(time, delta) ~ type", "tng"),
  small_by_arm = event_rows("km/small_arm", "Surv(time, event) ~ arm", "small"),
  riaz_os_by_cohort = event_rows("km/riaz_cohort", "Surv(OS, os_event) ~ Cohort", "riaz")
)

out$cox <- list(
  veteran_celltype_karno = cox_block("cox/vet_factor", "Surv(time, status) ~ celltype + karno",
                                     "vet"),
  veteran_text_logical_age = cox_block("cox/vet_text", "Surv(time, status) ~ cell + prior_yes + age",
                                       "vet")
)

out$two_columns <- list(
  melanoma_fisher_ulcer_sex = fisher_block("mel/fisher", "fisher.test(mel$ulcer, mel$sex)"),
  melanoma_chisq_ulcer_sex = chisq_block("mel/chisq", "chisq.test(mel$ulcer, mel$sex)"),
  melanoma_chisq_ulcer_sex_nocorrect = chisq_block(
    "mel/chisq_F", "chisq.test(mel$ulcer, mel$sex, correct = FALSE)"),
  melanoma_wilcox_thickness_by_ulcer = wilcox_block(
    "mel/wilcox_thickness", "wilcox.test(thickness ~ ulcer, data = mel)"),
  melanoma_wilcox_age_by_sex = wilcox_block("mel/wilcox_age", "wilcox.test(age ~ sex, data = mel)"),
  veteran_fisher_celltype_status = fisher_block("vet/fisher",
                                                "fisher.test(vet$celltype, vet$status)"),
  veteran_chisq_celltype_status = chisq_block("vet/chisq", "chisq.test(vet$celltype, vet$status)"),
  riaz_fisher_prior_ipi_cr = fisher_block("riaz/fisher_cr", "fisher.test(riaz$prior_ipi, riaz$cr)"),
  riaz_wilcox_nonsynmut_by_response = wilcox_block(
    "riaz/wilcox_tmb", "wilcox.test(NonSynMut ~ response, data = riaz)"),
  small_wilcox_time_by_arm = wilcox_block("small/wilcox", "wilcox.test(time ~ arm, data = small)")
)

# ---------------------------------------------------------------- meta ------
pkgv <- function(p) tryCatch(as.character(packageVersion(p)), error = function(e) NA_character_)
meta <- list(
  script = "tests/r_reference/dataframe_api.R",
  r_version = R.version.string,
  packages = list(survival = pkgv("survival"), jsonlite = pkgv("jsonlite")),
  date = format(Sys.time(), "%Y-%m-%dT%H:%M:%S%z"),
  data_preparation = list(
    mel = "read.csv('tests/r_reference/data/boot_melanoma.csv'); event <- as.integer(status == 1)",
    tng = "read.csv('tests/r_reference/data/kmsurv_tongue.csv'); type <- factor(type, levels = c(1, 2))",
    vet = "survival::veteran, exported to data/survival_veteran.csv; cell <- as.character(celltype); prior_yes <- prior == 10",
    small = "data.frame(time = c(2, 3, 3, 5, 6, 8, 9, 4, 7), event = c(1, 0, 1, 0, 1, 1, 0, 0, 0), arm = c(rep('a', 7), 'b', 'b'))",
    riaz = "bms038_clinical_data.csv; os_event <- !OS_SOR; prior_ipi <- Cohort == 'NIV3-PROG'; response <- BOR %in% c('CR','PR'); cr <- BOR == 'CR'; NonSynMut merged from MutCnt_pretheray.csv (5 missing)"
  ),
  field_notes = list(
    km_summary = "summary(survfit(...)) with censored = FALSE: rows at event times only; n_censor = censorings since the previous event time (R accumulates them); strata without events have no rows",
    std_err = "summary()$std.err: the standard error of S (Greenwood), i.e. surv * fit$std.err",
    cox = "coxph() default ties = 'efron'; celltype keeps R's factor order (squamous first), cell is text (levels sorted: adeno first)",
    two_columns = "fisher.test(x, y) and chisq.test(x, y) count table(x, y) after dropping missing pairs; wilcox.test(v ~ g): x = first level of g",
    null = "NA / NaN / Inf in R are written as JSON null"
  ),
  calls = calls
)

res <- c(list(`_meta` = meta), out)
writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, na = "null", null = "null",
                  pretty = TRUE, dataframe = "rows"),
           file.path(out_dir, "dataframe_api.json"))
cat("wrote", file.path(out_dir, "dataframe_api.json"), "\n")
