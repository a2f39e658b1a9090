// What an alternative changes relative to a baseline (sim/scenario/difference.cpp): the
// differences `incubsim diff` prints and docs/operating-models.md is generated from.

#include "scenario/difference.hpp"

#include <catch2/catch.hpp>

#include "support/scenario_problems.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

using namespace incubsim;
namespace fs = std::filesystem;
using scenario::ParameterDifference;
using incubsim::testing::contains;
using incubsim::testing::source_file;
using incubsim::testing::TempDir;

namespace {

const fs::path baseline_path = source_file("scenarios/yiyuan/baseline-4n.toml");
const fs::path small_path = source_file("scenarios/test/small.toml");

const scenario::Scenario& baseline() {
  static const scenario::Scenario loaded = scenario::load_scenario(baseline_path);
  return loaded;
}

std::vector<std::string> keys_of(const std::vector<ParameterDifference>& differences) {
  std::vector<std::string> keys;
  for (const ParameterDifference& difference : differences) keys.push_back(difference.key);
  return keys;
}

// The difference for `key`; fails the test when there is none.
const ParameterDifference& difference_of(const std::vector<ParameterDifference>& differences, const std::string& key) {
  const auto found = std::find_if(differences.begin(), differences.end(), [&](const ParameterDifference& d) { return d.key == key; });
  if (found == differences.end()) FAIL("no difference for '" << key << "'");
  return *found;
}

std::string describe(const ParameterDifference& d) {
  return d.key + ": " + d.baseline + " -> " + d.alternative + (d.numeric ? " (numeric" : " (") + (d.range ? ", range" : "") +
         (d.cited ? ", cited: " : ", not cited: ") + d.source + ")";
}

// A child of the baseline with `body` after its `extends` line.
fs::path baseline_child(const TempDir& dir, const std::string& name, const std::string& body) {
  return dir.write(name + ".toml", "extends = \"" + baseline_path.generic_string() + "\"\n" + body);
}

}  // namespace

TEST_CASE("fragmented differs from the baseline only in integration.enabled", "[diff]") {
  const scenario::Scenario fragmented = scenario::load_scenario(source_file("scenarios/yiyuan/fragmented.toml"));
  const std::vector<ParameterDifference> differences = scenario::scenario_differences(baseline(), fragmented);
  for (const ParameterDifference& d : differences) UNSCOPED_INFO(describe(d));
  REQUIRE(differences.size() == 1);
  const ParameterDifference& enabled = differences.front();
  CHECK(enabled.key == "integration.enabled");
  CHECK(enabled.baseline == "true");
  CHECK(enabled.alternative == "false");
  CHECK(enabled.cited);
  CHECK(contains(enabled.source, "fragmented alternative"));
  CHECK_FALSE(enabled.numeric);
  CHECK_FALSE(enabled.range.has_value());
}

TEST_CASE("government-run adds an operator and hands it four carriers", "[diff]") {
  const scenario::Scenario government = scenario::load_scenario(source_file("scenarios/yiyuan/government-run.toml"));
  const std::vector<ParameterDifference> differences = scenario::scenario_differences(baseline(), government);
  for (const ParameterDifference& d : differences) UNSCOPED_INFO(describe(d));

  const std::string op = "operator.county-service-centre";
  // In parameter order: the added operator's fields (before carriers; its name and citation are
  // not differences), then the carriers.
  CHECK(keys_of(differences) == std::vector<std::string>{op, op + ".type", op + ".staff", op + ".service_quality",
                                                         op + ".screening_noise", op + ".objective", op + ".public_cost_per_month",
                                                         "carrier.provincial-maker-space-2022.operator", "carrier.luzhong-gaoke-incubator.operator",
                                                         "carrier.edz-accelerator.operator", "carrier.science-park.operator"});

  const ParameterDifference& added = difference_of(differences, op);
  CHECK(added.baseline.empty());
  CHECK(added.alternative == "(added)");
  CHECK_FALSE(added.numeric);
  CHECK(added.cited);

  // The four carriers change operator, each citing its own source.
  for (const auto& [carrier, before] : std::vector<std::pair<std::string, std::string>>{
           {"luzhong-gaoke-incubator", "luzhong-gaoke"}, {"edz-accelerator", "luzhong-gaoke"},
           {"science-park", "luzhong-gaoke"}, {"provincial-maker-space-2022", "polymer-community"}}) {
    const ParameterDifference& d = difference_of(differences, "carrier." + carrier + ".operator");
    INFO(describe(d));
    CHECK(d.baseline == "'" + before + "'");  // TOML text
    CHECK(d.alternative == "'county-service-centre'");
    CHECK(d.cited);
    CHECK(contains(d.source, "government-run alternative"));
    CHECK_FALSE(d.numeric);
    CHECK_FALSE(d.range.has_value());
  }

  // The added operator's numeric fields carry the ranges government-run declares.
  struct Expected {
    std::string field;
    std::string value;
    double low;
    double high;
    bool integer;
  };
  for (const Expected& e : {Expected{"staff", "15", 8, 30, true}, Expected{"service_quality", "0.45", 0.3, 0.65, false},
                            Expected{"screening_noise", "1.1", 0.7, 1.5, false},
                            Expected{"public_cost_per_month", "90000.0", 60000, 150000, false}}) {
    const ParameterDifference& d = difference_of(differences, op + "." + e.field);
    INFO(describe(d));
    CHECK(d.baseline.empty());
    CHECK(d.alternative == e.value);
    CHECK(d.numeric);
    CHECK(d.cited);
    CHECK(contains(d.source, "a public institution"));
    REQUIRE(d.range.has_value());
    CHECK(d.range->key == op + "." + e.field);
    CHECK(d.range->low == e.low);
    CHECK(d.range->high == e.high);
    CHECK(d.range->integer == e.integer);
  }
  // Its other fields are not numbers.
  for (const std::string field : {"type", "objective"}) {
    const ParameterDifference& d = difference_of(differences, op + "." + field);
    CHECK_FALSE(d.numeric);
    CHECK_FALSE(d.range.has_value());
  }
  CHECK(difference_of(differences, op + ".type").alternative == "'government-agency'");
}

