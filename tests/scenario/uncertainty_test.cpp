// The [uncertainty] table of scenario files (sim/scenario/loader.cpp: collect_ranges,
// read_uncertainty, uncertainty_table): declared ranges load with their values, are inherited
// through `extends`, survive the resolved text, and every bad range is reported with file, line
// and key.

#include "scenario/loader.hpp"

#include <catch2/catch.hpp>

#include "support/scenario_problems.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

using namespace incubsim;
namespace fs = std::filesystem;
using scenario::Problem;
using scenario::UncertainRange;
using incubsim::testing::contains;
using incubsim::testing::problems_of;
using incubsim::testing::same_file;
using incubsim::testing::source_file;
using incubsim::testing::TempDir;
using incubsim::testing::the_problem;

namespace {

const fs::path small = source_file("scenarios/test/small.toml");
const fs::path ranges = source_file("scenarios/test/uncertainty/ranges.toml");
const fs::path ranges_child = source_file("scenarios/test/uncertainty/ranges-child.toml");

// The range declared for `key`; fails the test when there is none.
const UncertainRange& range_of(const scenario::Scenario& loaded, const std::string& key) {
  const auto found = std::find_if(loaded.uncertainty.begin(), loaded.uncertainty.end(), [&](const UncertainRange& r) { return r.key == key; });
  if (found == loaded.uncertainty.end()) FAIL("no range for '" << key << "' in " << loaded.name);
  return *found;
}

std::vector<std::string> keys_of(const scenario::Scenario& loaded) {
  std::vector<std::string> keys;
  for (const UncertainRange& range : loaded.uncertainty) keys.push_back(range.key);
  return keys;
}

// A child of small.toml whose [uncertainty] table holds `entries`: the first entry is on line 3.
fs::path with_ranges(const TempDir& dir, const std::string& name, const std::string& entries) {
  return dir.write(name + ".toml", "extends = \"" + small.generic_string() + "\"\n"  // 1
                                   "[uncertainty]\n"                                   // 2
                                   + entries);                                         // 3...
}

// The one problem of a scenario with one bad range, checked for file, line, key and message.
void expect_problem(const fs::path& path, int line, const std::string& key, const std::vector<std::string>& fragments) {
  const Problem problem = the_problem(path);
  INFO(problem.to_string());
  CHECK(same_file(problem.file, path));
  CHECK(problem.line == line);
  CHECK(problem.key == key);
  CHECK(contains(problem.message, "[uncertainty]"));
  for (const std::string& fragment : fragments) {
    INFO("expected in the message: " << fragment);
    CHECK(contains(problem.message, fragment));
  }
}

}  // namespace

// ---- good input -----------------------------------------------------------------------------

TEST_CASE("Declared ranges load with their bounds, scale, type, value, source and place", "[uncertainty]") {
  const scenario::Scenario loaded = scenario::load_scenario(ranges);
  // In key order, whichever form the key was written in.
  CHECK(keys_of(loaded) == std::vector<std::string>{"carrier.test-incubator.capacity", "dynamics.hazard_shape", "integration.reserved_share",
                                                    "operator.test-operator.service_quality"});

  const UncertainRange& share = range_of(loaded, "integration.reserved_share");
  CHECK(share.low == 0.0);
  CHECK(share.high == 0.4);
  CHECK_FALSE(share.log_scale);
  CHECK_FALSE(share.integer);
  CHECK(share.value == 0.2);  // the registry default: small.toml does not set it
  CHECK(share.source == "assumption: seats kept for graduates");
  CHECK(same_file(share.file, ranges));
  CHECK(share.line == 11);

  const UncertainRange& shape = range_of(loaded, "dynamics.hazard_shape");  // dotted key
  CHECK(shape.low == 0.4);
  CHECK(shape.high == 1.6);
  CHECK(shape.log_scale);
  CHECK_FALSE(shape.integer);
  CHECK(shape.value == 0.6721);  // the registry default (the BLS fit)
  CHECK(shape.source == "calibrated (test)");
  CHECK(shape.line == 12);

  const UncertainRange& capacity = range_of(loaded, "carrier.test-incubator.capacity");
  CHECK(capacity.low == 4.0);
  CHECK(capacity.high == 12.0);
  CHECK(capacity.integer);
  CHECK_FALSE(capacity.log_scale);  // linear when no scale is given
  CHECK(capacity.value == 8.0);     // small.toml's own capacity
  CHECK(capacity.source == "assumption (test): seats");
  CHECK(capacity.line == 13);

  const UncertainRange& service = range_of(loaded, "operator.test-operator.service_quality");  // dotted element key
  CHECK(service.low == 0.6);
  CHECK(service.high == 0.9);
  CHECK(service.value == 0.8);
  CHECK_FALSE(service.integer);
  CHECK(service.line == 14);
  CHECK(same_file(service.file, ranges));
}

