// Parameter keys as scenario files, --set, [[schedule]] and [uncertainty] write them
// (sim/scenario/keys.cpp).

#include "scenario/keys.hpp"

#include <catch2/catch.hpp>

#include "support/scenario_problems.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>
#include <toml++/toml.h>

#include "scenario/loader.hpp"

using namespace incubsim;
using scenario::FieldRef;
using scenario::ValueType;
using incubsim::testing::source_file;

namespace {

model::ModelParameters small_parameters() {
  return scenario::load_scenario(source_file("scenarios/test/small.toml")).setup.parameters;
}

}  // namespace

TEST_CASE("split_key splits on dots and keeps empty parts", "[scenario]") {
  using Parts = std::vector<std::string>;
  CHECK(scenario::split_key("dynamics.hazard_shape") == Parts{"dynamics", "hazard_shape"});
  CHECK(scenario::split_key("stage.incubator.min_months") == Parts{"stage", "incubator", "min_months"});
  CHECK(scenario::split_key("carrier.test-incubator.capacity") == Parts{"carrier", "test-incubator", "capacity"});
  CHECK(scenario::split_key("extends") == Parts{"extends"});
  CHECK(scenario::split_key("").empty());
  CHECK(scenario::split_key("a..b") == Parts{"a", "", "b"});
  CHECK(scenario::split_key("a.") == Parts{"a", ""});
  CHECK(scenario::split_key(".a") == Parts{"", "a"});
  CHECK(scenario::split_key(".") == Parts{"", ""});
}

TEST_CASE("Element tables are the arrays of tables", "[scenario]") {
  CHECK(scenario::element_table_names() == std::vector<std::string>{"sector", "source", "operator", "carrier", "target"});
  for (const std::string name : {"sector", "source", "operator", "carrier", "target"}) CHECK(scenario::is_element_table(name));
  for (const std::string name : {"stage", "dynamics", "schedule", "uncertainty", "carriers", ""}) CHECK_FALSE(scenario::is_element_table(name));
}

TEST_CASE("did_you_mean suggests only a close candidate", "[scenario]") {
  CHECK(scenario::did_you_mean("capacty", {"capacity", "opening"}) == " (did you mean 'capacity'?)");
  CHECK(scenario::did_you_mean("zzzzzzzz", {"capacity", "opening"}).empty());
  CHECK(scenario::did_you_mean("capacity", {}).empty());
}

TEST_CASE("find_parameter finds scalar keys and their fields", "[scenario]") {
  model::ModelParameters parameters = small_parameters();
  const auto shape = scenario::find_parameter(parameters, "dynamics.hazard_shape");
  REQUIRE(shape.has_value());
  CHECK(shape->spec->key == "dynamics.hazard_shape");
  CHECK(shape->spec->type == ValueType::real);
  REQUIRE(std::holds_alternative<double*>(shape->field));
  CHECK(std::get<double*>(shape->field) == &parameters.dynamics.hazard_shape);
  *std::get<double*>(shape->field) = 2.5;  // the field is the parameter itself
  CHECK(parameters.dynamics.hazard_shape == 2.5);

  const auto horizon = scenario::find_parameter(parameters, "simulation.horizon_months");
  REQUIRE(horizon.has_value());
  CHECK(horizon->spec->type == ValueType::integer);
  REQUIRE(std::holds_alternative<int*>(horizon->field));
  CHECK(*std::get<int*>(horizon->field) == 24);

  const auto enabled = scenario::find_parameter(parameters, "integration.enabled");
  REQUIRE(enabled.has_value());
  CHECK(enabled->spec->type == ValueType::boolean);
  CHECK(std::get<bool*>(enabled->field) == &parameters.integration.enabled);
}

