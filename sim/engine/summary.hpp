#pragma once
// What a command concludes from its runs, accumulated run by run in run order (so the same runs
// give the same figures, whatever the thread count): per target the share of replications that
// met it with a 95% Wilson interval; per scenario the key outcomes at the horizon with a 95%
// interval of the mean, beside the mean public spending and the outcome per million RMB of it,
// so that an alternative that wins only by spending more is visible.

#include <string_view>
#include <vector>

#include "io/results.hpp"

namespace incubsim::engine {

// The indicators reported at the horizon, in report order.
const std::vector<std::string_view>& key_outcome_indicators();

// The column of indicator `name` in `header.indicators`; throws std::logic_error when absent.
int column_of(const io::ResultsHeader& header, std::string_view name);

class SummaryAccumulator {
 public:
  explicit SummaryAccumulator(const io::ResultsHeader& header);
  void add(const io::RunOutput& run);
  io::ResultsSummary summary() const;

 private:
  struct Moments {
    double count = 0.0, sum = 0.0, sum_squares = 0.0;
  };
  std::size_t indicator_count_ = 0;
  std::size_t months_ = 0;
  std::vector<int> outcome_columns_;  // indicator index of each key outcome
  int spending_column_ = -1;
  std::vector<std::uint64_t> trials_, met_;
  std::vector<std::vector<Moments>> outcomes_;  // [scenario][key outcome]
  std::vector<Moments> spending_;               // [scenario]
  int clamps_column_ = -1;                      // indicator clamps_bound
  std::uint64_t clamped_runs_ = 0;
  double clamps_bound_ = 0.0;
};

}  // namespace incubsim::engine
