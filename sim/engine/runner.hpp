#pragma once
// Executes a run plan (scenario x replication) in parallel with oneTBB and hands the results to
// a consumer in run order, with a bounded number of runs in flight.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "engine/simulation.hpp"
#include "io/results.hpp"
#include "model/setup.hpp"

namespace incubsim::engine {

// A sweep's design point, loaded on demand: its schedule and whatever owns the setups it points to.
struct LoadedPoint {
  std::shared_ptr<const void> owner;
  ScenarioSchedule schedule;
};

struct RunPlan {
  // Each scenario's setup (its base epoch when scheduled): targets, shape and months.
  std::vector<const model::ModelSetup*> scenarios;
  // Scheduled parameter changes by scenario: a non-null schedules[s] is what scenario s runs with,
  // and its base has the shape of scenarios[s]. Scenarios past the end, or null, are unscheduled.
  std::vector<const ScenarioSchedule*> schedules;
  std::uint32_t replications = 1;
  std::uint32_t seed = 0;
  io::RecordLevel record = io::RecordLevel::trajectories;
  // Sweeps: `points` design points of the one scenario in `scenarios` (its targets and shape),
  // each loaded by `load_point` when its first run starts and released when its runs are done.
  std::uint32_t points = 0;
  std::function<LoadedPoint(std::uint32_t point)> load_point;
  std::size_t total_runs() const { return (points > 0 ? points : scenarios.size()) * replications; }
  // Run r of the plan: scenario-major, so a scenario's replications are contiguous.
  RunSpec spec(std::uint32_t run) const;
  // Offset of each scenario's first target in the file's target list (all scenarios).
  std::vector<std::size_t> target_offsets() const;
  // What scenario s runs with: its schedule, or its setup alone.
  ScenarioSchedule schedule(std::uint32_t scenario) const;
};

// Called on one thread, in run order (0, 1, 2, ...), as runs finish.
using RunConsumer = std::function<void(io::RunOutput&&)>;

// Runs every run of the plan with at most `max_in_flight` runs held in memory, passing each to
// `consume` in run order. `targets_met` in each output is widened to the file's target list
// (255 for targets of other scenarios). The thread count comes from the caller's
// tbb::global_control. When engine::request_stop() is called (Ctrl-C), no further run starts,
// the runs in flight are abandoned and Interrupted is thrown; the runs consumed until then are
// exactly runs first_run, first_run + 1, ... in order.
void execute(const RunPlan& plan, std::size_t max_in_flight, const RunConsumer& consume);
// The same for runs first_run .. end_run - 1 only (a shard, or the rest of a resumed command).
void execute(const RunPlan& plan, std::uint32_t first_run, std::uint32_t end_run, std::size_t max_in_flight, const RunConsumer& consume);

}  // namespace incubsim::engine
