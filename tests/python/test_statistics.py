"""analysis/stats.py against known answers: published Wilson intervals, the Freireich 6-MP
Kaplan-Meier table, hand-worked delayed-entry survival, scipy's paired t interval, the analytic
Sobol' indices of the Ishigami function, exact Morris effects of linear and Ishigami functions,
and the /sensitivity that `incubsim sweep` writes (recomputed from the same file).

Run: cd /work/main && /usr/bin/python3 -m pytest -q tests/python/test_statistics.py
"""

import math
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis import stats as S  # noqa: E402

Z95 = st.norm.ppf(0.975)


# ------------------------------------------------------------------------------------ Wilson

# Newcombe (1998), Stat Med 17:857-872, Table I, method 3 (Wilson score), 4 decimals; and
# 0/10, 5/10, 10/10 worked by hand from the formula with z = 1.959964.
WILSON_KNOWN = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (0, 10, 0.0000, 0.2775),
    (5, 10, 0.2366, 0.7634),
    (10, 10, 0.7225, 1.0000),
]


@pytest.mark.parametrize("x, n, low, high", WILSON_KNOWN)
def test_wilson_known_values(x, n, low, high):
    got = S.wilson_interval(x, n)
    assert isinstance(got[0], float) and isinstance(got[1], float)
    assert got == pytest.approx((low, high), abs=6e-5)
    ci = st.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert got == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_wilson_edges_vectorised_and_other_confidence():
    assert S.wilson_interval(0, 10)[0] == 0.0
    assert S.wilson_interval(10, 10)[1] == 1.0
    low, high = S.wilson_interval(0, 0)
    assert math.isnan(low) and math.isnan(high)

    x = np.array([0, 5, 10, 81, 0, 3])
    n = np.array([10, 10, 10, 263, 0, 7])
    lows, highs = S.wilson_interval(x, n)
    assert lows.shape == highs.shape == (6,)
    for j in range(6):
        assert np.allclose([lows[j], highs[j]], S.wilson_interval(int(x[j]), int(n[j])), equal_nan=True, atol=0)
    assert np.isnan(lows[4]) and np.isnan(highs[4])

    ci = st.binomtest(7, 40).proportion_ci(confidence_level=0.9, method="wilson")
    assert S.wilson_interval(7, 40, confidence=0.9) == pytest.approx((ci.low, ci.high), abs=1e-12)
    with pytest.raises(ValueError):
        S.wilson_interval(11, 10)


# ------------------------------------------------------------------------------------ means


def test_mean_interval():
    values = [2.0, 4.0, np.nan, 9.0, 5.0]
    mean, low, high = S.mean_interval(values)
    v = np.array([2.0, 4.0, 9.0, 5.0])
    half = st.t.ppf(0.975, 3) * v.std(ddof=1) / 2.0
    assert (mean, low, high) == pytest.approx((5.0, 5.0 - half, 5.0 + half), rel=1e-12)
    mean, low, high = S.mean_interval([3.0, np.nan])
    assert mean == 3.0 and math.isnan(low) and math.isnan(high)
    assert S.mean_interval([1.5, 1.5, 1.5]) == (1.5, 1.5, 1.5)


# ------------------------------------------------------------------------------------ Kaplan-Meier

# Freireich et al. (1963), 6-MP group (Klein and Moeschberger 2003, Table 4.1A): weeks in
# remission, '*' = censored.
FREIREICH = "6 6 6 6* 7 9* 10 10* 11* 13 16 17* 19* 20* 22 23 25* 32* 32* 34* 35*".split()
FREIREICH_T = [float(s.rstrip("*")) for s in FREIREICH]
FREIREICH_E = [not s.endswith("*") for s in FREIREICH]
# Klein and Moeschberger Table 4.1A: S(t) at the event times, and the Greenwood standard errors.
FREIREICH_S = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}
FREIREICH_SE = {6: 0.0764, 13: 0.1068, 23: 0.1346}


