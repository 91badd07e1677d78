# R reference values for survival analysis (Kaplan-Meier, log-rank, Cox, reverse KM).
#
# Run from the repository root (/work/main):
#     Rscript tests/r_reference/survival.R
# Writes tests/r_reference/survival.json and exports the two R-package data sets to
# tests/r_reference/data/{boot_melanoma,kmsurv_tongue}.csv so Python reads the same data.
# The Riaz 2017 data are read in place from /work/shared/datasets (not copied).
#
# Debian packages: r-base-core r-cran-survival r-cran-boot r-cran-kmsurv r-cran-jsonlite

suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

out_dir  <- "tests/r_reference"
data_dir <- file.path(out_dir, "data")
dir.create(data_dir, recursive = TRUE, showWarnings = FALSE)
riaz_clin <- "/work/shared/datasets/riaz2017_nivolumab_melanoma/bms038_clinical_data.csv"

# Every analysis call is written as a string, recorded in `calls`, then evaluated,
# so that the JSON _meta block holds the exact R calls that produced each number.
calls <- list()
run <- function(key, code, env = parent.frame()) {
  calls[[key]] <<- code
  eval(parse(text = code), envir = env)
}

# ---------------------------------------------------------------- data ------
data("melanoma", package = "boot", envir = environment())
data("tongue", package = "KMsurv", envir = environment())

# Export exactly what R has (all columns, unchanged). Derived columns are NOT
# added to the CSV; the event definition is documented in README/_meta.
write.csv(melanoma, file.path(data_dir, "boot_melanoma.csv"), row.names = FALSE)
write.csv(tongue,   file.path(data_dir, "kmsurv_tongue.csv"), row.names = FALSE)

mel <- melanoma
mel$event <- as.integer(mel$status == 1)      # 1 = died of melanoma; 2 alive, 3 other death -> censored
stopifnot(nrow(mel) == 205, sum(mel$event) == 57)

tng <- tongue
tng$event <- tng$delta                          # 1 = death
tng$type  <- factor(tng$type, levels = c(1, 2)) # 1 aneuploid (reference), 2 diploid
stopifnot(nrow(tng) == 80)

riaz <- read.csv(riaz_clin, stringsAsFactors = FALSE)
riaz$os_event  <- as.integer(!riaz$OS_SOR)      # OS_SOR = 1 means CENSORED
riaz$pfs_event <- as.integer(!riaz$PFS_SOR)     # PFS_SOR = 1 means CENSORED
riaz$Cohort    <- factor(riaz$Cohort, levels = c("NIV3-NAIVE", "NIV3-PROG"))
stopifnot(nrow(riaz) == 73, sum(riaz$os_event) == 42)

# ------------------------------------------------------------- helpers ------
num <- function(x) { x <- as.numeric(x); x[!is.finite(x)] <- NA; x }

strata_vec <- function(fit) {
  if (is.null(fit$strata)) rep("all", length(fit$time))
  else rep(names(fit$strata), fit$strata)
}

km_rows <- function(fit) {
  s <- summary(fit, censored = TRUE)
  st <- if (is.null(s$strata)) rep("all", length(s$time)) else as.character(s$strata)
  # summary(censored=TRUE) returns every time in fit$time in the same order
  stopifnot(length(s$time) == length(fit$time), all(s$time == fit$time),
            all(st == strata_vec(fit)))
  data.frame(strata = strata_vec(fit),
             time = num(fit$time),
             n_risk = num(fit$n.risk), n_event = num(fit$n.event),
             n_censor = num(fit$n.censor),
             surv = num(fit$surv),
             std_err_cumhaz = num(fit$std.err),  # fit$std.err: SE of cumulative hazard (Greenwood, SE of log S)
             std_err_surv = num(s$std.err),      # summary()$std.err: SE of S (= surv * std.err)
             lower = num(fit$lower), upper = num(fit$upper),
             stringsAsFactors = FALSE)
}