TEST_CASE("A scenario without [uncertainty] declares no ranges", "[uncertainty]") {
  const scenario::Scenario loaded = scenario::load_scenario(small);
  CHECK(loaded.uncertainty.empty());
  CHECK_FALSE(contains(loaded.resolved_text, "uncertainty"));
}

TEST_CASE("Quoted and dotted keys, and [uncertainty.<key>] tables, declare the same range", "[uncertainty]") {
  TempDir dir;
  const std::string fields = "{ low = 0.1, high = 0.3, source = \"assumption\" }\n";
  const fs::path quoted = with_ranges(dir, "quoted", "\"integration.reserved_share\" = " + fields);
  const fs::path dotted = with_ranges(dir, "dotted", "integration.reserved_share = " + fields);
  const fs::path table = dir.write("table.toml", "extends = \"" + small.generic_string() + "\"\n"
                                                 "[uncertainty.\"integration.reserved_share\"]\n"  // 2
                                                 "low = 0.1\nhigh = 0.3\nsource = \"assumption\"\n");
  for (const fs::path& path : {quoted, dotted, table}) {
    INFO(path.filename().string());
    const scenario::Scenario loaded = scenario::load_scenario(path);
    REQUIRE(loaded.uncertainty.size() == 1);
    const UncertainRange& range = loaded.uncertainty.front();
    CHECK(range.key == "integration.reserved_share");
    CHECK(range.low == 0.1);
    CHECK(range.high == 0.3);
    CHECK(range.source == "assumption");
    CHECK(same_file(range.file, path));
    CHECK(range.line == (path == table ? 2 : 3));
  }
  // Dotted element keys name the element's field, with ids that contain dashes.
  const scenario::Scenario element = scenario::load_scenario(
      with_ranges(dir, "element", "carrier.test-park.rent_per_month = { low = 500, high = 2000, scale = \"log\", source = \"assumption\" }\n"));
  REQUIRE(element.uncertainty.size() == 1);
  CHECK(element.uncertainty.front().key == "carrier.test-park.rent_per_month");
  CHECK(element.uncertainty.front().value == 1000.0);  // registry default
  CHECK(element.uncertainty.front().log_scale);
  CHECK_FALSE(element.uncertainty.front().integer);  // a real parameter written with whole numbers
}

TEST_CASE("Ranges are inherited through extends, and a child overrides one field of one", "[uncertainty]") {
  const scenario::Scenario parent = scenario::load_scenario(ranges);
  const scenario::Scenario child = scenario::load_scenario(ranges_child);
  CHECK(keys_of(child) == std::vector<std::string>{"carrier.test-incubator.capacity", "dynamics.hazard_multiplier", "dynamics.hazard_shape",
                                                   "integration.reserved_share", "operator.test-operator.service_quality"});
  // Overridden field: high from the child, the rest from the parent.
  const UncertainRange& share = range_of(child, "integration.reserved_share");
  CHECK(share.low == 0.0);
  CHECK(share.high == 0.3);
  CHECK_FALSE(share.log_scale);
  CHECK(share.source == "assumption: seats kept for graduates");
  CHECK(range_of(parent, "integration.reserved_share").high == 0.4);
  // Untouched ranges: as the parent declares them, where it declares them.
  for (const std::string key : {"dynamics.hazard_shape", "carrier.test-incubator.capacity", "operator.test-operator.service_quality"}) {
    INFO(key);
    const UncertainRange& mine = range_of(child, key);
    const UncertainRange& theirs = range_of(parent, key);
    CHECK(mine.low == theirs.low);
    CHECK(mine.high == theirs.high);
    CHECK(mine.log_scale == theirs.log_scale);
    CHECK(mine.integer == theirs.integer);
    CHECK(mine.value == theirs.value);
    CHECK(mine.source == theirs.source);
    CHECK(same_file(mine.file, ranges));
    CHECK(mine.line == theirs.line);
  }
  // Added by the child.
  const UncertainRange& multiplier = range_of(child, "dynamics.hazard_multiplier");
  CHECK(multiplier.low == 0.5);
  CHECK(multiplier.high == 2.0);
  CHECK(multiplier.log_scale);
  CHECK(multiplier.value == 1.0);
  CHECK(same_file(multiplier.file, ranges_child));
  CHECK(multiplier.line == 11);
}

