"""Statistics for incubsim results: proportions, means, survival, paired differences, and
variance-based (Sobol') and screening (Morris) sensitivity analysis.

Every function is pure (numpy, scipy and pandas only, no I/O). The estimators follow the
references named in their docstrings; the Sobol' and Morris estimators are the ones the C++
sweep writes to ``/sensitivity`` (docs/sweeps.md, ``sim/engine/design.cpp``), so a results
file can be recomputed from its ``/design`` and ``/indicators``.

Functions
---------
wilson_interval     Wilson score interval of a binomial proportion.
mean_interval       mean and Student-t interval (NaN ignored).
kaplan_meier        product-limit survival with Greenwood / log(-log) intervals, delayed entry.
survival_at         right-continuous lookup in a kaplan_meier table.
paired_difference   mean of paired differences a - b with a t interval.
sobol_saltelli      first-order (Saltelli 2010) and total (Jansen 1999) indices, bootstrap CIs.
morris              Morris elementary effects: mu, mu* (Campolongo 2007), sigma.
saltelli_design     A, B, AB_1 ... AB_k from a scrambled Sobol' sequence.
morris_design       Morris trajectories on a p-level grid.
ishigami            the Ishigami test function, with analytic indices ISHIGAMI_INDICES.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats as _st
from scipy.stats import qmc as _qmc

__all__ = [
    "wilson_interval", "mean_interval", "kaplan_meier", "survival_at", "paired_difference",
    "sobol_saltelli", "morris", "ishigami", "ishigami_indices", "ISHIGAMI_INDICES",
    "saltelli_design", "morris_design",
]


def _z(confidence):
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be in (0, 1), not %r" % (confidence,))
    return float(_st.norm.ppf(0.5 + confidence / 2.0))


# --------------------------------------------------------------------------- proportions, means


def wilson_interval(successes, trials, confidence=0.95):
    """Wilson score interval for a binomial proportion.

    With p = x / n and z the standard normal quantile of (1 + confidence) / 2
    (Wilson 1927; Agresti and Coull 1998, eq. 2; Newcombe 1998, method 3)::

        centre = (p + z^2 / (2n)) / (1 + z^2 / n)
        half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))
        (low, high) = (centre - half, centre + half)

    The bounds are exactly 0 when x = 0 and exactly 1 when x = n (the formula gives them up
    to rounding) and are clipped to [0, 1]. ``trials == 0`` gives (nan, nan).

    Scalars give a tuple of two floats; arrays (broadcast together) give a tuple of two arrays.
    Raises ValueError when successes < 0, successes > trials or trials < 0.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    scalar = x.ndim == 0 and n.ndim == 0
    x, n = np.broadcast_arrays(x, n)
    if np.any(n < 0) or np.any(x < 0) or np.any(x > n):
        raise ValueError("need 0 <= successes <= trials")
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denominator = 1.0 + z * z / n
        centre = (p + z * z / (2.0 * n)) / denominator
        half = z / denominator * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
    low = np.where(x == 0, 0.0, low)
    high = np.where(x == n, 1.0, high)
    low = np.where(n == 0, np.nan, low)
    high = np.where(n == 0, np.nan, high)
    if scalar:
        return float(low), float(high)
    return low, high


