#pragma once
// Small statistics used in every command's report.

#include <algorithm>
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
  // The interval always holds p (rounding could leave p = 0 a hair outside it).
  return {std::clamp(centre - half, 0.0, p), std::clamp(centre + half, p, 1.0)};
}

}  // namespace incubsim::engine