TEST_CASE("A child overrides a parent's range written in the other key form", "[uncertainty]") {
  // ranges.toml writes "integration.reserved_share" quoted; a child writing the same key dotted
  // means the same range: ranges merge by key, whichever form the key is written in.
  // Both forms are normalised to one key per file before `extends` merges the files.
  TempDir dir;
  const std::string extends = "extends = \"" + ranges.generic_string() + "\"\n[uncertainty]\n";
  // One field overridden...
  const fs::path one_field = dir.write("dotted-field.toml", extends + "integration.reserved_share = { high = 0.3 }\n");
  // ...or the whole range.
  const fs::path whole = dir.write("dotted-range.toml",
                                   extends + "integration.reserved_share = { low = 0.1, high = 0.3, source = \"assumption (child)\" }\n");
  for (const fs::path& child : {one_field, whole}) {
    INFO(child.filename().string());
    try {
      const scenario::Scenario loaded = scenario::load_scenario(child);
      const UncertainRange& share = range_of(loaded, "integration.reserved_share");
      CHECK(share.high == 0.3);
      CHECK(share.low == (child == whole ? 0.1 : 0.0));
      CHECK(loaded.uncertainty.size() == 4);
    } catch (const scenario::ScenarioError& error) {
      FAIL_CHECK("a dotted override of a quoted range is rejected:\n" << error.what());
    }
  }
}

TEST_CASE("The resolved text holds the ranges and loads again to the same ranges", "[uncertainty]") {
  TempDir dir;
  for (const fs::path& path : {ranges, ranges_child, source_file("scenarios/yiyuan/baseline-4n.toml"),
                               source_file("scenarios/yiyuan/market-only.toml")}) {
    INFO(path.string());
    const scenario::Scenario first = scenario::load_scenario(path);
    REQUIRE_FALSE(first.uncertainty.empty());
    for (const UncertainRange& range : first.uncertainty) CHECK(contains(first.resolved_text, range.key + "'"));
    const fs::path copy = dir.write("resolved-" + path.filename().string(), first.resolved_text);
    const scenario::Scenario second = scenario::load_scenario(copy);
    REQUIRE(second.uncertainty.size() == first.uncertainty.size());
    for (std::size_t i = 0; i < first.uncertainty.size(); ++i) {
      const UncertainRange& a = first.uncertainty[i];
      const UncertainRange& b = second.uncertainty[i];
      INFO(a.key);
      CHECK(b.key == a.key);
      CHECK(b.low == a.low);
      CHECK(b.high == a.high);
      CHECK(b.log_scale == a.log_scale);
      CHECK(b.integer == a.integer);
      CHECK(b.value == a.value);
      CHECK(b.source == a.source);
      CHECK(same_file(b.file, copy));  // declared in the resolved file now
      CHECK(b.line > 0);
    }
    CHECK(second.resolved_text == first.resolved_text);
  }
}

