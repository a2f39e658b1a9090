#pragma once
// How many ventures a run makes, estimated before it runs. Three questions, three answers; each
// counts the firms of the start, the potential entrants of every source and the programme
// talents, and differs in how it counts the entrants:
//   - can the random-number counter number them all? a strict upper bound (resolve, the loader);
//   - does the scenario stay under the population cap? the expected count (the loader's
//     check_population, run/compare/sweep);
//   - how much work is one run? the expected count if every potential entrant started a venture
//     (the resource pilot, engine/resources.cpp).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/setup.hpp"

namespace incubsim::model {

// Strict upper bound on one source's potential entrants over the horizon (the Poisson mean plus
// ten standard deviations, every month): must stay below the counter's entrant numbers.
std::uint64_t potential_entrants_upper_bound(const ModelSetup& setup, std::size_t source);

// Strict upper bound on the ventures a run can create: must stay below the counter's entity
// ids; also sizes the first reservation of the venture array.
std::uint64_t ventures_upper_bound(const ModelSetup& setup);

// A parameter set and the number of months of the run it is in force.
struct SetupInForce {
  const ModelSetup& setup;
  int months;
};

struct ExpectedPopulation {
  double ventures = 0.0;                   // expected ventures one run creates
  std::vector<double> entrants_by_source;  // of which entered from each source
};

// Expected ventures of one run, against the population cap (ModelSetup::max_ventures_per_run):
// each source's potential entrants times their start-up probability, summed over the months
// each parameter set is in force, plus the firms of the start and the programme talents.
ExpectedPopulation expected_population(const ModelSetup& base, const std::vector<SetupInForce>& in_force);

// Expected ventures of one run if every potential entrant started one: an estimate on the
// heavy side of the work of a run, which sizes the resource pilot.
double expected_ventures_if_every_entrant_starts(const ModelSetup& setup);

}  // namespace incubsim::model
