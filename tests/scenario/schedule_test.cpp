#include "scenario/schedule.hpp"

#include <catch2/catch.hpp>

#include "support/run_output_difference.hpp"
#include "support/scenario_problems.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <utility>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "engine/simulation.hpp"
#include "io/results_reader.hpp"
#include "scenario/loader.hpp"

using namespace incubsim;
namespace fs = std::filesystem;
using scenario::Problem;
using incubsim::testing::contains;
using incubsim::testing::problems_of;
using incubsim::testing::same_file;
using incubsim::testing::source_file;
using incubsim::testing::the_problem;
using incubsim::testing::TempDir;

namespace {

fs::path bad(const std::string& name) { return source_file("scenarios/test/bad/" + name); }
const fs::path small = source_file("scenarios/test/small.toml");
const fs::path scheduled = source_file("scenarios/test/schedule.toml");





// A scenario extending small.toml with the given [[schedule]] entries (TOML text after line 1).
fs::path small_with(const TempDir& dir, const std::string& name, const std::string& entries) {
  return dir.write(name, "extends = \"" + small.generic_string() + "\"\n" + entries);
}

std::string entry(const std::string& date, const std::string& key, const std::string& value) {
  return "[[schedule]]\ndate = \"" + date + "\"\nkey = \"" + key + "\"\nvalue = " + value + "\n";
}

engine::ScenarioSchedule schedule_of(const scenario::Scenario& loaded) {
  engine::ScenarioSchedule schedule;
  for (const auto& epoch : loaded.epochs) schedule.epochs.emplace_back(epoch.first_month, &epoch.setup);
  return schedule;
}

io::RunOutput run(const scenario::Scenario& loaded, std::uint32_t replication, io::RecordLevel level = io::RecordLevel::trajectories) {
  return engine::simulate_run(schedule_of(loaded), engine::RunSpec{replication, 0, replication, 20210729}, level);
}

}  // namespace

// ---- epochs ---------------------------------------------------------------------------------

TEST_CASE("A [[schedule]] entry starts an epoch at its date", "[scenario]") {
  const scenario::Scenario loaded = scenario::load_scenario(scheduled);
  CHECK(loaded.name == "small-schedule");
  REQUIRE(loaded.epochs.size() == 2);
  CHECK(loaded.epochs[0].first_month == 0);
  CHECK(loaded.epochs[0].setup.parameters.stages[0].application_probability == 0.5);
  CHECK(loaded.setup.parameters.stages[0].application_probability == 0.5);  // the base
  CHECK(loaded.epochs[1].first_month == 12);
  CHECK(loaded.epochs[1].setup.parameters.stages[0].application_probability == 0.0);
  CHECK(loaded.epochs[1].setup.parameters.name == "small-schedule");
  REQUIRE(loaded.schedule.size() == 1);
  const scenario::ScheduledChange& change = loaded.schedule.front();
  CHECK(change.date == "2022-01");
  CHECK(change.month == 12);
  CHECK(change.key == "stage.nursery.application_probability");
  CHECK(change.value == "0.0");
  CHECK(contains(change.source, "stops taking applicants"));
  CHECK(same_file(change.file, scheduled));
  CHECK(change.line == 11);
  // A scenario without a schedule has its base as the one epoch.
  const scenario::Scenario plain = scenario::load_scenario(small);
  REQUIRE(plain.epochs.size() == 1);
  CHECK(plain.epochs[0].first_month == 0);
  CHECK(plain.schedule.empty());
  CHECK_FALSE(contains(plain.resolved_text, "[[schedule]]"));
}

