#include "engine/design.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>

#include "scenario/keys.hpp"

namespace incubsim::engine {
namespace {

// ---------------------------------------------------------------------------------------------
// Random draws: Philox4x32-10, key (seed, 0), counter (a, b, c, purpose).

// What a draw is for, stored in counter word 3. Never 0 (the model's streams use 0 there) and
// never renumbered (a seed's designs would change).
enum class DrawPurpose : std::uint32_t {
  latin_permutation = 1,  // a = factor
  latin_position = 2,     // a = factor
  sobol_scramble = 3,     // a = dimension, b = leading bits, c = bit
  sobol_low_bits = 4,     // a = dimension, b = the point's 32 bits
  morris_trajectory = 5,  // a = trajectory
  bootstrap = 6,          // a = bootstrap sample
};

using Philox = r123::Philox4x32;

Philox::ctr_type philox_block(std::uint32_t seed, DrawPurpose purpose, std::uint32_t a, std::uint32_t b,
                              std::uint32_t c) {
  const Philox::key_type key = {{seed, 0u}};
  const Philox::ctr_type counter = {{a, b, c, static_cast<std::uint32_t>(purpose)}};
  return Philox{}(counter, key);
}

// The words of one (purpose, a) stream: counter (a, 0, c, purpose), four words per block c = 0, 1, 2, ...
class DrawSequence {
 public:
  DrawSequence(std::uint32_t seed, DrawPurpose purpose, std::uint32_t a) : seed_(seed), purpose_(purpose), a_(a) {}

  std::uint32_t next() {
    if (position_ == 4) {
      block_ = philox_block(seed_, purpose_, a_, 0u, next_block_++);
      position_ = 0;
    }
    return block_.v[position_++];
  }

  // Uniform on [0, 1) with 53 random bits (the two words are drawn in a fixed order).
  double uniform() {
    const std::uint64_t high = next() >> 5;
    const std::uint64_t low = next() >> 6;
    return static_cast<double>((high << 26) | low) * 0x1.0p-53;
  }

  // A whole number in [0, bound), bound >= 1, without bias: Lemire's multiply-and-reject
  // (ACM TOMACS 29, 2019), which needs no division in the common case.
  std::uint32_t below(std::uint32_t bound) {
    std::uint64_t product = std::uint64_t{next()} * bound;
    if (static_cast<std::uint32_t>(product) < bound) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(-bound) % bound;
      while (static_cast<std::uint32_t>(product) < threshold) product = std::uint64_t{next()} * bound;
    }
    return static_cast<std::uint32_t>(product >> 32);
  }