TEST_CASE("find_parameter finds the rules of each stage", "[scenario]") {
  model::ModelParameters parameters = small_parameters();
  const char* kinds[] = {"nursery", "incubator", "accelerator", "park"};
  for (std::size_t k = 0; k < 4; ++k) {
    INFO(kinds[k]);
    const auto months = scenario::find_parameter(parameters, std::string("stage.") + kinds[k] + ".min_months");
    REQUIRE(months.has_value());
    CHECK(months->spec->key == std::string("stage.") + kinds[k] + ".min_months");
    CHECK(std::get<int*>(months->field) == &parameters.stages[k].min_months);
    const auto probability = scenario::find_parameter(parameters, std::string("stage.") + kinds[k] + ".application_probability");
    REQUIRE(probability.has_value());
    CHECK(std::get<double*>(probability->field) == &parameters.stages[k].application_probability);
  }
  CHECK(*std::get<int*>(scenario::find_parameter(parameters, "stage.incubator.min_months")->field) == 4);  // small.toml
}

TEST_CASE("find_parameter finds element fields by id", "[scenario]") {
  model::ModelParameters parameters = small_parameters();
  REQUIRE(parameters.carriers.size() == 4);
  const auto capacity = scenario::find_parameter(parameters, "carrier.test-incubator.capacity");
  REQUIRE(capacity.has_value());
  CHECK(capacity->spec->key == "carrier.capacity");  // the registry's key, per element
  CHECK(capacity->spec->type == ValueType::integer);
  CHECK(std::get<int*>(capacity->field) == &parameters.carriers[1].capacity);
  CHECK(*std::get<int*>(capacity->field) == 8);

  const auto quality = scenario::find_parameter(parameters, "operator.test-operator.service_quality");
  REQUIRE(quality.has_value());
  CHECK(std::get<double*>(quality->field) == &parameters.operators[0].service_quality);
  CHECK(*std::get<double*>(quality->field) == 0.8);

  const auto operator_id = scenario::find_parameter(parameters, "carrier.test-park.operator");
  REQUIRE(operator_id.has_value());
  CHECK(operator_id->spec->type == ValueType::text);
  CHECK(*std::get<std::string*>(operator_id->field) == "test-operator");

  const auto sectors = scenario::find_parameter(parameters, "carrier.test-park.sectors");
  REQUIRE(sectors.has_value());
  CHECK(std::holds_alternative<std::vector<std::string>*>(sectors->field));

  const auto potential = scenario::find_parameter(parameters, "source.talent.potential_per_month");
  REQUIRE(potential.has_value());
  CHECK(*std::get<double*>(potential->field) == 2.0);
  CHECK(std::get<double*>(scenario::find_parameter(parameters, "sector.general.share")->field) == &parameters.sectors[0].share);
  CHECK(std::get<double*>(scenario::find_parameter(parameters, "target.incubator-residents.threshold")->field) ==
        &parameters.targets[0].threshold);
}

TEST_CASE("find_parameter finds nothing for unknown keys, ids and fields", "[scenario]") {
  model::ModelParameters parameters = small_parameters();
  for (const std::string key : {"", "dynamics", "dynamics.hazard_shap", "nowhere.hazard_shape", "stage.incubator", "stage.incubatr.min_months",
                                "stage.incubator.min_month", "carrier.nobody.capacity", "carrier.test-incubator.capacty",
                                "carrier.test-incubator", "carrier.test-incubator.capacity.x", "carrier..capacity", "operator.test-operator",
                                "schedule.key", "uncertainty.integration.reserved_share", "carrier.capacity"}) {
    INFO("key '" << key << "'");
    CHECK_FALSE(scenario::find_parameter(parameters, key).has_value());
  }
}

