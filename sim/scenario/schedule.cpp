#include "scenario/schedule.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "scenario/keys.hpp"
#include "scenario/loader.hpp"
#include "scenario/registry.hpp"

namespace incubsim::scenario {
namespace {

// Top-level tables whose keys may be scheduled: every plain section but [simulation] and
// [scenario], the stages, and the elements but targets.
const std::vector<std::string>& schedulable_tables() {
  static const std::vector<std::string> tables = [] {
    std::vector<std::string> found;
    for (const auto& section : plain_sections()) {
      if (section != "simulation" && section != "scenario") found.push_back(section);
    }
    for (const std::string name : {"stage", "listing", "sector", "source", "operator", "carrier"}) found.push_back(name);
    return found;
  }();
  return tables;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

template <class Element>
std::vector<std::string> field_names(const ElementTable<Element>& table) {
  std::vector<std::string> names;
  for (const auto& binding : table.fields) names.push_back(binding.name);
  return names;
}

std::vector<std::string> element_field_names(const std::string& table) {
  const ParameterRegistry& registry = parameter_registry();
  if (table == "sector") return field_names(registry.sector);
  if (table == "source") return field_names(registry.source);
  if (table == "operator") return field_names(registry.operators);
  if (table == "carrier") return field_names(registry.carrier);
  return field_names(registry.target);
}

// Keys the model reads only when it creates a run's state (model::initialise), so a change
// after the start would silently do nothing: "carrier.level" is a field of every carrier.
// Keep in step with sim/model/initial_state.cpp's initialise().
struct InitialOnly {
  const char* key;
  const char* reason;
};
constexpr InitialOnly initial_only[] = {
    {"carrier.level", "a carrier's level is set at the start and then changed by the annual level reviews"},
    {"finance.guidance_fund_capital", "the guidance fund's capital is set once, at the start"},
    {"carrier_dynamics.construction_delay_mean", "construction delays are drawn once, at the start"},
    {"sector.county_demand", "a sector's county demand is set at the start and then grows at county_demand_growth"},
    {"sector.outside_market", "a sector's outside market is set at the start and then grows at outside_market_growth"},
    {"sector.incumbent_firms", "the incumbents are set at the start"},
    {"sector.incumbent_jobs", "the incumbents' jobs are set at the start and then follow their revenue"},
    {"sector.incumbent_revenue", "the incumbents' revenue is set at the start and then follows demand and displacement"},
};

std::string initial_only_problem(const std::string& key) {
  for (const InitialOnly& entry : initial_only) {
    if (key == entry.key) return std::string(entry.reason) + ", so '" + key + "' cannot be scheduled; change it in the scenario or with --set";
  }
  return "";
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

}  // namespace

const std::vector<std::string>& structural_element_fields(const std::string& element_table) {
  static const std::vector<std::string> sector = {"id"};
  static const std::vector<std::string> source = {"id"};
  static const std::vector<std::string> operators = {"id"};
  static const std::vector<std::string> carrier = {"id", "enabled", "kind", "operator", "sectors", "opening", "opening_rule", "initial_residents"};
  static const std::vector<std::string> none;
  if (element_table == "sector") return sector;
  if (element_table == "source") return source;
  if (element_table == "operator") return operators;
  if (element_table == "carrier") return carrier;
  return none;
}

std::string schedule_key_problem(const std::string& key) {
  const std::vector<std::string> parts = split_key(key);
  if (parts.empty() || std::any_of(parts.begin(), parts.end(), [](const std::string& part) { return part.empty(); })) {
    return "malformed key '" + key + "'";
  }
  const std::string& table = parts[0];
  if (table == "simulation") return "[simulation] keys set up the whole run (its months and scale) and cannot be scheduled";
  if (table == "scenario") return "[scenario] keys name and describe the scenario and cannot be scheduled";
  if (table == "target") return "targets cannot be scheduled: a target is judged against one threshold and deadline";
  if (table == "citations" || table == "extends" || table == "schedule") return "'" + table + "' is not a parameter and cannot be scheduled";
  if (is_element_table(table)) {
    if (parts.size() != 3) return "elements are scheduled as " + table + ".<id>.<key>";
    const std::string& field = parts[2];
    const std::vector<std::string> fields = element_field_names(table);
    if (!contains(fields, field)) return "unknown key '" + field + "' in [[" + table + "]]" + did_you_mean(field, fields);
    if (field == "source") return "'source' is the element's citation, not a parameter; cite a schedule entry with its own source";
    const std::vector<std::string>& structural = structural_element_fields(table);
    if (contains(structural, field)) {
      return "'" + table + "." + field + "' changes the model's shape and cannot be scheduled (structural " + table + " keys: " +
             join(structural) + "); change it in the scenario or with --set";
    }
    return initial_only_problem(table + "." + field);
  }
  if (!contains(schedulable_tables(), table)) return "unknown key '" + table + "'" + did_you_mean(table, schedulable_tables());
  if (parts.back() == "source") return "'" + key + "' is a citation, not a parameter; cite a schedule entry with its own source";
  const ParameterRegistry& registry = parameter_registry();
  if (registry.find_scalar(key) != nullptr) return initial_only_problem(key);
  std::vector<std::string> keys;
  for (const auto& binding : registry.scalars) {
    if (binding.spec.key.rfind(table + ".", 0) == 0) keys.push_back(binding.spec.key);
  }
  return "unknown key '" + key + "'" + did_you_mean(key, keys);
}

std::string shape_difference(const model::ModelSetup& base, const model::ModelSetup& epoch) {
  auto differs = [](const char* what, std::size_t a, std::size_t b) {
    return std::string(what) + ": " + std::to_string(a) + " before, " + std::to_string(b) + " after";
  };
  const model::ModelParameters& a = base.parameters;
  const model::ModelParameters& b = epoch.parameters;
  if (base.months != epoch.months || base.start_year != epoch.start_year || base.start_month != epoch.start_month) {
    return "the simulated months differ";
  }
  if (base.carriers.size() != epoch.carriers.size()) return differs("enabled carriers", base.carriers.size(), epoch.carriers.size());
  if (a.carriers.size() != b.carriers.size()) return differs("carriers", a.carriers.size(), b.carriers.size());
  if (a.sectors.size() != b.sectors.size()) return differs("sectors", a.sectors.size(), b.sectors.size());
  if (a.sources.size() != b.sources.size()) return differs("sources", a.sources.size(), b.sources.size());
  if (a.operators.size() != b.operators.size()) return differs("operators", a.operators.size(), b.operators.size());
  if (a.targets.size() != b.targets.size()) return differs("targets", a.targets.size(), b.targets.size());
  for (std::size_t c = 0; c < base.carriers.size(); ++c) {
    const model::ResolvedCarrier& x = base.carriers[c];
    const model::ResolvedCarrier& y = epoch.carriers[c];
    if (x.kind != y.kind || x.parameter_index != y.parameter_index || x.operator_index != y.operator_index ||
        x.opening_month != y.opening_month || x.demand_opening != y.demand_opening || x.sector_mask != y.sector_mask) {
      return "carrier '" + a.carriers[static_cast<std::size_t>(x.parameter_index)].id + "' changes kind, operator, opening or sectors";
    }
  }
  if (base.source_origin != epoch.source_origin) return "the sources' origins differ";
  for (std::size_t t = 0; t < base.targets.size(); ++t) {
    if (base.targets[t].indicator != epoch.targets[t].indicator || base.targets[t].deadline_month != epoch.targets[t].deadline_month ||
        a.targets[t].threshold != b.targets[t].threshold) {
      return "target '" + a.targets[t].id + "' differs";
    }
  }
  return "";
}

int month_index_of(const model::ModelSetup& setup, const std::string& date) {
  const auto [year, month] = model::parse_year_month(date);
  return (year - setup.start_year) * 12 + (month - setup.start_month);
}

}  // namespace incubsim::scenario
