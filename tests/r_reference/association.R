# R reference values for association tests and logistic regression
# (Fisher, chi-squared, Wilcoxon-Mann-Whitney, glm binomial, Firth / bias reduction).
#
# Run from the repository root (/work/main):
#     Rscript tests/r_reference/association.R
# Writes tests/r_reference/association.json. Input data are read in place from
# /work/shared/datasets (Riaz 2017, Chowell 2021); the small separation data sets are
# written into the JSON itself.
#
# Debian packages: r-base-core r-cran-brglm2 r-cran-mass r-cran-jsonlite
# (logistf is NOT packaged in Debian; see firth_pl_manual below.)

suppressPackageStartupMessages({
  library(jsonlite)
  library(MASS)      # profile-likelihood confint() for glm objects in R < 4.4
  library(brglm2)
})

out_dir <- "tests/r_reference"
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
riaz_clin <- "/work/shared/datasets/riaz2017_nivolumab_melanoma/bms038_clinical_data.csv"
riaz_mut  <- "/work/shared/datasets/riaz2017_nivolumab_melanoma/MutCnt_pretheray.csv"
chow_train <- "/work/shared/datasets/chowell2021_msk_ici/Training.csv"
chow_test  <- "/work/shared/datasets/chowell2021_msk_ici/Test.csv"

calls <- list()
# Evaluate a call given as a string in the global environment, record the string
# and every warning it raised.
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
# For values that may legitimately be +-Inf (e.g. Fisher odds ratio), keep a string.
num_or_inf <- function(x) {
  x <- as.numeric(x)
  lapply(x, function(v) if (is.na(v)) NA else if (is.infinite(v)) ifelse(v > 0, "Inf", "-Inf") else v)
}

# ----------------------------------------------------------------- data -----
riaz <- read.csv(riaz_clin, stringsAsFactors = FALSE)
stopifnot(nrow(riaz) == 73)
riaz$prior_ipi <- as.integer(riaz$Cohort == "NIV3-PROG")     # NIV3-PROG = progressed on ipilimumab
riaz$response  <- as.integer(riaz$BOR %in% c("CR", "PR"))    # NE (3 pts) counted as non-responders
riaz$cr        <- as.integer(riaz$BOR == "CR")
mut <- read.csv(riaz_mut, stringsAsFactors = FALSE)
riaz <- merge(riaz, mut[, c("Patient", "NonSynMut")], by.x = "PatientID", by.y = "Patient",
              all.x = TRUE, sort = FALSE)
riaz <- riaz[order(riaz$PatientID), ]
stopifnot(nrow(riaz) == 73, sum(!is.na(riaz$NonSynMut)) == 68)
riaz$log_tmb <- log(riaz$NonSynMut + 1)
riaz_cc <- riaz[!is.na(riaz$NonSynMut), ]
riaz_tab_resp <- table(prior_ipi = factor(riaz$prior_ipi, levels = 0:1),
                       response = factor(riaz$response, levels = 0:1))
riaz_tab_cr <- table(prior_ipi = factor(riaz$prior_ipi, levels = 0:1),
                     cr = factor(riaz$cr, levels = 0:1))
riaz_tmb_resp <- riaz_cc$NonSynMut[riaz_cc$response == 1]
riaz_tmb_nonresp <- riaz_cc$NonSynMut[riaz_cc$response == 0]

chow_all <- rbind(read.csv(chow_train, check.names = FALSE, stringsAsFactors = FALSE),
                  read.csv(chow_test, check.names = FALSE, stringsAsFactors = FALSE))
