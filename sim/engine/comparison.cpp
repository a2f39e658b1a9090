#include "engine/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <tuple>

#include "engine/statistics.hpp"
#include "engine/summary.hpp"

namespace incubsim::engine {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double mean_of(const std::vector<double>& values) { return mean_interval(values).mean; }

}  // namespace

ComparisonAccumulator::ComparisonAccumulator(const io::ResultsHeader& header, std::uint32_t replications)
    : header_(header), replications_(replications), spending_column_(column_of(header, "public_spending_cumulative")) {
  const std::string& reference = header.scenario_names.front();
  const int horizon = static_cast<int>(header.month_labels.size()) - 1;
  std::set<int> months;
  for (std::size_t t = 0; t < header.targets.size(); ++t) {
    const io::TargetInfo& target = header.targets[t];
    if (target.scenario != reference) continue;
    Metric metric{"target", target.id, target.deadline_month, -1, {}};
    for (const std::string& scenario : header.scenario_names) {
      int found = -1;
      for (std::size_t u = 0; u < header.targets.size(); ++u) {
        if (header.targets[u].scenario == scenario && header.targets[u].id == target.id) found = static_cast<int>(u);
      }
      metric.target_of_scenario.push_back(found);
    }
    metrics_.push_back(std::move(metric));
    months.insert(target.deadline_month);
  }
  months.insert(horizon);
  for (const int month : months) {
    for (const std::string_view name : key_outcome_indicators()) {
      metrics_.push_back(Metric{"outcome", std::string(name), month, column_of(header, name), {}});
    }
  }
  const std::size_t scenarios = header.scenario_names.size();
  values_.assign(scenarios, std::vector<std::vector<double>>(metrics_.size(), std::vector<double>(replications, nan)));
  spending_ = values_;
}

void ComparisonAccumulator::add(const io::RunOutput& run) {
  if (run.scenario >= values_.size() || run.replication >= replications_) return;
  const std::size_t columns = header_.indicators.size();
  for (std::size_t m = 0; m < metrics_.size(); ++m) {
    const Metric& metric = metrics_[m];
    const double* row = run.indicators.data() + static_cast<std::size_t>(metric.month) * columns;
    double value = nan;
    if (metric.kind == "target") {
      const int t = metric.target_of_scenario[run.scenario];
      if (t >= 0 && run.targets_met[static_cast<std::size_t>(t)] != 255) value = run.targets_met[static_cast<std::size_t>(t)];
    } else {
      value = row[metric.indicator];
    }
    values_[run.scenario][m][run.replication] = value;
    spending_[run.scenario][m][run.replication] = row[spending_column_];
  }
}

std::vector<io::ComparisonRow> ComparisonAccumulator::rows() const {
  std::vector<io::ComparisonRow> rows;
  for (std::size_t m = 0; m < metrics_.size(); ++m) {
    const Metric& metric = metrics_[m];
    const double reference_spending = mean_of(spending_[0][m]);
    for (std::size_t s = 0; s < values_.size(); ++s) {
      io::ComparisonRow row;
      row.scenario = static_cast<std::uint32_t>(s);
      row.kind = metric.kind;
      row.name = metric.name;
      row.month = header_.month_labels[static_cast<std::size_t>(metric.month)];
      const MeanInterval level = mean_interval(values_[s][m]);
      row.mean = level.mean;
      row.low = level.low;
      row.high = level.high;
      if (metric.kind == "target" && !std::isnan(level.mean)) {
        // A share of replications: its Wilson interval, as in /summary/targets (never outside [0, 1]).
        double met = 0.0, trials = 0.0;
        for (const double x : values_[s][m]) {
          if (std::isnan(x)) continue;
          met += x;
          trials += 1.0;
        }
        std::tie(row.low, row.high) = wilson_interval(met, trials);
      }
      std::vector<double> paired(replications_, nan);
      for (std::uint32_t r = 0; r < replications_; ++r) paired[r] = values_[s][m][r] - values_[0][m][r];
      const MeanInterval difference = mean_interval(paired);
      row.difference = difference.mean;
      row.difference_low = difference.low;
      row.difference_high = difference.high;
      row.public_spending = mean_of(spending_[s][m]);
      row.per_million_public = row.public_spending > 0 ? row.mean / (row.public_spending / 1e6) : nan;
      const double extra_spending = row.public_spending - reference_spending;
      // Only where the extra spending is material (at least 10,000 RMB and 0.1% of the reference's):
      // a ratio over a rounding-sized difference says nothing.
      const bool material = std::fabs(extra_spending) >= std::max(1e4, 1e-3 * std::fabs(reference_spending));
      row.difference_per_million = material ? row.difference / (extra_spending / 1e6) : nan;
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace incubsim::engine
