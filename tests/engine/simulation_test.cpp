#include "engine/simulation.hpp"

#include <catch2/catch.hpp>

#include "support/run_output_difference.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "io/results.hpp"
#include "model/indicators.hpp"
#include "model/state.hpp"
#include "scenario/loader.hpp"

using namespace incubsim;

namespace {

constexpr std::uint32_t seed = 20210729;

std::string scenario_path(const std::string& relative) { return std::string(INCUBSIM_SOURCE_DIR) + "/" + relative; }
const std::string small = "scenarios/test/small.toml";
const std::string baseline = "scenarios/yiyuan/baseline-4n.toml";

using incubsim::testing::difference;
using incubsim::testing::same_event;

io::RunOutput run(const scenario::Scenario& scenario, std::uint32_t replication, io::RecordLevel level = io::RecordLevel::trajectories,
                  std::uint32_t run_seed = seed) {
  return engine::simulate_run(scenario.setup, engine::RunSpec{replication, 0, replication, run_seed}, level);
}

int column(const char* name) {
  const int index = model::indicator_index(name);
  if (index < 0) FAIL("indicator '" << name << "' is not in the registry");
  return index;
}

double value(const io::RunOutput& output, int month, int indicator) {
  return output.indicators[static_cast<std::size_t>(month) * model::indicator_registry().size() + static_cast<std::size_t>(indicator)];
}

// (month, venture) of every entry event after the initial residents.
std::vector<std::pair<int, std::uint32_t>> entries(const io::RunOutput& output) {
  std::vector<std::pair<int, std::uint32_t>> found;
  for (const io::EventRecord& event : output.events)
    if (event.kind == static_cast<std::uint8_t>(model::EventKind::entry)) found.emplace_back(event.month, event.venture);
  return found;
}

}  // namespace

TEST_CASE("simulate_run is deterministic", "[engine]") {
  for (const std::string& path : {small, baseline}) {
    INFO(path);
    const scenario::Scenario scenario = scenario::load_scenario(scenario_path(path));
    const io::RunOutput first = run(scenario, 3);
    const io::RunOutput second = run(scenario, 3);
    REQUIRE_FALSE(first.events.empty());
    REQUIRE_FALSE(first.trajectories.empty());
    CHECK(difference(first, second) == "");
  }
}

TEST_CASE("simulate_run copies the run identity and counts venture-months", "[engine]") {
  const scenario::Scenario scenario = scenario::load_scenario(scenario_path(small));
  const io::RunOutput output = engine::simulate_run(scenario.setup, engine::RunSpec{17, 2, 5, 99}, io::RecordLevel::trajectories);
  CHECK(output.run == 17);
  CHECK(output.scenario == 2);
  CHECK(output.replication == 5);
  CHECK(output.seed == 99);
  for (const auto& event : output.events) REQUIRE(event.run == 17);
  for (const auto& row : output.trajectories) REQUIRE(row.run == 17);
  CHECK(output.indicators.size() == static_cast<std::size_t>(scenario.setup.months) * model::indicator_registry().size());
  // Every active venture is recorded once a month, so the rows are the venture-months.
  CHECK(output.venture_months == output.trajectories.size());
  CHECK(output.ventures > 0);
}

TEST_CASE("Different replications and seeds give different runs", "[engine]") {
  const scenario::Scenario scenario = scenario::load_scenario(scenario_path(baseline));
  const io::RunOutput a = run(scenario, 0);
  const io::RunOutput b = run(scenario, 1);
  const io::RunOutput c = run(scenario, 0, io::RecordLevel::trajectories, seed + 1);
  CHECK(a.indicators != b.indicators);
  CHECK(a.indicators != c.indicators);
  CHECK(b.indicators != c.indicators);
  CHECK(entries(a) != entries(b));
}

TEST_CASE("The record level does not change what is simulated", "[engine]") {
  const scenario::Scenario scenario = scenario::load_scenario(scenario_path(small));
  const io::RunOutput indicators = run(scenario, 1, io::RecordLevel::indicators);
  const io::RunOutput events = run(scenario, 1, io::RecordLevel::events);
  const io::RunOutput trajectories = run(scenario, 1, io::RecordLevel::trajectories);
  CHECK(indicators.events.empty());
  CHECK(indicators.trajectories.empty());
  CHECK_FALSE(events.events.empty());
  CHECK(events.trajectories.empty());
  CHECK_FALSE(trajectories.trajectories.empty());
  CHECK(indicators.indicators == trajectories.indicators);
  CHECK(events.indicators == trajectories.indicators);
  CHECK(indicators.targets_met == trajectories.targets_met);
  CHECK(events.events.size() == trajectories.events.size());
  CHECK(indicators.venture_months == trajectories.venture_months);
}

TEST_CASE("Common random numbers: scenarios differing in one capacity see the same entrants", "[engine]") {
  const std::string carrier = "carrier.luzhong-gaoke-incubator.capacity=";
  const scenario::Scenario tight = scenario::load_scenario(scenario_path(baseline), {carrier + "10"});
  const scenario::Scenario roomy = scenario::load_scenario(scenario_path(baseline), {carrier + "40"});
  const int months = tight.setup.months;
  const int first_entry_column = column("entries_grassroots");
  const int admissions = column("admissions_incubator");
  double admitted_tight = 0.0, admitted_roomy = 0.0;
  for (std::uint32_t replication = 0; replication < 3; ++replication) {
    INFO("replication " << replication);
    const io::RunOutput a = run(tight, replication, io::RecordLevel::events);
    const io::RunOutput b = run(roomy, replication, io::RecordLevel::events);
    const auto entries_a = entries(a);
    REQUIRE(entries_a.size() > 100);
    CHECK(entries_a == entries(b));
    for (int m = 0; m < months; ++m) {
      for (int source = 0; source < 4; ++source) {
        INFO("month " << m << ", source column " << source);
        CHECK(value(a, m, first_entry_column + source) == value(b, m, first_entry_column + source));
      }
      admitted_tight += value(a, m, admissions);
      admitted_roomy += value(b, m, admissions);
    }
    // The paired runs are not the same run: the incubator's capacity matters.
    CHECK(a.indicators != b.indicators);
  }
  CHECK(admitted_tight < admitted_roomy);
}

TEST_CASE("targets_met follows the indicator at the deadline", "[engine]") {
  const scenario::Scenario scenario = scenario::load_scenario(scenario_path(baseline));
  const auto& setup = scenario.setup;
  REQUIRE(setup.targets.size() == 8);
  std::vector<int> met(setup.targets.size(), 0);
  for (std::uint32_t replication = 0; replication < 5; ++replication) {
    const io::RunOutput output = run(scenario, replication, io::RecordLevel::indicators);
    REQUIRE(output.targets_met.size() == setup.targets.size());
    for (std::size_t t = 0; t < setup.targets.size(); ++t) {
      const double at_deadline = value(output, setup.targets[t].deadline_month, setup.targets[t].indicator);
      const bool expected = at_deadline >= setup.parameters.targets[t].threshold;
      INFO("target " << setup.parameters.targets[t].id << ": " << at_deadline);
      CHECK(output.targets_met[t] == (expected ? 1 : 0));
      met[t] += output.targets_met[t];
    }
  }
  // The baseline has targets it always meets and one it never meets (3 provincial maker spaces).
  CHECK(*std::max_element(met.begin(), met.end()) == 5);
  CHECK(*std::min_element(met.begin(), met.end()) == 0);
}
