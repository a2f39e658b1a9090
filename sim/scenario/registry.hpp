#pragma once
// The parameter registry: for every scenario key its type, unit, default, range, provenance and
// meaning, bound to one field of the model's parameter structs. Loading, validation,
// `incubsim params` and docs/parameters.md all read this one list.

#include <functional>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "model/parameters.hpp"

namespace incubsim::scenario {

enum class ValueType { real, integer, boolean, text, choice, month, text_list };
const char* value_type_name(ValueType type);

struct ParameterSpec {
  std::string key;      // full key: "dynamics.revenue_volatility", "carrier.capacity" (per element)
  ValueType type = ValueType::real;
  std::string unit;
  std::string default_text;  // as shown in docs; "(required)" for required keys
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  // for ValueType::choice
  std::string provenance;            // plan section, publication, "calibrated" or "assumption"
  std::string meaning;
  bool required = false;
};

using FieldRef = std::variant<double*, int*, bool*, std::string*, std::vector<std::string>*>;

template <class Owner>
struct FieldBinding {
  ParameterSpec spec;
  std::string name;  // key within its table ("capacity")
  std::function<FieldRef(Owner&)> field;
};

// An array of tables such as [[carrier]]: elements are identified by their `id`.
template <class Element>
struct ElementTable {
  std::string name;  // "carrier"
  std::string meaning;
  std::vector<FieldBinding<Element>> fields;
  const FieldBinding<Element>* find(const std::string& field) const {
    for (const auto& binding : fields) {
      if (binding.name == field) return &binding;
    }
    return nullptr;
  }
};

struct ParameterRegistry {
  // Keys of plain tables: "simulation.start", "dynamics.wage_per_month", "stage.nursery.min_months".
  std::vector<FieldBinding<model::ModelParameters>> scalars;
  ElementTable<model::SectorParameters> sector;
  ElementTable<model::SourceParameters> source;
  ElementTable<model::OperatorParameters> operators;  // TOML name "operator"
  ElementTable<model::CarrierParameters> carrier;
  ElementTable<model::TargetParameters> target;

  const FieldBinding<model::ModelParameters>* find_scalar(const std::string& key) const;
  // Every spec in documentation order.
  std::vector<ParameterSpec> all_specs() const;
};

const ParameterRegistry& parameter_registry();

// Renders the registry as the Markdown of docs/parameters.md.
std::string parameters_markdown();
// Renders the registry as a plain table for `incubsim params`.
std::string parameters_text();

}  // namespace incubsim::scenario
