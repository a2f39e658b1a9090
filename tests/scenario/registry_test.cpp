#include "scenario/registry.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "scenario/loader.hpp"

using namespace incubsim;
namespace fs = std::filesystem;
using scenario::ParameterSpec;
using scenario::ValueType;

namespace {

bool numeric(const ParameterSpec& spec) { return spec.type == ValueType::real || spec.type == ValueType::integer; }

const void* address(const scenario::FieldRef& field) {
  return std::visit([](auto* pointer) { return static_cast<const void*>(pointer); }, field);
}

// The bindings of one element table all point at different members, and their keys are
// "<table>.<name>".
template <class Element>
void check_element_table(const scenario::ElementTable<Element>& table) {
  INFO("[[" << table.name << "]]");
  CHECK_FALSE(table.meaning.empty());
  Element element;
  std::set<const void*> fields;
  std::set<std::string> names;
  bool has_id = false;
  for (const auto& binding : table.fields) {
    INFO(binding.spec.key);
    CHECK(binding.spec.key == table.name + "." + binding.name);
    CHECK(names.insert(binding.name).second);
    CHECK(fields.insert(address(binding.field(element))).second);
    CHECK(table.find(binding.name) == &binding);
    if (binding.name == "id") {
      has_id = true;
      CHECK(binding.spec.required);
    }
  }
  CHECK(has_id);
  CHECK(table.find("no-such-field") == nullptr);
}

// Values of two FieldRefs of the same alternative.
bool same_value(const scenario::FieldRef& a, const scenario::FieldRef& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&](auto* left) {
        using Pointer = decltype(left);
        return *left == *std::get<Pointer>(b);
      },
      a);
}

}  // namespace

TEST_CASE("Every registry key is unique", "[scenario]") {
  const std::vector<ParameterSpec> specs = scenario::parameter_registry().all_specs();
  REQUIRE(specs.size() > 80);
  std::set<std::string> keys;
  for (const ParameterSpec& spec : specs) {
    INFO(spec.key);
    CHECK(keys.insert(spec.key).second);
  }
}

TEST_CASE("Every spec has a meaning, a default and a consistent range", "[scenario]") {
  for (const ParameterSpec& spec : scenario::parameter_registry().all_specs()) {
    INFO(spec.key << " default " << spec.default_text);
    CHECK_FALSE(spec.meaning.empty());
    CHECK_FALSE(spec.default_text.empty());
    if (spec.required) {
      CHECK(spec.default_text == "(required)");
      continue;
    }
    if (numeric(spec)) {
      CHECK(spec.min <= spec.max);
      const double fallback = std::stod(spec.default_text);
      CHECK(spec.min <= fallback);
      CHECK(fallback <= spec.max);
    }
    if (spec.type == ValueType::choice) {
      REQUIRE_FALSE(spec.choices.empty());
      REQUIRE(spec.default_text.size() >= 2);
      const std::string fallback = spec.default_text.substr(1, spec.default_text.size() - 2);  // drop the quotes
      CHECK(std::find(spec.choices.begin(), spec.choices.end(), fallback) != spec.choices.end());
    } else {
      CHECK(spec.choices.empty());
    }
  }
}

TEST_CASE("Scalar bindings each own one field of the model parameters", "[scenario]") {
  const scenario::ParameterRegistry& registry = scenario::parameter_registry();
  model::ModelParameters parameters;
  std::set<const void*> fields;
  for (const auto& binding : registry.scalars) {
    INFO(binding.spec.key);
    CHECK(fields.insert(address(binding.field(parameters))).second);
    const auto dot = binding.spec.key.rfind('.');
    REQUIRE(dot != std::string::npos);
    CHECK(binding.spec.key.substr(dot + 1) == binding.name);
    CHECK(registry.find_scalar(binding.spec.key) == &binding);
  }
  CHECK(registry.find_scalar("dynamics.hazard_shape") != nullptr);
  CHECK(registry.find_scalar("stage.incubator.min_revenue") != nullptr);
  CHECK(registry.find_scalar("dynamics.no_such_key") == nullptr);
  CHECK(registry.find_scalar("hazard_shape") == nullptr);
  check_element_table(registry.sector);
  check_element_table(registry.source);
  check_element_table(registry.operators);
  check_element_table(registry.carrier);
  check_element_table(registry.target);
}

