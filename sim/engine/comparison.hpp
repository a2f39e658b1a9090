#pragma once
// Paired comparison of scenarios run on common random numbers (`incubsim compare`): replication r
// of every scenario draws the same potential entrants and the same monthly numbers, so the
// difference of a metric between two scenarios is measured run against run, and its interval is
// that of a paired difference (much narrower than the difference of two independent means).
//
// Metrics: each target of the first scenario (met or not, matched by id in the others) at its
// deadline, and each key outcome (engine/summary.hpp) at every target deadline and at the
// horizon. Beside each: mean cumulative public spending by that month, the metric per million RMB
// of it, and the paired difference per million RMB of additional spending.

#include <string>
#include <vector>

#include "io/results.hpp"

namespace incubsim::engine {

class ComparisonAccumulator {
 public:
  // `header` lists the scenarios (in command order; the first is the reference) and their targets.
  ComparisonAccumulator(const io::ResultsHeader& header, std::uint32_t replications);
  void add(const io::RunOutput& run);
  std::vector<io::ComparisonRow> rows() const;

 private:
  struct Metric {
    std::string kind, name;
    int month = 0;
    int indicator = -1;  // outcome: indicator column
    std::vector<int> target_of_scenario;  // target: index in the header's list per scenario, -1 absent
  };
  const io::ResultsHeader& header_;
  std::uint32_t replications_;
  std::vector<Metric> metrics_;
  int spending_column_ = -1;
  // values_[scenario][metric][replication], spending_[scenario][metric][replication]
  std::vector<std::vector<std::vector<double>>> values_, spending_;
};

}  // namespace incubsim::engine
