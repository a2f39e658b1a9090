#include "engine/robustness.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace incubsim::engine {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> rank(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double average = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) rank[order[k]] = average;
    i = j + 1;
  }
  return rank;
}

}  // namespace

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw std::invalid_argument("spearman: samples of different sizes");
  std::vector<double> a, b;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i]) || std::isnan(y[i])) continue;
    a.push_back(x[i]);
    b.push_back(y[i]);
  }
  if (a.size() < 3) return nan;
  const std::vector<double> ra = ranks(a), rb = ranks(b);
  const double mean = (static_cast<double>(a.size()) + 1.0) / 2.0;
  double covariance = 0.0, va = 0.0, vb = 0.0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    covariance += (ra[i] - mean) * (rb[i] - mean);
    va += (ra[i] - mean) * (ra[i] - mean);
    vb += (rb[i] - mean) * (rb[i] - mean);
  }
  if (va <= 0.0 || vb <= 0.0) return nan;
  return covariance / std::sqrt(va * vb);
}

void summarise_robustness(io::RobustnessResult& result, const std::vector<std::vector<io::ComparisonRow>>& comparisons) {
  const std::size_t points = comparisons.size();
  if (points == 0) return;
  const std::size_t scenarios = result.scenarios;
  if (scenarios == 0 || comparisons.front().size() % scenarios != 0) throw std::invalid_argument("robustness: rows do not fit the scenarios");
  const std::size_t metrics = comparisons.front().size() / scenarios;
  result.metric_kind.clear();
  result.metric_name.clear();
  result.metric_month.clear();
  for (std::size_t m = 0; m < metrics; ++m) {
    const io::ComparisonRow& row = comparisons.front()[m * scenarios];
    result.metric_kind.push_back(row.kind);
    result.metric_name.push_back(row.name);
    result.metric_month.push_back(row.month);
  }
  // Rows come metric-major, scenario-minor (ComparisonAccumulator::rows).
  auto row_at = [&](std::size_t point, std::size_t scenario, std::size_t metric) -> const io::ComparisonRow& {
    return comparisons[point][metric * scenarios + scenario];
  };
  result.difference.assign(points * scenarios * metrics, nan);
  for (std::size_t p = 0; p < points; ++p) {
    if (comparisons[p].size() != metrics * scenarios) throw std::invalid_argument("robustness: a point has other metrics");
    for (std::size_t s = 0; s < scenarios; ++s) {
      for (std::size_t m = 0; m < metrics; ++m) result.difference[(p * scenarios + s) * metrics + m] = row_at(p, s, m).difference;
    }
  }
  const std::size_t keys = result.keys.size();
  result.correlation.assign(scenarios * metrics * keys, nan);
  result.rows.clear();
  for (std::size_t s = 1; s < scenarios; ++s) {
    for (std::size_t m = 0; m < metrics; ++m) {
      io::RobustnessRow row;
      row.scenario = static_cast<std::uint32_t>(s);
      row.kind = result.metric_kind[m];
      row.name = result.metric_name[m];
      row.month = result.metric_month[m];
      std::vector<double> differences(points, nan);
      for (std::size_t p = 0; p < points; ++p) {
        const io::ComparisonRow& at = row_at(p, s, m);
        differences[p] = at.difference;
        if (std::isnan(at.difference)) continue;
        row.points += 1;
        if (at.difference > 0 && at.difference_low > 0) row.beats += 1;
        else if (at.difference < 0 && at.difference_high < 0) row.loses += 1;
        else row.ties += 1;
      }
      double strongest = 0.0;
      row.correlation = nan;  // stays NaN when no assumption correlates
      for (std::size_t k = 0; k < keys; ++k) {
        // Only assumptions the reference or this alternative declares can move their difference.
        const bool applies = result.declared.empty() || result.declared[0][k] != 0 || result.declared[s][k] != 0;
        if (!applies) continue;
        std::vector<double> quantiles(points);
        for (std::size_t p = 0; p < points; ++p) quantiles[p] = result.unit[p][k];
        const double rho = spearman(quantiles, differences);
        result.correlation[(s * metrics + m) * keys + k] = rho;
        if (!std::isnan(rho) && std::fabs(rho) > strongest) {
          strongest = std::fabs(rho);
          row.deciding_key = result.keys[k];
          row.correlation = rho;
        }
      }
      result.rows.push_back(std::move(row));
    }
  }
}

}  // namespace incubsim::engine
