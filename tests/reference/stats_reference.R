#!/usr/bin/env Rscript
# Reference values for psyface's statistics (src/stats/), computed with R on generated data.
# Writes the generated inputs and the expected values to tests/golden/stats/ (or the folder given as
# the first argument); test_stats reads exactly those inputs and compares to 1e-6 (mixed models 1e-4).
#   Rscript tests/reference/stats_reference.R            # regenerate the goldens
# Needs Debian's r-base-core, r-cran-lme4 and r-cran-psych; nothing else. Deterministic (set.seed).
# Independent of the C++: base R's cor.test, t.test, wilcox.test, p.adjust, pt/qnorm, lme4::lmer and
# psych::ICC; kappa, rmcorr and the noncentral-t CI of d are written out from their definitions here.
suppressPackageStartupMessages({ library(lme4); library(psych) })
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else "tests/golden/stats"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
set.seed(20261126)
expected <- list()
put <- function(name, value) expected[[name]] <<- unname(value)
wcsv <- function(df, name) {
  num <- vapply(df, is.numeric, TRUE)
  df[num] <- lapply(df[num], function(v) ifelse(is.na(v), NA, sprintf("%.17g", v)))
  write.csv(df, file.path(out, name), row.names = FALSE, quote = FALSE, na = "NA")
}

## 1. Correlations and the mixed model: 23 patients x 6 segments, x = machine measure, y = human score.
k <- 23; m <- 6
patient <- rep(seq_len(k), each = m)
u <- rnorm(k, 0, 0.8)[patient]
x <- round(rnorm(k * m, 0, 1) + 0.5 * u, 2)
y <- round(4 + 0.6 * x + u + rnorm(k * m, 0, 0.9), 1)   # rounded: ties for Spearman
corr <- data.frame(patient = patient, x = x, y = y)
wcsv(corr, "correlation_data.csv")
ct <- cor.test(x, y, method = "pearson")
put("pearson.r", ct$estimate); put("pearson.t", ct$statistic); put("pearson.df", ct$parameter)
put("pearson.p", ct$p.value); put("pearson.ci_low", ct$conf.int[1]); put("pearson.ci_high", ct$conf.int[2])
st <- suppressWarnings(cor.test(x, y, method = "spearman", exact = FALSE))
rho <- cor(rank(x), rank(y)); n <- length(x)
put("spearman.rho", st$estimate); put("spearman.p", st$p.value)
stopifnot(abs(rho - st$estimate) < 1e-12)
put("spearman.t", rho * sqrt((n - 2) / (1 - rho^2)))
se_s <- sqrt(1.06 / (n - 3))   # Fieller, Hartley & Pearson (1957)
put("spearman.ci_low", tanh(atanh(rho) - qnorm(0.975) * se_s)); put("spearman.ci_high", tanh(atanh(rho) + qnorm(0.975) * se_s))
# rmcorr (Bakdash & Marusich 2017) from its definition: ANCOVA y ~ factor(patient) + x. The rmcorr
# package is not in Debian, so it is computed here: r = sign(b_x) sqrt(SS_x / (SS_x + SS_res)),
# df = N - k - 1, CI with Fisher z and se 1/sqrt(df - 1).
fit <- lm(y ~ factor(patient) + x, data = corr)
a <- anova(fit)
ss_x <- a["x", "Sum Sq"]; ss_res <- a["Residuals", "Sum Sq"]; df_rm <- a["Residuals", "Df"]
r_rm <- sign(coef(fit)["x"]) * sqrt(ss_x / (ss_x + ss_res))
stopifnot(df_rm == n - k - 1)
put("rmcorr.r", r_rm); put("rmcorr.df", df_rm)
t_rm <- r_rm * sqrt(df_rm / (1 - r_rm^2))
put("rmcorr.t", t_rm); put("rmcorr.p", 2 * pt(-abs(t_rm), df_rm))
put("rmcorr.ci_low", tanh(atanh(r_rm) - qnorm(0.975) / sqrt(df_rm - 1)))
put("rmcorr.ci_high", tanh(atanh(r_rm) + qnorm(0.975) / sqrt(df_rm - 1)))
# lme4, REML
lmm <- lmer(y ~ x + (1 | patient), data = corr, REML = TRUE)
b <- fixef(lmm); se <- sqrt(diag(as.matrix(vcov(lmm)))); vc <- as.data.frame(VarCorr(lmm))
put("lmm.intercept", b[1]); put("lmm.slope", b[2]); put("lmm.slope_se", se[2]); put("lmm.intercept_se", se[1])
put("lmm.slope_ci_low", b[2] - qnorm(0.975) * se[2]); put("lmm.slope_ci_high", b[2] + qnorm(0.975) * se[2])
put("lmm.slope_p", 2 * pnorm(-abs(b[2] / se[2])))
put("lmm.var_patient", vc$vcov[vc$grp == "patient"]); put("lmm.var_residual", vc$vcov[vc$grp == "Residual"])
put("lmm.reml_criterion", REMLcrit(lmm)); put("lmm.singular", as.numeric(isSingular(lmm)))

