// Phase 4, services (docs/odd.md §7.4): county training places, founders' skill learning in and
// out of carriers, and talents cultivated in the base.

#include "model/monthly_schedule.hpp"
#include "model/phases/budgets.hpp"
#include "model/phases/residence.hpp"

namespace incubsim::model {

void services(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const VentureDynamics& d = setup.parameters.dynamics;
  const PolicyParameters& policy = setup.parameters.policy;
  // County training places: residents first (in venture order), then everyone else, while the
  // places and the training line last.
  int places = policy.training_places_per_month;
  // Cultivated: the founder's skill crosses the threshold while resident in the base.
  auto count_if_cultivated = [&](Venture& v, std::uint32_t index, bool was_below) {
    if (!was_below || v.talent_counted || v.carrier < 0 || v.skill < d.talent_skill_threshold) return;
    if (!setup.carriers[static_cast<std::size_t>(v.carrier)].in_base) return;
    v.talent_counted = true;
    state.cumulative.talents_base += 1;
    context.sink.emit(context.month, index, EventKind::talent_cultivated, v.stage, v.stage, v.carrier);
  };
  auto train = [&](Venture& v, std::uint32_t index) {
    if (places <= 0 || v.skill >= d.talent_skill_threshold) return;
    if (!spend(state.budgets.training, policy.training_cost_per_place)) {
      places = 0;
      return;
    }
    --places;
    state.flows.trained += 1;
    state.flows.training_spending += policy.training_cost_per_place;
    const bool was_below = v.skill < d.talent_skill_threshold;
    v.skill = static_cast<float>(v.skill + policy.training_skill_gain * (1.0 - v.skill));
    count_if_cultivated(v, index, was_below);
  };
  for (int pass = 0; pass < 2 && places > 0; ++pass) {
    for (std::uint32_t index : state.active) {
      Venture& v = state.ventures[index];
      if ((v.carrier >= 0) == (pass == 0)) train(v, index);
    }
  }
  for (std::uint32_t index : state.active) {
    Venture& v = state.ventures[index];
    double learning = d.skill_learning_outside;
    if (v.carrier >= 0) learning = d.skill_learning_in_carrier * service_quality(state, setup, v.carrier);
    const bool was_below = v.skill < d.talent_skill_threshold;
    v.skill = static_cast<float>(v.skill + learning * (1.0 - v.skill));
    count_if_cultivated(v, index, was_below);
  }
}

}  // namespace incubsim::model
