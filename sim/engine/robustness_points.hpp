#pragma once
// `compare --robustness M`: the points over the assumptions the scenarios declare ranges for
// ([uncertainty]), every scenario loaded at each, and their paired comparisons run on common
// random numbers (summarised by engine/robustness.hpp).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "io/results.hpp"
#include "scenario/loader.hpp"

namespace incubsim::engine {

// The assumptions robustness varies: every key some scenario declares a range for, sorted, with
// each scenario's own range (or none).
struct Assumption {
  std::string key;
  std::vector<std::optional<scenario::UncertainRange>> range;  // per scenario
};
std::vector<Assumption> assumptions_of(const std::vector<scenario::Scenario>& scenarios);

// The robustness points: Latin-hypercube quantiles over the scenarios' ranges, and every scenario
// loaded at each point (its own ranges set to the point's quantiles, after `overrides`). Loaded
// before any run, so a point the scenarios do not accept is bad input (InvalidExperiment) before
// anything is written.
struct RobustnessPoints {
  io::RobustnessResult result;                             // keys, unit, values and declared filled
  std::vector<std::vector<scenario::Scenario>> scenarios;  // [point][scenario]
};
RobustnessPoints prepare_robustness(const std::vector<scenario::Scenario>& scenarios, const std::vector<std::string>& overrides,
                                    std::uint32_t points, std::uint32_t seed);

// Runs every prepared point (record level indicators, nothing written): each scenario on common
// random numbers, compared with the first. `ran` sees every run. The thread count comes from the
// caller's tbb::global_control.
io::RobustnessResult run_robustness(RobustnessPoints prepared, std::uint32_t replications, std::uint32_t seed, int threads,
                                    const std::function<void(const io::RunOutput&)>& ran);

}  // namespace incubsim::engine
