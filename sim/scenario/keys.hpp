#pragma once
// Parameter keys as scenario files, `--set`, `[[schedule]]` and `[uncertainty]` write them:
// "dynamics.hazard_shape", "stage.incubator.min_months", "carrier.<id>.capacity". One place
// splits them, finds the parameter they name and prints its value.

#include <optional>
#include <toml++/toml.h>
#include <string>
#include <vector>

#include "model/parameters.hpp"
#include "scenario/registry.hpp"

namespace incubsim::scenario {

// "a.b.c" -> {"a", "b", "c"}; empty parts are kept ("a..b", "a.") so callers can reject them.
std::vector<std::string> split_key(const std::string& key);

// " (did you mean 'x'?)" when a candidate is close to `word`, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);
// " (<old key> was replaced by …)" for a key an older incubsim read; "" for any other key.
std::string removed_key_hint(const std::string& key);

// The arrays of tables: sector, source, operator, carrier, target.
const std::vector<std::string>& element_table_names();
bool is_element_table(const std::string& name);

// The parameter a key names in `parameters`: its registry entry and the field holding its value.
struct ParameterField {
  const ParameterSpec* spec = nullptr;
  FieldRef field;
};
// nullopt when the key names no parameter (unknown key, or no element with that id).
std::optional<ParameterField> find_parameter(model::ModelParameters& parameters, const std::string& key);

// Stores a field's value in `table` under `name` (integers as TOML integers).
void put_field(toml::table& table, const std::string& name, const FieldRef& field);

// The value of a field as TOML text: 0.5, 12, true, 'text', ['a', 'b'] (reals in the shortest
// form that reads back exactly, plain below 1e15).
std::string field_text(const FieldRef& field);

// Every parameter of `parameters` as (key, TOML text), scalars in registry order, then the
// elements' fields ("carrier.<id>.<field>") in file order.
std::vector<std::pair<std::string, std::string>> parameter_values(model::ModelParameters parameters);

}  // namespace incubsim::scenario
