#pragma once
// Bank loans (docs/odd.md §7.5, §7.6, §7.10): a loan's grant (finance phase), its monthly
// instalments (growth and cash) and its default on failure (exits) in one place. Inline: the
// instalment is checked for every venture every month.

#include <cstdint>

#include "model/month_context.hpp"

namespace incubsim::model {

// Grant: a registered firm short of runway borrows if it has revenue (half as much suffices for
// a carrier resident when the public guarantee covers loans) and no loan running. True when it
// borrowed; it then seeks no other money this month.
inline bool grant_bank_loan(RunState& state, const MonthContext& context, std::uint32_t index, Venture& v) {
  const FinanceParameters& f = context.setup.parameters.finance;
  const double revenue_needed = f.loan_min_revenue * (f.loan_guarantee_share > 0.0 && v.carrier >= 0 ? 0.5 : 1.0);
  if (!(v.loan_balance <= 0.0F && v.revenue >= revenue_needed && f.loan_amount > 0.0)) return false;
  v.loan_balance = static_cast<float>(f.loan_amount);
  v.loan_months_left = static_cast<std::int16_t>(f.loan_term_months);
  v.cash = static_cast<float>(v.cash + f.loan_amount);
  state.flows.loans += 1;
  context.sink.emit(context.month, index, EventKind::loan, v.stage, v.stage, v.carrier, static_cast<float>(f.loan_amount));
  return true;
}

// Repayment: while a loan runs, the month's instalment (the balance left over the months left)
// joins the firm's costs, and so does the month's interest on the balance before the instalment
// (balance x annual rate / 12). At rate 0 no interest is computed: results stay the same to the bit.
inline void pay_loan_instalment(FlowCounters& flows, const FinanceParameters& finance, Venture& v, double& costs) {
  if (v.loan_months_left > 0) {
    if (finance.loan_interest_rate > 0.0) {
      const double interest = v.loan_balance * finance.loan_interest_rate / 12.0;
      costs += interest;
      flows.loan_interest_paid += interest;
    }
    const double instalment = v.loan_balance / v.loan_months_left;
    costs += instalment;
    v.loan_balance = static_cast<float>(v.loan_balance - instalment);
    v.loan_months_left -= 1;
  }
}

// Default: a failed firm defaults on its loan; the public guarantee pays its share of the
// balance left.
inline void default_on_loan(FlowCounters& flows, const FinanceParameters& finance, const Venture& v) {
  const double guarantee = finance.loan_guarantee_share * v.loan_balance;
  flows.guarantee_spending += guarantee;
}

}  // namespace incubsim::model
