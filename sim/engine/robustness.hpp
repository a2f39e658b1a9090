#pragma once
// Does a ranking survive the assumptions behind it? Given, at each of M points over the declared
// [uncertainty] ranges, the paired comparison of every scenario against the reference
// (engine/comparison.hpp), count for each alternative and metric the points where it beats, ties
// or loses (a paired difference whose 95% interval lies above 0, holds 0, or lies below 0), and
// find the assumption that decides it: the one whose quantile has the largest Spearman rank
// correlation with the paired difference.

#include <vector>

#include "io/results.hpp"

namespace incubsim::engine {

// Spearman rank correlation (average ranks for ties); NaN when either side is constant.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

// `result.keys`, `unit`, `values` and `declared` filled by the caller (a key correlates only
// with the differences of scenarios where the reference or the alternative declares it); `comparisons[point]` are the rows of the
// paired comparison at that point, all in the same metric order. Fills the differences,
// correlations and rows.
void summarise_robustness(io::RobustnessResult& result, const std::vector<std::vector<io::ComparisonRow>>& comparisons);

}  // namespace incubsim::engine