TEST_CASE("field_text writes values as TOML", "[scenario]") {
  double real = 0.5;
  double whole_real = 90000.0;
  double small_real = 1.1;
  int integer = 12;
  int negative = -3;
  bool yes = true;
  bool no = false;
  std::string text = "test-operator";
  std::string quoted = "say \"hi\"";
  std::string apostrophe = "it's";
  std::vector<std::string> list = {"a", "b"};
  std::vector<std::string> empty;
  CHECK(scenario::field_text(FieldRef{&real}) == "0.5");
  CHECK(scenario::field_text(FieldRef{&whole_real}) == "90000.0");  // a real stays a real
  CHECK(scenario::field_text(FieldRef{&small_real}) == "1.1");
  CHECK(scenario::field_text(FieldRef{&integer}) == "12");
  CHECK(scenario::field_text(FieldRef{&negative}) == "-3");
  CHECK(scenario::field_text(FieldRef{&yes}) == "true");
  CHECK(scenario::field_text(FieldRef{&no}) == "false");
  CHECK(scenario::field_text(FieldRef{&text}) == "'test-operator'");  // a literal string
  // Each text is TOML: it parses back to the value.
  for (const FieldRef field : {FieldRef{&real}, FieldRef{&whole_real}, FieldRef{&small_real}, FieldRef{&integer}, FieldRef{&text},
                               FieldRef{&quoted}, FieldRef{&apostrophe}, FieldRef{&list}, FieldRef{&empty}}) {
    const std::string written = scenario::field_text(field);
    INFO(written);
    toml::table parsed;
    REQUIRE_NOTHROW(parsed = toml::parse("value = " + written));
    std::visit(
        [&](auto* value) {
          using T = std::remove_pointer_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            const toml::array* array = parsed["value"].as_array();
            REQUIRE(array != nullptr);
            std::vector<std::string> back;
            for (const toml::node& item : *array) back.push_back(item.value_or(std::string()));
            CHECK(back == *value);
          } else if constexpr (std::is_same_v<T, int>) {
            CHECK(parsed["value"].value<std::int64_t>() == std::optional<std::int64_t>(*value));
          } else {
            CHECK(parsed["value"].value<T>() == std::optional<T>(*value));
          }
        },
        field);
  }
}

TEST_CASE("parameter_values lists every scalar, then every element field", "[scenario]") {
  const model::ModelParameters parameters = small_parameters();
  const auto values = scenario::parameter_values(parameters);
  const scenario::ParameterRegistry& registry = scenario::parameter_registry();
  // Scalars first, in registry order.
  REQUIRE(values.size() > registry.scalars.size());
  for (std::size_t i = 0; i < registry.scalars.size(); ++i) CHECK(values[i].first == registry.scalars[i].spec.key);
  // Then each element's fields, one entry per field.
  const std::size_t expected = registry.scalars.size() + parameters.sectors.size() * registry.sector.fields.size() +
                               parameters.sources.size() * registry.source.fields.size() +
                               parameters.operators.size() * registry.operators.fields.size() +
                               parameters.carriers.size() * registry.carrier.fields.size() +
                               parameters.targets.size() * registry.target.fields.size();
  CHECK(values.size() == expected);

  const std::map<std::string, std::string> by_key(values.begin(), values.end());
  CHECK(by_key.size() == values.size());  // no key twice
  CHECK(by_key.at("dynamics.hazard_shape") == "0.6721");
  CHECK(by_key.at("simulation.horizon_months") == "24");
  CHECK(by_key.at("simulation.start") == "'2021-01'");
  CHECK(by_key.at("stage.incubator.min_skill") == "0.35");
  CHECK(by_key.at("carrier.test-incubator.capacity") == "8");
  CHECK(by_key.at("carrier.test-nursery.initial_residents") == "4");
  CHECK(by_key.at("carrier.test-park.kind") == "'park'");
  CHECK(by_key.at("carrier.test-park.enabled") == "true");
  CHECK(by_key.at("operator.test-operator.service_quality") == "0.8");
  CHECK(by_key.at("source.talent.registered") == "true");
  CHECK(by_key.at("sector.general.name") == "'General'");
  CHECK(by_key.at("target.incubator-residents.threshold") == "8.0");
  CHECK(by_key.count("carrier.test-incubator") == 0);
  // Carriers in file order.
  std::vector<std::string> carriers;
  for (const auto& [key, value] : values)
    if (key.rfind("carrier.", 0) == 0 && key.size() > 3 && key.substr(key.size() - 3) == ".id") carriers.push_back(value);
  CHECK(carriers == std::vector<std::string>{"'test-nursery'", "'test-incubator'", "'test-accelerator'", "'test-park'"});
  // Every key it lists is one find_parameter finds, with the same text.
  model::ModelParameters copy = parameters;
  for (const auto& [key, text] : values) {
    INFO(key);
    const auto found = scenario::find_parameter(copy, key);
    REQUIRE(found.has_value());
    CHECK(scenario::field_text(found->field) == text);
  }
}