TEST_CASE("Epochs accumulate the changes dated on or before them, in date order", "[scenario]") {
  TempDir dir;
  const fs::path path = small_with(dir, "several.toml",
                                   entry("2022-03", "carrier.test-nursery.capacity", "14") +     // written first, dated last
                                       entry("2021-06", "carrier.test-nursery.capacity", "12") +
                                       entry("2022-01", "dynamics.revenue_growth", "0.01") +
                                       entry("2021-06", "stage.incubator.min_months", "2") +
                                       entry("2022-01", "sector.general.county_demand_growth", "0.002"));
  const scenario::Scenario loaded = scenario::load_scenario(path);
  REQUIRE(loaded.epochs.size() == 4);
  std::vector<int> firsts;
  for (const auto& epoch : loaded.epochs) firsts.push_back(epoch.first_month);
  CHECK(firsts == std::vector<int>{0, 5, 12, 14});
  auto nursery_capacity = [&](std::size_t e) { return loaded.epochs[e].setup.parameters.carriers[0].capacity; };
  CHECK(nursery_capacity(0) == 10);
  CHECK(nursery_capacity(1) == 12);
  CHECK(nursery_capacity(2) == 12);
  CHECK(nursery_capacity(3) == 14);
  CHECK(loaded.epochs[1].setup.parameters.stages[1].min_months == 2);
  CHECK(loaded.epochs[3].setup.parameters.stages[1].min_months == 2);
  CHECK(loaded.epochs[1].setup.parameters.dynamics.revenue_growth == loaded.setup.parameters.dynamics.revenue_growth);
  CHECK(loaded.epochs[2].setup.parameters.dynamics.revenue_growth == 0.01);
  CHECK(loaded.epochs[3].setup.parameters.sectors[0].county_demand_growth == 0.002);
  // The schedule in date order, file order within a date.
  std::vector<std::string> keys;
  for (const auto& change : loaded.schedule) keys.push_back(change.date + " " + change.key);
  CHECK(keys == std::vector<std::string>{"2021-06 carrier.test-nursery.capacity", "2021-06 stage.incubator.min_months",
                                         "2022-01 dynamics.revenue_growth", "2022-01 sector.general.county_demand_growth",
                                         "2022-03 carrier.test-nursery.capacity"});
  CHECK(loaded.schedule.front().value == "12");
  CHECK(loaded.schedule.back().value == "14");
  // Each epoch has the base's shape.
  for (const auto& epoch : loaded.epochs) CHECK(scenario::shape_difference(loaded.setup, epoch.setup).empty());
}

TEST_CASE("Each epoch is what --set of its values gives", "[scenario]") {
  TempDir dir;
  const fs::path path = small_with(dir, "two-dates.toml",
                                   entry("2021-06", "carrier.test-incubator.rent_subsidy_share", "0.8") +
                                       entry("2022-01", "dynamics.hazard_multiplier", "2"));
  const scenario::Scenario loaded = scenario::load_scenario(path);
  REQUIRE(loaded.epochs.size() == 3);
  const scenario::Scenario first =
      scenario::load_scenario(small, {"carrier.test-incubator.rent_subsidy_share=0.8"});
  const scenario::Scenario second =
      scenario::load_scenario(small, {"carrier.test-incubator.rent_subsidy_share=0.8", "dynamics.hazard_multiplier=2"});
  // The same parameters: the same run (the hazard table included).
  const engine::RunSpec spec{0, 0, 2, 7};
  auto alone = [&](const model::ModelSetup& setup) { return engine::simulate_run(setup, spec, io::RecordLevel::events); };
  CHECK(testing::difference(alone(loaded.epochs[1].setup), alone(first.setup)) == "");
  CHECK(testing::difference(alone(loaded.epochs[2].setup), alone(second.setup)) == "");
  CHECK(loaded.epochs[2].setup.hazard_by_age == second.setup.hazard_by_age);
  CHECK(loaded.epochs[2].setup.parameters.dynamics.hazard_multiplier == 2.0);  // an integer in the file, a real parameter
}

TEST_CASE("A change dated at the start runs exactly as --set of the same value", "[scenario]") {
  TempDir dir;
  // first_revenue is also read when the initial residents are created.
  const fs::path path = small_with(dir, "at-start.toml",
                                   entry("2021-01", "stage.nursery.application_probability", "0.2") +
                                       entry("2021-01", "carrier.test-nursery.capacity", "7") +
                                       entry("2021-01", "dynamics.first_revenue", "35000.0"));
  const scenario::Scenario at_start = scenario::load_scenario(path);
  const scenario::Scenario set = scenario::load_scenario(
      small, {"stage.nursery.application_probability=0.2", "carrier.test-nursery.capacity=7", "dynamics.first_revenue=35000.0"});
  REQUIRE(at_start.epochs.size() == 2);
  CHECK(at_start.epochs[1].first_month == 0);
  const scenario::Scenario plain = scenario::load_scenario(small);
  for (std::uint32_t replication = 0; replication < 3; ++replication) {
    INFO("replication " << replication);
    const io::RunOutput scheduled_run = run(at_start, replication);
    const io::RunOutput set_run = engine::simulate_run(set.setup, engine::RunSpec{replication, 0, replication, 20210729},
                                                       io::RecordLevel::trajectories);
    CHECK(testing::difference(scheduled_run, set_run) == "");
    CHECK(scheduled_run.indicators != run(plain, replication).indicators);
  }
}

