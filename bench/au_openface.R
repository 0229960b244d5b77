# psyface against OpenFace 2.0.6 frame by frame (bench/au_openface.sh makes the inputs).
# Usage: Rscript bench/au_openface.R DIR   (DIR/psyface/<clip>.frames.csv, DIR/openface/<clip>.csv)
# Each clip: psyface's face with the most rows against OpenFace's one face, joined on the frame
# (OpenFace counts from 1, psyface from 0), OpenFace rows with success = 1. Prints markdown tables:
# Pearson r per action unit per clip and over all frames of all clips (pooled), for the session-normalised
# AUxx_r and the raw AUxx_r_raw; gaze angles: mean absolute difference in degrees on frames with
# |yaw| < 20°; head pose: mean absolute difference of yaw, pitch and roll.
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args)) args[1] else "bench/out/au"
pf_files <- list.files(file.path(dir, "psyface"), pattern = "\\.frames\\.csv$")
clips <- sub("\\.frames\\.csv$", "", pf_files)
aus <- NULL
joined <- list()
for (clip in clips) {
  pf <- read.csv(file.path(dir, "psyface", paste0(clip, ".frames.csv")))
  of_file <- file.path(dir, "openface", paste0(clip, ".csv"))
  if (!file.exists(of_file)) next
  of <- read.csv(of_file, strip.white = TRUE)
  pf <- pf[pf$success == 1, ]
  main <- as.integer(names(which.max(table(pf$face_id))))
  pf <- pf[pf$face_id == main, ]
  of <- of[of$success == 1, ]
  of$frame0 <- of$frame - 1
  m <- merge(pf, of, by.x = "frame", by.y = "frame0", suffixes = c("", ".of"))
  m$clip <- clip
  if (is.null(aus)) aus <- sub("_r_raw$", "", grep("^AU[0-9]+_r_raw$", names(pf), value = TRUE))
  joined[[clip]] <- m
}
all <- do.call(rbind, lapply(joined, function(m) {
  keep <- c("clip", "frame", "pose_Rx", "pose_Ry", "pose_Rz", "pose_Rx.of", "pose_Ry.of", "pose_Rz.of",
            paste0(aus, "_r"), paste0(aus, "_r.of"), paste0(aus, "_r_raw"),
            intersect(c("gaze_angle_x", "gaze_angle_y", "gaze_angle_x.of", "gaze_angle_y.of"), names(m)))
  m[, keep]
}))
r_of <- function(d, col, au) {
  x <- d[[paste0(au, col)]]
  y <- d[[paste0(au, "_r.of")]]
  if (sd(x) == 0 || sd(y) == 0) return(NA)
  cor(x, y)
}
fmt <- function(v) ifelse(is.na(v), "—", sprintf("%.2f", v))
cat("| clip | frames |", paste(aus, collapse = " | "), "|\n")
cat("|---|---|", paste(rep("---", length(aus)), collapse = "|"), "|\n")
for (clip in names(joined)) {
  d <- all[all$clip == clip, ]
  cat("|", clip, "|", nrow(d), "|", paste(fmt(sapply(aus, function(a) r_of(d, "_r", a))), collapse = " | "), "|\n")
}
cat("| **pooled, AUxx_r** |", nrow(all), "|", paste(fmt(sapply(aus, function(a) r_of(all, "_r", a))), collapse = " | "), "|\n")
cat("| pooled, AUxx_r_raw |", nrow(all), "|", paste(fmt(sapply(aus, function(a) r_of(all, "_r_raw", a))), collapse = " | "), "|\n")
cat("| OpenFace SD (pooled) |", nrow(all), "|", paste(fmt(sapply(aus, function(a) sd(all[[paste0(a, "_r.of")]]))), collapse = " | "), "|\n")
cat("| psyface SD (pooled) |", nrow(all), "|", paste(fmt(sapply(aus, function(a) sd(all[[paste0(a, "_r")]]))), collapse = " | "), "|\n")

deg <- 180 / pi
cat("\n| clip | frames | yaw MAD ° | pitch MAD ° | roll MAD ° | frames \\|yaw\\| < 20° | gaze x MAD ° | gaze y MAD ° | gaze x r | gaze y r |\n|---|---|---|---|---|---|---|---|---|---|\n")
for (clip in c(names(joined), "pooled")) {
  d <- if (clip == "pooled") all else all[all$clip == clip, ]
  # OpenFace's pose is radians; its Ry sign matches psyface's yaw (docs/faces-geometry.md)
  mad <- function(a, b) mean(abs(a - b))
  line <- sprintf("| %s | %d | %.1f | %.1f | %.1f", clip, nrow(d), mad(d$pose_Ry, d$pose_Ry.of * deg),
                  mad(d$pose_Rx, d$pose_Rx.of * deg), mad(d$pose_Rz, d$pose_Rz.of * deg))
  if ("gaze_angle_x.of" %in% names(d)) {
    g <- d[abs(d$pose_Ry) < 20 & is.finite(d$gaze_angle_x), ]
    line <- paste0(line, sprintf(" | %d | %.1f | %.1f | %.2f | %.2f |", nrow(g),
                                 mad(g$gaze_angle_x, g$gaze_angle_x.of) * deg, mad(g$gaze_angle_y, g$gaze_angle_y.of) * deg,
                                 cor(g$gaze_angle_x, g$gaze_angle_x.of), cor(g$gaze_angle_y, g$gaze_angle_y.of)))
  } else {
    line <- paste0(line, " | — | — | — | — | — |")
  }
  cat(line, "\n")
}
