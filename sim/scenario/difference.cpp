#include "scenario/difference.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "scenario/keys.hpp"

namespace incubsim::scenario {
namespace {

using Values = std::vector<std::pair<std::string, std::string>>;

std::map<std::string, std::string> as_map(const Values& values) { return {values.begin(), values.end()}; }

// "carrier.<id>.<field>" -> "carrier.<id>"; "" for a scalar key.
std::string element_of(const std::string& key) {
  const std::vector<std::string> parts = split_key(key);
  if (parts.size() == 3 && is_element_table(parts[0])) return parts[0] + "." + parts[1];
  return "";
}

// The citation that covers `key` in a scenario: the element's `source`, else its section's.
std::string citation_for(const std::string& key, model::ModelParameters& parameters,
                         const std::vector<std::pair<std::string, std::string>>& sections) {
  const std::vector<std::string> parts = split_key(key);
  const bool whole_element = parts.size() == 2 && is_element_table(parts[0]);
  if (const std::string element = whole_element ? key : element_of(key); !element.empty()) {
    const auto found = find_parameter(parameters, element + ".source");
    const auto* text = found ? std::get_if<std::string*>(&found->field) : nullptr;
    return text != nullptr ? **text : std::string();
  }
  const std::string section = parts.size() == 3 && (parts[0] == "stage" || parts[0] == "listing") ? parts[0] + "." + parts[1] : parts.front();
  for (const auto& [name, citation] : sections) {
    if (name == section) return citation;
  }
  return "";
}

bool ignored(const std::string& key) {
  if (key.rfind("scenario.", 0) == 0) return true;
  const std::vector<std::string> parts = split_key(key);
  return parts.size() == 3 && is_element_table(parts[0]) && (parts[2] == "source" || parts[2] == "name");
}

bool numeric_key(model::ModelParameters& parameters, const std::string& key) {
  const auto found = find_parameter(parameters, key);
  return found && (found->spec->type == ValueType::real || found->spec->type == ValueType::integer);
}

// The value a field takes when an element does not set it.
std::map<std::string, std::string> element_defaults(const std::string& element) {
  model::ModelParameters defaults;
  const std::string table = element.substr(0, element.find('.'));
  const std::string id = element.substr(element.find('.') + 1);
  if (table == "sector") defaults.sectors.emplace_back().id = id;
  if (table == "source") defaults.sources.emplace_back().id = id;
  if (table == "operator") defaults.operators.emplace_back().id = id;
  if (table == "carrier") defaults.carriers.emplace_back().id = id;
  if (table == "target") defaults.targets.emplace_back().id = id;
  return as_map(parameter_values(defaults));
}

std::string range_text(const std::optional<UncertainRange>& range) {
  if (!range) return "";
  std::ostringstream text;
  text << range->low << " – " << range->high;
  if (range->log_scale) text << " (log)";
  return text.str();
}

std::string cell(std::string text) {
  for (std::size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) text.replace(at, 1, "\\|");
  return text;
}

}  // namespace

std::vector<ParameterDifference> scenario_differences(const Scenario& baseline, const Scenario& alternative) {
  model::ModelParameters alternative_parameters = alternative.setup.parameters;
  model::ModelParameters baseline_parameters = baseline.setup.parameters;
  const Values base_list = parameter_values(baseline.setup.parameters);
  const Values alt_list = parameter_values(alternative_parameters);
  const auto base = as_map(base_list);
  const auto alt = as_map(alt_list);
  auto range_of = [&](const std::string& key) -> std::optional<UncertainRange> {
    for (const UncertainRange& range : alternative.uncertainty) {
      if (range.key == key) return range;
    }
    return std::nullopt;
  };

  std::vector<ParameterDifference> differences;
  auto add = [&](const std::string& key, std::string before, std::string after, bool numeric) {
    ParameterDifference difference;
    difference.key = key;
    difference.baseline = std::move(before);
    difference.alternative = std::move(after);
    difference.source = citation_for(key, alternative_parameters, alternative.section_citations);
    difference.cited = !difference.source.empty() && difference.source != citation_for(key, baseline_parameters, baseline.section_citations);
    difference.numeric = numeric;
    difference.switched_off = numeric && !difference.alternative.empty() && std::stod(difference.alternative) == 0.0;
    difference.range = range_of(key);
    differences.push_back(std::move(difference));
  };

  std::vector<std::string> added_elements;
  for (const auto& [key, value] : alt_list) {
    if (ignored(key)) continue;
    const auto before = base.find(key);
    if (before != base.end()) {
      if (before->second != value) add(key, before->second, value, numeric_key(alternative_parameters, key));
      continue;
    }
    // A field of an element the baseline does not have: list the element once, then the fields
    // it sets away from their defaults.
    const std::string element = element_of(key);
    if (std::find(added_elements.begin(), added_elements.end(), element) == added_elements.end()) {
      added_elements.push_back(element);
      add(element, "", "(added)", false);
    }
    const auto defaults = element_defaults(element);
    const auto default_value = defaults.find(key);
    if (split_key(key)[2] != "id" && (default_value == defaults.end() || default_value->second != value)) {
      add(key, "", value, numeric_key(alternative_parameters, key));
    }
  }
  std::vector<std::string> removed_elements;
  for (const auto& [key, value] : base_list) {
    const std::string element = element_of(key);
    if (element.empty() || alt.count(key) > 0) continue;
    if (std::find(removed_elements.begin(), removed_elements.end(), element) != removed_elements.end()) continue;
    removed_elements.push_back(element);
    add(element, "(present)", "(removed)", false);
  }
  // Scheduled changes, matched by date and key.
  auto scheduled = [](const Scenario& scenario) {
    std::map<std::string, std::string> changes;
    for (const ScheduledChange& change : scenario.schedule) changes["schedule " + change.date + " " + change.key] = change.value;
    return changes;
  };
  const auto base_schedule = scheduled(baseline);
  const auto alt_schedule = scheduled(alternative);
  for (const auto& [key, value] : alt_schedule) {
    const auto before = base_schedule.find(key);
    if (before == base_schedule.end() || before->second != value) {
      ParameterDifference difference;
      difference.key = key;
      difference.baseline = before == base_schedule.end() ? "" : before->second;
      difference.alternative = value;
      for (const ScheduledChange& change : alternative.schedule) {
        if ("schedule " + change.date + " " + change.key == key) difference.source = change.source;
      }
      difference.cited = !difference.source.empty();
      differences.push_back(std::move(difference));
    }
  }
  for (const auto& [key, value] : base_schedule) {
    if (alt_schedule.count(key) == 0) {
      ParameterDifference difference;
      difference.key = key;
      difference.baseline = value;
      difference.alternative = "(not scheduled)";
      differences.push_back(std::move(difference));
    }
  }
  return differences;
}

std::string differences_markdown(const Scenario& baseline, const std::vector<Scenario>& alternatives) {
  std::ostringstream out;
  for (const Scenario& alternative : alternatives) {
    const std::vector<ParameterDifference> differences = scenario_differences(baseline, alternative);
    out << "### `" << alternative.name << "` (" << alternative.path.filename().string() << ")\n\n";
    if (!alternative.setup.parameters.description.empty()) out << alternative.setup.parameters.description << "\n\n";
    if (differences.empty()) {
      out << "No parameter differs from `" << baseline.name << "`.\n\n";
      continue;
    }
    out << differences.size() << " parameter" << (differences.size() == 1 ? "" : "s") << " differ from `" << baseline.name << "`.\n\n";
    out << "| key | " << baseline.name << " | " << alternative.name << " | range | source |\n";
    out << "| --- | --- | --- | --- | --- |\n";
    for (const ParameterDifference& difference : differences) {
      std::string range = range_text(difference.range);
      if (range.empty()) range = difference.switched_off ? "– (switched off)" : difference.numeric ? "**none declared**" : "–";
      out << "| `" << cell(difference.key) << "` | " << cell(difference.baseline.empty() ? "–" : difference.baseline) << " | "
          << cell(difference.alternative.empty() ? "–" : difference.alternative) << " | " << cell(range) << " | "
          << cell(difference.cited ? difference.source : "**not cited**") << " |\n";
    }
    out << "\n";
  }
  out << "### Ranges the baseline `" << baseline.name << "` declares\n\n";
  if (baseline.uncertainty.empty()) {
    out << "None.\n";
    return out.str();
  }
  out << "Every alternative inherits these (it `extends` the baseline) unless it declares its own.\n\n";
  out << "| key | value | range | source |\n| --- | --- | --- | --- |\n";
  for (const UncertainRange& range : baseline.uncertainty) {
    std::ostringstream value;
    value << range.value;
    out << "| `" << cell(range.key) << "` | " << value.str() << " | " << cell(range_text(range)) << " | " << cell(range.source) << " |\n";
  }
  return out.str();
}

}  // namespace incubsim::scenario