TEST_CASE("A --set value holds until the first scheduled change, which still applies", "[scenario]") {
  const scenario::Scenario loaded = scenario::load_scenario(scheduled, {"stage.nursery.application_probability=0.3"});
  REQUIRE(loaded.epochs.size() == 2);
  CHECK(loaded.epochs[0].setup.parameters.stages[0].application_probability == 0.3);
  CHECK(loaded.epochs[1].setup.parameters.stages[0].application_probability == 0.0);
  // --set of another key holds in every epoch.
  const scenario::Scenario other = scenario::load_scenario(scheduled, {"carrier.test-nursery.capacity=9"});
  CHECK(other.epochs[0].setup.parameters.carriers[0].capacity == 9);
  CHECK(other.epochs[1].setup.parameters.carriers[0].capacity == 9);
}

TEST_CASE("Schedules from extends are concatenated, the parent's first", "[scenario]") {
  TempDir dir;
  const fs::path child = dir.write("child.toml", "extends = \"" + scheduled.generic_string() + "\"\n" +
                                                     entry("2021-03", "carrier.test-nursery.capacity", "11"));
  const scenario::Scenario loaded = scenario::load_scenario(child);
  REQUIRE(loaded.schedule.size() == 2);
  CHECK(loaded.schedule[0].key == "carrier.test-nursery.capacity");  // earlier date first
  CHECK(same_file(loaded.schedule[0].file, child));
  CHECK(loaded.schedule[0].line == 2);
  CHECK(loaded.schedule[1].key == "stage.nursery.application_probability");
  CHECK(same_file(loaded.schedule[1].file, scheduled));
  REQUIRE(loaded.epochs.size() == 3);
  CHECK(loaded.epochs[2].setup.parameters.carriers[0].capacity == 11);
  CHECK(loaded.epochs[2].setup.parameters.stages[0].application_probability == 0.0);
}

// ---- bad input: file, line and key ----------------------------------------------------------

TEST_CASE("Structural keys cannot be scheduled", "[scenario]") {
  Problem problem = the_problem(bad("schedule-structural.toml"));
  CHECK(same_file(problem.file, bad("schedule-structural.toml")));
  CHECK(problem.line == 6);
  CHECK(problem.key == "carrier.test-park.opening");
  CHECK(contains(problem.message, "changes the model's shape"));
  CHECK(problem.to_string() == problem.file + ":6: key 'carrier.test-park.opening': " + problem.message);

  problem = the_problem(bad("schedule-simulation.toml"));
  CHECK(same_file(problem.file, bad("schedule-simulation.toml")));
  CHECK(problem.line == 6);
  CHECK(problem.key == "simulation.horizon_months");
  CHECK(contains(problem.message, "cannot be scheduled"));

  problem = the_problem(bad("schedule-target.toml"));
  CHECK(same_file(problem.file, bad("schedule-target.toml")));
  CHECK(problem.line == 6);
  CHECK(problem.key == "target.incubator-residents.threshold");
  CHECK(contains(problem.message, "targets cannot be scheduled"));

  TempDir dir;
  for (const std::string key : {"carrier.test-park.id", "carrier.test-park.enabled", "carrier.test-park.kind", "carrier.test-park.operator",
                                "carrier.test-park.sectors", "carrier.test-nursery.initial_residents", "source.talent.id", "sector.general.id",
                                "operator.test-operator.id", "scenario.name", "simulation.start", "simulation.potential_scale"}) {
    INFO(key);
    problem = the_problem(small_with(dir, "structural.toml", entry("2022-01", key, "1")));
    CHECK(problem.line == 4);
    CHECK(problem.key == key);
    CHECK(contains(problem.message, "cannot be scheduled"));
  }
}

