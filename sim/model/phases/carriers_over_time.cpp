// Carriers over time (docs/odd.md §7.13): openings, planned (late by the construction delay
// drawn in initial_state.cpp) or on demand, and the yearly level reviews.

#include "model/phases/calendar.hpp"

namespace incubsim::model {
namespace {

constexpr std::uint32_t no_venture = 0xFFFFFFFFu;

}  // namespace

void open_carriers(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const CarrierDynamics& dynamics = setup.parameters.carrier_dynamics;
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
    CarrierState& carrier = state.carriers[c];
    if (carrier.open || context.month < carrier.opening_month) continue;
    if (setup.carriers[c].demand_opening) {
      // A market operator opens it once applicants of its kind have been refused or found no
      // carrier for long enough.
      const bool demand = state.last_month_demand[static_cast<std::size_t>(setup.carriers[c].kind)] >= dynamics.demand_waiting;
      carrier.demand_streak = demand ? carrier.demand_streak + 1 : 0;
      if (carrier.demand_streak < dynamics.demand_months) continue;
    }
    carrier.open = true;
    carrier.opening_month = context.month;  // level reviews count a year from the actual opening
    state.flows.carriers_opened += 1;
    context.sink.emit(context.month, no_venture, EventKind::carrier_opened, Stage::outside, Stage::outside, static_cast<int>(c));
  }
}

// Carrier levels move one step a year against residents and cumulative graduates.
void review_levels(RunState& state, const MonthContext& context) {
  const CarrierDynamics& rules = context.setup.parameters.carrier_dynamics;
  for (std::size_t c = 0; c < state.carriers.size(); ++c) {
    CarrierState& carrier = state.carriers[c];
    if (!carrier.open || context.setup.carriers[c].level == CarrierLevel::none) continue;  // outside the level system
    if (context.month - carrier.opening_month < 12) continue;  // reviewed once open a full year
    const bool national = carrier.residents >= rules.national_min_residents && carrier.graduates >= rules.national_min_graduates;
    const bool provincial = carrier.residents >= rules.provincial_min_residents && carrier.graduates >= rules.provincial_min_graduates;
    const int deserved = national ? 3 : provincial ? 2 : 1;
    int level = carrier.level;
    if (deserved > level) level += 1;
    if (deserved < level && level > 1) level -= 1;  // a level lost at review; "none" is never reached by review
    if (level == carrier.level) continue;
    carrier.level = level;
    context.sink.emit(context.month, no_venture, EventKind::carrier_level_changed, Stage::outside, Stage::outside,
                      static_cast<int>(c), static_cast<float>(level));
  }
}

}  // namespace incubsim::model
