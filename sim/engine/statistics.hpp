#pragma once
// Small statistics used in every command's report.

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace incubsim::engine {

// 95% Wilson score interval for `successes` out of `trials` (0..1); (0, 1) when trials is 0.
inline std::pair<double, double> wilson_interval(double successes, double trials, double z = 1.959963984540054) {
  if (trials <= 0) return {0.0, 1.0};
  const double p = successes / trials;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const double half = z * std::sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials);
  // The interval always holds p (rounding could leave p = 0 a hair outside it).
  return {std::clamp(centre - half, 0.0, p), std::clamp(centre + half, p, 1.0)};
}

struct MeanInterval {
  double mean = 0.0;
  double low = 0.0;
  double high = 0.0;
};

// Mean with its 95% Student-t interval; NaN values are skipped; with fewer than two values the
// interval is the mean itself (NaN when there are none).
inline MeanInterval mean_interval(const std::vector<double>& values) {
  double sum = 0.0;
  std::size_t n = 0;
  for (double x : values) {
    if (std::isnan(x)) continue;
    sum += x;
    ++n;
  }
  if (n == 0) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan, nan};
  }
  const double mean = sum / static_cast<double>(n);
  if (n < 2) return {mean, mean, mean};
  double squares = 0.0;
  for (double x : values) {
    if (!std::isnan(x)) squares += (x - mean) * (x - mean);
  }
  const double standard_error = std::sqrt(squares / static_cast<double>(n - 1) / static_cast<double>(n));
  const boost::math::students_t t(static_cast<double>(n - 1));
  const double half = boost::math::quantile(boost::math::complement(t, 0.025)) * standard_error;
  return {mean, mean - half, mean + half};
}

}  // namespace incubsim::engine