TEST_CASE("Keys read only when a run starts cannot be scheduled", "[scenario]") {
  TempDir dir;
  const Problem problem = the_problem(small_with(dir, "level.toml", entry("2022-01", "carrier.test-park.level", "\"national\"")));
  CHECK(problem.key == "carrier.test-park.level");
  CHECK(problem.line == 4);
  CHECK(contains(problem.message, "annual level reviews"));
  // A sector's markets and incumbents are set at the start (docs/odd.md §7.5a); their growth rates
  // and displacement may change.
  for (const std::string key : {"sector.general.county_demand", "sector.general.outside_market", "sector.general.incumbent_firms",
                                "sector.general.incumbent_jobs", "sector.general.incumbent_revenue"}) {
    INFO(key);
    const Problem market = the_problem(small_with(dir, "market.toml", entry("2022-01", key, "1000")));
    CHECK(market.key == key);
    CHECK(contains(market.message, "cannot be scheduled"));
  }
}

TEST_CASE("Citations are not parameters and cannot be scheduled", "[scenario]") {
  TempDir dir;
  for (const std::string key : {"carrier.test-park.source", "dynamics.source", "citations.x"}) {
    INFO(key);
    const Problem problem = the_problem(small_with(dir, "citation.toml", entry("2022-01", key, "\"x\"")));
    CHECK(problem.key == key);
    CHECK(problem.line == 4);
  }
}

TEST_CASE("An unknown scheduled key is reported with a suggestion", "[scenario]") {
  Problem problem = the_problem(bad("schedule-unknown-key.toml"));
  CHECK(same_file(problem.file, bad("schedule-unknown-key.toml")));
  CHECK(problem.line == 6);
  CHECK(problem.key == "stage.nursery.application_probabilty");
  CHECK(contains(problem.message, "did you mean 'stage.nursery.application_probability'"));

  problem = the_problem(bad("schedule-unknown-id.toml"));
  CHECK(same_file(problem.file, bad("schedule-unknown-id.toml")));
  CHECK(problem.line == 6);
  CHECK(problem.key == "carrier.test-nursry.capacity");
  CHECK(contains(problem.message, "did you mean 'test-nursery'"));

  TempDir dir;
  problem = the_problem(small_with(dir, "field.toml", entry("2022-01", "carrier.test-park.capacty", "3")));
  CHECK(problem.key == "carrier.test-park.capacty");
  CHECK(contains(problem.message, "did you mean 'capacity'"));
  problem = the_problem(small_with(dir, "section.toml", entry("2022-01", "dynamic.hazard_shape", "3")));
  CHECK(problem.key == "dynamic.hazard_shape");
  CHECK(contains(problem.message, "did you mean 'dynamics'"));
  for (const std::string key : {"carrier.capacity", "dynamics..x", "carrier.test-park.capacity.x", ".x", "x."}) {
    INFO(key);
    problem = the_problem(small_with(dir, "malformed.toml", entry("2022-01", key, "3")));
    CHECK(problem.key == key);
    CHECK(problem.line == 4);
  }
}

TEST_CASE("Scheduled values are validated like file values", "[scenario]") {
  Problem problem = the_problem(bad("schedule-wrong-type.toml"));
  CHECK(same_file(problem.file, bad("schedule-wrong-type.toml")));
  CHECK(problem.line == 7);
  CHECK(problem.key == "carrier.test-incubator.capacity");
  CHECK(contains(problem.message, "integer"));
  CHECK(contains(problem.message, "ten"));

  problem = the_problem(bad("schedule-out-of-range.toml"));
  CHECK(same_file(problem.file, bad("schedule-out-of-range.toml")));
  CHECK(problem.line == 7);
  CHECK(problem.key == "carrier.test-nursery.rent_subsidy_share");
  CHECK(contains(problem.message, "out of range"));
  CHECK(contains(problem.message, "[0, 1]"));

  TempDir dir;
  problem = the_problem(small_with(dir, "choice.toml", entry("2022-01", "operator.test-operator.objective", "\"qualty\"")));
  CHECK(problem.key == "operator.test-operator.objective");
  CHECK(problem.line == 5);
  CHECK(contains(problem.message, "did you mean 'quality'"));
}