TEST_CASE("Integer ranges stay whole numbers in the resolved text", "[uncertainty]") {
  const std::string text = scenario::load_scenario(ranges).resolved_text;
  // The range's table, from its header to the blank line after it.
  const auto begin = text.find("carrier.test-incubator.capacity");
  REQUIRE(begin != std::string::npos);
  const std::string table = text.substr(begin, text.find("\n\n", begin) - begin);
  INFO(table);
  CHECK(contains(table, "low = 4\n"));
  CHECK(contains(table, "high = 12\n"));
  CHECK(contains(table, "linear"));
}

// ---- bad input: file, line and key of every problem ------------------------------------------

TEST_CASE("A range on a parameter that is not a number is rejected", "[uncertainty]") {
  TempDir dir;
  expect_problem(with_ranges(dir, "boolean", "\"integration.enabled\" = { low = 0, high = 1, source = \"assumption\" }\n"), 3,
                 "integration.enabled", {"boolean", "only numeric parameters take a range"});
  expect_problem(with_ranges(dir, "choice", "\"carrier.test-park.kind\" = { low = 0, high = 1, source = \"assumption\" }\n"), 3,
                 "carrier.test-park.kind", {"choice", "only numeric parameters"});
}

TEST_CASE("A range on a [simulation] key is rejected", "[uncertainty]") {
  TempDir dir;
  expect_problem(with_ranges(dir, "simulation", "simulation.potential_scale = { low = 0.5, high = 2.0, source = \"assumption\" }\n"), 3,
                 "simulation.potential_scale", {"[simulation] keys are not assumptions"});
}

TEST_CASE("A range on a [scenario] key is rejected", "[uncertainty]") {
  TempDir dir;
  expect_problem(with_ranges(dir, "scenario", "\"scenario.name\" = { low = 0, high = 1, source = \"assumption\" }\n"), 3, "scenario.name",
                 {"[scenario] keys are not assumptions"});
}

TEST_CASE("A range on a target is rejected", "[uncertainty]") {
  TempDir dir;
  expect_problem(
      with_ranges(dir, "target", "\"target.incubator-residents.threshold\" = { low = 4, high = 12, source = \"assumption\" }\n"), 3,
      "target.incubator-residents.threshold", {"[target] keys are not assumptions"});
}

TEST_CASE("A range on an unknown parameter suggests the right key", "[uncertainty]") {
  TempDir dir;
  expect_problem(with_ranges(dir, "unknown", "\n\"dynamics.hazard_shap\" = { low = 0.5, high = 1.0, source = \"assumption\" }\n"), 4,
                 "dynamics.hazard_shap", {"no parameter 'dynamics.hazard_shap'", "did you mean 'dynamics.hazard_shape'"});
  expect_problem(
      with_ranges(dir, "unknown-id", "\"operator.test-operater.service_quality\" = { low = 0.5, high = 1.0, source = \"assumption\" }\n"), 3,
      "operator.test-operater.service_quality", {"no parameter", "did you mean 'operator.test-operator.service_quality'"});
}

TEST_CASE("A range whose low is not a number is rejected", "[uncertainty]") {
  TempDir dir;
  expect_problem(with_ranges(dir, "text-low", "\"integration.reserved_share\" = { low = \"none\", high = 0.4, source = \"assumption\" }\n"), 3,
                 "integration.reserved_share", {"'low' must be a number", "none"});
}

TEST_CASE("A range without high is rejected", "[uncertainty]") {
  TempDir dir;
  expect_problem(with_ranges(dir, "no-high", "\"integration.reserved_share\" = { low = 0.1, source = \"assumption\" }\n"), 3,
                 "integration.reserved_share", {"missing 'high'"});
}

TEST_CASE("A range of an integer parameter needs whole numbers", "[uncertainty]") {
  TempDir dir;
  expect_problem(with_ranges(dir, "fraction", "\"carrier.test-incubator.capacity\" = { low = 4.5, high = 12, source = \"assumption\" }\n"),
                 3, "carrier.test-incubator.capacity", {"'low' must be a whole number", "integer"});
  // A whole number written as a real is a whole number.
  const scenario::Scenario loaded = scenario::load_scenario(
      with_ranges(dir, "whole-real", "\"carrier.test-incubator.capacity\" = { low = 4.0, high = 12, source = \"assumption\" }\n"));
  REQUIRE(loaded.uncertainty.size() == 1);
  CHECK(loaded.uncertainty.front().low == 4.0);
  CHECK(loaded.uncertainty.front().integer);
}