chow_all <- chow_all[chow_all$Cancer_type_grouped_2 %in% c("Melanoma", "Renal"), ]
chow <- data.frame(
  SAMPLE_ID = chow_all$SAMPLE_ID,
  cancer = chow_all$Cancer_type_grouped_2,
  renal = as.integer(chow_all$Cancer_type_grouped_2 == "Renal"),
  response = chow_all[["Response (1:Responder; 0:Non-responder)"]],
  chemo = chow_all[["Chemo_before_IO (1:Yes; 0:No)"]],
  sex = ifelse(chow_all[["Sex (1:Male; 0:Female)"]] == 1, "M", "F"),
  NLR = chow_all$NLR, TMB = chow_all$TMB,
  OS_Event = chow_all$OS_Event, OS_Months = chow_all$OS_Months,
  stringsAsFactors = FALSE)
stopifnot(nrow(chow) == 277, sum(chow$cancer == "Melanoma") == 186)
chow_nlr_breaks <- quantile(chow$NLR, probs = c(0, 1/3, 2/3, 1), type = 7, names = FALSE)
chow$NLR_tertile <- cut(chow$NLR, breaks = chow_nlr_breaks, include.lowest = TRUE,
                        labels = c("T1", "T2", "T3"))
chow$sex_cancer <- factor(paste(chow$cancer, chow$sex, sep = ":"),
                          levels = c("Melanoma:F", "Melanoma:M", "Renal:F", "Renal:M"))
chow_tab_chemo  <- table(chemo = factor(chow$chemo, levels = 0:1),
                         response = factor(chow$response, levels = 0:1))
chow_tab_cancer <- table(cancer = factor(chow$cancer, levels = c("Melanoma", "Renal")),
                         response = factor(chow$response, levels = 0:1))
chow_tab_sexcan <- table(response = factor(chow$response, levels = 0:1), sex_cancer = chow$sex_cancer)
chow_tab_nlr    <- table(response = factor(chow$response, levels = 0:1), NLR_tertile = chow$NLR_tertile)
chow_nlr_resp <- chow$NLR[chow$response == 1]; chow_nlr_nonresp <- chow$NLR[chow$response == 0]
chow_tmb_resp <- chow$TMB[chow$response == 1]; chow_tmb_nonresp <- chow$TMB[chow$response == 0]

# Tiny separation data sets
sep_complete <- data.frame(x = 1:10, y = c(0, 0, 0, 0, 0, 1, 1, 1, 1, 1))
# quasi-complete: y = 1 iff x > 5 except at the tied x = 5, where both outcomes occur
sep_quasi <- data.frame(x = c(1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10),
                        y = c(0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1))

# ------------------------------------------------------------- helpers ------
table_json <- function(tab) {
  list(row_var = names(dimnames(tab))[1], col_var = names(dimnames(tab))[2],
       rows = dimnames(tab)[[1]], cols = dimnames(tab)[[2]],
       counts = unname(unclass(as.matrix(tab))))   # row-major: counts[i][j]
}

fisher_json <- function(key, code) {
  ft <- run(key, code)
  res <- list(call = code, p = ft$p.value, method = ft$method,
              alternative = ft$alternative, r_warnings = warnings_of(ft))
  if (!is.null(ft$estimate)) {
    res$odds_ratio_cond_mle <- num_or_inf(ft$estimate)[[1]]
    res$conf_int <- num_or_inf(ft$conf.int)
    res$conf_level <- attr(ft$conf.int, "conf.level")
  }
  res
}

chisq_json <- function(key, code) {
  ct <- run(key, code)
  list(call = code, statistic = unname(ct$statistic), df = unname(ct$parameter),
       p = ct$p.value, method = ct$method, expected = unname(unclass(ct$expected)),
       r_warnings = warnings_of(ct))
}

has_ties <- function(x, y) any(duplicated(c(x, y)))

wilcox_json <- function(key, code, x, y) {
  wt <- run(key, code)
  list(call = code, W = unname(wt$statistic), p = wt$p.value, method = wt$method,
       exact_used = grepl("exact", wt$method),
       continuity_correction = grepl("continuity correction", wt$method),
       r_warnings = warnings_of(wt))
}