TEST_CASE("A problem that appears only when changes combine is reported at a change of that date", "[scenario]") {
  TempDir dir;
  // small.toml has one sector: with its share at zero, no entrant has a sector.
  const Problem problem = the_problem(small_with(dir, "zero-share.toml",
                                                 entry("2021-05", "dynamics.revenue_growth", "0.01") +
                                                     entry("2022-01", "dynamics.hazard_shape", "2.0") +
                                                     entry("2022-01", "sector.general.share", "0.0")));
  CHECK(problem.key == "sector.general.share");
  CHECK(problem.line == 13);
  CHECK(contains(problem.message, "from 2022-01"));
  CHECK(contains(problem.message, "sector shares"));
}

TEST_CASE("A scheduled rate beyond the random-number counter is reported at its entry", "[scenario]") {
  TempDir dir;
  const Problem problem = the_problem(small_with(dir, "flood.toml", entry("2022-01", "source.grassroots.potential_per_month", "1e7")),
                                      {"simulation.potential_scale=2"});
  CHECK(problem.key == "source.grassroots.potential_per_month");
  CHECK(problem.line == 5);
  CHECK(contains(problem.message, "from 2022-01"));
  CHECK(contains(problem.message, "grassroots"));
}

TEST_CASE("Schedule dates must be YYYY-MM within the simulated months", "[scenario]") {
  Problem problem = the_problem(bad("schedule-bad-date.toml"));
  CHECK(same_file(problem.file, bad("schedule-bad-date.toml")));
  CHECK(problem.line == 5);
  CHECK(problem.key == "carrier.test-nursery.capacity");
  CHECK(contains(problem.message, "YYYY-MM"));
  CHECK(contains(problem.message, "2022-13"));

  problem = the_problem(bad("schedule-before-start.toml"));
  CHECK(same_file(problem.file, bad("schedule-before-start.toml")));
  CHECK(problem.line == 5);
  CHECK(contains(problem.message, "2021-01..2022-12"));

  problem = the_problem(bad("schedule-after-end.toml"));
  CHECK(same_file(problem.file, bad("schedule-after-end.toml")));
  CHECK(problem.line == 5);
  CHECK(contains(problem.message, "2021-01..2022-12"));

  TempDir dir;
  for (const std::string date : {"2022-1", "22-01", "2022/01", "", "2022-01-01"}) {
    INFO(date);
    problem = the_problem(small_with(dir, "date.toml", entry(date, "carrier.test-nursery.capacity", "12")));
    CHECK(problem.line == 3);
    CHECK(contains(problem.message, "YYYY-MM"));
  }
  // A TOML date is not a month.
  problem = the_problem(small_with(dir, "toml-date.toml", "[[schedule]]\ndate = 2022-01-01\nkey = \"carrier.test-nursery.capacity\"\nvalue = 12\n"));
  CHECK(problem.line == 3);
  CHECK(problem.key == "carrier.test-nursery.capacity");
  CHECK(contains(problem.message, "YYYY-MM"));
  // The last simulated month may be scheduled.
  CHECK_NOTHROW(scenario::load_scenario(small_with(dir, "last.toml", entry("2022-12", "carrier.test-nursery.capacity", "12"))));
}

TEST_CASE("Two entries for the same key and date are rejected", "[scenario]") {
  Problem problem = the_problem(bad("schedule-duplicate.toml"));
  CHECK(same_file(problem.file, bad("schedule-duplicate.toml")));
  CHECK(problem.line == 9);
  CHECK(problem.key == "carrier.test-nursery.capacity");
  CHECK(contains(problem.message, "scheduled twice for 2022-01"));
  CHECK(contains(problem.message, "schedule-duplicate.toml:4"));
  // Also across extends: the child's entry is the second.
  TempDir dir;
  const fs::path child = dir.write("child.toml", "extends = \"" + scheduled.generic_string() + "\"\n" +
                                                     entry("2022-01", "stage.nursery.application_probability", "0.1"));
  problem = the_problem(child);
  CHECK(same_file(problem.file, child));
  CHECK(problem.line == 2);
  CHECK(contains(problem.message, "schedule.toml:11"));
  // The same key at two dates is fine.
  CHECK_NOTHROW(scenario::load_scenario(small_with(dir, "two.toml", entry("2022-01", "carrier.test-nursery.capacity", "12") +
                                                                        entry("2022-02", "carrier.test-nursery.capacity", "13"))));
}

