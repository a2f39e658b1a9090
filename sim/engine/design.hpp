#pragma once
// Experimental designs for `incubsim sweep` and the sensitivity measures computed from their
// outputs: full factorial grids, Latin hypercubes, Sobol'-Saltelli designs (first-order and total
// Sobol' indices) and Morris trajectories (elementary effects). Pure computation: no I/O, no
// threads.
//
// Every design is a list of points in the unit cube, one coordinate u per factor, and the
// factors' values at those points (`to_value`). A point becomes a run through `--set KEY=VALUE`
// with VALUE = value_text(factor, value).
//
// Randomness: Random123 Philox4x32-10, keyed by the caller's seed, with the draw's purpose in
// counter word 3 (always nonzero, while the model's streams keep word 3 at 0, see
// model/random_streams.hpp), so design draws never coincide with a run's draws. Raw 32-bit words
// are turned into numbers here, never through std:: distributions, so a seed gives the same
// design bit for bit on every platform and compiler.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace incubsim::engine {

// One input varied by a design: a scenario key and the range it is varied over.
struct Factor {
  enum class Kind {
    real,         // uniform on [low, high]
    integer,      // whole numbers low, low + 1, ..., high (low and high whole)
    log,          // uniform in log between low and high (0 < low)
    categorical,  // one of `choices` (low and high unused)
  };
  std::string key;  // as `--set` writes it: "dynamics.wage_per_month"
  Kind kind = Kind::real;
  double low = 0.0;
  double high = 1.0;
  std::vector<std::string> choices;  // categorical only: at least two, all different
  int levels = 0;                    // grid only: levels of a numeric factor (>= 2); categorical: all choices
};

// "real", "integer", "log" or "categorical".
std::string_view factor_kind_name(Factor::Kind kind);

// Throws std::invalid_argument naming the key when the factor cannot be sampled: empty key,
// bounds not finite, low >= high, log with low <= 0, integer bounds not whole or outside the
// range of int, categorical with fewer than two choices or a repeated choice.
void validate_factor(const Factor& factor);

// The factor's value at unit-cube coordinate u in [0, 1] (u = 1 is allowed and gives the upper
// end exactly; u = 0 gives low exactly):
//   real:        low + u (high - low)
//   log:         exp(log low + u (log high - log low))
//   integer:     floor(low + u (high - low + 1)), at most high (each whole number gets an equal
//                share of [0, 1))
//   categorical: the index floor(u n) of the choice, at most n - 1 (n = number of choices)
// Throws std::invalid_argument when u is outside [0, 1] or not a number.
double to_value(const Factor& factor, double u);

// A value as TOML text for `--set KEY=VALUE`: 0.25 (real and log, the shortest text that reads
// back to the same double), 12 (integer), 'text' (categorical: `value` is the choice's index).
std::string value_text(const Factor& factor, double value);

// Morris: one step of a trajectory moves one factor's unit coordinate by +delta or -delta.
struct MorrisStep {
  std::size_t factor = 0;
  double delta = 0.0;  // signed: +Δ or -Δ
};

struct Design {
  std::vector<Factor> factors;
  std::string kind;  // "grid", "latin_hypercube", "sobol_saltelli" or "morris"
  std::uint32_t seed = 0;
  // unit[p][f]: point p's coordinate for factor f. In [0, 1) for Latin hypercubes and Sobol'
  // designs; grids and Morris trajectories also hold the upper end 1 (mapped to `high`).
  std::vector<std::vector<double>> unit;
  // values[p][f] = to_value(factors[f], unit[p][f]).
  std::vector<std::vector<double>> values;

  // Sobol'-Saltelli: N, the rows of each block. Point b * N + j is row j of block b, with blocks
  // in the order A (b = 0), B (b = 1), AB_1 ... AB_k (b = 1 + i for factor i counted from 1):
  // A and B are independent samples, AB_i is A with factor i's column taken from B.
  std::size_t base_samples = 0;

  // Morris: the grid has `morris_levels` (p) levels 0, 1/(p-1), ..., 1 and each step moves one
  // factor by Δ = p / (2 (p - 1)). Trajectory t holds points t (k + 1) ... t (k + 1) + k (k =
  // factors); morris_steps[t][s] is the move from point t (k + 1) + s to the next one.
  int morris_levels = 0;
  double morris_delta = 0.0;
  std::vector<std::vector<MorrisStep>> morris_steps;

  std::size_t points() const { return unit.size(); }
};

// Designs larger than this are refused (a run or more per point: far beyond any real sweep).
inline constexpr std::size_t max_design_points = std::size_t{1} << 24;

