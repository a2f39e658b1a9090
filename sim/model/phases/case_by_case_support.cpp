// Phase 8, case-by-case support (一事一议, docs/odd.md §7.8): high-growth residents of the base
// get land, finance or fiscal support — as cash here, plus a lower relocation hazard — while
// the year's budget lasts. Lowest venture index first among those that qualify in a month.

#include "model/monthly_schedule.hpp"
#include "model/phases/budgets.hpp"

namespace incubsim::model {

void case_by_case_support(RunState& state, const MonthContext& context) {
  const ModelSetup& setup = context.setup;
  const PolicyParameters& policy = setup.parameters.policy;
  if (policy.case_by_case_budget_per_year <= 0.0) return;
  for (std::uint32_t index : state.active) {
    Venture& v = state.ventures[index];
    if (v.case_by_case_supported || v.carrier < 0 || !setup.carriers[static_cast<std::size_t>(v.carrier)].in_base) continue;
    if (!v.registered || v.revenue <= 0.0F || v.growth < policy.case_by_case_min_growth) continue;
    if (!spend(state.budgets.case_by_case, policy.case_by_case_grant)) return;
    v.case_by_case_supported = true;
    v.cash = static_cast<float>(v.cash + policy.case_by_case_grant);
    state.flows.case_by_case_spending += policy.case_by_case_grant;
    state.flows.case_by_case += 1;
    context.sink.emit(context.month, index, EventKind::case_by_case_support, v.stage, v.stage, v.carrier,
                      static_cast<float>(policy.case_by_case_grant));
  }
}

}  // namespace incubsim::model
