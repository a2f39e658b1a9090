#include "scenario/keys.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <utility>
#include <toml++/toml.h>

#include "scenario/loader.hpp"

namespace incubsim::scenario {
namespace {

template <class Element>
std::optional<ParameterField> find_element_field(const ElementTable<Element>& table, std::vector<Element>& elements, const std::string& id,
                                                 const std::string& field) {
  const FieldBinding<Element>* binding = table.find(field);
  if (binding == nullptr) return std::nullopt;
  for (Element& element : elements) {
    if (element.id == id) return ParameterField{&binding->spec, binding->field(element)};
  }
  return std::nullopt;
}

template <class Element>
void element_values(const ElementTable<Element>& table, std::vector<Element>& elements, std::vector<std::pair<std::string, std::string>>& out) {
  for (Element& element : elements) {
    for (const auto& binding : table.fields) {
      out.emplace_back(table.name + "." + element.id + "." + binding.name, field_text(binding.field(element)));
    }
  }
}

}  // namespace

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream stream(key);
  std::string part;
  while (std::getline(stream, part, '.')) parts.push_back(part);
  if (!key.empty() && key.back() == '.') parts.emplace_back();
  return parts;
}

std::string removed_key_hint(const std::string& key) {
  // Keys an older incubsim read, with what replaced them: a scenario written for it gets the way
  // forward instead of a guess.
  static const std::pair<const char*, const char*> removed[] = {
      {"sector.market_growth", "sector.market_growth was replaced by county_demand_growth and outside_market_growth "
                               "with the sector markets of issue 17, docs/odd.md §7.5a"},
      {"dynamics.headcount_adjustment", "dynamics.headcount_adjustment was replaced by hiring_rate and firing_rate "
                                        "with the hiring in whole persons of issue 16, docs/odd.md §7.5"},
  };
  for (const auto& [old_key, hint] : removed) {
    if (key == old_key) return std::string(" (") + hint + ")";
  }
  return "";
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string match = closest_match(word, candidates);
  return match.empty() ? std::string() : " (did you mean '" + match + "'?)";
}

const std::vector<std::string>& element_table_names() {
  static const std::vector<std::string> names = {"sector", "source", "operator", "carrier", "target"};
  return names;
}

bool is_element_table(const std::string& name) {
  const auto& names = element_table_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<ParameterField> find_parameter(model::ModelParameters& parameters, const std::string& key) {
  const ParameterRegistry& registry = parameter_registry();
  const std::vector<std::string> parts = split_key(key);
  if (parts.size() == 3 && is_element_table(parts[0])) {
    if (parts[0] == "sector") return find_element_field(registry.sector, parameters.sectors, parts[1], parts[2]);
    if (parts[0] == "source") return find_element_field(registry.source, parameters.sources, parts[1], parts[2]);
    if (parts[0] == "operator") return find_element_field(registry.operators, parameters.operators, parts[1], parts[2]);
    if (parts[0] == "carrier") return find_element_field(registry.carrier, parameters.carriers, parts[1], parts[2]);
    return find_element_field(registry.target, parameters.targets, parts[1], parts[2]);
  }
  if (const auto* binding = registry.find_scalar(key)) return ParameterField{&binding->spec, binding->field(parameters)};
  return std::nullopt;
}

void put_field(toml::table& table, const std::string& name, const FieldRef& field) {
  std::visit(
      [&](auto* value) {
        using T = std::remove_pointer_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          toml::array array;
          for (const auto& item : *value) array.push_back(item);
          table.insert_or_assign(name, std::move(array));
        } else if constexpr (std::is_same_v<T, int>) {
          table.insert_or_assign(name, static_cast<std::int64_t>(*value));
        } else {
          table.insert_or_assign(name, *value);
        }
      },
      field);
}

std::string field_text(const FieldRef& field) {
  if (const auto* real = std::get_if<double*>(&field)) {
    // The shortest text that reads back to the same double, always with a decimal point or
    // exponent so that it stays a TOML float.
    const double value = **real;
    char buffer[64];
    const double magnitude = std::fabs(value);
    const bool plain = magnitude == 0.0 || (magnitude >= 1e-4 && magnitude < 1e15);
    const auto result = plain ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
                              : std::to_chars(buffer, buffer + sizeof buffer, value);
    std::string number(buffer, result.ptr);
    if (std::isfinite(value) && number.find_first_of(".e") == std::string::npos) number += ".0";
    return number;
  }
  toml::table holder;
  put_field(holder, "value", field);
  std::ostringstream text;
  holder.get("value")->visit([&](const auto& node) { text << node; });
  return text.str();
}

std::vector<std::pair<std::string, std::string>> parameter_values(model::ModelParameters parameters) {
  const ParameterRegistry& registry = parameter_registry();
  std::vector<std::pair<std::string, std::string>> values;
  for (const auto& binding : registry.scalars) values.emplace_back(binding.spec.key, field_text(binding.field(parameters)));
  element_values(registry.sector, parameters.sectors, values);
  element_values(registry.source, parameters.sources, values);
  element_values(registry.operators, parameters.operators, values);
  element_values(registry.carrier, parameters.carriers, values);
  element_values(registry.target, parameters.targets, values);
  return values;
}

}  // namespace incubsim::scenario
