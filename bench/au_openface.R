# psyface against OpenFace 2.0.6 frame by frame (bench/au_openface.sh makes the inputs).
# Usage: Rscript bench/au_openface.R DIR   (DIR/psyface/<clip>.frames.csv, DIR/openface/<clip>.csv)
# Each clip: psyface's face with the most rows against OpenFace's one face, joined on the frame
# (OpenFace counts from 1, psyface from 0), OpenFace rows with success = 1. Prints markdown tables:
# Pearson r per action unit per clip and over all frames of all clips (pooled), for the session-normalised
# AUxx_r and the raw AUxx_r_raw; gaze angles: mean absolute difference in degrees on frames with
# |yaw| < 20°; head pose: mean absolute difference of yaw, pitch and roll; then each tool against itself
# on the composed clips and their sources (AU reliability, the bound it sets, gaze and pose).
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
            "pose_Tx", "pose_Ty", "pose_Tz",
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
# OpenFace's pose is in camera coordinates, psyface's relative to the line of sight through the face; the
# "line of sight" columns take OpenFace's yaw and pitch to psyface's frame by subtracting the angles of the
# ray to its head position T (yaw − atan2(Tx, Tz), pitch + atan2(Ty, Tz): small-angle, as the Euler
# conventions of the two tools also differ slightly).
cat("\n| clip | frames | yaw MAD ° | pitch MAD ° | roll MAD ° | yaw, pitch MAD °, line of sight | frames \\|yaw\\| < 20° | gaze x MAD ° | gaze y MAD ° | gaze x r | gaze y r |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
for (clip in c(names(joined), "pooled")) {
  d <- if (clip == "pooled") all else all[all$clip == clip, ]
  # OpenFace's pose is radians; its Ry sign matches psyface's yaw (docs/faces-geometry.md)
  mad <- function(a, b) mean(abs(a - b))
  line <- sprintf("| %s | %d | %.1f | %.1f | %.1f", clip, nrow(d), mad(d$pose_Ry, d$pose_Ry.of * deg),
                  mad(d$pose_Rx, d$pose_Rx.of * deg), mad(d$pose_Rz, d$pose_Rz.of * deg))
  line <- paste0(line, sprintf(" | %.1f, %.1f", mad(d$pose_Ry, d$pose_Ry.of * deg - atan2(d$pose_Tx, d$pose_Tz) * deg),
                               mad(d$pose_Rx, d$pose_Rx.of * deg + atan2(d$pose_Ty, d$pose_Tz) * deg)))
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

# Gaze against the direction of the camera. The people in these clips talk into the camera, so each clip's
# median gaze should point about at it. The direction from the face to the camera is -T, OpenFace's head
# position (mm, camera coordinates, under the same pinhole guess psyface uses), in OpenFace's angles:
# x = atan2(-Tx, Tz), y = atan2(-Ty, Tz). Same frames as the gaze table above.
if ("gaze_angle_x.of" %in% names(all)) {
  cat("\n| clip | frames | camera x ° | camera y ° | psyface median x, y ° | OpenFace median x, y ° | psyface off the camera x, y ° | OpenFace off the camera x, y ° |\n|---|---|---|---|---|---|---|---|\n")
  off <- NULL
  for (clip in names(joined)) {
    g <- all[all$clip == clip & abs(all$pose_Ry) < 20 & is.finite(all$gaze_angle_x), ]
    cx <- median(atan2(-g$pose_Tx, g$pose_Tz)) * deg
    cy <- median(atan2(-g$pose_Ty, g$pose_Tz)) * deg
    px <- median(g$gaze_angle_x) * deg
    py <- median(g$gaze_angle_y) * deg
    ox <- median(g$gaze_angle_x.of) * deg
    oy <- median(g$gaze_angle_y.of) * deg
    off <- rbind(off, abs(c(px - cx, py - cy, ox - cx, oy - cy)))
    cat(sprintf("| %s | %d | %+.1f | %+.1f | %+.1f, %+.1f | %+.1f, %+.1f | %.1f, %.1f | %.1f, %.1f |\n", clip, nrow(g), cx, cy,
                px, py, ox, oy, abs(px - cx), abs(py - cy), abs(ox - cx), abs(oy - cy)))
  }
  m <- colMeans(off)
  cat(sprintf("| **mean over clips** | | | | | | %.1f, %.1f | %.1f, %.1f |\n", m[1], m[2], m[3], m[4]))
}

# AU25 and AU26 against OpenFace's own 2-D landmarks (FeatureExtraction -2Dfp), an independent geometry of
# the same frames: the jaw = chin (8) below the nose base (33) and the lips = the inner-lip gap (62-66), both
# across the eye line and per inter-ocular distance (eye-corner midpoints 36/39 and 42/45). Per clip the
# Pearson r of each tool's AU with them; pooled with each clip's landmark measure taken from its own 10th
# percentile, as psyface's person baseline.
if (all(c("x_8", "y_66") %in% names(joined[[1]]))) {
  cat("\n| clip | frames | OpenFace AU26 ~ jaw | psyface AU26 ~ jaw | OpenFace AU25 ~ lips | psyface AU25 ~ lips |\n|---|---|---|---|---|---|\n")
  lmk <- do.call(rbind, lapply(joined, function(m) {
    X <- function(i) m[[paste0("x_", i)]]
    Y <- function(i) m[[paste0("y_", i)]]
    ex <- (X(42) + X(45)) / 2 - (X(36) + X(39)) / 2
    ey <- (Y(42) + Y(45)) / 2 - (Y(36) + Y(39)) / 2
    iod <- sqrt(ex^2 + ey^2)
    across <- function(i, j) ((X(i) - X(j)) * (-ey / iod) + (Y(i) - Y(j)) * (ex / iod)) / iod
    data.frame(clip = m$clip, jaw = across(8, 33), lips = sqrt((X(66) - X(62))^2 + (Y(66) - Y(62))^2) / iod,
               of25 = m$AU25_r.of, of26 = m$AU26_r.of, pf25 = m$AU25_r, pf26 = m$AU26_r)
  }))
  for (clip in c(names(joined), "**pooled**")) {
    d <- if (clip == "**pooled**") lmk else lmk[lmk$clip == clip, ]
    if (clip == "**pooled**") {
      d$jaw <- d$jaw - ave(d$jaw, d$clip, FUN = function(v) quantile(v, 0.1))
      d$lips <- d$lips - ave(d$lips, d$clip, FUN = function(v) quantile(v, 0.1))
    }
    cat(sprintf("| %s | %d | %.2f | %.2f | %.2f | %.2f |\n", clip, nrow(d), cor(d$of26, d$jaw), cor(d$pf26, d$jaw),
                cor(d$of25, d$lips), cor(d$pf25, d$lips)))
  }
}

# Each tool against itself. A composed clip shows the same face and expression as its source (mirrored,
# turned, half size), so a tool's values on the two should agree frame by frame: the Pearson r between them
# is a transform-retest reliability. Classical test theory bounds the correlation of two measures by the
# square root of the product of their reliabilities, so sqrt(OpenFace's) bounds what any method can reach
# against OpenFace on such frames (an optimistic bound: a new clip would add more noise than a transform).
pyfeat <- "pyfeat_WolfgangLanger_Pexels"
pairs <- list(c(pyfeat, "pyfeat_mirrored"), c(pyfeat, "pyfeat_tilted"), c("fer_woman2", "fer_woman2_small_tilted"))
pairs <- Filter(function(p) all(p %in% names(joined)), pairs)
if (length(pairs)) {
  pair_rows <- lapply(pairs, function(p) {
    m <- merge(all[all$clip == p[1], ], all[all$clip == p[2], ], by = "frame", suffixes = c(".a", ".b"))
    m$pair <- paste(p, collapse = " / ")
    m
  })
  pp <- do.call(rbind, pair_rows)
  rel <- function(d, col) sapply(aus, function(a) {
    x <- d[[paste0(a, col, ".a")]]
    y <- d[[paste0(a, col, ".b")]]
    if (sd(x) == 0 || sd(y) == 0) NA else cor(x, y)
  })
  cat("\n| source / composed | frames | tool |", paste(aus, collapse = " | "), "|\n")
  cat("|---|---|---|", paste(rep("---", length(aus)), collapse = "|"), "|\n")
  for (k in seq_len(length(pair_rows) + 1)) {
    d <- if (k <= length(pair_rows)) pair_rows[[k]] else pp
    name <- if (k <= length(pair_rows)) d$pair[1] else "**pooled**"
    cat("|", name, "|", nrow(d), "| OpenFace |", paste(fmt(rel(d, "_r.of")), collapse = " | "), "|\n")
    cat("|", name, "|", nrow(d), "| psyface |", paste(fmt(rel(d, "_r")), collapse = " | "), "|\n")
  }
  rel_of <- rel(pp, "_r.of")
  rel_pf <- rel(pp, "_r")
  cat("| bound: sqrt(OpenFace's) |", nrow(pp), "| any method |", paste(fmt(sqrt(pmax(rel_of, 0))), collapse = " | "), "|\n")
  cat("| bound: sqrt(OpenFace's × psyface's) |", nrow(pp), "| psyface |",
      paste(fmt(sqrt(pmax(rel_of, 0) * pmax(rel_pf, 0))), collapse = " | "), "|\n")

  # Gaze and head pose against themselves: mirroring flips the sign of yaw and of gaze x; turning the image
  # by φ turns roll by φ and the gaze direction about the camera axis by φ (φ = the tool's own mean roll
  # change), so b's (x, y) should equal a's turned by φ.
  cat("\n| source / composed | tool | frames | yaw MAD ° | roll change ° | frames with gaze | gaze x MAD ° | gaze y MAD ° |\n|---|---|---|---|---|---|---|---|\n")
  for (d in pair_rows) {
    mirrored <- grepl("mirrored", d$pair[1])
    for (tool in c("OpenFace", "psyface")) {
      s <- if (tool == "OpenFace") ".of" else ""
      k <- if (tool == "OpenFace") deg else 1  # OpenFace's pose is in radians, psyface's in degrees
      ya <- d[[paste0("pose_Ry", s, ".a")]] * k
      yb <- d[[paste0("pose_Ry", s, ".b")]] * k
      droll <- mean(d[[paste0("pose_Rz", s, ".b")]] * k - d[[paste0("pose_Rz", s, ".a")]] * k)
      yaw_mad <- if (mirrored) mean(abs(ya + yb)) else mean(abs(ya - yb))
      g <- d[is.finite(d[[paste0("gaze_angle_x", s, ".a")]]) & is.finite(d[[paste0("gaze_angle_x", s, ".b")]]), ]
      xa <- g[[paste0("gaze_angle_x", s, ".a")]]
      ya_g <- g[[paste0("gaze_angle_y", s, ".a")]]
      xb <- g[[paste0("gaze_angle_x", s, ".b")]]
      yb_g <- g[[paste0("gaze_angle_y", s, ".b")]]
      if (mirrored) {
        ex <- -xa
        ey <- ya_g
      } else {
        phi <- droll / deg
        ex <- xa * cos(phi) - ya_g * sin(phi)
        ey <- xa * sin(phi) + ya_g * cos(phi)
      }
      cat(sprintf("| %s | %s | %d | %.1f | %.1f | %d | %.1f | %.1f |\n", d$pair[1], tool, nrow(d), yaw_mad, droll,
                  nrow(g), mean(abs(xb - ex)) * deg, mean(abs(yb_g - ey)) * deg))
    }
  }
}
