# Run: Rscript tests/r_reference/screens_exact.R (base R only). Output, R 4.x:
#   rss 0; logLik Inf (df=5); AIC -Inf; sigma 0; confint.default l: 0.7 0.7
# (nls on exact data needs scaleOffset > 0 to stop; test_exact_data_as_R_logLik checks it.)
# R's logLik and AIC of an nls fit with zero residual sum of squares.
x <- rep(10^(-3:3), each = 2)
f <- function(x, b, t, l, h) b + (t - b) / (1 + 10^((l - log10(x)) * h))
y <- f(x, 50, 1500, 0.7, 1.3)
fit <- nls(y ~ f(x, b, t, l, h), start = list(b = 50, t = 1500, l = 0.7, h = 1.3),
           control = nls.control(scaleOffset = 1, maxiter = 1))
cat("rss", deviance(fit), "\n")
print(logLik(fit)); print(AIC(fit)); print(summary(fit)$sigma)
print(confint.default(fit, "l"))