def test_kaplan_meier_freireich():
    km = S.kaplan_meier(FREIREICH_T, FREIREICH_E)
    assert list(km.columns[:7]) == ["time", "at_risk", "events", "censored", "survival", "lower", "upper"]
    assert km.iloc[0].to_dict() == pytest.approx(
        {"time": 0.0, "at_risk": 21, "events": 0, "censored": 0, "survival": 1.0, "lower": 1.0, "upper": 1.0,
         "std_err": 0.0})
    row = km.set_index("time")
    # Ties at 6 (3 events, 1 censored): the censored subject is still at risk for the events.
    assert row.loc[6.0, ["at_risk", "events", "censored"]].tolist() == [21, 3, 1]
    assert row.loc[7.0, "at_risk"] == 17
    assert row.loc[10.0, ["at_risk", "events", "censored"]].tolist() == [15, 1, 1]
    for t, s in FREIREICH_S.items():
        assert row.loc[float(t), "survival"] == pytest.approx(s, abs=5e-4)
    # exact products at 13: (18/21)(16/17)(14/15)(11/12)
    assert row.loc[13.0, "survival"] == pytest.approx(18 / 21 * 16 / 17 * 14 / 15 * 11 / 12, rel=1e-14)
    for t, se in FREIREICH_SE.items():
        assert row.loc[float(t), "std_err"] == pytest.approx(se, abs=6e-5)
    # Greenwood and the log(-log) interval at 13, by hand.
    s13 = row.loc[13.0, "survival"]
    greenwood = 3 / (21 * 18) + 1 / (17 * 16) + 1 / (15 * 14) + 1 / (12 * 11)
    assert row.loc[13.0, "std_err"] == pytest.approx(s13 * math.sqrt(greenwood), rel=1e-12)
    se_theta = math.sqrt(greenwood) / abs(math.log(s13))
    assert row.loc[13.0, "lower"] == pytest.approx(s13 ** math.exp(Z95 * se_theta), rel=1e-12)
    assert row.loc[13.0, "upper"] == pytest.approx(s13 ** math.exp(-Z95 * se_theta), rel=1e-12)
    # the interval brackets S and lies within (0, 1)
    assert 0 < row.loc[23.0, "lower"] < row.loc[23.0, "survival"] < row.loc[23.0, "upper"] < 1
    # censoring-only times do not move S
    assert row.loc[9.0, "survival"] == row.loc[7.0, "survival"]
    assert row.loc[35.0, "survival"] == row.loc[23.0, "survival"]


def test_kaplan_meier_ties_all_censored_and_total_failure():
    # events before censorings at the same time: at t = 2, n = 3 (not 2), S = 3/4 * 2/3.
    km = S.kaplan_meier([1, 2, 2, 3], [1, 1, 0, 1])
    assert km.set_index("time").loc[2.0, "at_risk"] == 3
    assert S.survival_at(km, 2) == pytest.approx(0.5, rel=1e-14)
    assert S.survival_at(km, 3) == 0.0
    last = km.iloc[-1]
    assert last.lower == last.upper == 0.0

    km = S.kaplan_meier([3, 5, 5, 8], [0, 0, 0, 0])
    assert (km.survival == 1.0).all() and (km.lower == 1.0).all() and (km.upper == 1.0).all()
    assert km.censored.sum() == 4 and km.events.sum() == 0


