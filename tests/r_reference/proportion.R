# Exact (Clopper-Pearson) 95% intervals of the demo's CR rates, for
# tests/analysis/test_proportion.py::test_clopper_pearson_against_R.
#   Rscript tests/r_reference/proportion.R   (R 4.2.2, stats::binom.test)
for (kn in list(c(12, 182), c(21, 227), c(33, 409), c(0, 20), c(20, 20))) {
  ci <- binom.test(kn[1], kn[2])$conf.int
  cat(sprintf("(%d, %d, %.15f, %.15f),\n", kn[1], kn[2], ci[1], ci[2]))
}
