"""Analysis of incubsim results files (docs/output-format.md).

`analysis.calibration` measures the calibration figures of ../shared/CALIBRATION.md from a
results file's /events, runs the calibration scenarios (scenarios/calibration/), tunes their
parameters and writes docs/calibration.md.
"""