 private:
  std::uint32_t seed_;
  DrawPurpose purpose_;
  std::uint32_t a_;
  std::uint32_t next_block_ = 0;
  Philox::ctr_type block_{};
  unsigned position_ = 4;
};

// 0, 1, ..., n - 1 in random order (Fisher-Yates).
std::vector<std::uint32_t> random_permutation(std::uint32_t n, DrawSequence& draws) {
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  for (std::uint32_t i = n; i > 1; --i) std::swap(order[i - 1], order[draws.below(i)]);
  return order;
}

// ---------------------------------------------------------------------------------------------
// Validation.

std::string number_text(double value) { return scenario::field_text(&value); }

[[noreturn]] void reject(const Factor& factor, const std::string& problem) {
  throw std::invalid_argument("factor '" + factor.key + "': " + problem);
}

bool is_whole_int(double value) {
  return value == std::floor(value) && value >= std::numeric_limits<int>::min() &&
         value <= std::numeric_limits<int>::max();
}

// Checks every factor and that no key appears twice.
void validate_factors(const std::vector<Factor>& factors, const std::string& design) {
  if (factors.empty()) throw std::invalid_argument(design + " needs at least one factor");
  std::set<std::string> keys;
  for (const Factor& factor : factors) {
    validate_factor(factor);
    if (!keys.insert(factor.key).second) reject(factor, "appears twice in the " + design);
  }
}

// a * b, or max_design_points + 1 when that is over the limit (so the product cannot overflow).
std::size_t capped_product(std::size_t a, std::size_t b) {
  if (b != 0 && a > max_design_points / b) return max_design_points + 1;
  return a * b;
}

void check_size(std::size_t points, const std::string& design) {
  if (points > max_design_points)
    throw std::invalid_argument(design + " would have more than " + std::to_string(max_design_points) + " points");
}

Design start_design(const std::vector<Factor>& factors, const std::string& kind, std::uint32_t seed) {
  Design design;
  design.factors = factors;
  design.kind = kind;
  design.seed = seed;
  return design;
}

// values = to_value(unit) for every point.
void map_to_values(Design& design) {
  design.values.assign(design.unit.size(), std::vector<double>(design.factors.size()));
  for (std::size_t point = 0; point < design.unit.size(); ++point)
    for (std::size_t factor = 0; factor < design.factors.size(); ++factor)
      design.values[point][factor] = to_value(design.factors[factor], design.unit[point][factor]);
}

// ---------------------------------------------------------------------------------------------
// The Sobol' sequence.

// One dimension's generator as in Joe and Kuo's file new-joe-kuo-6.21201 (columns s, a, m_i):
// the primitive polynomial's degree s, its inner coefficients a (the bit of x^(s-1) is the
// highest of s - 1 bits; the leading and constant terms are 1 and not stored) and the initial
// direction numbers m_1 ... m_s (odd, m_i < 2^i).
struct SobolPolynomial {
  unsigned degree;
  std::uint32_t coefficients;
  std::array<std::uint32_t, 9> initial;
};

// Dimensions 2 to 64; dimension 1 (every m_i = 1) is van der Corput's sequence.
// Source: S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better two-dimensional
// projections", SIAM J. Sci. Comput. 30 (2008) 2635-2654, direction numbers new-joe-kuo-6.21201.
constexpr std::array<SobolPolynomial, sobol_max_dimensions - 1> sobol_polynomials = {{
    {1, 0, {1}},                                   // 2
    {2, 1, {1, 3}},                                // 3
    {3, 1, {1, 3, 1}},                             // 4
    {3, 2, {1, 1, 1}},                             // 5
    {4, 1, {1, 1, 3, 3}},                          // 6
    {4, 4, {1, 3, 5, 13}},                         // 7
    {5, 2, {1, 1, 5, 5, 17}},                      // 8
    {5, 4, {1, 1, 5, 5, 5}},                       // 9
    {5, 7, {1, 1, 7, 11, 19}},                     // 10
    {5, 11, {1, 1, 5, 1, 1}},                      // 11
    {5, 13, {1, 1, 1, 3, 11}},                     // 12
    {5, 14, {1, 3, 5, 5, 31}},                     // 13
    {6, 1, {1, 3, 3, 9, 7, 49}},                   // 14
    {6, 13, {1, 1, 1, 15, 21, 21}},                // 15
    {6, 16, {1, 3, 1, 13, 27, 49}},                // 16
    {6, 19, {1, 1, 1, 15, 7, 5}},                  // 17
    {6, 22, {1, 3, 1, 15, 13, 25}},                // 18
    {6, 25, {1, 1, 5, 5, 19, 61}},                 // 19
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},            // 20
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},             // 21
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},              // 22
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},               // 23
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},            // 24
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},             // 25
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},            // 26
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},              // 27
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},              // 28
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},             // 29
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},             // 30
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},             // 31
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},             // 32
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},              // 33
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},             // 34
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},             // 35
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},             // 36
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},              // 37
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},       // 38
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},        // 39
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},       // 40
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},         // 41
    {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},        // 42
    {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},         // 43
    {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},         // 44
    {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},        // 45
    {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},        // 46
    {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},          // 47
    {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},       // 48
    {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},        // 49
    {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},        // 50
    {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},        // 51
    {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},      // 52
    {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},       // 53
    {9, 8, {1, 3, 5, 5, 29, 17, 47, 173, 479}},    // 54
    {9, 13, {1, 3, 3, 11, 3, 1, 109, 9, 69}},      // 55
    {9, 16, {1, 1, 1, 5, 17, 39, 23, 5, 343}},     // 56
    {9, 22, {1, 3, 1, 5, 25, 15, 31, 103, 499}},   // 57
    {9, 25, {1, 1, 1, 11, 11, 17, 63, 105, 183}},  // 58
    {9, 44, {1, 1, 5, 11, 9, 29, 97, 231, 363}},   // 59
    {9, 47, {1, 1, 5, 15, 19, 45, 41, 7, 383}},    // 60
    {9, 52, {1, 3, 7, 7, 31, 19, 83, 137, 221}},   // 61
    {9, 55, {1, 1, 1, 3, 23, 15, 111, 223, 83}},   // 62
    {9, 59, {1, 1, 5, 13, 31, 15, 55, 25, 161}},   // 63
    {9, 62, {1, 1, 3, 13, 25, 47, 39, 87, 257}},   // 64
}};