median_rows <- function(fit) {
  tab <- summary(fit)$table
  if (is.null(dim(tab))) tab <- t(as.matrix(tab))
  rn <- if (is.null(fit$strata)) "all" else rownames(tab)
  q <- quantile(fit, probs = 0.5, conf.int = TRUE)
  qv <- function(x) as.numeric(x)
  data.frame(strata = rn,
             n = num(tab[, "n.max"]), events = num(tab[, "events"]),
             median = num(tab[, "median"]),
             lower = num(tab[, grep("LCL$", colnames(tab))]),
             upper = num(tab[, grep("UCL$", colnames(tab))]),
             quantile_median = num(qv(q$quantile)),
             quantile_lower = num(qv(q$lower)),
             quantile_upper = num(qv(q$upper)),
             stringsAsFactors = FALSE)
}

at_times_rows <- function(fit, times, extend = FALSE) {
  s <- summary(fit, times = times, extend = extend)
  st <- if (is.null(s$strata)) rep("all", length(s$time)) else as.character(s$strata)
  data.frame(strata = st, time = num(s$time), n_risk = num(s$n.risk),
             n_event = num(s$n.event), surv = num(s$surv),
             std_err_surv = num(s$std.err), lower = num(s$lower), upper = num(s$upper),
             stringsAsFactors = FALSE)
}

conf_types <- c("log", "log-log", "plain")

# KM block for one formula on one data set (name of data frame given as string so
# the recorded call is literal R code).
km_block <- function(key, formula_str, data_name, times) {
  res <- list(formula = formula_str, data = data_name)
  res$km <- list(); res$median <- list(); res$at_times <- list(); res$at_times_extend <- list()
  for (ct in conf_types) {
    code <- sprintf('survfit(%s, data = %s, conf.type = "%s", conf.int = 0.95)',
                    formula_str, data_name, ct)
    fit <- run(paste0(key, "/", ct), code, env = globalenv())
    res$km[[ct]] <- km_rows(fit)
    res$median[[ct]] <- median_rows(fit)
    res$at_times[[ct]] <- at_times_rows(fit, times, extend = FALSE)
    res$at_times_extend[[ct]] <- at_times_rows(fit, times, extend = TRUE)
  }
  res$times_requested <- times
  res$note_at_times <- paste("at_times = summary(fit, times = times) (extend = FALSE):",
    "requested times after the last observed time of a stratum are omitted by R.",
    "at_times_extend = summary(fit, times = times, extend = TRUE): such times are kept,",
    "surv carried forward, n_risk = 0.")
  res
}

logrank <- function(key, formula_str, data_name) {
  code <- sprintf("survdiff(%s, data = %s)", formula_str, data_name)
  sd <- run(key, code, env = globalenv())
  df <- length(sd$n) - 1
  if (is.matrix(sd$obs)) { obs <- rowSums(sd$obs); exp <- rowSums(sd$exp) }
  else { obs <- sd$obs; exp <- sd$exp }
  list(call = code, chisq = sd$chisq, df = df,
       p = pchisq(sd$chisq, df, lower.tail = FALSE),
       groups = data.frame(group = names(sd$n), n = as.numeric(sd$n),
                           observed = as.numeric(obs), expected = as.numeric(exp),
                           stringsAsFactors = FALSE),
       var_matrix = unname(sd$var))
}

