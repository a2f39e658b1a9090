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
- `analysis.calibration` — measures the calibration figures of docs/sources.md (§E1-§E6) from a
  results file's /events, runs the calibration scenarios (scenarios/calibration/), tunes their
  parameters and writes docs/calibration.md.
"""