def test_kaplan_meier_left_truncation():
    # (entry, duration, event): A (0, 2, 1), B (0, 5, 1), C (3, 4, 1), D (3, 6, 0), E (0, 3, 0).
    # Risk sets (entry < t <= duration):
    #   t=2: A, B, E        n=3, d=1  S = 2/3      (C, D have not entered yet)
    #   t=3: B, E           n=2, c=1  S = 2/3      (C, D enter at 3: not yet at risk at 3)
    #   t=4: B, C, D        n=3, d=1  S = 4/9
    #   t=5: B, D           n=2, d=1  S = 2/9
    #   t=6: D              n=1, c=1  S = 2/9
    entry = [0, 0, 3, 3, 0]
    duration = [2, 5, 4, 6, 3]
    event = [1, 1, 1, 0, 0]
    km = S.kaplan_meier(duration, event, entry=entry)
    assert km.time.tolist() == [0, 2, 3, 4, 5, 6]
    assert km.at_risk.tolist()[1:] == [3, 2, 3, 2, 1]
    assert km.events.tolist() == [0, 1, 0, 1, 1, 0]
    assert km.censored.tolist() == [0, 0, 1, 0, 0, 1]
    assert km.survival.tolist() == pytest.approx([1, 2 / 3, 2 / 3, 4 / 9, 2 / 9, 2 / 9], rel=1e-14)
    # Ignoring the delayed entry would count C and D at t = 2 (S = 4/5): different.
    naive = S.kaplan_meier(duration, event)
    assert S.survival_at(naive, 2) == pytest.approx(0.8)
    # first row starts at min(entry)
    late = S.kaplan_meier([5, 7], [1, 0], entry=[2, 4])
    assert late.time.iloc[0] == 2 and late.set_index("time").loc[5.0, "at_risk"] == 2
    with pytest.raises(ValueError):
        S.kaplan_meier([3, 4], [1, 1], entry=[3, 0])  # entry == duration


def test_survival_at_step_lookup():
    km = S.kaplan_meier(FREIREICH_T, FREIREICH_E)
    assert S.survival_at(km, -1.0) == 1.0
    assert S.survival_at(km, 0.0) == 1.0
    assert S.survival_at(km, 5.999) == 1.0
    assert S.survival_at(km, 6.0) == pytest.approx(18 / 21)  # right-continuous: the jump is at 6
    assert S.survival_at(km, 6.5) == pytest.approx(18 / 21)
    assert S.survival_at(km, 12.99) == S.survival_at(km, 10.0)
    assert S.survival_at(km, 100.0) == km.survival.iloc[-1]
    got = S.survival_at(km, np.array([0.0, 6.0, 13.0]))
    assert got.shape == (3,) and got[2] == pytest.approx(0.6902, abs=5e-5)


# ------------------------------------------------------------------------------------ paired


def test_paired_difference():
    a = np.array([12.1, 14.3, 11.8, 15.0, 13.2, 12.9])
    same = S.paired_difference(a, a.copy())
    assert same == {"mean": 0.0, "low": 0.0, "high": 0.0, "n": 6}

    b = np.array([11.0, 14.0, 12.0, 13.1, 12.5, 12.0])
    got = S.paired_difference(a, b)
    ci = st.ttest_rel(a, b).confidence_interval(0.95)
    d = a - b
    assert got["n"] == 6
    assert got["mean"] == pytest.approx(d.mean(), rel=1e-14)
    assert (got["low"], got["high"]) == pytest.approx((ci.low, ci.high), rel=1e-12)
    # a NaN on either side drops the pair
    a2, b2 = np.append(a, np.nan), np.append(b, 1.0)
    assert S.paired_difference(a2, b2) == pytest.approx(got)
    one = S.paired_difference([1.0], [0.5])
    assert one["mean"] == 0.5 and math.isnan(one["low"]) and one["n"] == 1


# ------------------------------------------------------------------------------------ Sobol'


def test_ishigami_analytic_values():
    ref = S.ISHIGAMI_INDICES
    assert ref["first_order"] == pytest.approx((0.3139, 0.4424, 0.0), abs=1e-4)
    assert ref["total"] == pytest.approx((0.5576, 0.4424, 0.2437), abs=1e-4)
    # the partial variances add up: S1 + S2 + S13 = 1, S13 = ST3
    assert sum(ref["first_order"]) + ref["total"][2] == pytest.approx(1.0, rel=1e-14)
    # ishigami() itself: f(pi/2, pi/2, 1) = 1 + 7 + 0.1
    assert S.ishigami([[math.pi / 2, math.pi / 2, 1.0]])[0] == pytest.approx(8.1)