def mean_interval(values, confidence=0.95):
    """Mean and Student-t confidence interval, NaN values ignored.

    mean ± t_{(1 + confidence)/2, n - 1} * s / sqrt(n), s the sample standard deviation
    (divisor n - 1). Returns (mean, low, high); (mean, nan, nan) when n < 2 and
    (nan, nan, nan) when no value is left. A sample without spread gives (mean, mean, mean).
    """
    v = np.asarray(values, dtype=float).ravel()
    v = v[~np.isnan(v)]
    n = v.size
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(v.mean())
    if n < 2:
        return mean, math.nan, math.nan
    _z(confidence)
    half = float(_st.t.ppf(0.5 + confidence / 2.0, n - 1) * v.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half


def paired_difference(a, b, confidence=0.95):
    """Mean of the paired differences d = a - b with a Student-t interval (a paired t interval,
    the interval of scipy.stats.ttest_rel).

    a[j] and b[j] are the same replication j under two settings (common random numbers), so
    the interval is mean(d) ± t_{(1 + confidence)/2, n - 1} sd(d) / sqrt(n). Pairs with a NaN
    on either side are dropped. Returns {"mean", "low", "high", "n"}; low = high = mean when
    all differences are equal (e.g. identical arrays), NaN bounds when n < 2.
    """
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError("paired samples need equal lengths, not %d and %d" % (a.size, b.size))
    d = a - b
    keep = ~(np.isnan(a) | np.isnan(b))
    mean, low, high = mean_interval(d[keep], confidence)
    return {"mean": mean, "low": low, "high": high, "n": int(keep.sum())}


# --------------------------------------------------------------------------- survival


def kaplan_meier(durations, observed, entry=None, confidence=0.95):
    """Kaplan-Meier product-limit estimator (Kaplan and Meier 1958) with optional left
    truncation (delayed entry; Klein and Moeschberger 2003, section 4.6).

    Subject j is followed from ``entry[j]`` (0 when ``entry`` is None) to ``durations[j]`` and
    has the event at ``durations[j]`` when ``observed[j]`` is true, otherwise is censored there.

    Risk set: subject j is **at risk at time t iff entry[j] < t <= durations[j]** (with no
    entry, iff durations[j] >= t). A late entrant is therefore not counted at times up to and
    including its entry time. Entry must be strictly before the duration (ValueError
    otherwise): a subject with entry == duration would never be at risk.

    Ties: at a time with both events and censorings, the events come first, so subjects
    censored at t are still in the risk set n(t) of the events at t (the standard convention).

    One row per distinct duration (event or censoring time), after a first row at
    time = min(entry) (0 without entry) with survival 1, whose at_risk is the number of
    subjects followed from that time (all of them without entry). Per row::

        survival S(t) = prod_{t_i <= t} (1 - d_i / n_i)
        Greenwood     Var S(t) = S(t)^2 sum_{t_i <= t} d_i / (n_i (n_i - d_i))   (std_err = sqrt)
        log(-log)     theta = log(-log S),  se(theta) = sqrt(sum d/(n(n-d))) / |log S|,
                      (lower, upper) = (S^exp(+z se(theta)), S^exp(-z se(theta)))

    (Kalbfleisch and Prentice 1980; the default "log-log" interval of Stata and of R's
    survival with conf.type="log-log"). Where S = 1, lower = upper = 1; where S = 0 (all at
    risk had the event), lower = upper = 0 and std_err = 0.

    Columns: time, at_risk, events, censored, survival, lower, upper, std_err (Greenwood
    standard error of S; an addition to the seven columns of the brief).
    """
    t = np.asarray(durations, dtype=float).ravel()
    e = np.asarray(observed).ravel().astype(bool)
    if t.shape != e.shape:
        raise ValueError("durations and observed need equal lengths")
    if np.any(np.isnan(t)):
        raise ValueError("durations must not be NaN")
    if entry is None:
        if np.any(t < 0):
            raise ValueError("durations must be >= 0 (without entry, follow-up starts at 0)")
        start = 0.0
        enter = None
    else:
        enter = np.asarray(entry, dtype=float).ravel()
        if enter.shape != t.shape:
            raise ValueError("entry and durations need equal lengths")
        if np.any(~(enter < t)):
            raise ValueError("every subject needs entry < duration (left truncation)")
        start = float(enter.min()) if enter.size else 0.0

    times = np.unique(t)
    events = np.array([np.sum(e & (t == u)) for u in times], dtype=int)
    censored = np.array([np.sum(~e & (t == u)) for u in times], dtype=int)
    if enter is None:
        at_risk = np.array([np.sum(t >= u) for u in times], dtype=int)
    else:
        at_risk = np.array([np.sum((enter < u) & (t >= u)) for u in times], dtype=int)

    z = _z(confidence)
    factor = 1.0 - events / at_risk
    survival = np.cumprod(factor)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(events > 0, events / (at_risk * (at_risk - events)), 0.0)
    greenwood = np.cumsum(terms)  # inf once n == d
    with np.errstate(divide="ignore", invalid="ignore"):
        std_err = np.where(survival > 0, survival * np.sqrt(greenwood), 0.0)
        se_theta = np.sqrt(greenwood) / np.abs(np.log(survival))
        lower = survival ** np.exp(z * se_theta)
        upper = survival ** np.exp(-z * se_theta)
    one = survival >= 1.0
    zero = survival <= 0.0
    lower = np.where(one, 1.0, np.where(zero, 0.0, lower))
    upper = np.where(one, 1.0, np.where(zero, 0.0, upper))

    table = pd.DataFrame({
        "time": np.concatenate([[start], times]),
        "at_risk": np.concatenate([[t.size if enter is None else int(np.sum(enter == start))], at_risk]).astype(int),
        "events": np.concatenate([[0], events]).astype(int),
        "censored": np.concatenate([[0], censored]).astype(int),
        "survival": np.concatenate([[1.0], survival]),
        "lower": np.concatenate([[1.0], lower]),
        "upper": np.concatenate([[1.0], upper]),
        "std_err": np.concatenate([[0.0], std_err]),
    })
    return table


def survival_at(km_table, t):
    """S(t) from a kaplan_meier table: the right-continuous step function, i.e. the survival
    of the last row with time <= t (so S jumps *at* an event time). 1 before the first row;
    past the last row, the last value (no extrapolation beyond follow-up is implied).
    Scalars give a float, arrays an array.
    """
    times = km_table["time"].to_numpy(dtype=float)
    values = km_table["survival"].to_numpy(dtype=float)
    q = np.asarray(t, dtype=float)
    index = np.searchsorted(times, q, side="right") - 1
    result = np.where(index >= 0, values[np.clip(index, 0, None)], 1.0)
    return float(result) if result.ndim == 0 else result


# --------------------------------------------------------------------------- Sobol'


def _percentile_interval(estimates, confidence):
    """Percentile interval over the first axis, NaN resamples left out; NaN when more than
    half are NaN (or none drawn). Linear interpolation between order statistics (Hyndman and
    Fan type 7, numpy's default), as sim/engine/design.cpp."""
    drawn = estimates.shape[0]
    out = np.full((2,) + estimates.shape[1:], np.nan)
    if drawn == 0:
        return out
    for j in np.ndindex(estimates.shape[1:]):
        column = estimates[(slice(None),) + j]
        column = column[~np.isnan(column)]
        if column.size == 0 or 2 * column.size < drawn:
            continue
        q = np.percentile(column, [50.0 * (1.0 - confidence), 50.0 * (1.0 + confidence)])
        out[(slice(None),) + j] = q
    return out


def _saltelli_estimates(fa, fb, fab):
    """fa, fb: (..., N); fab: (k, ..., N). Returns first (k, ...) and total (k, ...); NaN where
    the 2N outputs of A and B are all equal (V = 0)."""
    n = fa.shape[-1]
    both = np.concatenate([fa, fb], axis=-1)
    mean = both.mean(axis=-1, keepdims=True)
    variance = ((both - mean) ** 2).sum(axis=-1) / (2.0 * n - 1.0)
    constant = np.ptp(both, axis=-1) == 0
    defined = (variance > 0) & ~constant
    with np.errstate(divide="ignore", invalid="ignore"):
        first = ((fb - mean) * (fab - fa)).mean(axis=-1) / variance
        total = ((fa - fab) ** 2).mean(axis=-1) / (2.0 * variance)
    first = np.where(defined, first, np.nan)
    total = np.where(defined, total, np.nan)
    return first, total


def sobol_saltelli(outputs, base_samples, factors, bootstrap=200, seed=0, confidence=0.95):
    """First-order and total Sobol' indices from a Saltelli design's outputs.

    ``outputs`` has N (k + 2) values (N = ``base_samples``, k = len(``factors``)) in block
    order A (rows 0 .. N-1), B, then AB_1 ... AB_k (A with column i from B), the layout of
    saltelli_design and of a sweep's /design. With f_A, f_B, f_ABi the blocks, m and V the
    mean and variance (divisor 2N - 1) of the 2N outputs of A and B::

        S_i  = mean((f_B - m) (f_ABi - f_A)) / V        (Saltelli et al. 2010, Table 2 (b),
                                                         with f_B centred on m)
        S_Ti = mean((f_A - f_ABi)^2) / (2 V)            (Jansen 1999; Saltelli 2010 Table 2 (f))

    Centring f_B does not change the expectation (E[f_ABi - f_A] = 0) but removes the noise of
    a large mean times a small difference; it is what sim/engine/design.cpp computes.
    V = 0 (all 2N outputs equal) gives NaN indices.

    Intervals: percentile bootstrap over ``bootstrap`` resamples of the N row indices (the same
    rows drawn in every block), numpy Generator PCG64 seeded with ``seed``; resamples with V = 0
    are skipped, and an interval is NaN when more than half are skipped (or bootstrap == 0).

    Returns a DataFrame with columns factor, first_order, first_order_low, first_order_high,
    total, total_low, total_high (one row per factor).
    """
    y = np.asarray(outputs, dtype=float).ravel()
    factors = list(factors)
    k = len(factors)
    n = int(base_samples)
    if k < 1 or n < 2:
        raise ValueError("need at least one factor and N >= 2 base samples")
    if y.size != n * (k + 2):
        raise ValueError("expected N (k + 2) = %d outputs, got %d" % (n * (k + 2), y.size))
    if not np.all(np.isfinite(y)):
        raise ValueError("outputs must be finite")
    blocks = y.reshape(k + 2, n)
    fa, fb, fab = blocks[0], blocks[1], blocks[2:]
    first, total = _saltelli_estimates(fa, fb, fab)

    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        rows = rng.integers(0, n, size=(int(bootstrap), n))
        first_b, total_b = _saltelli_estimates(fa[rows], fb[rows], fab[:, rows])  # (k, B)
        first_ci = _percentile_interval(first_b.T, confidence)
        total_ci = _percentile_interval(total_b.T, confidence)
    else:
        first_ci = total_ci = np.full((2, k), np.nan)
    return pd.DataFrame({
        "factor": factors,
        "first_order": first, "first_order_low": first_ci[0], "first_order_high": first_ci[1],
        "total": total, "total_low": total_ci[0], "total_high": total_ci[1],
    })


def saltelli_design(base_samples, k, seed):
    """Saltelli design in [0, 1)^k: N (k + 2) rows, blocks A, B, AB_1 ... AB_k.

    The first N points of an Owen-scrambled Sobol' sequence in 2k dimensions
    (scipy.stats.qmc.Sobol(d=2k, scramble=True, seed=seed)) give A (first k columns) and B
    (last k); AB_i is A with column i from B (Saltelli et al. 2010, section 3). Prefer N a
    power of two (scipy warns otherwise).
    """
    n = int(base_samples)
    k = int(k)
    if n < 2 or k < 1:
        raise ValueError("need N >= 2 and k >= 1")
    points = _qmc.Sobol(d=2 * k, scramble=True, seed=seed).random(n)
    a, b = points[:, :k], points[:, k:]
    blocks = [a, b]
    for i in range(k):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return np.vstack(blocks)


# --------------------------------------------------------------------------- Morris


def morris(outputs, unit, trajectories, factors):
    """Morris elementary effects and their summary measures.

    ``outputs`` has r (k + 1) values, ``unit`` the (r (k + 1), k) design coordinates;
    trajectory t is rows t (k + 1) ... t (k + 1) + k, and consecutive rows of a trajectory must
    differ in exactly one factor (ValueError otherwise). The step from row s to s + 1 gives
    the elementary effect of the factor that changed (Morris 1991)::

        EE = (y_{s+1} - y_s) / (u_{s+1} - u_s)        (signed step, +-Delta)

    per factor: mu = mean(EE), mu_star = mean(|EE|) (Campolongo et al. 2007),
    sigma = std(EE, ddof=1) (NaN with fewer than two effects), effects = their count.
    Units: output per unit of the coordinate u.

    Returns a DataFrame with columns factor, mu, mu_star, sigma, effects.
    """
    factors = list(factors)
    k = len(factors)
    r = int(trajectories)
    y = np.asarray(outputs, dtype=float).ravel()
    u = np.asarray(unit, dtype=float)
    if r < 1 or k < 1:
        raise ValueError("need r >= 1 trajectories and k >= 1 factors")
    if y.size != r * (k + 1) or u.shape != (r * (k + 1), k):
        raise ValueError("expected %d outputs and unit of shape (%d, %d)" % (r * (k + 1), r * (k + 1), k))
    effects = [[] for _ in range(k)]
    for t in range(r):
        base = t * (k + 1)
        for s in range(k):
            step = u[base + s + 1] - u[base + s]
            moved = np.flatnonzero(step != 0)
            if moved.size != 1:
                raise ValueError("trajectory %d, step %d changes %d factors, not 1" % (t, s, moved.size))
            f = int(moved[0])
            effects[f].append((y[base + s + 1] - y[base + s]) / step[f])
    rows = []
    for f, name in enumerate(factors):
        ee = np.asarray(effects[f], dtype=float)
        rows.append({
            "factor": name,
            "mu": float(ee.mean()) if ee.size else math.nan,
            "mu_star": float(np.abs(ee).mean()) if ee.size else math.nan,
            "sigma": float(ee.std(ddof=1)) if ee.size > 1 else math.nan,
            "effects": int(ee.size),
        })
    return pd.DataFrame(rows, columns=["factor", "mu", "mu_star", "sigma", "effects"])


def morris_design(trajectories, k, levels=4, seed=0):
    """Morris trajectories (Morris 1991) on the grid {0, 1/(p-1), ..., 1}, p = ``levels`` (even).

    Each trajectory: per factor a random direction (+ or -) and a random level of the half of
    the grid from which that direction stays in [0, 1] (so the start is uniform on the grid),
    then every factor moved once, in a random order, by Delta = p / (2 (p - 1)) in its
    direction: k + 1 rows. Returns an array of shape (r (k + 1), k). Draws from numpy's
    PCG64 seeded with ``seed`` (the C++ sweep draws the same way with its own generator).
    """
    r = int(trajectories)
    k = int(k)
    p = int(levels)
    if r < 1 or k < 1:
        raise ValueError("need r >= 1 and k >= 1")
    if p < 2 or p % 2:
        raise ValueError("levels must be even and >= 2, not %d" % p)
    jump = p // 2
    rng = np.random.default_rng(seed)
    out = np.empty((r * (k + 1), k))
    for t in range(r):
        lower = rng.integers(0, jump, size=k)
        direction = np.where(rng.integers(0, 2, size=k) == 0, 1, -1)
        level = np.where(direction > 0, lower, lower + jump)
        order = rng.permutation(k)
        base = t * (k + 1)
        out[base] = level / (p - 1)
        for s, f in enumerate(order):
            level[f] += direction[f] * jump
            out[base + s + 1] = level / (p - 1)
    return out


# --------------------------------------------------------------------------- Ishigami


def ishigami(x, a=7.0, b=0.1):
    """Ishigami and Homma (1990): f(x) = sin x1 + a sin^2 x2 + b x3^4 sin x1, x in [-pi, pi]^3,
    ``x`` of shape (n, 3)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != 3:
        raise ValueError("x must have shape (n, 3)")
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    """Analytic Sobol' indices of ishigami (Sobol' and Levitan 1999; Saltelli et al. 2008, 4.3)::

        V   = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2
        V1  = (1 + b pi^4/5)^2 / 2,  V2 = a^2/8,  V3 = 0,  V13 = b^2 pi^8 (1/18 - 1/50),
        V12 = V23 = V123 = 0
        S_i = V_i / V;  ST1 = (V1 + V13)/V, ST2 = V2/V, ST3 = V13/V.

    (V1 + V2 + V13 = V.) Returns {"first_order": (S1, S2, S3), "total": (ST1, ST2, ST3)}.
    """
    pi4 = math.pi ** 4
    pi8 = math.pi ** 8
    v = a * a / 8.0 + b * pi4 / 5.0 + b * b * pi8 / 18.0 + 0.5
    v1 = 0.5 * (1.0 + b * pi4 / 5.0) ** 2
    v2 = a * a / 8.0
    v13 = b * b * pi8 * (1.0 / 18.0 - 1.0 / 50.0)
    return {"first_order": (v1 / v, v2 / v, 0.0), "total": ((v1 + v13) / v, v2 / v, v13 / v)}


ISHIGAMI_INDICES = ishigami_indices()
