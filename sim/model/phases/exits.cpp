// Phase 10, exits (docs/odd.md §7.10): cash failure; the founders' decision to close; else the
// residual hazard's failure, relocation out of the county, acquisition and (in December)
// listing as competing risks from one uniform; a failed firm's loan defaults (loans.hpp); the
// month's public spending joins the running total.

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

namespace {

// The board a firm qualifies for this December (the first in board order), -1: none. Profits
// are those of the last two listing reviews' years (§7.10).
int listing_board(const ModelSetup& setup, const Venture& v, int month) {
  if (!v.registered) return -1;
  const double years = (month - v.registration_month) / 12.0;
  for (int b = 0; b < listing_board_count; ++b) {
    const ListingBoard& board = setup.parameters.listing[static_cast<std::size_t>(b)];
    if (!board.enabled || years < board.min_years_registered) continue;
    const double last = v.profit_this_year;
    const double before = v.profit_last_year;
    if (board.min_profit_last_year > 0.0 && last < board.min_profit_last_year) continue;
    if (board.min_profit_two_years > 0.0 && !(last > 0.0 && before > 0.0 && last + before >= board.min_profit_two_years)) continue;
    if (board.min_revenue_last_year > 0.0 && 12.0 * v.revenue < board.min_revenue_last_year) continue;
    return b;
  }
  return -1;
}

}  // namespace

void exits(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const std::vector<double>& hazard = setup.hazard_by_age;
  const ExitParameters& exit_rules = setup.parameters.exits;
  const LeadingFirmParameters& leading = setup.parameters.leading_firms;
  const PolicyParameters& policy = setup.parameters.policy;
  const FinanceParameters& finance_rules = setup.parameters.finance;
  const VentureDynamics& d = setup.parameters.dynamics;
  const int month = context.month;
  const bool listing_review = (setup.start_month - 1 + month) % 12 + 1 == 12;  // December
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    const std::uint32_t index = state.active[i];
    Venture& v = state.ventures[index];
    if (v.status != Status::active) continue;  // relocated at transition this month
    // Competing risks from one uniform: [0, h) failure, [h, h + r) relocation, [h + r, h + r + a)
    // acquisition, [h + r + a, h + r + a + l) listing, where h, r, a, l are the month's
    // probabilities of each.
    const double u = state.draws[i].failure;
    const double h = setup.parameters.sectors[v.sector].hazard_factor *
                     hazard[std::min<std::size_t>(static_cast<std::size_t>(std::max(months_since(month, v.entry_month), 0)), hazard.size() - 1)];
    double r = 0.0;
    double a = 0.0;
    double l = 0.0;
    int board = -1;
    if (v.registered) {
      r = exit_rules.relocation_rate * (1.0 + v.revenue / exit_rules.relocation_revenue_scale);
      if (v.carrier >= 0) r *= exit_rules.relocation_support_factor;
      if (v.case_by_case_supported) r *= policy.case_by_case_relocation_factor;
      if (v.technology >= leading.acquisition_min_technology) a = leading.acquisition_rate * leading.count;
      if (listing_review) {
        board = listing_board(setup, v, month);
        if (board >= 0) l = setup.parameters.listing[static_cast<std::size_t>(board)].listing_probability;
      }
    }
    if (listing_review) {  // the year closes: its profit becomes last year's
      v.profit_last_year = v.profit_this_year;
      v.profit_this_year = 0.0F;
    }
    const bool decides = months_since(month, v.entry_month) + 1 >= d.closing_min_months;
    EventKind cause;
    Status status = Status::failed;
    float value = 0.0F;
    if (v.cash < 0.0F) {
      cause = EventKind::failure_cash;
      state.flows.failures_cash += 1;
    } else if (decides && v.belief < d.closing_threshold) {
      // The founders no longer expect the venture to be worth going on with (§7.10).
      cause = EventKind::failure_closure;
      state.flows.failures_closure += 1;
      value = v.belief;
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
    } else if (u < h + r + a + l) {
      // Listed: the firm leaves the venture population; its jobs stay counted in the county
      // unless it moves away at listing (the same uniform, rescaled within the listing band).
      cause = EventKind::listing;
      status = Status::listed;
      state.flows.listings += 1;
      state.cumulative.listings += 1;
      const double within = (u - (h + r + a)) / l;
      const bool stays = within >= setup.parameters.listing[static_cast<std::size_t>(board)].relocation_share;
      if (stays) state.cumulative.jobs_listed += v.headcount;
      value = static_cast<float>(stays ? board : -1 - board);  // the board; -1 - board: it left the county
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
    v.exit_month = static_cast<std::int16_t>(month);
    context.sink.emit(month, index, cause, from, Stage::outside, carrier, value);
  }
  // Every public budget line spent this month counts towards the running total.
  state.cumulative.public_spending += state.flows.public_spending();
  state.cumulative.clamps_bound += state.flows.clamps_bound;
}

}  // namespace incubsim::model