constexpr unsigned sobol_bits = 32;
using DirectionNumbers = std::array<std::uint32_t, sobol_bits>;

// v_k = m_k 2^(32 - k), k = 1 ... 32 (stored from index 0): m_k from the table up to the degree,
// then the recurrence of Bratley and Fox (ACM TOMS 14, 1988) as Joe and Kuo state it.
DirectionNumbers direction_numbers(std::size_t dimension) {
  DirectionNumbers v{};
  if (dimension == 0) {
    for (unsigned k = 0; k < sobol_bits; ++k) v[k] = std::uint32_t{1} << (sobol_bits - 1 - k);
    return v;
  }
  const SobolPolynomial& polynomial = sobol_polynomials[dimension - 1];
  const unsigned s = polynomial.degree;
  for (unsigned k = 0; k < s; ++k) v[k] = polynomial.initial[k] << (sobol_bits - 1 - k);
  for (unsigned k = s; k < sobol_bits; ++k) {
    v[k] = v[k - s] ^ (v[k - s] >> s);
    for (unsigned j = 1; j < s; ++j)
      if ((polynomial.coefficients >> (s - 1 - j)) & 1u) v[k] ^= v[k - j];
  }
  return v;
}

// Point `index` in Gray-code order: the XOR of the direction numbers of the set bits of
// index ^ (index >> 1). (Same points as the natural order within each block of 2^m, computed
// directly so no point depends on the previous one.)
std::uint32_t sobol_coordinate(const DirectionNumbers& v, std::uint32_t index) {
  std::uint32_t gray = index ^ (index >> 1);
  std::uint32_t x = 0;
  for (unsigned k = 0; gray != 0; ++k, gray >>= 1)
    if (gray & 1u) x ^= v[k];
  return x;
}

// Nested uniform scramble (Owen 1995): bit j (from the top) is flipped by a coin that depends
// on the seed, the dimension, j and the bits above j. Points that share their leading j bits
// still do after the scramble, so every stratification of the sequence is kept, and each
// coordinate becomes uniform, so estimates are unbiased.
std::uint32_t owen_scramble(std::uint32_t x, std::uint32_t dimension, std::uint32_t seed) {
  std::uint32_t scrambled = 0;
  for (unsigned j = 0; j < sobol_bits; ++j) {
    const std::uint32_t leading_bits = j == 0 ? 0u : x >> (sobol_bits - j);
    const std::uint32_t coin = philox_block(seed, DrawPurpose::sobol_scramble, dimension, leading_bits, j).v[0] & 1u;
    const std::uint32_t bit = (x >> (sobol_bits - 1 - j)) & 1u;
    scrambled |= (bit ^ coin) << (sobol_bits - 1 - j);
  }
  return scrambled;
}

void check_sequence_request(std::size_t dimensions, std::size_t n) {
  if (dimensions < 1 || dimensions > sobol_max_dimensions)
    throw std::invalid_argument("the Sobol' sequence has 1 to " + std::to_string(sobol_max_dimensions) +
                                " dimensions, not " + std::to_string(dimensions));
  check_size(n, "the Sobol' sequence");
}

// ---------------------------------------------------------------------------------------------
// Designs.

