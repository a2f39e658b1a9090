#include "engine/simulation.hpp"

#include <algorithm>
#include <stdexcept>

#include "engine/cancellation.hpp"
#include "model/indicators.hpp"
#include "model/initial_state.hpp"
#include "model/monthly_schedule.hpp"

namespace incubsim::engine {

using model::RunState;

namespace {

void record_trajectories(const RunState& state, std::uint32_t run, int month, std::vector<io::TrajectoryRecord>& out) {
  for (std::uint32_t index : state.active) {
    const model::Venture& v = state.ventures[index];
    out.push_back(io::TrajectoryRecord{run, static_cast<std::int16_t>(month), index, static_cast<std::int8_t>(v.stage),
                                       static_cast<std::int8_t>(v.status), v.carrier, v.headcount, v.revenue, v.cash,
                                       v.skill, v.technology, v.patents, v.belief});
  }
}

// One row per venture of the run, at the horizon: what was fixed at entry and how it ended.
void record_ventures(const RunState& state, std::uint32_t run, std::vector<io::VentureRecord>& out) {
  out.reserve(state.ventures.size());
  for (std::size_t index = 0; index < state.ventures.size(); ++index) {
    const model::Venture& v = state.ventures[index];
    io::VentureRecord row;
    row.run = run;
    row.venture = static_cast<std::uint32_t>(index);
    row.stream_kind = static_cast<std::uint8_t>(v.stream_kind);
    row.id = (std::uint64_t{row.stream_kind} << 32) | v.stream_id;
    row.source = v.stream_kind == model::EntityKind::initial_venture ? std::uint8_t{255} : v.origin;  // 255: present at the start
    row.sector = v.sector;
    row.entry_month = v.entry_month;
    row.quality = v.quality;
    row.skill = v.entry_skill;
    row.rd_intensity = v.rd_intensity;
    row.production = v.production ? 1 : 0;
    row.status = static_cast<std::int8_t>(v.status);
    row.exit_month = v.exit_month;
    row.highest_stage = static_cast<std::int8_t>(v.highest_stage);
    row.ever_in_base = v.ever_in_base ? 1 : 0;
    row.headcount = v.headcount;
    row.revenue = v.revenue;
    row.patents = v.patents;
    row.funding = v.funding;
    out.push_back(row);
  }
}

// Drops ventures that exited this month from the active list (after they were recorded).
void remove_exited(RunState& state) {
  auto& active = state.active;
  active.erase(std::remove_if(active.begin(), active.end(),
                              [&](std::uint32_t index) { return state.ventures[index].status != model::Status::active; }),
               active.end());
}

void check_epochs(const ScenarioSchedule& schedule) {
  const auto& epochs = schedule.epochs;
  if (epochs.empty() || epochs.front().first != 0) throw std::invalid_argument("a run needs parameters from month 0");
  for (std::size_t e = 0; e < epochs.size(); ++e) {
    if (epochs[e].second == nullptr) throw std::invalid_argument("an epoch of the schedule has no setup");
    if (e > 0 && epochs[e].first < epochs[e - 1].first) throw std::invalid_argument("the schedule's epochs are out of order");
  }
}

}  // namespace

const model::ModelSetup& ScenarioSchedule::in_force(int month) const {
  std::size_t e = 0;
  while (e + 1 < epochs.size() && epochs[e + 1].first <= month) ++e;
  return *epochs[e].second;
}

io::RunOutput simulate_run(const model::ModelSetup& setup, const RunSpec& spec, io::RecordLevel record) {
  return simulate_run(ScenarioSchedule::unscheduled(setup), spec, record);
}

io::RunOutput simulate_run(const ScenarioSchedule& schedule, const RunSpec& spec, io::RecordLevel record) {
  check_epochs(schedule);
  const model::ModelSetup& base = schedule.base();
  io::RunOutput output;
  output.run = spec.run;
  output.point = spec.point;
  output.scenario = spec.scenario;
  output.replication = spec.replication;
  output.seed = spec.seed;
  const model::RandomKey key{spec.seed, spec.replication};
  model::EventSink sink;
  sink.run = spec.run;
  if (record >= io::RecordLevel::events) sink.events = &output.events;

  RunState state = model::initialise(schedule.in_force(0), key, sink);
  const std::size_t indicator_count = model::indicator_registry().size();
  output.indicators.assign(static_cast<std::size_t>(base.months) * indicator_count, 0.0);
  for (int month = 0; month < base.months; ++month) {
    if (stop_requested()) throw Interrupted();  // Ctrl-C: a long run does not delay the stop
    const model::ModelSetup& setup = schedule.in_force(month);
    const model::MonthContext context{setup, key, month, sink};
    for (const model::Phase& phase : model::monthly_schedule) phase.run(state, context);
    state.venture_months += state.active.size();
    model::compute_indicators(state, setup, month, output.indicators.data() + static_cast<std::size_t>(month) * indicator_count);
    if (record == io::RecordLevel::trajectories) record_trajectories(state, spec.run, month, output.trajectories);
    remove_exited(state);
  }

  output.targets_met.reserve(base.targets.size());
  for (std::size_t t = 0; t < base.targets.size(); ++t) {
    const model::ResolvedTarget& target = base.targets[t];
    const double value = output.indicators[static_cast<std::size_t>(target.deadline_month) * indicator_count + static_cast<std::size_t>(target.indicator)];
    output.targets_met.push_back(value >= base.parameters.targets[t].threshold ? 1 : 0);
  }
  if (record >= io::RecordLevel::events) record_ventures(state, spec.run, output.venture_rows);
  output.venture_months = state.venture_months;
  output.ventures = static_cast<std::uint32_t>(state.ventures.size());
  return output;
}

}  // namespace incubsim::engine