wilcox_block <- function(key, xname, yname, x, y) {
  base <- sprintf("wilcox.test(%s, %s", xname, yname)
  list(
    x = xname, y = yname, n_x = length(x), n_y = length(y), has_ties = has_ties(x, y),
    statistic_definition = "W = sum of ranks of x - n_x (n_x + 1) / 2 (x = first sample); W for the reversed order is n_x * n_y - W",
    default_exact_rule = paste("R 4.2 wilcox.test(exact = NULL): exact only if n_x < 50 and n_y < 50;",
                               "with ties it then warns and uses the normal approximation;",
                               "otherwise normal approximation with continuity correction (correct = TRUE)"),
    default_would_be_exact_by_size = length(x) < 50 && length(y) < 50,
    default = wilcox_json(paste0(key, "/default"), paste0(base, ")"), x, y),
    exact_false_correct_true = wilcox_json(paste0(key, "/exact_false_correct_true"),
                                           paste0(base, ", exact = FALSE, correct = TRUE)"), x, y),
    exact_false_correct_false = wilcox_json(paste0(key, "/exact_false_correct_false"),
                                            paste0(base, ", exact = FALSE, correct = FALSE)"), x, y)
  )
}

# ---------------- Firth penalised likelihood, logistf-equivalent (manual) ---
# logistf is not in Debian. This reimplements logistf's defaults (firth = TRUE,
# pl = TRUE, alpha = 0.05): maximise l*(b) = l(b) + 0.5 log det(X'WX); SE from
# (X'WX)^-1 at the estimate; profile penalised-likelihood CI {b_j : 2 (l*max -
# l*prof(b_j)) <= qchisq(0.95, 1)}; p-value from the penalised LR test
# 2 (l*max - l*(b_j = 0)) ~ chisq(1). As in logistf, the restricted fits keep the
# penalty of the FULL model (the Jeffreys term uses all columns of X).
firth_pll <- function(X, y, b) {
  eta <- drop(X %*% b)
  w <- plogis(eta) * plogis(-eta)
  ll <- sum(y * plogis(eta, log.p = TRUE) + (1 - y) * plogis(-eta, log.p = TRUE))
  ll + 0.5 * as.numeric(determinant(crossprod(X, X * w), logarithm = TRUE)$modulus)
}
firth_fit <- function(X, y, fixed = integer(0), fixed_value = 0, start = NULL,
                      tol = 1e-11, maxit = 500) {
  p <- ncol(X); b <- if (is.null(start)) rep(0, p) else start
  b[fixed] <- fixed_value
  free <- setdiff(seq_len(p), fixed)
  pll <- firth_pll(X, y, b)
  for (it in seq_len(maxit)) {
    eta <- drop(X %*% b); pr <- plogis(eta); w <- pr * (1 - pr)
    info <- crossprod(X, X * w)
    infoinv <- solve(info)
    h <- w * rowSums((X %*% infoinv) * X)
    ustar <- drop(crossprod(X, y - pr + h * (0.5 - pr)))
    delta <- rep(0, p)
    delta[free] <- solve(info[free, free, drop = FALSE], ustar[free])
    mx <- max(abs(delta)); if (mx > 5) delta <- delta * 5 / mx   # logistf maxstep = 5
    step <- 1
    repeat {
      bn <- b + step * delta; pn <- firth_pll(X, y, bn)
      if (pn >= pll - 1e-13 || step < 1e-10) break
      step <- step / 2
    }
    b <- bn; pll <- pn
    if (max(abs(step * delta)) < tol || max(abs(ustar[free])) < tol) break
  }
  eta <- drop(X %*% b); pr <- plogis(eta); w <- pr * (1 - pr)
  list(coef = b, pll = firth_pll(X, y, b), iter = it,
       vcov = solve(crossprod(X, X * w)),
       max_abs_score = max(abs(drop(crossprod(X, y - pr + w * rowSums((X %*% solve(crossprod(X, X * w))) * X) * (0.5 - pr)))[free])))
}
firth_pl_manual <- function(formula, data, alpha = 0.05) {
  mf <- model.frame(formula, data)
  X <- model.matrix(formula, mf); y <- model.response(mf)
  full <- firth_fit(X, y)
  se <- sqrt(diag(full$vcov)); crit <- qchisq(1 - alpha, 1)
  prof <- function(j, bj) 2 * (full$pll - firth_fit(X, y, fixed = j, fixed_value = bj,
                                                     start = full$coef)$pll) - crit
  terms <- lapply(seq_len(ncol(X)), function(j) {
    bj <- full$coef[j]
    bound <- function(dir) {
      k <- 1
      while (prof(j, bj + dir * k * se[j]) < 0 && k < 1e4) k <- k * 2
      uniroot(function(v) prof(j, v), sort(c(bj, bj + dir * k * se[j])),
              tol = 1e-11, maxiter = 1000)$root
    }
    lo <- bound(-1); hi <- bound(1)
    r0 <- firth_fit(X, y, fixed = j, fixed_value = 0, start = full$coef)
    chisq <- 2 * (full$pll - r0$pll)
    data.frame(term = colnames(X)[j], coef = bj, se = se[j], lower = lo, upper = hi,
               or = exp(bj), or_lower = exp(lo), or_upper = exp(hi),
               pl_chisq = chisq, p = pchisq(chisq, 1, lower.tail = FALSE),
               stringsAsFactors = FALSE, row.names = NULL)
  })
  list(method = "manual reimplementation of logistf defaults (firth = TRUE, pl = TRUE, alpha = 0.05); NOT the logistf package",
       n = nrow(X), penalized_loglik = full$pll, iterations = full$iter,
       max_abs_modified_score = full$max_abs_score,
       terms = do.call(rbind, terms))
}