cox_summary <- function(key, formula_str, data_name, ties) {
  code <- sprintf('coxph(%s, data = %s, ties = "%s")', formula_str, data_name, ties)
  fit <- run(key, code, env = globalenv())
  s <- summary(fit, conf.int = 0.95)
  cf <- s$coefficients; ci <- s$conf.int
  terms <- data.frame(term = rownames(cf), coef = cf[, "coef"], se = cf[, "se(coef)"],
                      hr = cf[, "exp(coef)"], hr_lower = ci[, "lower .95"],
                      hr_upper = ci[, "upper .95"], z = cf[, "z"],
                      p = cf[, "Pr(>|z|)"], stringsAsFactors = FALSE, row.names = NULL)
  lr <- 2 * (fit$loglik[2] - fit$loglik[1])
  k <- length(fit$coefficients)
  list(call = code, ties = ties, n = fit$n, nevent = fit$nevent,
       terms = terms,
       loglik_null = fit$loglik[1], loglik = fit$loglik[2],
       lrt = list(statistic = lr, df = k, p = pchisq(lr, k, lower.tail = FALSE)),
       wald = list(statistic = unname(fit$wald.test), df = k,
                   p = pchisq(unname(fit$wald.test), k, lower.tail = FALSE)),
       score = list(statistic = unname(fit$score), df = k,
                    p = pchisq(unname(fit$score), k, lower.tail = FALSE)),
       concordance = unname(fit$concordance["concordance"]),
       iterations = fit$iter,
       vcov = unname(fit$var))
}

cox_both <- function(key, formula_str, data_name) {
  list(efron = cox_summary(paste0(key, "/efron"), formula_str, data_name, "efron"),
       breslow = cox_summary(paste0(key, "/breslow"), formula_str, data_name, "breslow"))
}

reverse_km <- function(key, formula_str, data_name) {
  res <- list(formula = formula_str)
  for (ct in conf_types) {
    code <- sprintf('survfit(%s, data = %s, conf.type = "%s", conf.int = 0.95)',
                    formula_str, data_name, ct)
    fit <- run(paste0(key, "/", ct), code, env = globalenv())
    res[[ct]] <- median_rows(fit)
  }
  res
}

# Make data frames visible under the literal names used in the calls.
assign("mel", mel, envir = globalenv())
assign("tng", tng, envir = globalenv())
assign("riaz", riaz, envir = globalenv())

days_times <- c(365, 730, 1825)
week_times <- c(52, 104, 260)

# ------------------------------------------------------------ analyses ------
out <- list()

out$boot_melanoma <- list(
  description = "boot::melanoma, n = 205; time in days; event = (status == 1) (died of melanoma); status 2 (alive) and 3 (died of other causes) censored",
  n = nrow(mel), n_events = sum(mel$event),
  km_overall = km_block("melanoma/km_overall", "Surv(time, event) ~ 1", "mel", days_times),
  km_by_ulcer = km_block("melanoma/km_by_ulcer", "Surv(time, event) ~ ulcer", "mel", days_times),
  logrank_ulcer = logrank("melanoma/logrank_ulcer", "Surv(time, event) ~ ulcer", "mel"),
  logrank_sex = logrank("melanoma/logrank_sex", "Surv(time, event) ~ sex", "mel"),
  logrank_ulcer_strata_sex = logrank("melanoma/logrank_ulcer_strata_sex",
                                     "Surv(time, event) ~ ulcer + strata(sex)", "mel"),
  cox_ulcer = cox_both("melanoma/cox_ulcer", "Surv(time, event) ~ ulcer", "mel"),
  cox_ulcer_thickness_age = cox_both("melanoma/cox_multi",
                                     "Surv(time, event) ~ ulcer + thickness + age", "mel"),
  reverse_km_followup = reverse_km("melanoma/reverse_km", "Surv(time, 1 - event) ~ 1", "mel")
)

out$kmsurv_tongue <- list(
  description = "KMsurv::tongue, n = 80; time in weeks; event = delta (1 = death); type 1 = aneuploid (reference level), 2 = diploid (factor)",
  n = nrow(tng), n_events = sum(tng$event),
  km_overall = km_block("tongue/km_overall", "Surv(time, event) ~ 1", "tng", week_times),
  km_by_type = km_block("tongue/km_by_type", "Surv(time, event) ~ type", "tng", week_times),
  logrank_type = logrank("tongue/logrank_type", "Surv(time, event) ~ type", "tng"),
  cox_type = cox_both("tongue/cox_type", "Surv(time, event) ~ type", "tng")
)