def test_saltelli_design_layout():
    n, k = 16, 3
    u = S.saltelli_design(n, k, seed=5)
    assert u.shape == (n * (k + 2), k) and u.min() >= 0 and u.max() < 1
    a, b = u[:n], u[n:2 * n]
    for i in range(k):
        ab = u[(2 + i) * n:(3 + i) * n]
        assert np.array_equal(np.delete(ab, i, axis=1), np.delete(a, i, axis=1))
        assert np.array_equal(ab[:, i], b[:, i])
    # N a power of two: one point of A per stratum of width 1/N in every column
    for column in range(k):
        assert sorted(np.floor(a[:, column] * n).astype(int)) == list(range(n))
    assert np.array_equal(u, S.saltelli_design(n, k, seed=5))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sobol_ishigami(seed):
    n = 2 ** 13
    u = S.saltelli_design(n, 3, seed=seed)
    y = S.ishigami(-math.pi + 2 * math.pi * u)
    result = S.sobol_saltelli(y, n, ["x1", "x2", "x3"], bootstrap=200, seed=seed)
    assert list(result.columns) == ["factor", "first_order", "first_order_low", "first_order_high", "total",
                                    "total_low", "total_high"]
    first = np.array(S.ISHIGAMI_INDICES["first_order"])
    total = np.array(S.ISHIGAMI_INDICES["total"])
    # measured max abs error over seeds 0..49: 0.006
    assert np.abs(result.first_order - first).max() < 0.02
    assert np.abs(result.total - total).max() < 0.02
    assert abs(result.first_order[2]) < 0.02
    assert ((result.first_order_low <= first) & (first <= result.first_order_high)).all()
    assert ((result.total_low <= total) & (total <= result.total_high)).all()
    assert (result.first_order_high - result.first_order_low).max() < 0.1


def test_sobol_additive_linear_and_constant():
    n = 2 ** 12
    u = S.saltelli_design(n, 3, seed=3)
    y = 2 * u[:, 0] + u[:, 1]  # Var = 4/12 + 1/12: S = (0.8, 0.2, 0); no interactions
    result = S.sobol_saltelli(y, n, ["a", "b", "c"], bootstrap=100, seed=1)
    assert result.first_order.tolist() == pytest.approx([0.8, 0.2, 0.0], abs=0.01)
    assert result.total.tolist() == pytest.approx([0.8, 0.2, 0.0], abs=0.01)
    assert result.first_order[2] == 0.0 and result.total[2] == 0.0  # exactly: AB_3 == A
    assert np.abs(result.total - result.first_order).max() < 0.01

    constant = S.sobol_saltelli(np.full(8 * 5, 0.1), 8, ["a", "b", "c"], bootstrap=50)
    numbers = constant.drop(columns="factor").to_numpy()
    assert np.isnan(numbers).all()


def test_sobol_small_example_by_hand():
    # N = 2, k = 1: A = (1, 3), B = (2, 6), AB_1 = (2, 5). m = 3, V = var(1, 3, 2, 6) = 14/3.
    y = [1.0, 3.0, 2.0, 6.0, 2.0, 5.0]
    r = S.sobol_saltelli(y, 2, ["x"], bootstrap=0)
    s1 = ((2 - 3) * (2 - 1) + (6 - 3) * (5 - 3)) / 2 / (14 / 3)
    st1 = ((1 - 2) ** 2 + (3 - 5) ** 2) / 2 / (2 * 14 / 3)
    assert r.first_order[0] == pytest.approx(s1, rel=1e-14)
    assert r.total[0] == pytest.approx(st1, rel=1e-14)
    assert math.isnan(r.first_order_low[0])
    with pytest.raises(ValueError):
        S.sobol_saltelli(y[:-1], 2, ["x"])


# ------------------------------------------------------------------------------------ Morris


