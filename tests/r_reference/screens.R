# R reference values for remission.antigens.screens: four-parameter logistic (4PL) titration
# fits with base R nls, EC50 Wald CIs (confint.default on log10 EC50) and the EC50 ratio of a
# heteroclitic analog to its natural peptide.
#
# Run from the repository root (/work/main):
#     Rscript tests/r_reference/screens.R
# Reads tests/r_reference/data/screens_titration_gp100.csv (gp100 209-217 natural ITDQVPFSV
# and analog IMDQVPFSV, 7 concentrations x 3 wells, 8% noise) and
# tests/r_reference/data/screens_titration_noisy.csv (MART-1 27-35, 12 half-log
# concentrations x 2 wells, 25% + 60 pg/mL noise): both SYNTHETIC, made with numpy once.
# Writes tests/r_reference/screens.json. Debian packages: r-base-core r-cran-jsonlite.

suppressPackageStartupMessages(library(jsonlite))

out <- "tests/r_reference/screens.json"
# The 4PL on log10 concentration with its analytic gradient (deriv), so that nls converges
# to a tight tolerance (finite-difference gradients stall near 1e-8).
f4pl <- deriv(~ bottom + (top - bottom) / (1 + 10^((lec50 - log10(x)) * hill)),
              c("bottom", "top", "lec50", "hill"),
              function(x, bottom, top, lec50, hill) NULL)
model <- y ~ f4pl(x, bottom, top, lec50, hill)
ctrl <- nls.control(maxiter = 1000, tol = 1e-8, minFactor = 1e-12)
calls <- list(
  model = "y ~ bottom + (top - bottom) / (1 + 10^((lec50 - log10(x)) * hill)), gradient by deriv()",
  fit = "nls(model, data = d, start = start, control = nls.control(maxiter = 1000, tol = 1e-8, minFactor = 1e-12))",
  se = "summary(fit)$coefficients[, 'Std. Error']",
  ci = "10^confint.default(fit, 'lec50', level = 0.95)",
  ratio = "d <- lec50_natural - lec50_analog; se <- sqrt(se_n^2 + se_a^2); 10^(d + c(-1, 1) * qnorm(0.975) * se)"
)

fit4pl <- function(x, y) {
  d <- data.frame(x = x, y = y)
  means <- aggregate(y ~ x, d, mean)
  mid <- (min(y) + max(y)) / 2
  start <- list(bottom = min(y), top = max(y),
                lec50 = log10(means$x[which(means$y >= mid)[1]]), hill = 1)
  fit <- nls(model, data = d, start = start, control = ctrl)
  s <- summary(fit)
  co <- s$coefficients
  ci <- confint.default(fit, "lec50", level = 0.95)
  list(
    n = nrow(d),
    start = start,
    estimate = as.list(co[, "Estimate"]),
    std_error = as.list(co[, "Std. Error"]),
    sigma = s$sigma,
    df = s$df[2],
    rss = deviance(fit),
    aic = AIC(fit),
    ec50 = 10^co["lec50", "Estimate"],
    ec50_ci_wald = as.numeric(10^ci),
    iterations = fit$convInfo$finIter,
    converged = fit$convInfo$isConv
  )
}

gp <- read.csv("tests/r_reference/data/screens_titration_gp100.csv")
noisy <- read.csv("tests/r_reference/data/screens_titration_noisy.csv")
nat <- subset(gp, peptide == "ITDQVPFSV")
ana <- subset(gp, peptide == "IMDQVPFSV")
f_nat <- fit4pl(nat$concentration_nm, nat$ifng_pg_ml)
f_ana <- fit4pl(ana$concentration_nm, ana$ifng_pg_ml)
f_noisy <- fit4pl(noisy$concentration_nm, noisy$ifng_pg_ml)

d <- f_nat$estimate$lec50 - f_ana$estimate$lec50
se <- sqrt(f_nat$std_error$lec50^2 + f_ana$std_error$lec50^2)
ratio <- list(
  log10_ratio = d, se = se, ratio = 10^d,
  ci = as.numeric(10^(d + c(-1, 1) * qnorm(0.975) * se)),
  z = d / se, p_value = 2 * pnorm(-abs(d / se))
)

result <- list(
  `_meta` = list(
    script = "tests/r_reference/screens.R",
    r_version = R.version.string,
    packages = list(stats = as.character(packageVersion("stats")),
                    jsonlite = as.character(packageVersion("jsonlite"))),
    date = format(Sys.time(), "%Y-%m-%dT%H:%M:%S%z"),
    calls = calls,
    notes = "lec50 = log10 EC50 (nM). SEs from summary.nls (sigma^2 (J'J)^-1); EC50 CI = 10^confint.default (normal quantile). AIC = AIC(fit) (5 parameters including sigma)."
  ),
  gp100_natural = f_nat,
  gp100_analog = f_ana,
  gp100_ratio_natural_over_analog = ratio,
  mart1_noisy = f_noisy
)
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE), out)
cat("wrote", out, "\n")