out$riaz2017_os <- list(
  description = "Riaz 2017 BMS038 clinical data (read in place), n = 73; time = OS in days; event = !OS_SOR (OS_SOR = 1 means censored); Cohort factor with reference NIV3-NAIVE (term CohortNIV3-PROG = prior ipilimumab)",
  source = riaz_clin,
  n = nrow(riaz), n_events = sum(riaz$os_event),
  km_overall = km_block("riaz_os/km_overall", "Surv(OS, os_event) ~ 1", "riaz", days_times),
  km_by_cohort = km_block("riaz_os/km_by_cohort", "Surv(OS, os_event) ~ Cohort", "riaz", days_times),
  logrank_cohort = logrank("riaz_os/logrank_cohort", "Surv(OS, os_event) ~ Cohort", "riaz"),
  cox_cohort = cox_both("riaz_os/cox_cohort", "Surv(OS, os_event) ~ Cohort", "riaz"),
  reverse_km_followup = reverse_km("riaz_os/reverse_km", "Surv(OS, 1 - os_event) ~ 1", "riaz")
)

out$riaz2017_pfs <- list(
  description = "Riaz 2017 PFS in days; event = !PFS_SOR (PFS_SOR = 1 means censored)",
  source = riaz_clin,
  n = nrow(riaz), n_events = sum(riaz$pfs_event),
  km_overall = km_block("riaz_pfs/km_overall", "Surv(PFS, pfs_event) ~ 1", "riaz", days_times)
)

# ---------------------------------------------------------------- meta ------
pkgv <- function(p) tryCatch(as.character(packageVersion(p)), error = function(e) NA_character_)
meta <- list(
  script = "tests/r_reference/survival.R",
  r_version = R.version.string,
  packages = list(survival = pkgv("survival"), boot = pkgv("boot"), KMsurv = pkgv("KMsurv"),
                  jsonlite = pkgv("jsonlite"), brglm2 = pkgv("brglm2"),
                  logistf = pkgv("logistf")),
  date = format(Sys.time(), "%Y-%m-%dT%H:%M:%S%z"),
  data_preparation = list(
    mel = "data(melanoma, package = 'boot'); mel <- melanoma; mel$event <- as.integer(mel$status == 1)",
    tng = "data(tongue, package = 'KMsurv'); tng <- tongue; tng$event <- tng$delta; tng$type <- factor(tng$type, levels = c(1, 2))",
    riaz = paste0("riaz <- read.csv('", riaz_clin, "', stringsAsFactors = FALSE); ",
                  "riaz$os_event <- as.integer(!riaz$OS_SOR); riaz$pfs_event <- as.integer(!riaz$PFS_SOR); ",
                  "riaz$Cohort <- factor(riaz$Cohort, levels = c('NIV3-NAIVE', 'NIV3-PROG'))")
  ),
  field_notes = list(
    std_err_cumhaz = "fit$std.err from survfit: standard error of the cumulative hazard / of log S (Greenwood); NOT the SE of S",
    std_err_surv = "summary(fit, censored = TRUE)$std.err: standard error of S (= surv * std_err_cumhaz)",
    median = "summary(fit)$table columns median / 0.95LCL / 0.95UCL; quantile_* = quantile(fit, 0.5, conf.int = TRUE)",
    logrank_p = "pchisq(chisq, df, lower.tail = FALSE); df = number of groups - 1; for the strata() example observed/expected are summed over strata",
    cox_lrt = "2 * (fit$loglik[2] - fit$loglik[1]); score = fit$score (log-rank score test); wald = fit$wald.test",
    null = "NA / NaN / Inf in R are written as JSON null",
    strata = "R's strata labels, e.g. 'ulcer=1', 'type=2', 'Cohort=NIV3-PROG'; 'all' for ~ 1 fits"
  ),
  calls = calls
)

res <- c(list(`_meta` = meta), out)
writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, na = "null", null = "null",
                  pretty = TRUE, dataframe = "rows"),
           file.path(out_dir, "survival.json"))
cat("wrote", file.path(out_dir, "survival.json"), "\n")
