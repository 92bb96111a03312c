# Writes founders.sav: a small follow-up survey of startup founders
# (synthetic), as a survey firm would deliver it — an SPSS file with variable
# labels, value labels and user-missing codes (8 "Don't know", 9 "Refused").
# A simple random sample of 300 founders out of 1,200: weight 4, fpc 1,200.
# Rerun (in this folder):  Rscript make_founders.R   (R 4.2, haven 2.5).
suppressMessages(library(haven))
set.seed(20261129)
n <- 300
stage <- sample(1:4, n, replace = TRUE, prob = c(0.25, 0.35, 0.25, 0.15))
sex <- sample(1:2, n, replace = TRUE, prob = c(0.7, 0.3))
p_ai <- c(0.25, 0.4, 0.55, 0.7)[stage]
uses_ai <- as.numeric(runif(n) < p_ai)
answer <- runif(n)
uses_ai[answer < 0.06] <- 8
uses_ai[answer >= 0.06 & answer < 0.09] <- 9
founders <- data.frame(founder_id = seq_len(n), stage = stage, sex = sex,
                       uses_ai = uses_ai, weight = 4, fpc = 1200)
founders$stage <- labelled(founders$stage, label = "Stage of the startup",
  labels = c("Idea" = 1, "Prototype" = 2, "First customers" = 3, "Scaling" = 4))
founders$sex <- labelled(founders$sex, label = "Founder's sex", labels = c("Men" = 1, "Women" = 2))
founders$uses_ai <- labelled_spss(founders$uses_ai, label = "Uses AI tools in the business",
  labels = c("No" = 0, "Yes" = 1, "Don't know" = 8, "Refused" = 9), na_values = c(8, 9))
attr(founders$weight, "label") <- "Sampling weight"
write_sav(founders, "founders.sav")