// A factor's grid coordinates (see grid() in the header).
std::vector<double> grid_coordinates(const Factor& factor) {
  std::vector<double> coordinates;
  if (factor.kind == Factor::Kind::categorical) {
    const double count = static_cast<double>(factor.choices.size());
    for (std::size_t j = 0; j < factor.choices.size(); ++j)
      coordinates.push_back((static_cast<double>(j) + 0.5) / count);
    return coordinates;
  }
  if (factor.levels < 2) reject(factor, "a grid needs levels >= 2, has " + std::to_string(factor.levels));
  if (factor.kind == Factor::Kind::integer && factor.levels > factor.high - factor.low + 1.0) {
    const auto whole = [](double value) { return std::to_string(static_cast<long long>(value)); };
    reject(factor, "a grid of " + std::to_string(factor.levels) + " levels would repeat values: " + whole(factor.low) +
                       " to " + whole(factor.high) + " has only " + whole(factor.high - factor.low + 1.0) +
                       " whole numbers");
  }
  const double last = factor.levels - 1;
  // j / (L - 1) is exactly 1 for j = L - 1, so the upper end maps to `high`.
  for (int j = 0; j < factor.levels; ++j) coordinates.push_back(j / last);
  return coordinates;
}

// (stratum + position) / n can round into the next stratum when the position is just below 1,
// and floor(u n) can round either way; step u to the neighbouring double until floor(u n) is
// exactly the stratum, so the stratification holds as a reader would check it.
double inside_stratum(double u, std::size_t stratum, std::size_t n) {
  const double count = static_cast<double>(n);
  const double target = static_cast<double>(stratum);
  while (std::floor(u * count) > target) u = std::nextafter(u, 0.0);
  while (std::floor(u * count) < target) u = std::nextafter(u, 1.0);
  return u;
}

// A draw of one Morris trajectory on levels 0 ... p - 1 (in grid steps), steps of p / 2 levels.
struct MorrisTrajectory {
  std::vector<std::vector<int>> levels;  // k + 1 points x factors
  std::vector<MorrisStep> steps;         // delta in grid steps (+-p/2), converted by the caller
};

