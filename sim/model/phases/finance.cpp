// Phase 6, finance (docs/odd.md §7.6): firms short of runway seek money. Banks lend to firms
// with revenue, and with a public guarantee also to residents (loans.hpp); the others that know
// of investors apply to them. Private investors and the government guidance fund screen
// applicants on noisy quality signals within their monthly capacity and capital.

#include <algorithm>
#include <cmath>
#include <vector>

#include "model/monthly_schedule.hpp"
#include "model/phases/awareness.hpp"
#include "model/phases/budgets.hpp"
#include "model/phases/loans.hpp"

namespace incubsim::model {
namespace {

struct FinanceApplicant {
  double investor_signal = 0.0;
  double fund_signal = 0.0;
  std::uint32_t venture = 0;
};

void invest(RunState& state, const MonthContext& context, FinanceApplicant applicant, double ticket, bool guidance_fund) {
  Venture& v = state.ventures[applicant.venture];
  v.cash = static_cast<float>(v.cash + ticket);
  v.funding = static_cast<float>(v.funding + ticket);
  v.last_ticket = static_cast<float>(ticket);
  if (v.funding_rounds < 255) {
    v.funding_rounds += 1;
  } else {
    state.flows.clamps_bound += 1;  // the round counter's cap (counted)
  }
  state.flows.funding_raised += ticket;
  state.flows.funding_rounds += 1;
  state.cumulative.funding_raised += ticket;
  if (guidance_fund) state.flows.guidance_fund_spending += ticket;
  context.sink.emit(context.month, applicant.venture, EventKind::funding_round, v.stage, v.stage, v.carrier, static_cast<float>(ticket));
}

}  // namespace

void finance(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const FinanceParameters& f = setup.parameters.finance;
  const VentureDynamics& d = setup.parameters.dynamics;
  const double aware = awareness(setup.parameters.policy);
  const IntegrationParameters& integration = setup.parameters.integration;
  std::vector<FinanceApplicant> applicants;
  for (std::size_t i = 0; i < state.active.size(); ++i) {
    const std::uint32_t index = state.active[i];
    Venture& v = state.ventures[index];
    if (!v.registered) continue;
    const double monthly_costs = d.other_costs_per_month + v.headcount * d.wage_per_month;
    if (v.cash >= f.runway_months * monthly_costs) continue;
    if (grant_bank_loan(state, context, index, v)) continue;  // a bank loan first (loans.hpp)
    if (state.budgets.investors <= 0.0 && state.budgets.guidance_fund <= 0.0) continue;  // no money to ask for
    // Investors: only ventures that know of them apply (Internet+ and the base's shared
    // investor network raise that).
    Stream stream = context.key.stream(v.stream_kind, v.stream_id, static_cast<std::uint32_t>(context.month), Purpose::finance);
    const bool base = v.carrier >= 0 && setup.carriers[static_cast<std::size_t>(v.carrier)].in_base;
    const double reach = std::min(1.0, aware + (integration.enabled && base ? integration.shared_service_quality : 0.0));
    if (!(Stream::uniform32(stream()) < reach)) continue;
    const double z = stream.normal();
    FinanceApplicant applicant;
    applicant.venture = index;
    applicant.investor_signal = v.quality + f.investor_noise * z + (v.funding_rounds > 0 ? 4.0 * v.growth : 0.0);
    applicant.fund_signal = applicant.investor_signal;
    applicants.push_back(applicant);
  }
  // Private investors screen the best-looking applicants first, up to their capacity.
  auto by_signal = [](const FinanceApplicant& a, const FinanceApplicant& b) {
    return a.investor_signal != b.investor_signal ? a.investor_signal > b.investor_signal : a.venture < b.venture;
  };
  std::sort(applicants.begin(), applicants.end(), by_signal);
  std::vector<std::uint8_t> funded(applicants.size(), 0);
  int screened = 0;
  for (std::size_t a = 0; a < applicants.size() && screened < f.investor_screening_per_month; ++a) {
    ++screened;
    const Venture& v = state.ventures[applicants[a].venture];
    const bool follow_on = v.funding_rounds > 0;
    const double threshold = follow_on ? f.follow_on_threshold : f.investor_threshold;
    const double ticket = follow_on ? f.follow_on_multiple * v.last_ticket : f.investor_ticket;
    if (applicants[a].investor_signal < threshold || (follow_on && v.growth <= 0.0F)) continue;
    if (!spend(state.budgets.investors, ticket)) continue;
    invest(state, context, applicants[a], ticket, false);
    funded[a] = 1;
  }
  // The guidance fund looks at those investors did not fund, with a lower bar, until its
  // capital runs out.
  screened = 0;
  for (std::size_t a = 0; a < applicants.size() && screened < f.guidance_fund_screening_per_month; ++a) {
    if (funded[a]) continue;
    ++screened;
    if (applicants[a].fund_signal < f.guidance_fund_threshold) continue;
    if (!spend(state.budgets.guidance_fund, f.guidance_fund_ticket)) break;
    invest(state, context, applicants[a], f.guidance_fund_ticket, true);
  }
}

}  // namespace incubsim::model
