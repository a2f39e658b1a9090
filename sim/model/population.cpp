#include "model/population.hpp"

#include <algorithm>
#include <cmath>

#include "model/phases/entry.hpp"

namespace incubsim::model {
namespace {

// Firms present at the start, on every carrier that lists them (disabled ones too).
std::uint64_t initial_firm_count(const ModelSetup& setup) {
  std::uint64_t count = 0;
  for (const auto& carrier : setup.parameters.carriers) count += static_cast<std::uint64_t>(std::max(carrier.initial_residents, 0));
  return count;
}

// Talents the programme brings over the horizon: one cohort each January, counting a first
// January the horizon may not reach (so never an undercount).
std::uint64_t programme_talents_over_horizon(const ModelSetup& setup) {
  return static_cast<std::uint64_t>(setup.parameters.talent.talents_per_year) * static_cast<std::uint64_t>(setup.months / 12 + 1);
}

}  // namespace

std::uint64_t potential_entrants_upper_bound(const ModelSetup& setup, std::size_t source) {
  // The Poisson mean plus ten standard deviations, every month.
  const double mean = setup.potential_per_month(source);
  return static_cast<std::uint64_t>(std::min((mean + 10.0 * std::sqrt(mean) + 1.0) * setup.months, 1.8e19));
}

std::uint64_t ventures_upper_bound(const ModelSetup& setup) {
  // Initial residents, every potential entrant a run could plausibly draw, programme talents.
  std::uint64_t bound = initial_firm_count(setup);
  for (std::size_t s = 0; s < setup.parameters.sources.size(); ++s) bound += potential_entrants_upper_bound(setup, s);
  bound += programme_talents_over_horizon(setup);
  return bound;
}

ExpectedPopulation expected_population(const ModelSetup& base, const std::vector<SetupInForce>& in_force) {
  const std::size_t sources = base.parameters.sources.size();
  ExpectedPopulation population;
  population.entrants_by_source.assign(sources, 0.0);
  for (const SetupInForce& epoch : in_force) {
    const ModelSetup& setup = epoch.setup;
    for (std::size_t s = 0; s < sources; ++s) {
      const double starts_per_month = setup.potential_per_month(s) * start_up_probability(setup.parameters.policy, setup.parameters.sources[s]);
      population.entrants_by_source[s] += starts_per_month * epoch.months;
    }
  }
  population.ventures = static_cast<double>(programme_talents_over_horizon(base)) + static_cast<double>(initial_firm_count(base));
  for (std::size_t s = 0; s < sources; ++s) population.ventures += population.entrants_by_source[s];
  return population;
}

double expected_ventures_if_every_entrant_starts(const ModelSetup& setup) {
  double ventures = static_cast<double>(initial_firm_count(setup));
  for (std::size_t s = 0; s < setup.parameters.sources.size(); ++s) ventures += setup.potential_per_month(s) * setup.months;
  ventures += static_cast<double>(programme_talents_over_horizon(setup));
  return ventures;
}

}  // namespace incubsim::model