TEST_CASE("Malformed [[schedule]] entries name file, line and key", "[scenario]") {
  TempDir dir;
  Problem problem = the_problem(small_with(dir, "no-value.toml", "[[schedule]]\ndate = \"2022-01\"\nkey = \"carrier.test-nursery.capacity\"\n"));
  CHECK(problem.line == 2);
  CHECK(problem.key == "carrier.test-nursery.capacity");
  CHECK(contains(problem.message, "missing required key 'value'"));

  problem = the_problem(small_with(dir, "no-key.toml", "[[schedule]]\ndate = \"2022-01\"\nvalue = 3\n"));
  CHECK(problem.line == 2);
  CHECK(problem.key == "schedule.key");
  CHECK(contains(problem.message, "missing required key 'key'"));

  problem = the_problem(small_with(dir, "no-date.toml", "[[schedule]]\nkey = \"carrier.test-nursery.capacity\"\nvalue = 3\n"));
  CHECK(problem.line == 2);
  CHECK(contains(problem.message, "missing required key 'date'"));

  problem = the_problem(small_with(dir, "typo.toml", entry("2022-01", "carrier.test-nursery.capacity", "12") + "vaule = 3\n"));
  CHECK(problem.line == 6);
  CHECK(problem.key == "schedule.vaule");
  CHECK(contains(problem.message, "did you mean 'value'"));

  problem = the_problem(small_with(dir, "key-type.toml", "[[schedule]]\ndate = \"2022-01\"\nkey = 3\nvalue = 3\n"));
  CHECK(problem.line == 4);
  CHECK(problem.key == "schedule.key");

  problem = the_problem(small_with(dir, "source-type.toml", entry("2022-01", "carrier.test-nursery.capacity", "12") + "source = 3\n"));
  CHECK(problem.line == 6);
  CHECK(contains(problem.message, "citation"));

  problem = the_problem(small_with(dir, "not-array.toml", "schedule = 3\n"));
  CHECK(problem.key == "schedule");
  CHECK(problem.line == 2);
  CHECK(contains(problem.message, "[[schedule]]"));

  problem = the_problem(small, {"schedule.x=1"});
  CHECK(problem.file == "--set");
  CHECK(contains(problem.message, "[[schedule]]"));
}

TEST_CASE("Schedule problems in a parent name the parent's file and line", "[scenario]") {
  const Problem problem = the_problem(bad("schedule-child.toml"));
  CHECK(same_file(problem.file, bad("schedule-parent.toml")));
  CHECK(problem.line == 8);
  CHECK(problem.key == "carrier.test-incubator.rent_subsidy_share");
  CHECK(contains(problem.message, "out of range"));
}

TEST_CASE("All schedule problems of a file are reported together", "[scenario]") {
  TempDir dir;
  const std::vector<Problem> problems = problems_of(small_with(dir, "three.toml",
                                                               entry("2022-01", "carrier.test-park.opening", "\"2021-06\"") +  // 2..5
                                                                   entry("2022-13", "carrier.test-park.capacity", "3") +     // 6..9
                                                                   entry("2022-01", "dynamics.hazard_shap", "3")));           // 10..13
  std::vector<std::pair<int, std::string>> found;
  for (const Problem& problem : problems) found.emplace_back(problem.line, problem.key);
  std::sort(found.begin(), found.end());
  CHECK(found == std::vector<std::pair<int, std::string>>{
                     {4, "carrier.test-park.opening"}, {7, "carrier.test-park.capacity"}, {12, "dynamics.hazard_shap"}});
}

TEST_CASE("shape_difference names what changed", "[scenario]") {
  const scenario::Scenario plain = scenario::load_scenario(small);
  CHECK(scenario::shape_difference(plain.setup, plain.setup).empty());
  const scenario::Scenario fewer = scenario::load_scenario(small, {"carrier.test-park.enabled=false"});
  CHECK(contains(scenario::shape_difference(plain.setup, fewer.setup), "carriers"));
  const scenario::Scenario later = scenario::load_scenario(small, {"carrier.test-park.opening=\"2021-10\""});
  CHECK(contains(scenario::shape_difference(plain.setup, later.setup), "test-park"));
  // Values that may be scheduled leave the shape alone.
  const scenario::Scenario bigger = scenario::load_scenario(small, {"carrier.test-park.capacity=60", "sector.general.share=3"});
  CHECK(scenario::shape_difference(plain.setup, bigger.setup).empty());
}