TEST_CASE("A scenario identical to its baseline has no differences", "[diff]") {
  CHECK(scenario::scenario_differences(baseline(), baseline()).empty());
  TempDir dir;
  // A new name, description and citations are not differences.
  const scenario::Scenario renamed = scenario::load_scenario(baseline_child(dir, "renamed",
                                                                            "[scenario]\n"
                                                                            "name = \"renamed\"\n"
                                                                            "description = \"The baseline under another name.\"\n"
                                                                            "[integration]\n"
                                                                            "source = \"a new citation for the same values\"\n"
                                                                            "[[carrier]]\n"
                                                                            "id = \"science-park\"\n"
                                                                            "name = \"Another name\"\n"
                                                                            "source = \"another citation\"\n"));
  const std::vector<ParameterDifference> differences = scenario::scenario_differences(baseline(), renamed);
  for (const ParameterDifference& d : differences) UNSCOPED_INFO(describe(d));
  CHECK(differences.empty());
  const std::string markdown = scenario::differences_markdown(baseline(), {renamed});
  CHECK(contains(markdown, "No parameter differs from `" + baseline().name + "`"));
}

TEST_CASE("A change without a new citation is reported as not cited", "[diff]") {
  TempDir dir;
  const scenario::Scenario uncited = scenario::load_scenario(baseline_child(dir, "uncited",
                                                                            "[integration]\n"
                                                                            "reserved_share = 0.3\n"
                                                                            "[[carrier]]\n"
                                                                            "id = \"science-park\"\n"
                                                                            "capacity = 99\n"));
  const std::vector<ParameterDifference> differences = scenario::scenario_differences(baseline(), uncited);
  for (const ParameterDifference& d : differences) UNSCOPED_INFO(describe(d));
  REQUIRE(keys_of(differences) == std::vector<std::string>{"integration.reserved_share", "carrier.science-park.capacity"});

  const ParameterDifference& share = differences[0];
  CHECK(share.alternative == "0.3");
  CHECK_FALSE(share.cited);  // the baseline's [integration] citation, inherited, does not speak for the change
  CHECK(share.numeric);
  REQUIRE(share.range.has_value());  // the baseline's range, inherited
  CHECK(share.range->low == 0.0);
  CHECK(share.range->high == 0.4);

  const ParameterDifference& capacity = differences[1];
  CHECK(capacity.alternative == "99");
  CHECK_FALSE(capacity.cited);
  CHECK(capacity.numeric);
  CHECK_FALSE(capacity.range.has_value());

  // The Markdown flags both.
  const std::string markdown = scenario::differences_markdown(baseline(), {uncited});
  CHECK(contains(markdown, "2 parameters differ"));
  CHECK(contains(markdown, "**not cited**"));
  CHECK(contains(markdown, "**none declared**"));
}

TEST_CASE("A change with its own citation is reported as cited", "[diff]") {
  TempDir dir;
  const scenario::Scenario cited = scenario::load_scenario(baseline_child(dir, "cited",
                                                                          "[[carrier]]\n"
                                                                          "id = \"science-park\"\n"
                                                                          "capacity = 99\n"
                                                                          "source = \"what-if: a larger park\"\n"));
  const std::vector<ParameterDifference> differences = scenario::scenario_differences(baseline(), cited);
  REQUIRE(differences.size() == 1);
  CHECK(differences[0].key == "carrier.science-park.capacity");
  CHECK(differences[0].cited);
  CHECK(differences[0].source == "what-if: a larger park");
}

