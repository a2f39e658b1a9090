#include "model/phases/budgets.hpp"

namespace incubsim::model {

void open_budgets(RunState& state, const ModelSetup& setup, int calendar_month) {
  const PolicyParameters& policy = setup.parameters.policy;
  const double share = (13.0 - calendar_month) / 12.0;
  state.budgets.rent_subsidy = share * policy.rent_subsidy_budget_per_year;
  state.budgets.operators = share * policy.operator_budget_per_year;
  state.budgets.training = share * static_cast<double>(policy.training_places_per_month) * 12.0 * policy.training_cost_per_place;
  state.budgets.case_by_case = share * policy.case_by_case_budget_per_year;
  state.budgets.investors = share * setup.parameters.finance.investor_capital_per_year;
}

bool spend(double& line, double amount) {
  if (amount <= 0.0) return true;
  if (line < amount) return false;
  line -= amount;
  return true;
}

}  // namespace incubsim::model
