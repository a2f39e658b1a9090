#include "engine/simulation.hpp"

#include <algorithm>

#include "model/indicators.hpp"
#include "model/processes.hpp"

namespace incubsim::engine {

using model::RunState;

namespace {

void record_trajectories(const RunState& state, std::uint32_t run, int month, std::vector<io::TrajectoryRecord>& out) {
  for (std::uint32_t index : state.active) {
    const model::Venture& v = state.ventures[index];
    out.push_back(io::TrajectoryRecord{run, static_cast<std::int16_t>(month), index, static_cast<std::int8_t>(v.stage),
                                       static_cast<std::int8_t>(v.status), v.carrier, v.headcount, v.revenue, v.cash,
                                       v.skill, v.technology});
  }
}

// Drops ventures that exited this month from the active list (after they were recorded).
void remove_exited(RunState& state) {
  auto& active = state.active;
  active.erase(std::remove_if(active.begin(), active.end(),
                              [&](std::uint32_t index) { return state.ventures[index].status != model::Status::active; }),
               active.end());
}

}  // namespace

io::RunOutput simulate_run(const model::ModelSetup& setup, const RunSpec& spec, io::RecordLevel record) {
  io::RunOutput output;
  output.run = spec.run;
  output.scenario = spec.scenario;
  output.replication = spec.replication;
  output.seed = spec.seed;
  const model::RandomKey key{spec.seed, spec.replication};
  model::EventSink sink;
  sink.run = spec.run;
  if (record >= io::RecordLevel::events) sink.events = &output.events;

  RunState state = model::initialise(setup, key, sink);
  const std::size_t indicator_count = model::indicator_registry().size();
  output.indicators.assign(static_cast<std::size_t>(setup.months) * indicator_count, 0.0);
  for (int month = 0; month < setup.months; ++month) {
    const model::MonthContext context{setup, key, month, sink};
    for (const model::Phase& phase : model::monthly_schedule) phase.run(state, context);
    state.venture_months += state.active.size();
    model::compute_indicators(state, setup, month, output.indicators.data() + static_cast<std::size_t>(month) * indicator_count);
    if (record == io::RecordLevel::trajectories) record_trajectories(state, spec.run, month, output.trajectories);
    remove_exited(state);
  }

  output.targets_met.reserve(setup.targets.size());
  for (std::size_t t = 0; t < setup.targets.size(); ++t) {
    const model::ResolvedTarget& target = setup.targets[t];
    const double value = output.indicators[static_cast<std::size_t>(target.deadline_month) * indicator_count + static_cast<std::size_t>(target.indicator)];
    output.targets_met.push_back(value >= setup.parameters.targets[t].threshold ? 1 : 0);
  }
  output.venture_months = state.venture_months;
  output.ventures = static_cast<std::uint32_t>(state.ventures.size());
  return output;
}

}  // namespace incubsim::engine
