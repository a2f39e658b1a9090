// Phase 1, calendar (docs/odd.md §7.1): the month's flows start at zero; budgets open in
// January (budgets.cpp); carriers open (carriers_over_time.cpp); operators are paid and their
// staff load set; the talent programme in January (talent_programme.cpp); certifications
// (certifications.cpp) and level reviews in December.

#include <algorithm>

#include "model/monthly_schedule.hpp"
#include "model/phases/budgets.hpp"
#include "model/phases/calendar.hpp"

namespace incubsim::model {
namespace {

void reset_flows(FlowCounters& flows) {
  std::vector<int> entries(flows.entries_by_source.size(), 0);
  flows = FlowCounters{};
  flows.entries_by_source = std::move(entries);
}

// Staff capacity: an operator's staff serve tenants_per_staff residents each at full quality.
void load_operators(RunState& state, const ModelSetup& setup) {
  std::vector<int> residents(setup.parameters.operators.size(), 0);
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) residents[static_cast<std::size_t>(setup.carriers[c].operator_index)] += state.carriers[c].residents;
  const int per_staff = setup.parameters.dynamics.tenants_per_staff;
  for (std::size_t o = 0; o < residents.size(); ++o) {
    const double capacity = static_cast<double>(setup.parameters.operators[o].staff) * per_staff;
    state.operator_load_factor[o] = residents[o] > capacity ? capacity / residents[o] : 1.0;
  }
}

void pay_operators(RunState& state, const ModelSetup& setup) {
  std::vector<bool> running(setup.parameters.operators.size(), false);
  std::vector<bool> in_base(setup.parameters.operators.size(), false);
  for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
    if (!state.carriers[c].open) continue;
    const auto op = static_cast<std::size_t>(setup.carriers[c].operator_index);
    running[op] = true;
    in_base[op] = in_base[op] || setup.carriers[c].in_base;
  }
  const IntegrationParameters& integration = setup.parameters.integration;
  for (std::size_t o = 0; o < running.size(); ++o) {
    state.operator_unpaid[o] = 0;
    const OperatorParameters& op = setup.parameters.operators[o];
    if (!running[o] || op.incentive == "per-outcome") continue;
    double cost = op.public_cost_per_month;
    if (integration.enabled && in_base[o]) cost *= integration.shared_cost_factor;
    if (spend(state.budgets.operators, cost)) {
      state.flows.operator_spending += cost;
    } else {
      state.operator_unpaid[o] = 1;
    }
  }
}

}  // namespace

void calendar(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  for (int k = 0; k < carrier_kind_count; ++k) {
    const auto kind = static_cast<std::size_t>(k);
    state.last_month_demand[kind] = static_cast<double>(state.flows.waiting[kind]) + state.flows.unserved[kind];
  }
  reset_flows(state.flows);
  const int calendar_month = (setup.start_month - 1 + context.month) % 12 + 1;
  if (calendar_month == 1 || context.month == 0) open_budgets(state, setup, calendar_month);
  open_carriers(state, context);
  pay_operators(state, setup);
  load_operators(state, setup);
  if (calendar_month == 1) talent_programme(state, context);
  if (calendar_month == 12) {
    certify(state, context);
    if (setup.parameters.carrier_dynamics.level_reviews) review_levels(state, context);
  }
}

}  // namespace incubsim::model