// Morris (1991): for each factor a lower level among the p / 2 from which a step of p / 2 stays
// on the grid, a direction (up from the lower level or down to it) and a random factor order.
MorrisTrajectory draw_morris_trajectory(std::size_t factors, int levels, std::uint32_t seed, std::uint32_t trajectory) {
  DrawSequence draws(seed, DrawPurpose::morris_trajectory, trajectory);
  const int jump = levels / 2;
  std::vector<int> lower(factors);
  std::vector<int> direction(factors);
  for (auto& level : lower) level = static_cast<int>(draws.below(static_cast<std::uint32_t>(jump)));
  for (auto& sign : direction) sign = draws.below(2) == 0 ? 1 : -1;
  const std::vector<std::uint32_t> order = random_permutation(static_cast<std::uint32_t>(factors), draws);

  MorrisTrajectory result;
  std::vector<int> point(factors);
  for (std::size_t f = 0; f < factors; ++f) point[f] = direction[f] > 0 ? lower[f] : lower[f] + jump;
  result.levels.push_back(point);
  for (const std::uint32_t f : order) {
    point[f] += direction[f] * jump;
    result.levels.push_back(point);
    result.steps.push_back({f, static_cast<double>(direction[f] * jump)});
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Estimators.

void check_outputs(const Design& design, const std::vector<double>& y, const std::string& kind) {
  if (design.kind != kind)
    throw std::invalid_argument("these estimates need a " + kind + " design, not '" + design.kind + "'");
  if (y.size() != design.points())
    throw std::invalid_argument("the design has " + std::to_string(design.points()) + " points but " +
                                std::to_string(y.size()) + " outputs were given");
  for (std::size_t point = 0; point < y.size(); ++point)
    if (!std::isfinite(y[point]))
      throw std::invalid_argument("the output of point " + std::to_string(point) + " is not a finite number");
}

struct SaltelliEstimate {
  std::vector<double> first_order;
  std::vector<double> total;
};

// S_i and S_Ti from base rows `rows` (repetitions allowed: the bootstrap resamples rows).
SaltelliEstimate estimate_indices(const std::vector<double>& y, std::size_t base, std::size_t factors,
                                  const std::vector<std::uint32_t>& rows) {
  const auto output = [&](std::size_t block, std::uint32_t row) { return y[block * base + row]; };
  const double count = static_cast<double>(rows.size());
  double sum = 0.0;
  for (const std::uint32_t row : rows) sum += output(0, row) + output(1, row);
  const double mean = sum / (2.0 * count);
  double squares = 0.0;
  for (const std::uint32_t row : rows)
    squares += (output(0, row) - mean) * (output(0, row) - mean) + (output(1, row) - mean) * (output(1, row) - mean);
  const double variance = squares / (2.0 * count - 1.0);

  SaltelliEstimate estimate;
  for (std::size_t i = 0; i < factors; ++i) {
    double first_sum = 0.0;
    double total_sum = 0.0;
    for (const std::uint32_t row : rows) {
      const double a = output(0, row);
      const double b = output(1, row);
      const double ab = output(2 + i, row);
      // f_B centred on the mean output: the same estimator in expectation (E[f_ABi - f_A] = 0),
      // without the noise a large mean times a small difference brings.
      first_sum += (b - mean) * (ab - a);
      total_sum += (a - ab) * (a - ab);
    }
    // An output that does not vary has no share to split among the factors.
    const bool defined = variance > 0.0;
    estimate.first_order.push_back(defined ? first_sum / count / variance : std::nan(""));
    estimate.total.push_back(defined ? total_sum / count / 2.0 / variance : std::nan(""));
  }
  return estimate;
}

// Percentiles 2.5 and 97.5 with linear interpolation between order statistics (Hyndman and
// Fan's type 7, as R's and NumPy's defaults). Resamples whose outputs did not vary (NaN) are
// left out; NaN when more than half are.
Interval percentile_interval(std::vector<double> estimates) {
  const double missing = std::nan("");
  const std::size_t drawn = estimates.size();
  std::erase_if(estimates, [](double x) { return std::isnan(x); });
  if (estimates.empty() || 2 * estimates.size() < drawn) return {missing, missing};
  std::sort(estimates.begin(), estimates.end());
  const auto quantile = [&](double probability) {
    const double position = probability * static_cast<double>(estimates.size() - 1);
    const std::size_t below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, estimates.size() - 1);
    return estimates[below] + (position - static_cast<double>(below)) * (estimates[above] - estimates[below]);
  };
  return {quantile(0.025), quantile(0.975)};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Factors.

std::string_view factor_kind_name(Factor::Kind kind) {
  switch (kind) {
    case Factor::Kind::real:
      return "real";
    case Factor::Kind::integer:
      return "integer";
    case Factor::Kind::log:
      return "log";
    case Factor::Kind::categorical:
      return "categorical";
  }
  return "unknown";
}

void validate_factor(const Factor& factor) {
  if (factor.key.empty()) throw std::invalid_argument("a factor needs a key (the scenario key it varies)");
  if (factor.kind == Factor::Kind::categorical) {
    if (factor.choices.size() < 2)
      reject(factor, "a categorical factor needs at least two choices, has " + std::to_string(factor.choices.size()));
    std::set<std::string> seen;
    for (const std::string& choice : factor.choices)
      if (!seen.insert(choice).second) reject(factor, "choice '" + choice + "' is listed twice");
    return;
  }
  if (!std::isfinite(factor.low) || !std::isfinite(factor.high))
    reject(factor,
           "low and high must be finite numbers, are " + number_text(factor.low) + " and " + number_text(factor.high));
  if (factor.kind == Factor::Kind::log && factor.low <= 0.0)
    reject(factor, "a log-scale factor needs low > 0, has low = " + number_text(factor.low));
  if (factor.kind == Factor::Kind::integer && (!is_whole_int(factor.low) || !is_whole_int(factor.high)))
    reject(factor, "an integer factor needs whole-number bounds within the range of int, has low = " +
                       number_text(factor.low) + ", high = " + number_text(factor.high));
  if (factor.low >= factor.high)
    reject(factor, "low (" + number_text(factor.low) + ") must be below high (" + number_text(factor.high) + ")");
}

double to_value(const Factor& factor, double u) {
  if (!(u >= 0.0 && u <= 1.0)) reject(factor, "unit-cube coordinate " + number_text(u) + " is outside [0, 1]");
  const double low = factor.low;
  const double high = factor.high;
  switch (factor.kind) {
    case Factor::Kind::real:
      // low + (high - low) can differ from high in the last bit: the end is set exactly.
      return u == 1.0 ? high : std::min(low + u * (high - low), high);
    case Factor::Kind::log:
      // exp(log x) need not give x back: both ends are set exactly.
      if (u == 0.0) return low;
      if (u == 1.0) return high;
      return std::clamp(std::exp(std::log(low) + u * (std::log(high) - std::log(low))), low, high);
    case Factor::Kind::integer:
      return std::min(std::floor(low + u * (high - low + 1.0)), high);
    case Factor::Kind::categorical: {
      const double count = static_cast<double>(factor.choices.size());
      return std::min(std::floor(u * count), count - 1.0);
    }
  }
  return low;
}

std::string value_text(const Factor& factor, double value) {
  switch (factor.kind) {
    case Factor::Kind::real:
    case Factor::Kind::log:
      return number_text(value);
    case Factor::Kind::integer: {
      if (!is_whole_int(value)) reject(factor, number_text(value) + " is not a whole number");
      int whole = static_cast<int>(value);
      return scenario::field_text(&whole);
    }
    case Factor::Kind::categorical: {
      if (!(value >= 0.0 && value < static_cast<double>(factor.choices.size())) || value != std::floor(value))
        reject(factor, number_text(value) + " is not the index of one of its " + std::to_string(factor.choices.size()) +
                           " choices");
      std::string choice = factor.choices[static_cast<std::size_t>(value)];
      return scenario::field_text(&choice);
    }
  }
  return number_text(value);
}

// ---------------------------------------------------------------------------------------------
// The Sobol' sequence.

std::vector<std::vector<double>> sobol_sequence(std::size_t dimensions, std::size_t n) {
  check_sequence_request(dimensions, n);
  std::vector<std::vector<double>> points(n, std::vector<double>(dimensions));
  for (std::size_t d = 0; d < dimensions; ++d) {
    const DirectionNumbers v = direction_numbers(d);
    for (std::size_t i = 0; i < n; ++i) points[i][d] = sobol_coordinate(v, static_cast<std::uint32_t>(i)) * 0x1.0p-32;
  }
  return points;
}

std::vector<std::vector<double>> scrambled_sobol_sequence(std::size_t dimensions, std::size_t n, std::uint32_t seed) {
  check_sequence_request(dimensions, n);
  std::vector<std::vector<double>> points(n, std::vector<double>(dimensions));
  for (std::size_t d = 0; d < dimensions; ++d) {
    const DirectionNumbers v = direction_numbers(d);
    const auto dimension = static_cast<std::uint32_t>(d);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t x = sobol_coordinate(v, static_cast<std::uint32_t>(i));
      const std::uint32_t scrambled = owen_scramble(x, dimension, seed);
      // 21 uniform bits below the 32 scrambled ones fill the double's 53 bits: the sum is exact
      // and stays below 1.
      const std::uint32_t low_bits = philox_block(seed, DrawPurpose::sobol_low_bits, dimension, x, 0u).v[0] >> 11;
      points[i][d] = scrambled * 0x1.0p-32 + low_bits * 0x1.0p-53;
    }
  }
  return points;
}

// ---------------------------------------------------------------------------------------------
// Designs.

Design grid(const std::vector<Factor>& factors) {
  validate_factors(factors, "grid");
  std::vector<std::vector<double>> coordinates;
  std::size_t count = 1;
  for (const Factor& factor : factors) {
    coordinates.push_back(grid_coordinates(factor));
    count = capped_product(count, coordinates.back().size());
  }
  check_size(count, "the grid");

  Design design = start_design(factors, "grid", 0);
  design.unit.assign(count, std::vector<double>(factors.size()));
  for (std::size_t point = 0; point < count; ++point) {
    // Mixed-radix digits of the point number, the last factor's digit varying fastest.
    std::size_t rest = point;
    for (std::size_t f = factors.size(); f-- > 0;) {
      design.unit[point][f] = coordinates[f][rest % coordinates[f].size()];
      rest /= coordinates[f].size();
    }
  }
  map_to_values(design);
  return design;
}

Design latin_hypercube(const std::vector<Factor>& factors, std::size_t n, std::uint32_t seed) {
  validate_factors(factors, "Latin hypercube");
  if (n < 1) throw std::invalid_argument("a Latin hypercube needs at least 1 point, not 0");
  check_size(n, "the Latin hypercube");

  Design design = start_design(factors, "latin_hypercube", seed);
  design.unit.assign(n, std::vector<double>(factors.size()));
  const auto strata = static_cast<std::uint32_t>(n);
  for (std::size_t f = 0; f < factors.size(); ++f) {
    DrawSequence permutation_draws(seed, DrawPurpose::latin_permutation, static_cast<std::uint32_t>(f));
    DrawSequence position_draws(seed, DrawPurpose::latin_position, static_cast<std::uint32_t>(f));
    const std::vector<std::uint32_t> stratum = random_permutation(strata, permutation_draws);
    for (std::size_t point = 0; point < n; ++point) {
      const double u = (stratum[point] + position_draws.uniform()) / static_cast<double>(n);
      design.unit[point][f] = inside_stratum(u, stratum[point], n);
    }
  }
  map_to_values(design);
  return design;
}

Design sobol_saltelli(const std::vector<Factor>& factors, std::size_t n, std::uint32_t seed) {
  validate_factors(factors, "Sobol' design");
  const std::size_t k = factors.size();
  if (k > sobol_max_dimensions / 2)
    throw std::invalid_argument("a Sobol' design takes at most " + std::to_string(sobol_max_dimensions / 2) +
                                " factors (its sequence has " + std::to_string(sobol_max_dimensions) +
                                " dimensions), not " + std::to_string(k));
  if (n < 2)
    throw std::invalid_argument("a Sobol' design needs at least 2 base samples (a power of two is best), not " +
                                std::to_string(n));
  check_size(capped_product(n, k + 2), "the Sobol' design");

  const std::vector<std::vector<double>> sequence = scrambled_sobol_sequence(2 * k, n, seed);
  Design design = start_design(factors, "sobol_saltelli", seed);
  design.base_samples = n;
  design.unit.reserve(n * (k + 2));
  const auto a_row = [&](std::size_t j) { return std::vector<double>(sequence[j].begin(), sequence[j].begin() + k); };
  const auto b_row = [&](std::size_t j) { return std::vector<double>(sequence[j].begin() + k, sequence[j].end()); };
  for (std::size_t j = 0; j < n; ++j) design.unit.push_back(a_row(j));
  for (std::size_t j = 0; j < n; ++j) design.unit.push_back(b_row(j));
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      std::vector<double> row = a_row(j);
      row[i] = sequence[j][k + i];
      design.unit.push_back(std::move(row));
    }
  }
  map_to_values(design);
  return design;
}

