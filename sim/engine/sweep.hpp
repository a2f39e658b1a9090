#pragma once
// A sweep's design in terms of its scenario: the --set overrides that load each design point,
// the check that every factor's ends are values the scenario accepts, the design as the results
// file stores it (and regenerated from it), and the slice of the runs a shard takes.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/design.hpp"
#include "io/results.hpp"
#include "scenario/loader.hpp"

namespace incubsim::engine {

// The overrides that turn the base scenario into each point of a design: the base overrides
// (--set) followed by one KEY=VALUE per factor.
class PointOverrides {
 public:
  PointOverrides(const Design& design, const scenario::Scenario& base, std::vector<std::string> base_overrides);
  std::vector<std::string> at(std::size_t point) const;
  // The --set text of factor f at `value`: numbers as numbers; a categorical choice as written for
  // numeric and boolean parameters, quoted for text and choices.
  std::string text(std::size_t factor, double value) const;

 private:
  const Design& design_;
  std::vector<std::string> base_overrides_;
  std::vector<bool> quoted_;  // per factor: a categorical choice of a text or choice parameter
};

// Loads the base scenario with each factor at its ends (and at each choice), so a range the
// scenario refuses is bad input (scenario::ScenarioError naming the key) before any run.
void check_factor_ends(const Design& design, const scenario::Scenario& base, const std::vector<std::string>& base_overrides);

// Runs in a sweep of `design` with `replications` each (may exceed 2^32: the caller refuses it).
std::uint64_t sweep_runs(const Design& design, std::uint32_t replications);

// Runs first .. end - 1: shard `index` (from 1) of `count` equal slices of `total` runs.
struct RunRange {
  std::uint32_t first = 0;
  std::uint32_t end = 0;
};
RunRange shard_runs(std::uint32_t total, unsigned index, unsigned count);

// The design as a results file stores it (/design), with `samples` as asked.
io::DesignInfo design_info(const Design& design, std::uint32_t samples);
// The design a results file describes, regenerated from its factors, kind, samples and seed.
Design design_from(const io::DesignInfo& info, int grid_levels);

}  // namespace incubsim::engine
