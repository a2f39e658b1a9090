#include "model/population.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "model/phases/entry.hpp"
#include "scenario/loader.hpp"

using namespace incubsim;

namespace {

scenario::Scenario load(const std::vector<std::string>& overrides = {}) {
  return scenario::load_scenario(std::string(INCUBSIM_SOURCE_DIR) + "/scenarios/test/small.toml", overrides);
}

model::ExpectedPopulation whole_run(const model::ModelSetup& setup) { return model::expected_population(setup, {{setup, setup.months}}); }

}  // namespace

TEST_CASE("The three population estimates are ordered: expected, every entrant starting, upper bound", "[model]") {
  const model::ModelSetup setup = load().setup;
  const double expected = whole_run(setup).ventures;
  const double every_entrant = model::expected_ventures_if_every_entrant_starts(setup);
  CHECK(expected > 0.0);
  CHECK(expected <= every_entrant);
  CHECK(every_entrant < static_cast<double>(model::ventures_upper_bound(setup)));
}

TEST_CASE("ventures_upper_bound is strict: no run creates as many ventures", "[model]") {
  const model::ModelSetup setup = load().setup;
  for (std::uint32_t r = 0; r < 5; ++r) {
    const io::RunOutput run = engine::simulate_run(setup, engine::RunSpec{r, 0, r, 20210729}, io::RecordLevel::indicators);
    CHECK(run.ventures < model::ventures_upper_bound(setup));
  }
}

TEST_CASE("expected_population counts each parameter set for the months it is in force", "[model]") {
  const model::ModelSetup setup = load().setup;
  const model::ModelSetup boosted = load({"policy.zero_cost_entry=true"}).setup;
  const int half = setup.months / 2;
  const model::ExpectedPopulation split = model::expected_population(setup, {{setup, half}, {boosted, setup.months - half}});
  const model::ExpectedPopulation plain = whole_run(setup);
  for (std::size_t s = 0; s < setup.parameters.sources.size(); ++s) {
    const double per_month = plain.entrants_by_source[s] / setup.months;
    const double ratio = model::start_up_probability(boosted.parameters.policy, boosted.parameters.sources[s]) /
                         model::start_up_probability(setup.parameters.policy, setup.parameters.sources[s]);
    CHECK(split.entrants_by_source[s] == Approx(per_month * half + per_month * ratio * (setup.months - half)));
  }
}
