#pragma once
// What an experiment concludes from its runs, accumulated run by run in run order: target
// attainment and key outcomes over all runs (engine/summary.hpp); for compare the paired
// comparison against the first scenario (engine/comparison.hpp); for a Sobol' or Morris sweep the
// sensitivity of each key outcome at the horizon, on the replication means of each point.

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/comparison.hpp"
#include "engine/design.hpp"
#include "engine/summary.hpp"
#include "io/results.hpp"

namespace incubsim::engine {

class Conclusions {
 public:
  // Run and compare: no design. `paired`: compare's comparison against the first scenario.
  Conclusions(const io::ResultsHeader& header, bool paired);
  // A sweep over `design` (which must outlive this).
  Conclusions(const io::ResultsHeader& header, const Design& design);
  void add(const io::RunOutput& run);
  io::ResultsSummary conclude() const;

 private:
  SummaryAccumulator summary_;
  const io::ResultsHeader& header_;
  std::optional<ComparisonAccumulator> comparison_;
  const Design* design_ = nullptr;
  std::vector<int> columns_;                // indicator index of each key outcome
  std::vector<std::vector<double>> sums_;   // [point][key outcome] at the horizon
  std::vector<std::uint32_t> counts_;       // runs per point
};

}  // namespace incubsim::engine