// Full factorial: every combination of levels, the first factor varying slowest. A numeric
// factor's level j of L sits at u = j / (L - 1), so both ends are included exactly; a
// categorical factor takes each choice once, at the middle of its share, u = (j + 0.5) / n.
// Integer factors may not have more levels than whole numbers in their range (repeated points).
Design grid(const std::vector<Factor>& factors);

// n points (n >= 1), each factor's [0, 1) cut into n equal strata with exactly one point in
// each: stratum order is an independent random permutation per factor, the position inside the
// stratum uniform.
Design latin_hypercube(const std::vector<Factor>& factors, std::size_t n, std::uint32_t seed);

// Saltelli's design for Sobol' indices: the first n points (n >= 2) of an Owen-scrambled Sobol'
// sequence in 2k dimensions (k = factors, at most sobol_max_dimensions / 2) give A (the first k
// coordinates) and B (the last k); the design is A, B, AB_1 ... AB_k, n (k + 2) points (see
// Design::base_samples). With n a power of two each factor's [0, 1) holds exactly one point of A
// (and of B) per stratum of width 1/n; any other n works and the estimates stay unbiased, but
// that balance is lost and they converge more slowly: prefer powers of two.
Design sobol_saltelli(const std::vector<Factor>& factors, std::size_t n, std::uint32_t seed);

// Morris' elementary-effects design (Morris 1991): `trajectories` (r >= 1) trajectories of k + 1
// points on a grid of `levels` (p, even, >= 2) levels. Each trajectory starts at a random grid
// point and moves every factor once, in random order, by +Δ or -Δ (Δ = p / (2 (p - 1)), so every
// step stays on the grid and inside [0, 1]).
Design morris(const std::vector<Factor>& factors, std::size_t trajectories, int levels, std::uint32_t seed);

// The raw Sobol' sequence behind sobol_saltelli, for tests and for anyone who needs the points:
// direction numbers of Joe and Kuo (2008) for the first `sobol_max_dimensions` dimensions, points
// in Gray-code order (as their generator; point 0 is the origin). `scrambled_sobol_sequence`
// applies a nested uniform (Owen) scramble seeded by `seed` to every bit, and uniform random bits
// below the 32nd, so each coordinate is uniform on [0, 1) while keeping the sequence's
// stratification. Result: points x dimensions.
inline constexpr std::size_t sobol_max_dimensions = 64;
std::vector<std::vector<double>> sobol_sequence(std::size_t dimensions, std::size_t n);
std::vector<std::vector<double>> scrambled_sobol_sequence(std::size_t dimensions, std::size_t n, std::uint32_t seed);

// A 95% percentile bootstrap interval; NaN bounds when no bootstrap samples were asked for.
struct Interval {
  double low = 0.0;
  double high = 0.0;
};

struct SobolIndices {
  std::string key;
  double first_order = 0.0;  // S_i, Saltelli et al. (2010): mean((f_B - mean) (f_ABi - f_A)) / V, f_B centred
  Interval first_order_interval;
  double total = 0.0;  // S_Ti, Jansen (1999): mean((f_A - f_ABi)^2) / 2 / V
  Interval total_interval;
};

// First-order and total Sobol' indices of the output `y` (one value per point of a
// sobol_saltelli design, e.g. the mean over replications), with V the variance of the 2N values
// f_A, f_B. Intervals: `bootstrap_samples` resamplings of the N rows (a row keeps its A, B and
// AB_i values together), percentiles 2.5 and 97.5; the resampling is seeded by `seed`. Estimates
// are NaN when V is 0 (an output that does not vary). Throws std::invalid_argument when the design
// is not a Sobol'-Saltelli design, y does not have one finite value per point.
std::vector<SobolIndices> sobol_indices(const Design& design, const std::vector<double>& y,
                                        std::size_t bootstrap_samples, std::uint32_t seed);

// Morris measures from the elementary effects EE = (y after the step - y before) / delta, in
// output units per unit of the factor's unit-cube coordinate: the whole range of a real or
// integer factor is 1 (divide by high - low for output per unit of the factor), a log factor's
// range in log, a categorical factor's list of choices.
struct MorrisEffects {
  std::string key;
  double mean = 0.0;           // μ, mean elementary effect (signed)
  double mean_absolute = 0.0;  // μ*, Campolongo et al. (2007)
  double deviation = 0.0;      // σ, standard deviation (divisor r - 1; NaN when r = 1)
};

// One entry per factor. Throws std::invalid_argument when the design is not a Morris design or y
// does not have one finite value per point.
std::vector<MorrisEffects> morris_effects(const Design& design, const std::vector<double>& y);

}  // namespace incubsim::engine
