#include "engine/conclusions.hpp"

#include <limits>

#include "model/indicators.hpp"

namespace incubsim::engine {

Conclusions::Conclusions(const io::ResultsHeader& header, bool paired) : summary_(header), header_(header) {
  if (paired) comparison_.emplace(header, header.replications);
}

Conclusions::Conclusions(const io::ResultsHeader& header, const Design& design)
    : summary_(header),
      header_(header),
      design_(&design),
      sums_(design.points(), std::vector<double>(key_outcome_indicators().size(), 0.0)),
      counts_(design.points(), 0) {
  for (const std::string_view name : key_outcome_indicators()) columns_.push_back(model::indicator_index(name));
}

void Conclusions::add(const io::RunOutput& run) {
  summary_.add(run);
  if (comparison_) comparison_->add(run);
  if (run.point >= counts_.size()) return;
  const std::size_t width = header_.indicators.size();
  const double* last = run.indicators.data() + (header_.month_labels.size() - 1) * width;
  for (std::size_t k = 0; k < columns_.size(); ++k) sums_[run.point][k] += last[columns_[k]];
  counts_[run.point] += 1;
}

io::ResultsSummary Conclusions::conclude() const {
  io::ResultsSummary summary = summary_.summary();
  if (comparison_) summary.comparison = comparison_->rows();
  if (design_ == nullptr || (design_->kind != "sobol_saltelli" && design_->kind != "morris")) return summary;
  const Design& design = *design_;
  const auto& names = key_outcome_indicators();
  for (std::size_t k = 0; k < names.size(); ++k) {
    std::vector<double> y(counts_.size());
    for (std::size_t p = 0; p < counts_.size(); ++p) y[p] = counts_[p] > 0 ? sums_[p][k] / counts_[p] : 0.0;
    if (design.kind == "sobol_saltelli") {
      for (const SobolIndices& index : sobol_indices(design, y, 200, design.seed)) {
        io::SensitivityRow row;
        row.indicator = std::string(names[k]);
        row.factor = index.key;
        row.first_order = index.first_order;
        row.first_order_low = index.first_order_interval.low;
        row.first_order_high = index.first_order_interval.high;
        row.total = index.total;
        row.total_low = index.total_interval.low;
        row.total_high = index.total_interval.high;
        row.mu = row.mu_star = row.sigma = std::numeric_limits<double>::quiet_NaN();
        summary.sensitivity.push_back(row);
      }
    } else {
      for (const MorrisEffects& effect : morris_effects(design, y)) {
        io::SensitivityRow row;
        row.indicator = std::string(names[k]);
        row.factor = effect.key;
        row.first_order = row.first_order_low = row.first_order_high = std::numeric_limits<double>::quiet_NaN();
        row.total = row.total_low = row.total_high = std::numeric_limits<double>::quiet_NaN();
        row.mu = effect.mean;
        row.mu_star = effect.mean_absolute;
        row.sigma = effect.deviation;
        summary.sensitivity.push_back(row);
      }
    }
  }
  return summary;
}

}  // namespace incubsim::engine