## 2. A singular mixed model: no patient effect at all, few patients.
k2 <- 6; m2 <- 5
p2 <- rep(seq_len(k2), each = m2)
x2 <- round(rnorm(k2 * m2), 2)
y2 <- round(1 + 0.3 * x2 + rnorm(k2 * m2, 0, 1), 2)
# make the patient means of the residual identical so the REML optimum is on the boundary
y2 <- y2 - ave(y2 - 0.3 * x2, p2) + mean(y2 - 0.3 * x2) - 0.4 * (p2 %% 2 - 0.5) * 0
sing <- data.frame(patient = p2, x = x2, y = y2)
wcsv(sing, "singular_data.csv")
lmm2 <- suppressMessages(lmer(y ~ x + (1 | patient), data = sing, REML = TRUE))
stopifnot(isSingular(lmm2))
b2 <- fixef(lmm2); se2 <- sqrt(diag(as.matrix(vcov(lmm2)))); vc2 <- as.data.frame(VarCorr(lmm2))
put("lmm_singular.slope", b2[2]); put("lmm_singular.slope_se", se2[2]); put("lmm_singular.singular", 1)
put("lmm_singular.var_patient", vc2$vcov[vc2$grp == "patient"]); put("lmm_singular.var_residual", vc2$vcov[vc2$grp == "Residual"])

## 3. Session-level group model: measure ~ group + (1 | patient), 23 patients x 15 sessions.
k3 <- 23; m3 <- 15
p3 <- rep(seq_len(k3), each = m3)
grp <- as.numeric(seq_len(k3) > 11)[p3]
v3 <- 0.5 + 0.4 * grp + rnorm(k3, 0, 0.5)[p3] + rnorm(k3 * m3, 0, 1)
sess <- data.frame(patient = p3, group = grp, value = v3)
wcsv(sess, "session_data.csv")
lmm3 <- lmer(value ~ group + (1 | patient), data = sess, REML = TRUE)
b3 <- fixef(lmm3); se3 <- sqrt(diag(as.matrix(vcov(lmm3)))); vc3 <- as.data.frame(VarCorr(lmm3))
put("lmm_group.effect", b3[2]); put("lmm_group.effect_se", se3[2]); put("lmm_group.intercept", b3[1])
put("lmm_group.var_patient", vc3$vcov[vc3$grp == "patient"]); put("lmm_group.var_residual", vc3$vcov[vc3$grp == "Residual"])
put("lmm_group.reml_criterion", REMLcrit(lmm3))

