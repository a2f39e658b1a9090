#pragma once
// Compares two runs' outputs field by field, for determinism tests.

#include <string>

#include "io/results.hpp"

namespace incubsim::testing {

inline bool same_event(const io::EventRecord& a, const io::EventRecord& b) {
  return a.run == b.run && a.month == b.month && a.venture == b.venture && a.kind == b.kind && a.from_stage == b.from_stage &&
         a.to_stage == b.to_stage && a.carrier == b.carrier && a.value == b.value;
}

inline bool same_row(const io::TrajectoryRecord& a, const io::TrajectoryRecord& b) {
  return a.run == b.run && a.month == b.month && a.venture == b.venture && a.stage == b.stage && a.status == b.status &&
         a.carrier == b.carrier && a.headcount == b.headcount && a.revenue == b.revenue && a.cash == b.cash &&
         a.skill == b.skill && a.technology == b.technology;
}

// "" when both outputs are identical, else what differs first.
inline std::string difference(const io::RunOutput& a, const io::RunOutput& b) {
  if (a.run != b.run || a.scenario != b.scenario || a.replication != b.replication || a.seed != b.seed) return "run identity";
  if (a.venture_months != b.venture_months) return "venture_months";
  if (a.ventures != b.ventures) return "ventures";
  if (a.indicators != b.indicators) return "indicators";
  if (a.targets_met != b.targets_met) return "targets_met";
  if (a.events.size() != b.events.size()) return "event count";
  for (std::size_t i = 0; i < a.events.size(); ++i)
    if (!same_event(a.events[i], b.events[i])) return "event " + std::to_string(i);
  if (a.trajectories.size() != b.trajectories.size()) return "trajectory count";
  for (std::size_t i = 0; i < a.trajectories.size(); ++i)
    if (!same_row(a.trajectories[i], b.trajectories[i])) return "trajectory row " + std::to_string(i);
  return "";
}

}  // namespace incubsim::testing
