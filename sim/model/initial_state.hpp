#pragma once
// The state a run starts from (docs/odd.md §5, Initialization).

#include "model/month_context.hpp"

namespace incubsim::model {

// Creates the initial state: carriers (with their construction delays), budgets, and the
// ventures resident at the start.
RunState initialise(const ModelSetup& setup, RandomKey key, const EventSink& sink);

}  // namespace incubsim::model
