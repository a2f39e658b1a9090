#pragma once
// A venture's growth opportunities (docs/odd.md §7.5): what a new seller starts with, and the
// first sale. Shared by growth and cash, entry (firms recruited already selling) and the
// initial state (firms of 2021).

#include <cmath>

#include "model/state.hpp"

namespace incubsim::model {

// Monthly log-growth a seller's opportunities add when it starts selling: larger for better
// ventures, founders and technology, scaled by its sector; it then runs out (growth_and_cash).
inline float initial_opportunity(const ModelSetup& setup, const Venture& v) {
  const VentureDynamics& d = setup.parameters.dynamics;
  const double opportunity = d.opportunity_initial + d.quality_growth_effect * v.quality + d.skill_growth_effect * v.skill +
                             d.technology_growth_effect * v.technology;
  return static_cast<float>(setup.parameters.sectors[v.sector].growth_factor * opportunity);
}

// The first sale: revenue at the first-sale level (scaled by quality) and fresh opportunities.
inline void start_selling(const ModelSetup& setup, Venture& v) {
  v.revenue = static_cast<float>(setup.parameters.dynamics.first_revenue * std::exp(0.5 * v.quality));
  v.opportunity = initial_opportunity(setup, v);
}

}  // namespace incubsim::model