Design morris(const std::vector<Factor>& factors, std::size_t trajectories, int levels, std::uint32_t seed) {
  validate_factors(factors, "Morris design");
  if (trajectories < 1) throw std::invalid_argument("a Morris design needs at least 1 trajectory, not 0");
  if (levels < 2 || levels % 2 != 0)
    throw std::invalid_argument(
        "a Morris design needs an even number of levels >= 2 (so that a step of p / (2 (p - 1)) "
        "stays on the grid), not " +
        std::to_string(levels));
  const std::size_t k = factors.size();
  check_size(capped_product(trajectories, k + 1), "the Morris design");

  Design design = start_design(factors, "morris", seed);
  design.morris_levels = levels;
  const double last_level = levels - 1;
  design.morris_delta = (levels / 2) / last_level;
  for (std::size_t t = 0; t < trajectories; ++t) {
    const MorrisTrajectory trajectory = draw_morris_trajectory(k, levels, seed, static_cast<std::uint32_t>(t));
    for (const std::vector<int>& point : trajectory.levels) {
      std::vector<double> unit(k);
      // level / (p - 1) is exactly 1 at the top level, so the upper end maps to `high`.
      for (std::size_t f = 0; f < k; ++f) unit[f] = point[f] / last_level;
      design.unit.push_back(std::move(unit));
    }
    std::vector<MorrisStep> steps;
    for (const MorrisStep& step : trajectory.steps)
      steps.push_back({step.factor, step.delta > 0 ? design.morris_delta : -design.morris_delta});
    design.morris_steps.push_back(std::move(steps));
  }
  map_to_values(design);
  return design;
}

