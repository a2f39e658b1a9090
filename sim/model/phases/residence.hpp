#pragma once
// A venture's residence in a carrier: its stage, what graduation asks, leaving, graduating, and
// the services it receives there. Shared by admission, services, growth and the transitions.
// The small rules are inline: the phases apply them to every venture every month.

#include <algorithm>
#include <cstdint>

#include "model/month_context.hpp"

namespace incubsim::model {

inline Stage stage_of_kind(CarrierKind kind) { return static_cast<Stage>(static_cast<int>(kind) + 1); }

// Graduation criteria of a stage (other than time in the stage); also what a venture outside
// every carrier must show to apply directly to the following stage.
inline bool meets_stage_criteria(const Venture& venture, const StageRules& rules) {
  return venture.registered && venture.skill >= rules.min_skill && venture.technology >= rules.min_technology &&
         venture.revenue >= rules.min_revenue && venture.headcount >= rules.min_headcount;
}

// A venture leaves its carrier (seat freed, stage outside, readiness cleared).
inline void leave_carrier(RunState& state, Venture& venture) {
  if (venture.carrier >= 0) state.carriers[static_cast<std::size_t>(venture.carrier)].residents -= 1;
  venture.carrier = -1;
  venture.stage = Stage::outside;
  venture.graduate_ready = false;
}

// Service quality a resident of `carrier` receives this month (0 when its operator is unpaid).
inline double service_quality(const RunState& state, const ModelSetup& setup, int carrier) {
  const ResolvedCarrier& resolved = setup.carriers[static_cast<std::size_t>(carrier)];
  if (state.operator_unpaid[static_cast<std::size_t>(resolved.operator_index)]) return 0.0;
  // An operator with too few staff and mentors for its residents spreads its services thin.
  double quality = resolved.service_quality * state.operator_load_factor[static_cast<std::size_t>(resolved.operator_index)];
  if (setup.parameters.integration.enabled && resolved.in_base) quality += setup.parameters.integration.shared_service_quality;
  return std::min(quality, 1.0);
}

// Records a graduation from the venture's current carrier (counters, per-outcome payment, event).
void record_graduation(RunState& state, const MonthContext& context, std::uint32_t index, Stage to);

}  // namespace incubsim::model
