# Reference values for `psyface stats predict` (src/stats/roc_auc.*, src/stats/ridge_logistic.*):
# per-measure AUC with DeLong's CI (pROC) and the ridge logistic fit at fixed penalties (glmnet).
#   Rscript tests/reference/prediction_reference.R [OUT_DIR]   # default tests/golden/stats
# Writes prediction_data.csv (23 patients: target, four measures, some tied values) and
# prediction_expected.csv (quantity,value; 17 significant digits). Deterministic (set.seed).
suppressPackageStartupMessages({ library(pROC); library(glmnet) })
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else "tests/golden/stats"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
set.seed(20261205)
n <- 23
target <- c(rep(1, 6), rep(0, 17))
d <- data.frame(target = target,
                m1 = round(rnorm(n) + 1.0 * target, 1),    # rounded: ties between the groups
                m2 = rnorm(n) - 0.8 * target,              # lower in the target group: AUC < 0.5
                m3 = rnorm(n, 5, 2),
                m4 = round(runif(n) * 4))                  # few distinct values: many ties
write.csv(d, file.path(out, "prediction_data.csv"), row.names = FALSE)
q <- c(); v <- c()
put <- function(name, value) { q <<- c(q, name); v <<- c(v, value) }
for (m in c("m1", "m2", "m3", "m4")) {
  r <- roc(d$target, d[[m]], levels = c(0, 1), direction = "<", quiet = TRUE)
  ci <- ci.auc(r, method = "delong")
  se <- sqrt(var(r, method = "delong"))
  put(paste0("auc_", m), as.numeric(auc(r)))
  put(paste0("auc_ci_low_", m), ci[1])
  put(paste0("auc_ci_high_", m), ci[3])
  put(paste0("auc_p_", m), 2 * pnorm(-abs((as.numeric(auc(r)) - 0.5) / se)))
}
x <- as.matrix(d[, c("m1", "m2", "m3", "m4")])
for (lambda in c(0.05, 0.3, 2)) {
  f <- glmnet(x, d$target, family = "binomial", alpha = 0, lambda = lambda, standardize = TRUE,
              thresh = 1e-14, maxit = 1e7)
  b <- as.numeric(coef(f))
  tag <- format(lambda)
  put(paste0("glmnet_", tag, "_intercept"), b[1])
  for (k in 1:4) put(paste0("glmnet_", tag, "_beta_m", k), b[k + 1])
}
write.csv(data.frame(quantity = q, value = trimws(formatC(v, digits = 17, format = "g"))),
          file.path(out, "prediction_expected.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", length(q), "reference values to", out, "\n")
