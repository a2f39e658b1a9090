#pragma once
// Budget lines (docs/odd.md §7.14): opened each January by the calendar, spent first come,
// first served by the phases that pay from them.

#include "model/setup.hpp"
#include "model/state.hpp"

namespace incubsim::model {

// Annual lines open each January; a run starting later in the year gets the months it has left.
void open_budgets(RunState& state, const ModelSetup& setup, int calendar_month);
// Takes `amount` from a budget line if it holds that much; true when paid.
bool spend(double& line, double amount);

}  // namespace incubsim::model
