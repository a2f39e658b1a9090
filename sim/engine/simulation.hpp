#pragma once
// One run: the monthly loop over the model's phases, then recording.

#include <utility>
#include <vector>

#include "io/results.hpp"
#include "model/random_streams.hpp"
#include "model/setup.hpp"

namespace incubsim::engine {

struct RunSpec {
  std::uint32_t run = 0;
  std::uint32_t scenario = 0;
  std::uint32_t replication = 0;
  std::uint32_t seed = 0;
  std::uint32_t point = 0;  // sweeps: the design point; otherwise the scenario
};

// The parameters of one scenario over the months of a run, as scheduled ([[schedule]]): each
// epoch's setup is in force from its first month until the next epoch's. Epochs are in order of
// first month, the first starting at month 0, and all have the same shape (carriers, sectors,
// sources, operators, targets, months); their targets are the first epoch's. Points to setups
// owned elsewhere (scenario::Scenario::epochs), so runs share them without copies.
struct ScenarioSchedule {
  std::vector<std::pair<int, const model::ModelSetup*>> epochs;  // (first month, setup)

  // A scenario without scheduled changes.
  static ScenarioSchedule unscheduled(const model::ModelSetup& setup) { return ScenarioSchedule{{{0, &setup}}}; }
  // The first epoch: targets, shape and months.
  const model::ModelSetup& base() const { return *epochs.front().second; }
  // The setup in force in `month`: the last epoch whose first month is at or before it.
  const model::ModelSetup& in_force(int month) const;
};

// Runs one scenario replication to the horizon and returns what the record level asks for.
// Each month runs with the setup in force in that month; the run state is created from the
// setup in force in month 0. `targets_met` holds one entry per target (1 met, 0 not).
// Throws std::invalid_argument for an empty schedule or one whose epochs are out of order.
io::RunOutput simulate_run(const ScenarioSchedule& schedule, const RunSpec& spec, io::RecordLevel record);
// The same for a scenario without scheduled changes.
io::RunOutput simulate_run(const model::ModelSetup& setup, const RunSpec& spec, io::RecordLevel record);

}  // namespace incubsim::engine
