"""Analysis of incubsim results files (docs/output-format.md), run with /usr/bin/python3.

- `analysis.results` — loaders: any results file of `run`, `compare` or `sweep` as tidy pandas
  DataFrames (runs, indicators, events, trajectories, targets, attainment, compare, robustness,
  design, sensitivity), after checking the file (ResultsError: one line naming the file).
- `analysis.stats` — Wilson and t intervals, Kaplan–Meier (Greenwood, left truncation), paired
  differences, Sobol'–Saltelli and Morris estimators and designs, the Ishigami test function.
- `analysis.survival` — landmark survival with stage as a time-varying state, and paired survival
  effects against the no-programme counterfactual on common random numbers.
- `analysis.report` — `python3 -m analysis.report FILE.h5 -o DIR`: the HTML report with figures.
- `analysis.browser` — `python3 -m analysis.browser PAGE.html`: renders a page in headless
  Chromium, checks images and console, takes a screenshot.
- `analysis.ventures` — `python3 -m analysis.ventures compare FILE.h5 --reference A --treatment B`:
  venture-level paired comparison on common random numbers (/ventures, format version 4), the
  effect on the treated with a bootstrap interval over replications (spillovers included).
- `analysis.firm_dynamics` — `python3 -m analysis.firm_dynamics FILE.h5`: firm-size distribution,
  fat tails of sales growth, employment growth by age, exits per graduate, the horizon's largest
  firms (a `--record trajectories` file, format version 4).
- `analysis.markets` — `python3 -m analysis.markets FILE.h5`: each sector's county market fill over
  time (median and 10th–90th percentile over runs) from the `market_fill` events (format version 5).
- `analysis.tables` — the h5py readers of format-version-4 tables those two use.
- `analysis.calibration` — measures the calibration figures of docs/sources.md (§E1-§E6) from a
  results file's /events, runs the calibration scenarios (scenarios/calibration/), tunes their
  parameters and writes docs/calibration.md.
"""