// ---------------------------------------------------------------------------------------------
// Estimators.

std::vector<SobolIndices> sobol_indices(const Design& design, const std::vector<double>& y,
                                        std::size_t bootstrap_samples, std::uint32_t seed) {
  check_outputs(design, y, "sobol_saltelli");
  const std::size_t n = design.base_samples;
  const std::size_t k = design.factors.size();
  if (n < 2 || design.points() != n * (k + 2))
    throw std::invalid_argument("the Sobol' design's size does not match its base samples and factors");

  std::vector<std::uint32_t> rows(n);
  std::iota(rows.begin(), rows.end(), 0u);
  const SaltelliEstimate estimate = estimate_indices(y, n, k, rows);

  std::vector<std::vector<double>> first_resampled(k);
  std::vector<std::vector<double>> total_resampled(k);
  for (std::size_t sample = 0; sample < bootstrap_samples; ++sample) {
    DrawSequence draws(seed, DrawPurpose::bootstrap, static_cast<std::uint32_t>(sample));
    for (auto& row : rows) row = draws.below(static_cast<std::uint32_t>(n));
    const SaltelliEstimate resampled = estimate_indices(y, n, k, rows);
    for (std::size_t i = 0; i < k; ++i) {
      first_resampled[i].push_back(resampled.first_order[i]);
      total_resampled[i].push_back(resampled.total[i]);
    }
  }

  std::vector<SobolIndices> indices;
  for (std::size_t i = 0; i < k; ++i) {
    indices.push_back({design.factors[i].key, estimate.first_order[i], percentile_interval(first_resampled[i]),
                       estimate.total[i], percentile_interval(total_resampled[i])});
  }
  return indices;
}