# ----------------------------------------------------------------- glm ------
coef_df <- function(sm) {
  cf <- sm$coefficients
  data.frame(term = rownames(cf), estimate = cf[, 1], se = cf[, 2], z = cf[, 3], p = cf[, 4],
             stringsAsFactors = FALSE, row.names = NULL)
}

glm_block <- function(key, formula_str, data_name) {
  code <- sprintf("glm(%s, family = binomial(link = \"logit\"), data = %s)", formula_str, data_name)
  fit <- run(paste0(key, "/glm"), code)
  sm <- summary(fit)
  wald_code <- paste0("exp(confint.default(fit))  # fit <- ", code)
  prof_code <- paste0("exp(confint(fit))  # MASS:::confint.glm profile likelihood; fit <- ", code)
  calls[[paste0(key, "/wald_ci")]] <<- wald_code
  calls[[paste0(key, "/profile_ci")]] <<- prof_code
  wci <- exp(confint.default(fit))
  pw <- character(0)
  pci <- withCallingHandlers(tryCatch(exp(confint(fit)), error = function(e) {
    pw <<- c(pw, paste("ERROR:", conditionMessage(e))); NULL }),
    warning = function(w) { pw <<- c(pw, conditionMessage(w)); invokeRestart("muffleWarning") },
    message = function(m) invokeRestart("muffleMessage"))
  if (!is.null(pci) && is.null(dim(pci))) pci <- t(as.matrix(pci))
  ll <- logLik(fit)
  list(call = code, n = nobs(fit), converged = fit$converged, iterations = fit$iter,
       r_warnings = warnings_of(fit),
       coefficients = coef_df(sm),
       deviance = fit$deviance, null_deviance = fit$null.deviance,
       df_residual = fit$df.residual, df_null = fit$df.null,
       aic = AIC(fit), loglik = as.numeric(ll), loglik_df = attr(ll, "df"),
       or = data.frame(term = names(coef(fit)), or = exp(coef(fit)),
                       wald_lower = wci[, 1], wald_upper = wci[, 2],
                       profile_lower = if (is.null(pci)) NA else pci[, 1],
                       profile_upper = if (is.null(pci)) NA else pci[, 2],
                       stringsAsFactors = FALSE, row.names = NULL),
       profile_ci_warnings = as.list(unique(pw)),
       vcov = unname(vcov(fit)))
}

