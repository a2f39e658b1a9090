// Phase 9, transitions (docs/odd.md §7.9): teams register; residents become ready to graduate;
// at maximum tenure they leave, graduating or evicted, and some leave the county then.

#include "model/monthly_schedule.hpp"
#include "model/phases/residence.hpp"

namespace incubsim::model {

void transitions(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const VentureDynamics& d = setup.parameters.dynamics;
  const ExitParameters& exit_rules = setup.parameters.exits;
  const IntegrationParameters& integration = setup.parameters.integration;
  const int month = context.month;
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    const std::uint32_t index = state.active[i];
    Venture& v = state.ventures[index];
    const bool was_registered = v.registered;
    if (!v.registered) {
      const double odds = d.registration_probability * (v.carrier >= 0 ? 1.0 + d.carrier_registration_boost : 1.0);
      if (state.draws[i].registration < odds) {
        v.registered = true;
        v.registration_month = static_cast<std::int16_t>(month);
        state.flows.registrations += 1;
        context.sink.emit(month, index, EventKind::registration, v.stage, v.stage, v.carrier);
      }
    }
    if (v.carrier < 0) continue;
    const int kind = static_cast<int>(v.stage) - 1;
    const CarrierParameters& carrier = setup.carrier_parameters(v.carrier);
    const int tenure = months_since(month, v.stage_entry_month);
    if (!v.graduate_ready) {
      const StageRules& rules = setup.parameters.stages[static_cast<std::size_t>(kind)];
      v.graduate_ready = tenure >= rules.min_months && meets_stage_criteria(v, rules);
    }
    if (tenure + 1 < carrier.max_tenure_months) continue;
    const Stage from = v.stage;
    const int carrier_index = v.carrier;
    if (v.graduate_ready) {
      record_graduation(state, context, index, Stage::outside);
    } else {
      state.flows.evictions += 1;
      context.sink.emit(month, index, EventKind::eviction, from, Stage::outside, carrier_index);
    }
    leave_carrier(state, v);
    // Leaving with no next carrier, a firm may leave the county (its registration uniform is
    // free: only teams use it). Integration keeps base firms better at this moment.
    if (!was_registered) continue;
    double chance = exit_rules.relocation_at_transition;
    if (integration.enabled && carrier.in_base) chance *= integration.transition_relocation_factor;
    if (state.draws[i].registration < chance) {
      v.status = Status::relocated;
      v.exit_month = static_cast<std::int16_t>(month);
      state.flows.relocations += 1;
      state.cumulative.relocations += 1;
      context.sink.emit(month, index, EventKind::relocation, Stage::outside, Stage::outside, carrier_index);
    }
  }
}

}  // namespace incubsim::model