@pytest.mark.parametrize("levels", [4, 6])
def test_morris_design_validity(levels):
    r, k = 25, 5
    u = S.morris_design(r, k, levels=levels, seed=7)
    delta = levels / (2 * (levels - 1))
    assert u.shape == (r * (k + 1), k) and u.min() >= 0 and u.max() <= 1
    grid = u * (levels - 1)
    assert np.allclose(grid, np.round(grid), atol=1e-12)
    for t in range(r):
        block = u[t * (k + 1):(t + 1) * (k + 1)]
        steps = np.diff(block, axis=0)
        moved = [int(np.flatnonzero(np.abs(s) > 1e-12)[0]) for s in steps]
        assert all(np.count_nonzero(np.abs(s) > 1e-12) == 1 for s in steps)
        assert sorted(moved) == list(range(k))
        assert np.allclose(np.abs(steps[np.arange(k), moved]), delta, atol=1e-12)
    assert np.array_equal(u, S.morris_design(r, k, levels=levels, seed=7))
    with pytest.raises(ValueError):
        S.morris_design(2, 2, levels=5)


def test_morris_linear_exact():
    r, k = 12, 3
    u = S.morris_design(r, k, levels=4, seed=2)
    y = 3 * u[:, 0] - 2 * u[:, 1] + 0 * u[:, 2]
    m = S.morris(y, u, r, ["u1", "u2", "u3"])
    assert list(m.columns) == ["factor", "mu", "mu_star", "sigma", "effects"]
    assert m.mu.tolist() == pytest.approx([3, -2, 0], abs=1e-12)
    assert m.mu_star.tolist() == pytest.approx([3, 2, 0], abs=1e-12)
    assert (m.sigma.abs() < 1e-12).all()
    assert m.effects.tolist() == [r] * k
    single = S.morris(y[:k + 1], u[:k + 1], 1, ["u1", "u2", "u3"])
    assert single.sigma.isna().all()
    bad = u.copy()
    bad[1] = bad[0] + 0.1  # moves every factor
    with pytest.raises(ValueError):
        S.morris(y, bad, r, ["u1", "u2", "u3"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_morris_ishigami(seed):
    # On the 4-level grid x = -pi, -pi/3, pi/3, pi and a step of Delta = 2/3 (4 pi / 3 in x):
    # - every x2 step changes a sin^2 x2 by +-7 * 3/4, so |EE_2| = 7.875 exactly;
    # - every x1 step raises sin x1 by sin(pi/3) in the direction of the step, so EE_1 > 0 and
    #   EE_1 = 1.5 sin(pi/3) (1 + 0.1 x3^4), x3^4 in {(pi/3)^4, pi^4}: an interaction with x3;
    # - EE_3 = 1.5 * 0.1 sin(x1) (+-(80/81) pi^4): 0 when sin x1 = 0, else +-12.5: x3 has no main
    #   effect on average but mu* > 0 and sigma > 0 through the interaction with x1.
    # (mu* does not rank x3 below x1 on this grid: both average near 7.)
    r = 20
    u = S.morris_design(r, 3, levels=4, seed=seed)
    m = S.morris(S.ishigami(-math.pi + 2 * math.pi * u), u, r, ["x1", "x2", "x3"]).set_index("factor")
    assert m.loc["x2", "mu_star"] == pytest.approx(7.875, rel=1e-12)
    low1 = 1.5 * math.sin(math.pi / 3) * (1 + 0.1 * (math.pi / 3) ** 4)
    high1 = 1.5 * math.sin(math.pi / 3) * (1 + 0.1 * math.pi ** 4)
    assert m.loc["x1", "mu"] == pytest.approx(m.loc["x1", "mu_star"], rel=1e-12)
    assert low1 - 1e-9 <= m.loc["x1", "mu_star"] <= high1 + 1e-9
    step3 = 1.5 * 0.1 * math.sin(math.pi / 3) * math.pi ** 4 * 80 / 81
    assert 0 < m.loc["x3", "mu_star"] < step3
    assert m.loc["x1", "sigma"] > 0 and m.loc["x3", "sigma"] > 0
    assert (m.effects == r).all()


# ------------------------------------------------------------------------------------ C++ cross-check

FACTORS = [
    ("operator.test-operator.service_quality", "0.4:0.9"),
    ("dynamics.registration_probability", "0.04:0.12"),
    ("carrier.test-incubator.capacity", "4:12"),
]


def _binary():
    binary = os.environ.get("INCUBSIM_BINARY")
    if binary:
        return binary
    candidate = ROOT / "build" / "incubsim"
    if candidate.exists():
        return str(candidate)
    pytest.skip("INCUBSIM_BINARY is unset and build/incubsim is missing")


def _text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def _sweep(tmp_path, design, samples):
    source = Path(os.environ.get("INCUBSIM_SOURCE_DIR", ROOT))
    output = tmp_path / ("%s.h5" % design)
    arguments = [_binary(), "sweep", str(source / "scenarios" / "test" / "small.toml")]
    for key, values in FACTORS:
        arguments += ["--vary", "%s=%s" % (key, values)]
    arguments += ["--design", design, "--samples", str(samples), "-r", "2", "--record", "indicators",
                  "-o", str(output), "-q"]
    completed = subprocess.run(arguments, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    return output


def _read(path):
    """(design attrs, factors, unit, {indicator: per-point mean at the last month}, /sensitivity)"""
    with h5py.File(path, "r") as f:
        attrs = dict(f["design"].attrs)
        factors = _text(f["design/factor"][:])
        unit = f["design/unit"][:]
        names = _text(f["indicators/indicator"][:])
        last = f["indicators/values"][:, -1, :]
        point = f["runs/point"][:]
        s = f["sensitivity"]
        sensitivity = pd.DataFrame({key: (_text(s[key][:]) if key in ("indicator", "factor") else s[key][:])
                                    for key in s})
    points = unit.shape[0]
    means = {}
    for indicator in dict.fromkeys(sensitivity.indicator):
        series = pd.Series(last[:, names.index(indicator)]).groupby(point).mean()
        assert series.index.tolist() == list(range(points))
        means[indicator] = series.to_numpy()
    return attrs, factors, unit, means, sensitivity


def test_cross_check_sobol_with_incubsim(tmp_path):
    attrs, factors, unit, means, sensitivity = _read(_sweep(tmp_path, "sobol", 8))
    n = int(attrs["base_samples"])
    assert n == 8 and unit.shape[0] == n * (len(factors) + 2)
    assert factors == [key for key, _ in FACTORS]
    compared = 0
    for indicator, y in means.items():
        rows = sensitivity[sensitivity.indicator == indicator]
        assert rows.factor.tolist() == factors
        ours = S.sobol_saltelli(y, n, factors, bootstrap=0)
        np.testing.assert_allclose(ours.first_order, rows.first_order, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(ours.total, rows.total, rtol=1e-9, atol=1e-9)
        compared += int(np.isfinite(rows.first_order).sum())
    assert compared >= 3 * len(factors)  # several outcomes that do vary


def test_cross_check_morris_with_incubsim(tmp_path):
    attrs, factors, unit, means, sensitivity = _read(_sweep(tmp_path, "morris", 4))
    k = len(factors)
    r = unit.shape[0] // (k + 1)
    assert r == 4 and int(attrs["base_samples"]) == 4
    compared = 0
    for indicator, y in means.items():
        rows = sensitivity[sensitivity.indicator == indicator]
        ours = S.morris(y, unit, r, factors)
        assert ours.factor.tolist() == rows.factor.tolist()
        for column in ("mu", "mu_star", "sigma"):
            np.testing.assert_allclose(ours[column], rows[column], rtol=1e-9, atol=1e-9)
        compared += int((rows.mu_star > 0).sum())
    assert compared >= 3
