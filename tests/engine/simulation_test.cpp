#include "engine/simulation.hpp"

#include <catch2/catch.hpp>

#include "support/run_output_difference.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
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

// ---- scheduled parameter changes ([[schedule]]) --------------------------------------------

namespace {

engine::ScenarioSchedule schedule_of(const scenario::Scenario& loaded) {
  engine::ScenarioSchedule schedule;
  for (const auto& epoch : loaded.epochs) schedule.epochs.emplace_back(epoch.first_month, &epoch.setup);
  return schedule;
}

}  // namespace

TEST_CASE("A scheduled change takes effect from its date and not before", "[engine]") {
  // scenarios/test/schedule.toml: small.toml with nursery applications stopped from 2022-01.
  const scenario::Scenario plain = scenario::load_scenario(scenario_path(small));
  const scenario::Scenario scheduled = scenario::load_scenario(scenario_path("scenarios/test/schedule.toml"));
  REQUIRE(scheduled.epochs.size() == 2);
  const int from = scheduled.epochs[1].first_month;
  REQUIRE(from == 12);
  const int admissions = column("admissions_nursery");
  const std::size_t width = model::indicator_registry().size();
  for (std::uint32_t replication = 0; replication < 3; ++replication) {
    INFO("replication " << replication);
    const engine::RunSpec spec{replication, 0, replication, seed};
    const io::RunOutput with = engine::simulate_run(schedule_of(scheduled), spec, io::RecordLevel::events);
    const io::RunOutput without = engine::simulate_run(plain.setup, spec, io::RecordLevel::events);
    double before = 0.0;
    for (int m = 0; m < from; ++m) before += value(with, m, admissions);
    CHECK(before > 0.0);
    for (int m = from; m < scheduled.setup.months; ++m) {
      INFO("month " << m);
      CHECK(value(with, m, admissions) == 0.0);
    }
    // Before the date the runs are the same run (common random numbers), row for row.
    const auto head = static_cast<std::ptrdiff_t>(static_cast<std::size_t>(from) * width);
    CHECK(std::equal(with.indicators.begin(), with.indicators.begin() + head, without.indicators.begin()));
    CHECK(std::vector<double>(with.indicators.begin() + head, with.indicators.end()) !=
          std::vector<double>(without.indicators.begin() + head, without.indicators.end()));
    std::vector<io::EventRecord> early_with, early_without;
    for (const auto& event : with.events)
      if (event.month < from) early_with.push_back(event);
    for (const auto& event : without.events)
      if (event.month < from) early_without.push_back(event);
    REQUIRE(early_with.size() == early_without.size());
    for (std::size_t i = 0; i < early_with.size(); ++i) REQUIRE(same_event(early_with[i], early_without[i]));
  }
}

TEST_CASE("A run uses the epoch in force each month", "[engine]") {
  const scenario::Scenario a = scenario::load_scenario(scenario_path(small));
  const scenario::Scenario b = scenario::load_scenario(scenario_path(small), {"stage.nursery.application_probability=0"});
  const engine::ScenarioSchedule schedule{{{0, &a.setup}, {6, &b.setup}, {6, &a.setup}, {10, &b.setup}}};
  CHECK(&schedule.in_force(0) == &a.setup);
  CHECK(&schedule.in_force(5) == &a.setup);
  CHECK(&schedule.in_force(6) == &a.setup);  // the last epoch starting at or before the month
  CHECK(&schedule.in_force(9) == &a.setup);
  CHECK(&schedule.in_force(10) == &b.setup);
  CHECK(&schedule.in_force(23) == &b.setup);
  CHECK(&schedule.base() == &a.setup);
  const engine::RunSpec spec{0, 0, 1, seed};
  const io::RunOutput mixed = engine::simulate_run(schedule, spec, io::RecordLevel::indicators);
  const int admissions = column("admissions_nursery");
  for (int m = 10; m < a.setup.months; ++m) CHECK(value(mixed, m, admissions) == 0.0);
  // One epoch: the same as the setup alone.
  CHECK(engine::simulate_run(engine::ScenarioSchedule::unscheduled(a.setup), spec, io::RecordLevel::indicators).indicators ==
        engine::simulate_run(a.setup, spec, io::RecordLevel::indicators).indicators);
}

TEST_CASE("simulate_run rejects a schedule that does not start at month 0 or is out of order", "[engine]") {
  const scenario::Scenario a = scenario::load_scenario(scenario_path(small));
  const engine::RunSpec spec{0, 0, 0, seed};
  CHECK_THROWS_AS(engine::simulate_run(engine::ScenarioSchedule{}, spec, io::RecordLevel::indicators), std::invalid_argument);
  CHECK_THROWS_AS(engine::simulate_run(engine::ScenarioSchedule{{{1, &a.setup}}}, spec, io::RecordLevel::indicators), std::invalid_argument);
  CHECK_THROWS_AS(engine::simulate_run(engine::ScenarioSchedule{{{0, &a.setup}, {8, &a.setup}, {4, &a.setup}}}, spec, io::RecordLevel::indicators),
                  std::invalid_argument);
  CHECK_THROWS_AS(engine::simulate_run(engine::ScenarioSchedule{{{0, nullptr}}}, spec, io::RecordLevel::indicators), std::invalid_argument);
}