std::vector<MorrisEffects> morris_effects(const Design& design, const std::vector<double>& y) {
  check_outputs(design, y, "morris");
  const std::size_t k = design.factors.size();
  const std::size_t r = design.morris_steps.size();
  const bool consistent = r >= 1 && design.points() == r * (k + 1) &&
                          std::all_of(design.morris_steps.begin(), design.morris_steps.end(),
                                      [&](const std::vector<MorrisStep>& steps) { return steps.size() == k; });
  if (!consistent) throw std::invalid_argument("the Morris design's trajectories do not match its points");

  std::vector<std::vector<double>> effects(k);
  for (std::size_t t = 0; t < r; ++t) {
    for (std::size_t s = 0; s < k; ++s) {
      const MorrisStep& step = design.morris_steps[t][s];
      const std::size_t before = t * (k + 1) + s;
      effects.at(step.factor).push_back((y[before + 1] - y[before]) / step.delta);
    }
  }

  std::vector<MorrisEffects> measures;
  for (std::size_t f = 0; f < k; ++f) {
    const std::vector<double>& ee = effects[f];
    const double count = static_cast<double>(ee.size());
    double sum = 0.0;
    double absolute_sum = 0.0;
    for (const double effect : ee) {
      sum += effect;
      absolute_sum += std::fabs(effect);
    }
    const double mean = sum / count;
    double squares = 0.0;
    for (const double effect : ee) squares += (effect - mean) * (effect - mean);
    const double deviation = ee.size() > 1 ? std::sqrt(squares / (count - 1.0)) : std::nan("");
    measures.push_back({design.factors[f].key, mean, absolute_sum / count, deviation});
  }
  return measures;
}

}  // namespace incubsim::engine