TEST_CASE("A range with low not below high is rejected", "[uncertainty]") {
  TempDir dir;
  expect_problem(with_ranges(dir, "reversed", "\"integration.reserved_share\" = { low = 0.4, high = 0.1, source = \"assumption\" }\n"), 3,
                 "integration.reserved_share", {"low (0.4) must be below high (0.1)"});
  expect_problem(with_ranges(dir, "empty", "\"integration.reserved_share\" = { low = 0.2, high = 0.2, source = \"assumption\" }\n"), 3,
                 "integration.reserved_share", {"must be below high"});
}

TEST_CASE("A range with an unknown scale is rejected", "[uncertainty]") {
  TempDir dir;
  expect_problem(
      with_ranges(dir, "scale", "\"integration.reserved_share\" = { low = 0.1, high = 0.4, scale = \"logarithmic\", source = \"assumption\" }\n"),
      3, "integration.reserved_share", {"'scale' must be \"linear\" or \"log\"", "logarithmic"});
}

TEST_CASE("A log-scale range needs a positive low", "[uncertainty]") {
  TempDir dir;
  expect_problem(
      with_ranges(dir, "log-zero", "\"integration.reserved_share\" = { low = 0.0, high = 0.4, scale = \"log\", source = \"assumption\" }\n"), 3,
      "integration.reserved_share", {"log-scale range needs low > 0", "got 0"});
}

TEST_CASE("A range without a source is rejected", "[uncertainty]") {
  TempDir dir;
  expect_problem(with_ranges(dir, "no-source", "\"integration.reserved_share\" = { low = 0.1, high = 0.4 }\n"), 3, "integration.reserved_share",
                 {"missing 'source'"});
  expect_problem(with_ranges(dir, "empty-source", "\"integration.reserved_share\" = { low = 0.1, high = 0.4, source = \"\" }\n"), 3,
                 "integration.reserved_share", {"missing 'source'"});
  expect_problem(with_ranges(dir, "number-source", "\"integration.reserved_share\" = { low = 0.1, high = 0.4, source = 7 }\n"), 3,
                 "integration.reserved_share", {"missing 'source'"});
}

TEST_CASE("A range that does not hold the scenario's own value is rejected", "[uncertainty]") {
  TempDir dir;
  // small.toml's hazard_shape is the registry default, 0.6721.
  expect_problem(with_ranges(dir, "outside", "\"dynamics.hazard_shape\" = { low = 1.0, high = 2.0, source = \"assumption\" }\n"), 3,
                 "dynamics.hazard_shape", {"own value 0.6721", "outside the range [1, 2]"});
  // The value after an override (--set) counts.
  const Problem problem = the_problem(ranges, {"integration.reserved_share=0.5"});
  CHECK(problem.key == "integration.reserved_share");
  CHECK(same_file(problem.file, ranges));
  CHECK(problem.line == 11);
  CHECK(contains(problem.message, "own value 0.5"));
}

TEST_CASE("An inherited range that no longer holds the child's value is reported where it is declared", "[uncertainty]") {
  const fs::path child = source_file("scenarios/test/uncertainty/value-outside-inherited.toml");
  const Problem problem = the_problem(child);
  CHECK(same_file(problem.file, ranges));
  CHECK(problem.line == 11);
  CHECK(problem.key == "integration.reserved_share");
  CHECK(contains(problem.message, "own value 0.6"));
  CHECK(contains(problem.message, "[0, 0.4]"));
}

TEST_CASE("A range whose end is outside the parameter's registry range is rejected", "[uncertainty]") {
  TempDir dir;
  expect_problem(with_ranges(dir, "beyond", "\"integration.reserved_share\" = { low = 0.0, high = 1.5, source = \"assumption\" }\n"), 3,
                 "integration.reserved_share", {"at 1.5", "out of range", "[0, 1]"});
  expect_problem(with_ranges(dir, "below", "\"carrier.test-incubator.capacity\" = { low = -2, high = 12, source = \"assumption\" }\n"), 3,
                 "carrier.test-incubator.capacity", {"at -2", "out of range"});
}