brglm_block <- function(key, formula_str, data_name) {
  res <- list()
  variants <- list(
    AS_mean = 'type = "AS_mean"',
    AS_mean_tight = 'type = "AS_mean", epsilon = 1e-12, maxit = 1000',
    MPL_Jeffreys_tight = 'type = "MPL_Jeffreys", epsilon = 1e-12, maxit = 1000')
  for (nm in names(variants)) {
    code <- sprintf("glm(%s, family = binomial(link = \"logit\"), data = %s, method = brglm2::brglmFit, %s)",
                    formula_str, data_name, variants[[nm]])
    fit <- run(paste0(key, "/brglm2_", nm), code)
    sm <- summary(fit)
    res[[nm]] <- list(call = code, converged = fit$converged, iterations = fit$iter,
                      r_warnings = warnings_of(fit), coefficients = coef_df(sm),
                      deviance = fit$deviance, aic = fit$aic,
                      or_wald = data.frame(term = names(coef(fit)), or = exp(coef(fit)),
                                           lower = exp(coef(fit) - qnorm(0.975) * sm$coefficients[, 2]),
                                           upper = exp(coef(fit) + qnorm(0.975) * sm$coefficients[, 2]),
                                           stringsAsFactors = FALSE, row.names = NULL))
  }
  res
}

firth_manual_block <- function(key, formula_str, data_name) {
  code <- sprintf("firth_pl_manual(%s, %s)", formula_str, data_name)
  r <- run(paste0(key, "/firth_pl_manual"), code)
  r$call <- code; r$r_warnings <- warnings_of(r); attr(r, "r_warnings") <- NULL
  r
}

model_block <- function(key, formula_str, data_name) {
  b <- list(formula = formula_str, data = data_name,
            glm = glm_block(key, formula_str, data_name),
            brglm2 = brglm_block(key, formula_str, data_name),
            firth_pl_manual = firth_manual_block(key, formula_str, data_name),
            logistf = "logistf is not available (not packaged in Debian; CRAN unreachable)")
  # consistency check: manual Firth == brglm2 AS_mean (tight) == MPL_Jeffreys
  d1 <- max(abs(b$firth_pl_manual$terms$coef - b$brglm2$AS_mean_tight$coefficients$estimate))
  d2 <- max(abs(b$firth_pl_manual$terms$se - b$brglm2$AS_mean_tight$coefficients$se))
  b$check_manual_vs_brglm2_max_abs_diff <- list(coef = d1, se = d2)
  if (d1 > 1e-6 || d2 > 1e-6) warning(key, ": manual Firth differs from brglm2 by ", d1, " / ", d2)
  b
}

# ------------------------------------------------------------ analyses ------
out <- list()

out$riaz2017 <- list(
  description = paste("Riaz 2017 BMS038 (n = 73). prior_ipi = (Cohort == 'NIV3-PROG');",
                      "response = BOR in {CR, PR} (NE counted as non-responder); cr = (BOR == 'CR');",
                      "NonSynMut joined from MutCnt_pretheray.csv on Patient = PatientID (68 of 73);",
                      "log_tmb = log(NonSynMut + 1)."),
  sources = list(clinical = riaz_clin, mutations = riaz_mut),
  n = nrow(riaz), n_responders = sum(riaz$response), n_cr = sum(riaz$cr),
  n_with_tmb = nrow(riaz_cc),
  prior_ipi_vs_response = list(
    table = table_json(riaz_tab_resp),
    fisher = fisher_json("riaz/resp/fisher", "fisher.test(riaz_tab_resp)"),
    chisq_correct = chisq_json("riaz/resp/chisq_T", "chisq.test(riaz_tab_resp, correct = TRUE)"),
    chisq_nocorrect = chisq_json("riaz/resp/chisq_F", "chisq.test(riaz_tab_resp, correct = FALSE)")),
  prior_ipi_vs_cr = list(
    table = table_json(riaz_tab_cr),
    fisher = fisher_json("riaz/cr/fisher", "fisher.test(riaz_tab_cr)"),
    chisq_correct = chisq_json("riaz/cr/chisq_T", "chisq.test(riaz_tab_cr, correct = TRUE)"),
    chisq_nocorrect = chisq_json("riaz/cr/chisq_F", "chisq.test(riaz_tab_cr, correct = FALSE)")),
  wilcox_nonsynmut_resp_vs_nonresp = c(
    list(data = list(responders = riaz_tmb_resp, nonresponders = riaz_tmb_nonresp)),
    wilcox_block("riaz/wilcox_tmb", "riaz_tmb_resp", "riaz_tmb_nonresp",
                 riaz_tmb_resp, riaz_tmb_nonresp)),
  glm_response_prior_ipi = model_block("riaz/m1", "response ~ prior_ipi", "riaz"),
  glm_response_prior_ipi_logtmb = model_block("riaz/m2", "response ~ prior_ipi + log_tmb", "riaz_cc")
)

