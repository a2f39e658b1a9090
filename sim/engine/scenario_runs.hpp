#pragma once
// The run plan of scenarios and the header of the results file that stores their runs: what
// run, compare and each robustness point share.

#include <string>
#include <vector>

#include "engine/runner.hpp"
#include "io/results.hpp"
#include "scenario/loader.hpp"

namespace incubsim::engine {

// The run plan of scenarios (scenario-major, common random numbers), each with its epochs
// ([[schedule]]). The plan points into `schedules`, which a move keeps in place, and into the
// scenarios, which must outlive it.
struct ScenarioPlan {
  std::vector<ScenarioSchedule> schedules;
  RunPlan plan;
};

ScenarioPlan plan_scenarios(const std::vector<scenario::Scenario>& scenarios, std::uint32_t replications, std::uint32_t seed,
                            io::RecordLevel record);

// What a results file says about its command before any run: the scenarios with their resolved
// texts, targets, ranges and carriers, the months, the indicators and the name tables.
io::ResultsHeader results_header(const std::string& command, const std::vector<scenario::Scenario>& scenarios, const RunPlan& plan);

}  // namespace incubsim::engine