## 4. Inter-rater reliability: 30 segments x 3 raters, CEAS 1-7.
true_level <- rnorm(30, 4, 1.2)
icc_tab <- sapply(c(0, 0.3, -0.2), function(bias) pmin(7, pmax(1, round(true_level + bias + rnorm(30, 0, 0.7)))))
colnames(icc_tab) <- c("r1", "r2", "r3")
wcsv(as.data.frame(icc_tab), "icc_data.csv")
ic <- psych::ICC(icc_tab, lmer = FALSE)$results
put("icc.single", ic["Single_random_raters", "ICC"]); put("icc.average", ic["Average_random_raters", "ICC"])
put("icc.single_ci_low", ic["Single_random_raters", "lower bound"]); put("icc.single_ci_high", ic["Single_random_raters", "upper bound"])
put("icc.average_ci_low", ic["Average_random_raters", "lower bound"]); put("icc.average_ci_high", ic["Average_random_raters", "upper bound"])
put("icc.f", ic["Single_random_raters", "F"]); put("icc.p", ic["Single_random_raters", "p"])
put("icc.df1", ic["Single_random_raters", "df1"]); put("icc.df2", ic["Single_random_raters", "df2"])

## 5. Cohen's kappa, 6 categories (0..5), 80 segments; by hand (Fleiss, Cohen & Everitt 1969).
ka <- sample(0:5, 80, replace = TRUE, prob = c(0.1, 0.3, 0.2, 0.15, 0.15, 0.1))
kb <- ifelse(runif(80) < 0.55, ka, sample(0:5, 80, replace = TRUE))
wcsv(data.frame(a = ka, b = kb), "kappa_data.csv")
tab <- table(factor(ka, levels = 0:5), factor(kb, levels = 0:5)) / 80
pr <- rowSums(tab); pc <- colSums(tab); po <- sum(diag(tab)); pe <- sum(pr * pc)
kap <- (po - pe) / (1 - pe)
t1 <- sum(diag(tab) * (1 - (pr + pc) * (1 - kap))^2)
t2 <- (1 - kap)^2 * sum(tab * outer(pc, pr, "+")^2 * (1 - diag(6)))
t3 <- (kap - pe * (1 - kap))^2
se_k <- sqrt((t1 + t2 - t3) / (80 * (1 - pe)^2))
se0 <- sqrt((pe + pe^2 - sum(pr * pc * (pr + pc))) / (80 * (1 - pe)^2))
put("kappa.kappa", kap); put("kappa.se", se_k); put("kappa.ci_low", kap - qnorm(0.975) * se_k)
put("kappa.ci_high", kap + qnorm(0.975) * se_k); put("kappa.z", kap / se0); put("kappa.p", 2 * pnorm(-abs(kap / se0)))
put("kappa.p_observed", po); put("kappa.p_expected", pe)
# cross-check with psych::cohen.kappa (same estimate)
stopifnot(abs(psych::cohen.kappa(cbind(ka, kb))$kappa - kap) < 1e-12)

## 6. Two groups: Welch, Cohen's d / Hedges' g with noncentral-t CIs, Mann-Whitney U.
g1 <- round(rnorm(11, 0.8, 1), 1); g2 <- round(rnorm(12, 0, 1), 1)   # rounded: ties for U
wcsv(data.frame(group = c(rep(1, 11), rep(2, 12)), value = c(g1, g2)), "groups_data.csv")
tt <- t.test(g1, g2, var.equal = FALSE)
put("welch.t", tt$statistic); put("welch.df", tt$parameter); put("welch.p", tt$p.value)
put("welch.ci_low", tt$conf.int[1]); put("welch.ci_high", tt$conf.int[2])
n1 <- length(g1); n2 <- length(g2); dfp <- n1 + n2 - 2
sp <- sqrt(((n1 - 1) * var(g1) + (n2 - 1) * var(g2)) / dfp)
d <- (mean(g1) - mean(g2)) / sp
sc <- sqrt(n1 * n2 / (n1 + n2)); tobs <- d * sc
ncp_for <- function(target) uniroot(function(ncp) pt(tobs, dfp, ncp) - target, c(tobs - 20, tobs + 20), tol = 1e-13)$root
d_lo <- ncp_for(0.975) / sc; d_hi <- ncp_for(0.025) / sc
J <- exp(lgamma(dfp / 2) - log(sqrt(dfp / 2)) - lgamma((dfp - 1) / 2))
put("d.d", d); put("d.ci_low", d_lo); put("d.ci_high", d_hi)
put("g.g", J * d); put("g.ci_low", J * d_lo); put("g.ci_high", J * d_hi)
wt <- suppressWarnings(wilcox.test(g1, g2, exact = FALSE, correct = TRUE))
U <- unname(wt$statistic)
put("mw.u", U); put("mw.p", wt$p.value)
rb <- 2 * U / (n1 * n2) - 1; se_rb <- sqrt((n1 + n2 + 1) / (3 * n1 * n2))
put("mw.rank_biserial", rb); put("mw.rb_ci_low", tanh(atanh(rb) - qnorm(0.975) * se_rb))
put("mw.rb_ci_high", tanh(atanh(rb) + qnorm(0.975) * se_rb))

