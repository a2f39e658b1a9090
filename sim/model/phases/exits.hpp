#pragma once
// Exits (docs/odd.md §7.10): the hazard curve, also tabulated by resolve.

#include "model/parameters.hpp"

namespace incubsim::model {

// Monthly probability of failure from the log-logistic hazard at an age in months.
double monthly_hazard(const VentureDynamics& dynamics, double age_months);

}  // namespace incubsim::model