TEST_CASE("A scenario that sets nothing gets the registry's defaults", "[scenario]") {
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  const fs::path path = fs::temp_directory_path() / ("incubsim-registry-defaults-" + std::to_string(stamp) + ".toml");
  std::ofstream(path) << "[[sector]]\nid = \"s\"\n[[source]]\nid = \"talent\"\n[[operator]]\nid = \"op\"\n";
  const scenario::Scenario loaded = scenario::load_scenario(path);
  fs::remove(path);
  model::ModelParameters got = loaded.setup.parameters;
  model::ModelParameters fresh;
  for (const auto& binding : scenario::parameter_registry().scalars) {
    if (binding.spec.key == "scenario.name") continue;  // the file's stem
    INFO(binding.spec.key);
    CHECK(same_value(binding.field(got), binding.field(fresh)));
  }
  CHECK(loaded.name == path.stem().string());
}

TEST_CASE("params text lists every key", "[scenario]") {
  const std::string text = scenario::parameters_text();
  for (const ParameterSpec& spec : scenario::parameter_registry().all_specs()) {
    INFO(spec.key);
    CHECK(text.find(spec.key + "  (") != std::string::npos);
  }
}

TEST_CASE("docs/parameters.md is generated from the registry", "[scenario]") {
  const fs::path path = fs::path(INCUBSIM_SOURCE_DIR) / "docs" / "parameters.md";
  INFO("regenerate with: ./build/incubsim params --markdown > docs/parameters.md");
  REQUIRE(fs::exists(path));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string markdown = scenario::parameters_markdown();
  CHECK(text.str() == markdown);
  // Every key has its row.
  for (const ParameterSpec& spec : scenario::parameter_registry().all_specs()) {
    INFO(spec.key);
    CHECK(markdown.find("| `" + spec.key + "` |") != std::string::npos);
  }
}

TEST_CASE("Budgets, rates and probabilities out of range are rejected with their key", "[scenario]") {
  const std::string levers = std::string(INCUBSIM_SOURCE_DIR) + "/scenarios/test/levers.toml";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"policy.case_by_case_budget_per_year=-1", "policy.case_by_case_budget_per_year"},
      {"finance.guidance_fund_capital=-5", "finance.guidance_fund_capital"},
      {"finance.loan_guarantee_share=1.5", "finance.loan_guarantee_share"},
      {"exits.relocation_at_transition=2", "exits.relocation_at_transition"},
      {"policy.awareness_without_internet_plus=-0.1", "policy.awareness_without_internet_plus"},
      {"integration.reserved_share=1.2", "integration.reserved_share"},
      {"talent.found_share=3", "talent.found_share"},
      {"leading_firms.acquisition_rate=1.5", "leading_firms.acquisition_rate"},
      {"operator.base-operator.incentive=bonus", "operator.incentive"},
      {"carrier.market-incubator.opening_rule=later", "carrier.opening_rule"},
      {"source.recruited.direct_stage=garage", "source.direct_stage"},
  };
  for (const auto& [assignment, key] : cases) {
    INFO(assignment);
    try {
      scenario::load_scenario(levers, {assignment});
      FAIL("accepted " << assignment);
    } catch (const scenario::ScenarioError& error) {
      REQUIRE(error.problems().size() == 1);
      CHECK(error.problems()[0].key == key);
    }
  }
}

TEST_CASE("An integrated base that skips a stage is rejected at the carrier", "[scenario]") {
  const std::string levers = std::string(INCUBSIM_SOURCE_DIR) + "/scenarios/test/levers.toml";
  // Without the incubator, the base goes from nursery to accelerator.
  CHECK_NOTHROW(scenario::load_scenario(levers, {"carrier.incubator.enabled=false"}));  // carriers run apart: allowed
  try {
    scenario::load_scenario(levers, {"carrier.incubator.enabled=false", "integration.enabled=true"});
    FAIL("an integrated base without an incubator was accepted");
  } catch (const scenario::ScenarioError& error) {
    REQUIRE(error.problems().size() == 1);
    const scenario::Problem& problem = error.problems()[0];
    CHECK(problem.key == "carrier.kind");
    CHECK(problem.line > 0);
    CHECK(problem.message.find("skips a stage") != std::string::npos);
    CHECK(problem.message.find("incubator") != std::string::npos);
  }
  // Starting the base at the incubator skips nothing.
  CHECK_NOTHROW(scenario::load_scenario(levers, {"carrier.nursery.enabled=false", "integration.enabled=true"}));
}