TEST_CASE("A range whose end the scenario cannot resolve is rejected", "[uncertainty]") {
  TempDir dir;
  // test-nursery starts with 4 residents, so a capacity of 2 cannot hold them.
  expect_problem(with_ranges(dir, "residents", "\"carrier.test-nursery.capacity\" = { low = 2, high = 12, source = \"assumption\" }\n"), 3,
                 "carrier.test-nursery.capacity", {"at 2", "more residents than its capacity"});
  // One sector, so its share cannot be 0.
  expect_problem(with_ranges(dir, "share", "\"sector.general.share\" = { low = 0.0, high = 2.0, source = \"assumption\" }\n"), 3,
                 "sector.general.share", {"at 0", "must not all be zero"});
}

TEST_CASE("An unknown field of a range suggests the right one", "[uncertainty]") {
  TempDir dir;
  expect_problem(
      with_ranges(dir, "field", "\"integration.reserved_share\" = { low = 0.0, high = 0.4, sacle = \"log\", source = \"assumption\" }\n"), 3,
      "integration.reserved_share", {"unknown field 'sacle'", "did you mean 'scale'"});
}

TEST_CASE("A range declared twice is rejected", "[uncertainty]") {
  TempDir dir;
  const fs::path path = with_ranges(dir, "twice",
                                    "\"integration.reserved_share\" = { low = 0.0, high = 0.4, source = \"assumption\" }\n"  // 3
                                    "integration.reserved_share = { low = 0.1, high = 0.3, source = \"assumption\" }\n");    // 4
  const Problem problem = the_problem(path);
  INFO(problem.to_string());
  CHECK(same_file(problem.file, path));
  CHECK(problem.key == "integration.reserved_share");
  CHECK(contains(problem.message, "declared twice"));
  // One of the two declarations is reported, naming the other.
  REQUIRE((problem.line == 3 || problem.line == 4));
  CHECK(contains(problem.message, ":" + std::to_string(problem.line == 3 ? 4 : 3) + ")"));
}

TEST_CASE("An [uncertainty] entry that is not a range is rejected", "[uncertainty]") {
  TempDir dir;
  const fs::path path = with_ranges(dir, "not-a-range", "\"integration.reserved_share\" = 0.5\n");
  const Problem problem = the_problem(path);
  CHECK(same_file(problem.file, path));
  CHECK(problem.line == 3);
  CHECK(problem.key == "uncertainty.integration.reserved_share");
  CHECK(contains(problem.message, "expected a range"));
  CHECK(contains(problem.message, "0.5"));
  // [uncertainty] itself must be a table.
  const fs::path scalar = dir.write("scalar.toml", "extends = \"" + small.generic_string() + "\"\nuncertainty = 5\n");
  const Problem not_table = the_problem(scalar);
  CHECK(not_table.key == "uncertainty");
  CHECK(not_table.line == 2);
  CHECK(contains(not_table.message, "expected a table [uncertainty]"));
}

TEST_CASE("All bad ranges of a file are reported together", "[uncertainty]") {
  TempDir dir;
  const fs::path path = with_ranges(dir, "several",
                                    "\"integration.reserved_share\" = { low = 0.4, high = 0.1, source = \"assumption\" }\n"  // 3
                                    "\"integration.enabled\" = { low = 0, high = 1, source = \"assumption\" }\n"             // 4
                                    "\"dynamics.hazard_shape\" = { low = 0.1, high = 1.0 }\n"                              // 5
                                    "\"dynamics.hazard_multiplier\" = { low = 0.5, high = 2.0, source = \"ok\" }\n");      // 6: fine
  const std::vector<Problem> problems = problems_of(path);
  std::vector<std::pair<int, std::string>> found;
  for (const Problem& problem : problems) found.emplace_back(problem.line, problem.key);
  std::sort(found.begin(), found.end());
  CHECK(found == std::vector<std::pair<int, std::string>>{
                     {3, "integration.reserved_share"}, {4, "integration.enabled"}, {5, "dynamics.hazard_shape"}});
}