out$chowell2021_melanoma_renal <- list(
  description = paste("Chowell 2021 Training.csv + Test.csv (rbind), Cancer_type_grouped_2 in",
                      "{Melanoma, Renal}: n = 277. response = `Response (1:Responder; 0:Non-responder)`;",
                      "chemo = `Chemo_before_IO (1:Yes; 0:No)`; renal = (Cancer_type_grouped_2 == 'Renal'),",
                      "melanoma is the reference; sex from `Sex (1:Male; 0:Female)`."),
  sources = list(training = chow_train, test = chow_test),
  n = nrow(chow), n_melanoma = sum(chow$renal == 0), n_renal = sum(chow$renal == 1),
  n_responders = sum(chow$response),
  wilcox_nlr_resp_vs_nonresp = wilcox_block("chowell/wilcox_nlr", "chow_nlr_resp", "chow_nlr_nonresp",
                                            chow_nlr_resp, chow_nlr_nonresp),
  wilcox_tmb_resp_vs_nonresp = wilcox_block("chowell/wilcox_tmb", "chow_tmb_resp", "chow_tmb_nonresp",
                                            chow_tmb_resp, chow_tmb_nonresp),
  chemo_vs_response = list(
    table = table_json(chow_tab_chemo),
    fisher = fisher_json("chowell/chemo/fisher", "fisher.test(chow_tab_chemo)"),
    chisq_correct = chisq_json("chowell/chemo/chisq_T", "chisq.test(chow_tab_chemo, correct = TRUE)"),
    chisq_nocorrect = chisq_json("chowell/chemo/chisq_F", "chisq.test(chow_tab_chemo, correct = FALSE)")),
  cancer_type_vs_response = list(
    table = table_json(chow_tab_cancer),
    fisher = fisher_json("chowell/cancer/fisher", "fisher.test(chow_tab_cancer)"),
    chisq_correct = chisq_json("chowell/cancer/chisq_T", "chisq.test(chow_tab_cancer, correct = TRUE)"),
    chisq_nocorrect = chisq_json("chowell/cancer/chisq_F", "chisq.test(chow_tab_cancer, correct = FALSE)")),
  response_vs_sex_by_cancer_2x4 = list(
    table = table_json(chow_tab_sexcan),
    fisher_freeman_halton = fisher_json("chowell/sexcan/fisher",
                                        "fisher.test(chow_tab_sexcan, workspace = 2e7)"),
    chisq = chisq_json("chowell/sexcan/chisq", "chisq.test(chow_tab_sexcan)")),
  response_vs_nlr_tertile_2x3 = list(
    tertile_breaks = chow_nlr_breaks,
    tertile_rule = "quantile(NLR, c(0, 1/3, 2/3, 1), type = 7); cut(NLR, breaks, include.lowest = TRUE) (right-closed intervals)",
    table = table_json(chow_tab_nlr),
    fisher_freeman_halton = fisher_json("chowell/nlr3/fisher",
                                        "fisher.test(chow_tab_nlr, workspace = 2e7)"),
    chisq = chisq_json("chowell/nlr3/chisq", "chisq.test(chow_tab_nlr)")),
  glm_response_nlr_tmb_chemo_renal = model_block("chowell/m1", "response ~ NLR + TMB + chemo + renal", "chow")
)

