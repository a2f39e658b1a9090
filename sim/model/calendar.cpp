// Phase 1, calendar: the month's flows start at zero; budgets and the talent programme in
// January; carriers open (planned with delay, or on demand); reviews in December.

#include <algorithm>

#include "model/processes.hpp"

namespace incubsim::model {
namespace {

constexpr std::uint32_t no_venture = 0xFFFFFFFFu;

void reset_flows(FlowCounters& flows) {
  std::vector<int> entries(flows.entries_by_source.size(), 0);
  flows = FlowCounters{};
  flows.entries_by_source = std::move(entries);
}

// Annual lines open each January; a run starting later in the year gets the months it has left.
void open_budgets(RunState& state, const ModelSetup& setup, int calendar_month) {
  const PolicyParameters& policy = setup.parameters.policy;
  const double share = (13.0 - calendar_month) / 12.0;
  state.budgets.rent_subsidy = share * policy.rent_subsidy_budget_per_year;
  state.budgets.operators = share * policy.operator_budget_per_year;
  state.budgets.training = share * static_cast<double>(policy.training_places_per_month) * 12.0 * policy.training_cost_per_place;
  state.budgets.case_by_case = share * policy.case_by_case_budget_per_year;
  state.budgets.investors = share * setup.parameters.finance.investor_capital_per_year;
}

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

// High-level talents arrive: some found ventures, the others join one (county stream).
void talent_programme(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const TalentParameters& talent = setup.parameters.talent;
  Stream placement = context.key.stream(EntityKind::county, 0, static_cast<std::uint32_t>(context.month), Purpose::talent_placement);
  for (int t = 0; t < talent.talents_per_year; ++t) {
    const std::uint32_t number = state.next_programme_talent++;
    const double founds = placement.uniform();
    const double which = placement.uniform();
    state.flows.talent_spending += talent.cost_per_talent;
    state.cumulative.talents_arrived += 1;
    if (founds < talent.found_share && setup.talent_source >= 0) {
      Stream stream = context.key.stream(EntityKind::programme_talent, number, 0, Purpose::entrant_attributes);
      const SourceParameters& source = setup.parameters.sources[static_cast<std::size_t>(setup.talent_source)];
      Venture v = draw_venture(setup, source, stream);
      v.registered = source.registered;
      v.direct_stage = static_cast<std::uint8_t>(setup.source_direct_stage[static_cast<std::size_t>(setup.talent_source)]);
      v.recruited_direct = v.direct_stage > 0;
      v.stream_kind = EntityKind::programme_talent;
      v.stream_id = number;
      v.origin = static_cast<std::uint8_t>(setup.talent_source);
      add_venture(state, context, v);
      continue;
    }
    // Joins an active registered venture, base residents first.
    std::vector<std::uint32_t> candidates;
    for (std::uint32_t index : state.active) {
      const Venture& v = state.ventures[index];
      if (v.registered && v.carrier >= 0 && setup.carriers[static_cast<std::size_t>(v.carrier)].in_base) candidates.push_back(index);
    }
    if (candidates.empty()) {
      for (std::uint32_t index : state.active) {
        if (state.ventures[index].registered) candidates.push_back(index);
      }
    }
    if (candidates.empty()) continue;
    const std::uint32_t index = candidates[std::min(static_cast<std::size_t>(which * static_cast<double>(candidates.size())), candidates.size() - 1)];
    Venture& v = state.ventures[index];
    v.skill = static_cast<float>(v.skill + talent.join_skill_gain * (1.0 - v.skill));
    v.headcount = static_cast<std::uint16_t>(std::min<int>(v.headcount + 1, 65535));
    if (v.carrier >= 0 && setup.carriers[static_cast<std::size_t>(v.carrier)].in_base) state.cumulative.talents_base += 1;
    context.sink.emit(context.month, index, EventKind::talent_joined, v.stage, v.stage, v.carrier);
  }
}

// Technology-based SME and high-tech enterprise evaluations (CALIBRATION.md criteria).
void certify(RunState& state, const MonthContext& context) {
  const VentureDynamics& d = context.setup.parameters.dynamics;
  const int month = context.month;
  for (std::uint32_t index : state.active) {
    Venture& v = state.ventures[index];
    if (!v.registered) continue;
    const double annual_revenue = 12.0 * v.revenue;
    // R&D intensity the high-tech rule asks for falls with size (5% / 4% / 3%).
    const double rd_needed = annual_revenue <= 50e6 ? 0.05 : annual_revenue <= 200e6 ? 0.04 : 0.03;
    const double product_share = std::min(1.0, v.high_tech_product_share + 0.5 * (v.technology - 0.5));
    const bool high_tech_due = v.high_tech_until <= month;  // never certified, or expiring this month
    if (high_tech_due && month - v.registration_month >= 12 && v.patents >= d.high_tech_min_patents &&
        v.technology >= d.high_tech_min_technology && v.st_staff_share >= d.high_tech_min_st_staff_share &&
        v.rd_intensity >= rd_needed && product_share >= d.high_tech_min_product_share) {
      v.high_tech_until = static_cast<std::int16_t>(month + d.high_tech_validity_months);
      if (!v.ever_high_tech) {
        v.ever_high_tech = true;
        state.cumulative.high_tech += 1;
        if (v.ever_in_base) state.cumulative.high_tech_base += 1;
        context.sink.emit(month, index, EventKind::high_tech_certified, v.stage, v.stage, v.carrier);
      }
    }
    // Tech-SME: small, and a score of staff, R&D and IP points; high-tech firms qualify directly.
    const bool small = v.headcount <= 500 && annual_revenue <= 200e6;
    const double score = std::min(20.0, 20.0 * v.st_staff_share / 0.3) + std::min(50.0, 50.0 * v.rd_intensity / 0.06) +
                         (v.patents > 0 ? 30.0 : 30.0 * v.technology);
    if (small && (score >= d.tech_sme_min_score || month <= v.high_tech_until)) {
      v.tech_sme_until = static_cast<std::int16_t>(month + 12);
      if (!v.ever_tech_sme) {
        v.ever_tech_sme = true;
        state.cumulative.tech_sme += 1;
        if (v.ever_in_base) state.cumulative.tech_sme_base += 1;
        context.sink.emit(month, index, EventKind::tech_sme_certified, v.stage, v.stage, v.carrier);
      }
    }
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

}  // namespace

bool spend(double& line, double amount) {
  if (amount <= 0.0) return true;
  if (line < amount) return false;
  line -= amount;
  return true;
}

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