## 7. Holm and Benjamini-Hochberg.
pv <- c(0.001, 0.04, 0.03, 0.2, 0.04, 0.7, 0.012, 0.05)
wcsv(data.frame(p = pv), "pvalues.csv")
for (i in seq_along(pv)) { put(sprintf("holm.%d", i), p.adjust(pv, "holm")[i]); put(sprintf("bh.%d", i), p.adjust(pv, "BH")[i]) }

## 8. Median split with ties at the median.
imp <- c(3, 5, 5, 5, 1, 8, 9, 2, 5, 7, 0)
wcsv(data.frame(improvement = imp), "median_split_data.csv")
med <- median(imp)
put("median_split.median", med); put("median_split.n_improvers", sum(imp > med))
put("median_split.n_non_improvers", sum(imp <= med))

## 9. A small study in the CLI's input format, for `psyface stats agreement|outcomes` end to end.
sdir <- file.path(out, "study"); dir.create(sdir, showWarnings = FALSE)
hms <- function(t) sprintf("%02d:%02d:%02d", t %/% 3600, (t %% 3600) %/% 60, t %% 60)
classes <- c("happy", "sad", "angry", "fearful", "disgusted", "surprised")
rater_words <- c(happy = "joy", sad = "sadness", angry = "anger", fearful = "fear", disgusted = "disgust", surprised = "surprise")
seg <- NULL; rat <- NULL
for (p in 1:8) for (s in 1:3) for (g in 1:2) {
  sid <- sprintf("P%02d_S%d", p, s); start <- 120 * g; end <- start + 60
  level <- 3 + 0.3 * p + rnorm(1)
  m1 <- round(level + rnorm(1, 0, 0.8), 3); m2 <- round(runif(1), 3)
  probs <- round(runif(6), 3); dom <- classes[which.max(probs)]
  seg <- rbind(seg, data.frame(session_id = sid, patient_id = sprintf("P%02d", p), session_number = s, role = "patient",
                               segment_label = paste0("seg", g), start_sec = start + 0.25, end_sec = end - 0.25,
                               arousal = m1, noise = m2, mean_p_happy = probs[1], mean_p_sad = probs[2],
                               mean_p_angry = probs[3], mean_p_fearful = probs[4], mean_p_disgusted = probs[5],
                               mean_p_surprised = probs[6]))
  seg <- rbind(seg, data.frame(session_id = sid, patient_id = sprintf("P%02d", p), session_number = s, role = "therapist",
                               segment_label = paste0("seg", g), start_sec = start, end_sec = end, arousal = 9, noise = 9,
                               mean_p_happy = 1, mean_p_sad = 0, mean_p_angry = 0, mean_p_fearful = 0,
                               mean_p_disgusted = 0, mean_p_surprised = 0))
  for (r in c("R1", "R2", "R3")) {
    mode <- min(6, max(1, round(level + rnorm(1, 0, 0.6))))
    peak <- min(7, mode + sample(0:2, 1))
    emo <- if (runif(1) < 0.6) rater_words[[dom]] else sample(c(unname(rater_words), "hurt", "grief"), 1)
    rat <- rbind(rat, data.frame(session_id = sid, start = if (g == 1) hms(start) else as.character(start),
                                 end = if (g == 1) hms(end) else as.character(end), rater = r,
                                 ceas_mode = mode, ceas_peak = peak, primary_emotion = emo))
  }
}
write.csv(seg, file.path(sdir, "segments.csv"), row.names = FALSE, quote = FALSE)
write.csv(rat, file.path(sdir, "ratings.csv"), row.names = FALSE, quote = FALSE)
ps <- seg[seg$role == "patient", ]
ps$key <- paste(ps$session_id, round(ps$start_sec - 0.25))
rat$start_s <- suppressWarnings(ifelse(grepl(":", rat$start), sapply(strsplit(rat$start, ":"), function(v) sum(as.numeric(v) * c(3600, 60, 1))), as.numeric(rat$start)))
rat$key <- paste(rat$session_id, rat$start_s)
hm <- aggregate(cbind(ceas_mode, ceas_peak) ~ key, data = rat, FUN = mean)
ag <- merge(ps, hm, by = "key")
stopifnot(nrow(ag) == 48)
put("study.agree_pearson_r", cor(ag$arousal, ag$ceas_mode))
put("study.agree_pearson_p", cor.test(ag$arousal, ag$ceas_mode)$p.value)
put("study.agree_spearman_rho_peak", cor(rank(ag$arousal), rank(ag$ceas_peak)))
fa <- lm(ceas_mode ~ factor(patient_id) + arousal, data = ag); aa <- anova(fa)
put("study.agree_rmcorr_r", sign(coef(fa)["arousal"]) * sqrt(aa["arousal", "Sum Sq"] / (aa["arousal", "Sum Sq"] + aa["Residuals", "Sum Sq"])))
la <- suppressMessages(lmer(ceas_mode ~ arousal + (1 | patient_id), data = ag, REML = TRUE))
put("study.agree_lmm_slope", fixef(la)[2]); put("study.agree_lmm_singular", as.numeric(isSingular(la)))
wide <- reshape(rat[, c("key", "rater", "ceas_mode")], idvar = "key", timevar = "rater", direction = "wide")
put("study.icc_2_1_mode", psych::ICC(as.matrix(wide[, -1]), lmer = FALSE)$results["Single_random_raters", "ICC"])
r1 <- merge(ag, rat[rat$rater == "R1", c("key", "primary_emotion")], by = "key")
mach <- classes[apply(r1[, paste0("mean_p_", classes)], 1, which.max)]
hum <- c(joy = "happy", sadness = "sad", hurt = "sad", grief = "sad", anger = "angry", fear = "fearful",
         disgust = "disgusted", surprise = "surprised")[r1$primary_emotion]