out$separation <- list(
  description = "Tiny logistic data sets: complete separation and quasi-complete separation (tie at x = 5).",
  data = list(complete = sep_complete, quasi = sep_quasi),
  complete = model_block("separation/complete", "y ~ x", "sep_complete"),
  quasi = model_block("separation/quasi", "y ~ x", "sep_quasi")
)

# ---------------------------------------------------------------- meta ------
pkgv <- function(p) tryCatch(as.character(packageVersion(p)), error = function(e) NA_character_)
meta <- list(
  script = "tests/r_reference/association.R",
  r_version = R.version.string,
  packages = list(stats = pkgv("stats"), MASS = pkgv("MASS"), brglm2 = pkgv("brglm2"),
                  enrichwith = pkgv("enrichwith"), jsonlite = pkgv("jsonlite"),
                  survival = pkgv("survival"), logistf = pkgv("logistf")),
  logistf = "not installed: no Debian package r-cran-logistf, CRAN unreachable. 'firth_pl_manual' reimplements logistf's default output (Firth coefficients, SE from inverse Fisher information, profile penalised-likelihood 95% CI, penalised LR-test p-values; restricted fits keep the full-model penalty) and is checked against brglm2 AS_mean (identical estimator for the logit link).",
  date = format(Sys.time(), "%Y-%m-%dT%H:%M:%S%z"),
  data_preparation = list(
    riaz = "read.csv(bms038_clinical_data.csv); prior_ipi <- Cohort == 'NIV3-PROG'; response <- BOR %in% c('CR','PR'); cr <- BOR == 'CR'; merge NonSynMut from MutCnt_pretheray.csv by PatientID = Patient; log_tmb <- log(NonSynMut + 1); riaz_cc <- rows with NonSynMut",
    riaz_tables = "riaz_tab_resp <- table(prior_ipi = factor(prior_ipi, 0:1), response = factor(response, 0:1)); riaz_tab_cr likewise with cr",
    chowell = "rbind(Training.csv, Test.csv) with check.names = FALSE; subset Cancer_type_grouped_2 %in% c('Melanoma','Renal')",
    chowell_tables = "rows/cols as given in each 'table' object (row-major counts)",
    wilcox = "x = responders, y = non-responders in every wilcox.test call"
  ),
  field_notes = list(
    fisher_odds_ratio = "conditional MLE odds ratio (fisher.test estimate) = odds of the second column level in the second row level vs first row level; +-Inf written as the strings 'Inf' / '-Inf'",
    fisher_rxc = "for r x c tables fisher.test gives the Freeman-Halton exact p only (no odds ratio)",
    glm_or_ci = "wald_* = exp(confint.default(fit)); profile_* = exp(confint(fit)) (MASS profile likelihood in R 4.2)",
    brglm2 = "AS_mean uses brglm2 defaults (epsilon = 1e-6, maxit = 100); *_tight variants use epsilon = 1e-12 for tight comparisons. For the logit link AS_mean = MPL_Jeffreys = Firth (1993).",
    exact_used = "TRUE if wilcox.test computed the exact distribution (its method string contains 'exact'); with ties R 4.2 falls back to the normal approximation (with continuity correction unless correct = FALSE) and warns",
    null = "NA / NaN (and +-Inf where not stated otherwise) are written as JSON null",
    r_warnings = "warnings R emitted for that call (unique messages)"
  ),
  calls = calls
)

res <- c(list(`_meta` = meta), out)
writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, na = "null", null = "null",
                  pretty = TRUE, dataframe = "rows", matrix = "rowmajor"),
           file.path(out_dir, "association.json"))
cat("wrote", file.path(out_dir, "association.json"), "\n")
