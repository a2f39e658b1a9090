// Phase 10, exits (docs/odd.md §7.10): cash failure; else hazard failure, relocation out of the
// county and acquisition as competing risks from one uniform; a failed firm's loan defaults
// (loans.hpp); the month's public spending joins the running total.

#include "model/phases/exits.hpp"

#include <algorithm>
#include <cmath>

#include "model/monthly_schedule.hpp"
#include "model/phases/loans.hpp"
#include "model/phases/residence.hpp"

namespace incubsim::model {

double monthly_hazard(const VentureDynamics& dynamics, double age_months) {
  // Log-logistic survival S(t) = 1 / (1 + (t/alpha)^beta); the monthly probability of failure
  // is 1 - S(t+1)/S(t), scaled by the multiplier.
  const double alpha = dynamics.hazard_scale_months;
  const double beta = dynamics.hazard_shape;
  const double t = std::max(age_months, 0.0);
  const double now = std::pow(t / alpha, beta);
  const double next = std::pow((t + 1.0) / alpha, beta);
  const double probability = 1.0 - (1.0 + now) / (1.0 + next);
  return std::clamp(probability * dynamics.hazard_multiplier, 0.0, 1.0);
}

void exits(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const std::vector<double>& hazard = setup.hazard_by_age;
  const ExitParameters& exit_rules = setup.parameters.exits;
  const LeadingFirmParameters& leading = setup.parameters.leading_firms;
  const PolicyParameters& policy = setup.parameters.policy;
  const FinanceParameters& finance_rules = setup.parameters.finance;
  const int month = context.month;
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    const std::uint32_t index = state.active[i];
    Venture& v = state.ventures[index];
    if (v.status != Status::active) continue;  // relocated at transition this month
    // Competing risks from one uniform: [0, h) failure, [h, h + r) relocation, [h + r, h + r + a)
    // acquisition, where h, r, a are the month's probabilities of each.
    const double u = state.draws[i].failure;
    const double h = hazard[std::min<std::size_t>(static_cast<std::size_t>(std::max(months_since(month, v.entry_month), 0)), hazard.size() - 1)];
    double r = 0.0;
    double a = 0.0;
    if (v.registered) {
      r = exit_rules.relocation_rate * (1.0 + v.revenue / exit_rules.relocation_revenue_scale);
      if (v.carrier >= 0) r *= exit_rules.relocation_support_factor;
      if (v.case_by_case_supported) r *= policy.case_by_case_relocation_factor;
      if (v.technology >= leading.acquisition_min_technology) a = leading.acquisition_rate * leading.count;
    }
    EventKind cause;
    Status status = Status::failed;
    if (v.cash < 0.0F) {
      cause = EventKind::failure_cash;
      state.flows.failures_cash += 1;
    } else if (u < h) {
      cause = EventKind::failure_hazard;
      state.flows.failures_hazard += 1;
    } else if (u < h + r) {
      cause = EventKind::relocation;
      status = Status::relocated;
      state.flows.relocations += 1;
      state.cumulative.relocations += 1;
    } else if (u < h + r + a) {
      cause = EventKind::acquisition;
      status = Status::acquired;
      state.flows.acquisitions += 1;
      state.cumulative.acquisitions += 1;
    } else {
      continue;
    }
    if (status == Status::failed) {
      state.cumulative.failures += 1;
      default_on_loan(state.flows, finance_rules, v);
    }
    const Stage from = v.stage;
    const int carrier = v.carrier;
    leave_carrier(state, v);
    v.status = status;
    context.sink.emit(month, index, cause, from, Stage::outside, carrier);
  }
  // Every public budget line spent this month counts towards the running total.
  state.cumulative.public_spending += state.flows.public_spending();
}

}  // namespace incubsim::model