// ---- what ran -------------------------------------------------------------------------------

TEST_CASE("The resolved text holds the schedule and round-trips", "[scenario]") {
  TempDir dir;
  const fs::path several = small_with(dir, "several.toml",
                                      entry("2022-03", "carrier.test-nursery.capacity", "14") +
                                          entry("2021-06", "dynamics.hazard_multiplier", "2") + "source = \"plan, section 2\"\n" +
                                          entry("2021-06", "operator.test-operator.objective", "\"policy-fit\""));
  for (const fs::path& path : {scheduled, several}) {
    INFO(path.string());
    const scenario::Scenario first = scenario::load_scenario(path);
    CHECK(contains(first.resolved_text, "[[schedule]]"));
    const fs::path copy = dir.write("resolved-" + path.filename().string(), first.resolved_text);
    const scenario::Scenario second = scenario::load_scenario(copy);
    CHECK(second.resolved_text == first.resolved_text);
    REQUIRE(second.epochs.size() == first.epochs.size());
    for (std::size_t e = 0; e < first.epochs.size(); ++e) CHECK(second.epochs[e].first_month == first.epochs[e].first_month);
    CHECK(testing::difference(run(second, 1, io::RecordLevel::events), run(first, 1, io::RecordLevel::events)) == "");
  }
  const scenario::Scenario loaded = scenario::load_scenario(several);
  CHECK(contains(loaded.resolved_text, "key = 'dynamics.hazard_multiplier'\nsource = 'plan, section 2'\nvalue = 2.0\n"));
  CHECK(contains(loaded.resolved_text, "value = 'policy-fit'"));
  CHECK(loaded.schedule[1].value == "'policy-fit'");
}

TEST_CASE("check prints the schedule and run stores it and runs it on any thread count", "[scenario]") {
  TempDir dir;
  std::ostringstream out, err;
  REQUIRE(app::dispatch({"check", scheduled.string()}, "incubsim (test)", out, err) == app::exit_success);
  CHECK(contains(out.str(), "[[schedule]]\ndate = '2022-01'\nkey = 'stage.nursery.application_probability'"));
  CHECK(contains(out.str(), "1 scheduled changes"));

  const fs::path one = dir.path / "one.h5", two = dir.path / "two.h5";
  for (const auto& [file, threads] : {std::pair{one, "1"}, std::pair{two, "2"}}) {
    std::ostringstream run_out, run_err;
    INFO(run_err.str());
    REQUIRE(app::dispatch({"run", scheduled.string(), "-r", "3", "-q", "--threads", threads, "--record", "events", "--part-runs", "2", "-o",
                           file.string()},
                          "incubsim (test)", run_out, run_err) == app::exit_success);
  }
  std::string difference;
  CHECK(io::same_results(one, two, &difference));
  INFO(difference);
  const io::ResultsHeader header = io::read_header(one);
  REQUIRE(header.scenario_texts.size() == 1);
  CHECK(header.scenario_texts[0] == scenario::load_scenario(scheduled).resolved_text);
  CHECK(contains(header.scenario_texts[0], "key = 'stage.nursery.application_probability'"));
  // The runs in the file are the scheduled runs.
  const scenario::Scenario loaded = scenario::load_scenario(scheduled);
  const std::vector<io::RunOutput> runs = io::read_runs(one);
  REQUIRE(runs.size() == 3);
  for (std::uint32_t r = 0; r < 3; ++r) {
    INFO("run " << r);
    const io::RunOutput expected = engine::simulate_run(schedule_of(loaded), engine::RunSpec{r, 0, r, static_cast<std::uint32_t>(header.base_seed)}, io::RecordLevel::events);
    CHECK(runs[r].indicators == expected.indicators);
    CHECK(runs[r].events.size() == expected.events.size());
    CHECK(runs[r].targets_met == expected.targets_met);
  }
}
