#pragma once
// Small statistics used in every command's report.

#include <cmath>
#include <utility>

namespace incubsim::engine {

// 95% Wilson score interval for `successes` out of `trials` (0..1); (0, 1) when trials is 0.
inline std::pair<double, double> wilson_interval(double successes, double trials, double z = 1.959963984540054) {
  if (trials <= 0) return {0.0, 1.0};
  const double p = successes / trials;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const double half = z * std::sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace incubsim::engine
