#include "engine/summary.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>

#include <boost/math/distributions/students_t.hpp>

#include "engine/statistics.hpp"
#include "io/hdf5.hpp"

namespace incubsim::engine {

const std::vector<std::string_view>& key_outcome_indicators() {
  static const std::vector<std::string_view> names = {
      "ventures_active",       "jobs",                    "jobs_net",          "jobs_base",         "ventures_base",
      "graduations_cumulative", "tech_sme_cumulative",    "high_tech_cumulative", "high_tech_cumulative_base",
      "talents_cultivated_base", "funding_raised_cumulative", "relocations_cumulative"};
  return names;
}

namespace {

// The column of indicator `name`, -1 when the header has none.
int find_column(const io::ResultsHeader& header, std::string_view name) {
  for (std::size_t i = 0; i < header.indicators.size(); ++i) {
    if (header.indicators[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

int column_of(const io::ResultsHeader& header, std::string_view name) {
  if (const int column = find_column(header, name); column >= 0) return column;
  // A file written by an older incubsim may lack an indicator the summary now reads.
  throw io::ResultsError("the results have no indicator '" + std::string(name) +
                         "': written by an older incubsim (docs/output-format.md, Changes); run the command again with this one");
}

SummaryAccumulator::SummaryAccumulator(const io::ResultsHeader& header)
    : indicator_count_(header.indicators.size()),
      months_(header.month_labels.size()),
      trials_(header.targets.size(), 0),
      met_(header.targets.size(), 0),
      outcomes_(header.scenario_names.size(), std::vector<Moments>(key_outcome_indicators().size())),
      spending_(header.scenario_names.size()) {
  for (const std::string_view name : key_outcome_indicators()) outcome_columns_.push_back(column_of(header, name));
  spending_column_ = column_of(header, "public_spending_cumulative");
  clamps_column_ = find_column(header, "clamps_bound");  // absent in files before format 4
}

void SummaryAccumulator::add(const io::RunOutput& run) {
  for (std::size_t t = 0; t < run.targets_met.size() && t < trials_.size(); ++t) {
    if (run.targets_met[t] == 255) continue;  // the run could not judge it
    trials_[t] += 1;
    met_[t] += run.targets_met[t];
  }
  if (months_ == 0 || run.scenario >= outcomes_.size()) return;
  const double* last = run.indicators.data() + (months_ - 1) * indicator_count_;
  auto accumulate = [](Moments& m, double x) {
    m.count += 1.0;
    m.sum += x;
    m.sum_squares += x * x;
  };
  for (std::size_t k = 0; k < outcome_columns_.size(); ++k) accumulate(outcomes_[run.scenario][k], last[outcome_columns_[k]]);
  accumulate(spending_[run.scenario], last[spending_column_]);
  if (clamps_column_ >= 0 && last[clamps_column_] > 0.0) {
    clamped_runs_ += 1;
    clamps_bound_ += last[clamps_column_];
  }
}

io::ResultsSummary SummaryAccumulator::summary() const {
  io::ResultsSummary summary;
  summary.clamped_runs = clamped_runs_;
  summary.clamps_bound = clamps_bound_;
  for (std::size_t t = 0; t < trials_.size(); ++t) {
    io::TargetAttainment& a = summary.targets.emplace_back();
    a.trials = trials_[t];
    a.met = met_[t];
    a.share = a.trials > 0 ? static_cast<double>(a.met) / static_cast<double>(a.trials) : 0.0;
    std::tie(a.low, a.high) = wilson_interval(static_cast<double>(a.met), static_cast<double>(a.trials));
  }
  for (std::size_t s = 0; s < outcomes_.size(); ++s) {
    const double spending = spending_[s].count > 0 ? spending_[s].sum / spending_[s].count : 0.0;
    for (std::size_t k = 0; k < outcome_columns_.size(); ++k) {
      const Moments& m = outcomes_[s][k];
      io::OutcomeSummary& o = summary.outcomes.emplace_back();
      o.scenario = static_cast<std::uint32_t>(s);
      o.indicator = std::string(key_outcome_indicators()[k]);
      o.mean = m.count > 0 ? m.sum / m.count : 0.0;
      const double variance = m.count > 1 ? std::max(0.0, (m.sum_squares - m.sum * o.mean) / (m.count - 1)) : 0.0;
      // Student t, as every other interval of a mean in the results (engine/statistics.hpp).
      const double t = m.count > 1 ? boost::math::quantile(boost::math::complement(boost::math::students_t(m.count - 1), 0.025)) : 0.0;
      const double half = m.count > 0 ? t * std::sqrt(variance / m.count) : 0.0;
      o.low = o.mean - half;
      o.high = o.mean + half;
      o.public_spending = spending;
      o.per_million_public = spending > 0 ? o.mean / (spending / 1e6) : std::numeric_limits<double>::quiet_NaN();
    }
  }
  return summary;
}

}  // namespace incubsim::engine