tk <- table(factor(mach, levels = classes), factor(hum, levels = classes)) / nrow(r1)
pe <- sum(rowSums(tk) * colSums(tk)); put("study.kappa_R1", (sum(diag(tk)) - pe) / (1 - pe))
# outcomes: 12 patients (P09-P12 have sessions too), P05 without post, P01-P04 dropouts; lower is better
sess <- NULL; win <- NULL
for (p in 1:12) for (s in 1:4) {
  sid <- sprintf("P%02d_S%d", p, s)
  smile <- round(0.2 + 0.02 * p + rnorm(1, 0, 0.05), 4); expr <- round(rnorm(1, 1, 0.2), 4)
  sess <- rbind(sess, data.frame(session_id = sid, patient_id = sprintf("P%02d", p), therapist_id = "T1", session_number = s,
                                 date = "2024-01-01", role = "patient", smile_share = smile, expressivity = expr))
  first <- round(smile + ifelse(p <= 4, -0.08, 0.02) + rnorm(1, 0, 0.02), 4); rest <- round(smile + rnorm(1, 0, 0.02), 4)
  win <- rbind(win, data.frame(session_id = sid, patient_id = sprintf("P%02d", p), session_number = s, role = "patient",
                               window_kind = c("first", "rest", "fixed"), window_index = c(0, 0, 3),
                               start_sec = c(0, 600, 180), end_sec = c(600, 3000, 240),
                               smile_share = c(first, rest, 0.5), expressivity = c(expr, expr, 0.5)))
}
write.csv(sess, file.path(sdir, "sessions.csv"), row.names = FALSE, quote = FALSE)
write.csv(win, file.path(sdir, "windows.csv"), row.names = FALSE, quote = FALSE)
pre <- round(rnorm(12, 30, 4)); post <- round(pre - (1:12) * 1.2 + rnorm(12, 0, 3))
post[5] <- NA
oc <- data.frame(patient_id = sprintf("P%02d", 1:12), pre = pre, post = post, dropout = as.numeric(1:12 <= 4), age = 30 + 1:12)
write.csv(oc, file.path(sdir, "outcomes.csv"), row.names = FALSE, quote = FALSE, na = "")
pm <- aggregate(cbind(smile_share, expressivity) ~ patient_id, data = sess, FUN = mean)
pm <- merge(pm, oc, by = "patient_id"); pm$improvement <- pm$pre - pm$post
ok <- !is.na(pm$improvement)
put("study.out_pearson_r_smile", cor(pm$smile_share[ok], pm$improvement[ok]))
put("study.out_pearson_p_smile", cor.test(pm$smile_share[ok], pm$improvement[ok])$p.value)
put("study.out_pearson_p_expr", cor.test(pm$expressivity[ok], pm$improvement[ok])$p.value)
med <- median(pm$improvement[ok]); impr <- pm$improvement > med
put("study.out_median", med); put("study.out_n_improvers", sum(impr[ok])); put("study.out_n_non_improvers", sum(!impr[ok]))
a1 <- pm$smile_share[ok & impr]; a0 <- pm$smile_share[ok & !impr]
sp <- sqrt(((length(a1) - 1) * var(a1) + (length(a0) - 1) * var(a0)) / (length(a1) + length(a0) - 2))
put("study.out_cohen_d_smile", (mean(a1) - mean(a0)) / sp)
put("study.out_welch_p_smile", t.test(a1, a0)$p.value)
sess2 <- merge(sess, data.frame(patient_id = pm$patient_id[ok], improver = as.numeric(impr[ok])), by = "patient_id")
lo <- lmer(smile_share ~ improver + (1 | patient_id), data = sess2, REML = TRUE)
put("study.out_lmm_improver_smile", fixef(lo)[2])
fm <- aggregate(smile_share ~ patient_id, data = win[win$window_kind == "first", ], FUN = mean)
fm <- merge(fm, oc, by = "patient_id")
d1 <- fm$smile_share[fm$dropout == 1]; d0 <- fm$smile_share[fm$dropout == 0]
wt <- suppressWarnings(wilcox.test(d1, d0, exact = FALSE, correct = TRUE))
put("study.drop_first_rank_biserial_smile", 2 * wt$statistic / (length(d1) * length(d0)) - 1)
put("study.drop_first_mw_p_smile", wt$p.value)
pw <- c(cor.test(pm$smile_share[ok], pm$improvement[ok])$p.value, cor.test(pm$expressivity[ok], pm$improvement[ok])$p.value)
put("study.out_pearson_p_holm_smile", p.adjust(pw, "holm")[1]); put("study.out_pearson_p_bh_expr", p.adjust(pw, "BH")[2])

res <- data.frame(quantity = names(expected), value = sprintf("%.17g", unlist(expected)))
write.csv(res, file.path(out, "expected.csv"), row.names = FALSE, quote = FALSE)
cat(sprintf("wrote %d expected values and the inputs to %s (R %s, lme4 %s, psych %s)\n", nrow(res), out,
            getRversion(), packageVersion("lme4"), packageVersion("psych")), file = stderr())