TEST_CASE("Scheduled changes are differences, matched by date and key", "[diff]") {
  const scenario::Scenario small = scenario::load_scenario(small_path);
  const scenario::Scenario scheduled = scenario::load_scenario(source_file("scenarios/test/schedule.toml"));
  std::vector<ParameterDifference> differences = scenario::scenario_differences(small, scheduled);
  REQUIRE(differences.size() == 1);
  CHECK(differences[0].key == "schedule 2022-01 stage.nursery.application_probability");
  CHECK(differences[0].baseline.empty());
  CHECK(differences[0].alternative == "0.0");
  CHECK(differences[0].cited);
  CHECK(contains(differences[0].source, "the nursery stops taking applicants"));
  // The other way round, the change is missing.
  differences = scenario::scenario_differences(scheduled, small);
  REQUIRE(differences.size() == 1);
  CHECK(differences[0].baseline == "0.0");
  CHECK(differences[0].alternative == "(not scheduled)");
  CHECK_FALSE(differences[0].cited);
  CHECK(scenario::scenario_differences(scheduled, scheduled).empty());
}

TEST_CASE("Elements the baseline lacks are added, those the alternative lacks removed", "[diff]") {
  const scenario::Scenario small = scenario::load_scenario(small_path);
  const scenario::Scenario child = scenario::load_scenario(source_file("scenarios/test/extends-child.toml"));
  const std::vector<ParameterDifference> added = scenario::scenario_differences(small, child);
  for (const ParameterDifference& d : added) UNSCOPED_INFO(describe(d));
  CHECK(difference_of(added, "carrier.test-incubator.capacity").alternative == "3");
  CHECK(difference_of(added, "carrier.second-nursery").alternative == "(added)");
  CHECK(difference_of(added, "carrier.second-nursery.capacity").alternative == "5");
  CHECK(difference_of(added, "carrier.second-nursery.opening").alternative == "'2021-06'");
  // Fields left at their defaults are not listed.
  for (const ParameterDifference& d : added) CHECK(d.key != "carrier.second-nursery.rent_per_month");
  const std::vector<ParameterDifference> removed = scenario::scenario_differences(child, small);
  const ParameterDifference& gone = difference_of(removed, "carrier.second-nursery");
  CHECK(gone.baseline == "(present)");
  CHECK(gone.alternative == "(removed)");
  CHECK(std::count_if(removed.begin(), removed.end(), [](const ParameterDifference& d) { return contains(d.key, "second-nursery"); }) == 1);
}

TEST_CASE("differences_markdown lists each alternative's differences and the baseline's ranges", "[diff]") {
  const scenario::Scenario government = scenario::load_scenario(source_file("scenarios/yiyuan/government-run.toml"));
  const std::string markdown = scenario::differences_markdown(baseline(), {government});
  CHECK(contains(markdown, "### `government-run` (government-run.toml)"));
  CHECK(contains(markdown, "11 parameters differ from `" + baseline().name + "`"));
  CHECK(contains(markdown, "| `operator.county-service-centre.staff` | – | 15 | 8 – 30 |"));
  CHECK(contains(markdown, "### Ranges the baseline `" + baseline().name + "` declares"));
  CHECK(contains(markdown, "| `integration.reserved_share` |"));
  CHECK_FALSE(contains(markdown, "**not cited**"));
}

// ---- policy: every alternative of the Yiyuan study documents what it changes --------------------

TEST_CASE("Every difference of a Yiyuan alternative is cited and every numeric one has a range or is switched off", "[diff]") {
  std::vector<fs::path> alternatives;
  for (const auto& entry : fs::directory_iterator(source_file("scenarios/yiyuan"))) {
    if (entry.path().extension() == ".toml" && entry.path().filename() != baseline_path.filename()) alternatives.push_back(entry.path());
  }
  std::sort(alternatives.begin(), alternatives.end());
  REQUIRE(alternatives.size() >= 8);
  for (const fs::path& path : alternatives) {
    const scenario::Scenario alternative = scenario::load_scenario(path);
    const std::vector<ParameterDifference> differences = scenario::scenario_differences(baseline(), alternative);
    CHECK_FALSE(differences.empty());  // an alternative that changes nothing is no alternative
    for (const ParameterDifference& d : differences) {
      INFO(path.filename().string() << ": " << describe(d));
      CHECK(d.cited);
      if (d.numeric) CHECK((d.range.has_value() || d.alternative == "0" || d.alternative == "0.0"));
    }
  }
}
