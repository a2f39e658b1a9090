#pragma once
// Entry (docs/odd.md §7.2): the rule that also feeds the population estimates.

#include "model/parameters.hpp"

namespace incubsim::model {

// Chance that a potential entrant of `source` starts a venture this month, zero-cost entry's
// boost included. The entry phase draws against it; the population cap check expects it.
double start_up_probability(const PolicyParameters& policy, const SourceParameters& source);

}  // namespace incubsim::model
