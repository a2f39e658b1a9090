#include "scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <utility>
#include <toml++/toml.h>

#include "model/population.hpp"
#include "model/random_streams.hpp"
#include "scenario/keys.hpp"
#include "scenario/registry.hpp"

namespace incubsim::scenario {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> stage_kinds(model::carrier_kind_names.begin(), model::carrier_kind_names.end());
const std::vector<std::string> listing_boards(model::listing_board_names.begin(), model::listing_board_names.end());

// Sections of named tables, [stage.<kind>] and [listing.<board>], with the names they accept.
const std::vector<std::pair<std::string, const std::vector<std::string>*>>& nested_sections() {
  static const std::vector<std::pair<std::string, const std::vector<std::string>*>> sections = {
      {"stage", &stage_kinds}, {"listing", &listing_boards}};
  return sections;
}

const std::vector<std::string>& top_level_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> all = {"extends"};
    for (const auto& section : plain_sections()) all.push_back(section);
    for (const std::string name : {"stage", "listing", "citations", "sector", "source", "operator", "carrier", "target", "schedule", "uncertainty"}) all.push_back(name);
    return all;
  }();
  return keys;
}

// Where a node came from.
struct Location {
  std::string file;
  int line = 0;
};

// Nodes without a source position were made from the command line (`--set`).
Location location_of(const toml::node& node, const std::string& /*scenario_file*/) {
  const auto& source = node.source();
  if (!source.path || source.path->empty() || *source.path == "--set") return Location{"--set", 0};
  return Location{*source.path, static_cast<int>(source.begin.line)};
}

class ProblemList {
 public:
  void add(const Location& where, std::string key, std::string message) {
    problems_.push_back(Problem{where.file, where.line, std::move(key), std::move(message)});
  }
  void add(Problem problem) { problems_.push_back(std::move(problem)); }
  bool empty() const { return problems_.empty(); }
  std::vector<Problem> take() { return std::exchange(problems_, {}); }
  void throw_if_any() {
    if (!problems_.empty()) throw ScenarioError(std::move(problems_));
  }

 private:
  std::vector<Problem> problems_;
};

// ---- reading files and extends --------------------------------------------------------------

toml::table parse_file(const fs::path& path, const Location& referenced_from, ProblemList& problems) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) {
    // A name the system cannot look up (too long, a file used as a directory, a symlink loop)
    // says why; a name that merely does not exist is "not found".
    const bool unusable = error && error != std::errc::no_such_file_or_directory;
    const bool directory = !unusable && fs::is_directory(path, error);
    problems.add(referenced_from, referenced_from.line > 0 ? "extends" : "",
                 "scenario file '" + path.string() +
                     (unusable ? "' cannot be opened: " + error.message()
                               : directory ? "' is a directory, not a TOML file" : "' not found"));
    problems.throw_if_any();
  }
  if (std::ifstream probe(path); !probe) {
    problems.add(referenced_from, referenced_from.line > 0 ? "extends" : "", "scenario file '" + path.string() + "' cannot be read (permissions?)");
    problems.throw_if_any();
  }
  try {
    return toml::parse_file(path.string());
  } catch (const toml::parse_error& parse_error) {
    problems.add(Location{path.string(), static_cast<int>(parse_error.source().begin.line)}, "",
                 "malformed TOML: " + std::string(parse_error.description()));
    problems.throw_if_any();
  }
  return {};
}

// Merging moves nodes out of the overlay: toml++ keeps a node's source position (file, line)
// when it is moved but not when it is copied, and problems must name where a value was written.
void merge_into(toml::table& base, toml::table&& overlay);

// [[carrier]] etc. merge element by element on `id`; new ids are appended. Only elements the
// base had before this merge are matched, so a duplicate id inside the overlay stays a
// duplicate (and is reported by validation).
void merge_elements(toml::array& base, toml::array&& overlay) {
  const std::size_t inherited = base.size();
  for (toml::node& element : overlay) {
    toml::table* overlay_table = element.as_table();
    const auto* id = overlay_table ? overlay_table->get_as<std::string>("id") : nullptr;
    toml::table* match = nullptr;
    for (std::size_t i = 0; id != nullptr && i < inherited; ++i) {
      toml::table* existing_table = base[i].as_table();
      const auto* existing_id = existing_table ? existing_table->get_as<std::string>("id") : nullptr;
      if (existing_id != nullptr && existing_id->get() == id->get()) match = existing_table;
    }
    if (match != nullptr) {
      merge_into(*match, std::move(*overlay_table));
    } else {
      base.push_back(std::move(element));
    }
  }
}

void merge_into(toml::table& base, toml::table&& overlay) {
  for (auto&& [key, node] : overlay) {
    toml::node* existing = base.get(key.str());
    if (existing != nullptr && existing->is_table() && node.is_table()) {
      merge_into(*existing->as_table(), std::move(*node.as_table()));
    } else if (existing != nullptr && is_element_table(std::string(key.str())) && existing->is_array() && node.is_array()) {
      merge_elements(*existing->as_array(), std::move(*node.as_array()));
    } else {
      base.insert_or_assign(key.str(), std::move(node));
    }
  }
}

const std::vector<std::string> range_fields = {"low", "high", "scale", "source"};

// A table in [uncertainty] is a range when it holds any value that is not a table (its low,
// high, scale, source, or a misspelt field reported later); a table of tables is a level of a
// dotted key (`sector.high.share` names the sector with id "high").
bool is_range(const toml::table& entry) {
  return std::any_of(entry.begin(), entry.end(), [](const auto& field) { return !field.second.is_table(); });
}

void flatten_ranges(toml::table& table, const std::string& prefix, toml::table& out, ProblemList& problems) {
  for (auto&& [name, node] : table) {
    const std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
    toml::table* entry = node.as_table();
    if (entry != nullptr && !entry->empty() && !is_range(*entry)) {
      flatten_ranges(*entry, key, out, problems);
    } else if (const toml::node* earlier = out.get(key)) {
      const Location first = location_of(*earlier, "");
      problems.add(location_of(node, ""), key,
                   "[uncertainty]: declared twice (also at " + first.file + ":" + std::to_string(first.line) + ")");
    } else {
      out.insert_or_assign(key, std::move(node));
    }
  }
}

// Ranges may be written `"integration.reserved_share" = {...}` or with dotted keys
// `integration.reserved_share = {...}` (nested tables): both become the one key
// "integration.reserved_share", so `extends` and --set merge them by key.
void normalise_ranges(toml::table& root, ProblemList& problems) {
  toml::table* declared = root.get_as<toml::table>("uncertainty");
  if (declared == nullptr) return;
  toml::table flat;
  flatten_ranges(*declared, "", flat, problems);
  *declared = std::move(flat);
}

toml::table load_with_extends(const fs::path& path, std::vector<fs::path>& chain, const Location& referenced_from, ProblemList& problems) {
  // The name as resolved, to detect cycles; a name that cannot be resolved (too long, say) is
  // kept as written and reported by parse_file below.
  std::error_code unresolved;
  fs::path canonical = fs::weakly_canonical(path, unresolved);
  if (unresolved) canonical = path.lexically_normal();
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
    std::string cycle;
    for (const auto& link : chain) cycle += link.filename().string() + " -> ";
    problems.add(referenced_from, "extends", "extends cycle: " + cycle + canonical.filename().string());
    problems.throw_if_any();
  }
  chain.push_back(canonical);
  toml::table table = parse_file(path, referenced_from, problems);
  normalise_ranges(table, problems);
  toml::node* extends = table.get("extends");
  if (extends == nullptr) return table;
  const Location where = location_of(*extends, path.string());
  if (!extends->is_string()) {
    problems.add(where, "extends", "expected a file name (text)");
    problems.throw_if_any();
  }
  const fs::path parent_path = path.parent_path() / extends->as_string()->get();
  toml::table merged = load_with_extends(parent_path, chain, where, problems);
  table.erase("extends");
  // [[schedule]] entries have no ids: the child's follow the parent's.
  toml::array* parent_schedule = merged.get_as<toml::array>("schedule");
  toml::array* child_schedule = table.get_as<toml::array>("schedule");
  if (parent_schedule != nullptr && child_schedule != nullptr) {
    for (toml::node& entry : *child_schedule) parent_schedule->push_back(std::move(entry));
    table.erase("schedule");
  }
  // The child's own name and description never come from the parent.
  if (toml::table* parent_scenario = merged.get_as<toml::table>("scenario")) {
    parent_scenario->erase("name");
    parent_scenario->erase("description");
  }
  merge_into(merged, std::move(table));
  return merged;
}

// ---- overrides ------------------------------------------------------------------------------

// Parses the value as TOML (numbers, booleans, quoted text, arrays); anything else is text.
toml::table parse_override_value(const std::string& value) {
  try {
    const std::string document = "value = " + value;
    return toml::parse(std::string_view(document), std::string_view("--set"));
  } catch (const toml::parse_error&) {
    toml::table table;
    table.insert_or_assign("value", value);  // not TOML: plain text
    return table;
  }
}

// Sets `key` (written as for --set) in the merged scenario table, moving `value` in. Used by
// --set and by [[schedule]] entries, so a scheduled value is exactly what --set would give.
void apply_value(toml::table& root, const std::string& key, toml::node& value, const Location& where, ProblemList& problems) {
  std::vector<std::string> parts = split_key(key);
  if (parts.empty() || std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
    problems.add(where, key, "malformed key '" + key + "'");
    return;
  }
  if (parts[0] == "schedule") {
    problems.add(where, key, "[[schedule]] entries are written in scenario files and cannot be set");
    return;
  }
  if (is_element_table(parts[0])) {
    if (parts.size() != 3) {
      problems.add(where, key, "elements are set as " + parts[0] + ".<id>.<key>=VALUE");
      return;
    }
    toml::array* array = root.get_as<toml::array>(parts[0]);
    std::vector<std::string> ids;
    if (array != nullptr) {
      for (toml::node& element : *array) {
        toml::table* table = element.as_table();
        const auto* id = table ? table->get_as<std::string>("id") : nullptr;
        if (id == nullptr) continue;
        if (id->get() == parts[1]) {
          table->insert_or_assign(parts[2], std::move(value));
          return;
        }
        ids.push_back(id->get());
      }
    }
    problems.add(where, key, "no " + parts[0] + " with id '" + parts[1] + "'" + did_you_mean(parts[1], ids));
    return;
  }
  toml::table* table = &root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    toml::node* next = table->get(parts[i]);
    if (next == nullptr) {
      table->insert_or_assign(parts[i], toml::table{});
      next = table->get(parts[i]);
    }
    if (!next->is_table()) {
      problems.add(where, key, "'" + parts[i] + "' is not a table");
      return;
    }
    table = next->as_table();
  }
  table->insert_or_assign(parts.back(), std::move(value));
}

void apply_override(toml::table& root, const std::string& assignment, ProblemList& problems) {
  const Location where{"--set", 0};
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    problems.add(where, assignment, "expected KEY=VALUE, got '" + assignment + "'");
    return;
  }
  const std::string key = assignment.substr(0, equals);
  toml::table value_table = parse_override_value(assignment.substr(equals + 1));
  apply_value(root, key, value_table.at("value"), where, problems);
}

// ---- validation and conversion --------------------------------------------------------------

std::string describe_expected(const ParameterSpec& spec) {
  std::string text = value_type_name(spec.type);
  if (spec.type == ValueType::real || spec.type == ValueType::integer) {
    std::ostringstream range;
    range << " in [" << spec.min << ", " << spec.max << "]";
    text += range.str();
  }
  if (!spec.unit.empty()) text += " (" + spec.unit + ")";
  if (!spec.choices.empty()) {
    text += ": one of";
    for (const auto& choice : spec.choices) text += " " + choice;
  }
  return text;
}

std::string node_text(const toml::node& node) {
  std::ostringstream text;
  node.visit([&](const auto& value) { text << value; });
  return text.str();
}

// Checks a value against its spec and stores it; returns an error message or "".
std::string assign(const ParameterSpec& spec, const toml::node& node, FieldRef field) {
  const std::string got = ", got " + node_text(node);
  auto in_range = [&](double value) { return value >= spec.min && value <= spec.max; };
  switch (spec.type) {
    case ValueType::real: {
      if (!node.is_number()) return "expected " + describe_expected(spec) + got;
      const double value = node.value<double>().value_or(0.0);
      if (!std::isfinite(value) || !in_range(value)) return "out of range: expected " + describe_expected(spec) + got;
      *std::get<double*>(field) = value;
      return "";
    }
    case ValueType::integer: {
      if (!node.is_integer()) return "expected " + describe_expected(spec) + got;
      const auto value = node.as_integer()->get();
      if (!in_range(static_cast<double>(value))) return "out of range: expected " + describe_expected(spec) + got;
      *std::get<int*>(field) = static_cast<int>(value);
      return "";
    }
    case ValueType::boolean:
      if (!node.is_boolean()) return "expected true or false" + got;
      *std::get<bool*>(field) = node.as_boolean()->get();
      return "";
    case ValueType::text:
    case ValueType::choice:
    case ValueType::month: {
      if (!node.is_string()) return "expected " + describe_expected(spec) + got;
      const std::string value = node.as_string()->get();
      if (spec.type == ValueType::choice && std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end()) {
        return "expected " + describe_expected(spec) + ", got \"" + value + "\"" + did_you_mean(value, spec.choices);
      }
      if (spec.type == ValueType::month) {
        try {
          model::parse_year_month(value);
        } catch (const std::invalid_argument& error) {
          return error.what();
        }
      }
      *std::get<std::string*>(field) = value;
      return "";
    }
    case ValueType::text_list: {
      const toml::array* array = node.as_array();
      if (array == nullptr) return "expected a list of text" + got;
      std::vector<std::string> values;
      for (const toml::node& item : *array) {
        if (!item.is_string()) return "expected a list of text" + got;
        values.push_back(item.as_string()->get());
      }
      *std::get<std::vector<std::string>*>(field) = values;
      return "";
    }
  }
  return "unsupported type";
}

template <class Owner>
void read_table(const toml::table& table, const std::string& prefix, const std::vector<FieldBinding<Owner>>& bindings,
                Owner& owner, const std::string& file, ProblemList& problems, bool element) {
  std::vector<std::string> known;
  for (const auto& binding : bindings) {
    if (binding.spec.key.rfind(prefix + ".", 0) == 0 || element) known.push_back(element ? binding.name : binding.spec.key.substr(prefix.size() + 1));
  }
  // Problems in an element name the element too: --set has no line to point at.
  std::string of_element;
  if (const auto* id = element ? table.get_as<std::string>("id") : nullptr; id != nullptr) of_element = " (in " + prefix + " '" + id->get() + "')";
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    const Location where = location_of(node, file);
    const std::string full = prefix + "." + name;
    const FieldBinding<Owner>* binding = nullptr;
    for (const auto& candidate : bindings) {
      if (element ? candidate.name == name : candidate.spec.key == full) binding = &candidate;
    }
    if (binding == nullptr) {
      if (!element && name == "source" && node.is_string()) continue;  // a citation for the table
      const std::string hint = removed_key_hint(full);
      problems.add(where, full, "unknown key '" + name + "' in [" + prefix + "]" + (hint.empty() ? did_you_mean(name, known) : hint));
      continue;
    }
    const std::string error = assign(binding->spec, node, binding->field(owner));
    if (!error.empty()) problems.add(where, full, error + of_element);
  }
  if (element) {
    for (const auto& binding : bindings) {
      if (binding.spec.required && !table.contains(binding.name)) {
        problems.add(location_of(table, file), binding.spec.key, "missing required key '" + binding.name + "'");
      }
    }
  }
}

template <class Element>
std::vector<Element> read_elements(const toml::node& node, const ElementTable<Element>& spec, const std::string& file, ProblemList& problems) {
  std::vector<Element> elements;
  const Location where = location_of(node, file);
  const toml::array* array = node.as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    problems.add(where, spec.name, "expected an array of tables [[" + spec.name + "]]");
    return elements;
  }
  std::vector<std::string> ids;
  for (const toml::node& item : *array) {
    Element element;
    read_table(*item.as_table(), spec.name, spec.fields, element, file, problems, true);
    if (!element.id.empty() && std::find(ids.begin(), ids.end(), element.id) != ids.end()) {
      problems.add(location_of(item, file), spec.name + ".id", "duplicate " + spec.name + " id '" + element.id + "'");
    }
    ids.push_back(element.id);
    elements.push_back(std::move(element));
  }
  return elements;
}

model::ModelParameters read_parameters(const toml::table& root, const std::string& file, ProblemList& problems) {
  const ParameterRegistry& registry = parameter_registry();
  model::ModelParameters parameters;
  for (const auto& [key, node] : root) {
    const std::string name(key.str());
    const Location where = location_of(node, file);
    if (const auto& sections = plain_sections(); std::find(sections.begin(), sections.end(), name) != sections.end()) {
      if (!node.is_table()) {
        problems.add(where, name, "expected a table [" + name + "]");
        continue;
      }
      read_table(*node.as_table(), name, registry.scalars, parameters, file, problems, false);
    } else if (name == "stage" || name == "listing") {
      const std::vector<std::string>& names = name == "stage" ? stage_kinds : listing_boards;
      const std::string what = name == "stage" ? "kind" : "board";
      const toml::table* tables = node.as_table();
      if (tables == nullptr) {
        problems.add(where, name, "expected tables [" + name + ".<" + what + ">]");
        continue;
      }
      for (const auto& [element, rules] : *tables) {
        const std::string element_name(element.str());
        if (std::find(names.begin(), names.end(), element_name) == names.end() || !rules.is_table()) {
          problems.add(location_of(rules, file), name + "." + element_name,
                       "unknown " + (name == "stage" ? std::string("stage") : std::string("listing board")) + " '" + element_name + "'" + did_you_mean(element_name, names));
          continue;
        }
        read_table(*rules.as_table(), name + "." + element_name, registry.scalars, parameters, file, problems, false);
      }
    } else if (name == "citations") {
      const toml::table* citations = node.as_table();
      if (citations == nullptr) problems.add(where, name, "expected a table of key = \"citation\"");
    } else if (name == "sector") {
      parameters.sectors = read_elements(node, registry.sector, file, problems);
    } else if (name == "source") {
      parameters.sources = read_elements(node, registry.source, file, problems);
    } else if (name == "operator") {
      parameters.operators = read_elements(node, registry.operators, file, problems);
    } else if (name == "carrier") {
      parameters.carriers = read_elements(node, registry.carrier, file, problems);
    } else if (name == "target") {
      parameters.targets = read_elements(node, registry.target, file, problems);
    } else {
      problems.add(where, name, "unknown key '" + name + "'" + did_you_mean(name, top_level_keys()));
    }
  }
  return parameters;
}

// Finds where a resolve error points: the element with that id, and its field if present.
Location locate(const toml::table& root, const model::ResolveError& error, const std::string& file) {
  const std::vector<std::string> parts = split_key(error.key());
  if (parts.empty()) return {file, 0};
  const toml::node* node = root.get(parts[0]);
  if (node == nullptr) return {file, 0};
  if (const toml::array* array = node->as_array(); array != nullptr && !error.element_id().empty()) {
    for (const toml::node& item : *array) {
      const toml::table* table = item.as_table();
      const auto* id = table ? table->get_as<std::string>("id") : nullptr;
      if (id == nullptr || id->get() != error.element_id()) continue;
      if (parts.size() > 1 && table->get(parts[1]) != nullptr) return location_of(*table->get(parts[1]), file);
      return location_of(item, file);
    }
  }
  if (parts.size() > 1) {
    if (const toml::table* table = node->as_table(); table != nullptr && table->get(parts[1]) != nullptr) {
      return location_of(*table->get(parts[1]), file);
    }
  }
  return location_of(*node, file);
}

// ---- the resolved text ----------------------------------------------------------------------

template <class Element>
void put_elements(toml::table& root, const ElementTable<Element>& spec, std::vector<Element> elements) {
  if (elements.empty()) return;
  toml::array array;
  for (Element& element : elements) {
    toml::table table;
    for (const auto& binding : spec.fields) put_field(table, binding.name, binding.field(element));
    array.push_back(std::move(table));
  }
  root.insert_or_assign(spec.name, std::move(array));
}

// ---- [[schedule]] ----------------------------------------------------------------------------

// A [[schedule]] entry while loading: what was written and where.
struct ScheduleEntry {
  ScheduledChange change;
  toml::table value;  // {value = <as written>}: a copy, so without its source position
  Location entry_at;  // the [[schedule]] header
  Location key_at;
  Location date_at;
  Location value_at;
  std::size_t order = 0;  // position in the schedule (a parent's entries come first)
  bool valid = true;
};

const std::vector<std::string> schedule_fields = {"date", "key", "value", "source"};

std::vector<ScheduleEntry> read_schedule(const toml::node& node, const std::string& file, ProblemList& problems) {
  std::vector<ScheduleEntry> entries;
  const toml::array* array = node.as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    problems.add(location_of(node, file), "schedule", "expected an array of tables [[schedule]]");
    return entries;
  }
  for (const toml::node& item : *array) {
    const toml::table& table = *item.as_table();
    ScheduleEntry entry;
    entry.order = entries.size();
    entry.entry_at = location_of(item, file);
    entry.key_at = entry.date_at = entry.value_at = entry.entry_at;
    entry.change.file = entry.entry_at.file;
    entry.change.line = entry.entry_at.line;
    auto reject = [&](const Location& where, const std::string& key, std::string message) {
      problems.add(where, key, std::move(message));
      entry.valid = false;
    };
    // The scheduled key first, so that the other problems of the entry can name it.
    std::string named = "schedule.key";
    if (const toml::node* key = table.get("key"); key == nullptr) {
      reject(entry.entry_at, named, "missing required key 'key' in [[schedule]]: the parameter to change, as --set writes it");
    } else if (entry.key_at = location_of(*key, file); !key->is_string()) {
      reject(entry.key_at, named, "expected the parameter's key as text, got " + node_text(*key));
    } else {
      entry.change.key = named = key->as_string()->get();
      const std::string problem = schedule_key_problem(entry.change.key);
      if (!problem.empty()) reject(entry.key_at, named, problem);
    }
    for (const auto& [field, value] : table) {
      const std::string name(field.str());
      if (std::find(schedule_fields.begin(), schedule_fields.end(), name) == schedule_fields.end()) {
        reject(location_of(value, file), "schedule." + name, "unknown key '" + name + "' in [[schedule]]" + did_you_mean(name, schedule_fields));
      }
    }
    if (const toml::node* date = table.get("date"); date == nullptr) {
      reject(entry.entry_at, named, "missing required key 'date' in [[schedule]]: the month the change takes effect, \"YYYY-MM\"");
    } else if (entry.date_at = location_of(*date, file); !date->is_string()) {
      reject(entry.date_at, named, "schedule date: expected a month as \"YYYY-MM\" (text), got " + node_text(*date));
    } else {
      entry.change.date = date->as_string()->get();
      try {
        model::parse_year_month(entry.change.date);
      } catch (const std::invalid_argument& error) {
        reject(entry.date_at, named, std::string("schedule date: ") + error.what());
      }
    }
    if (const toml::node* value = table.get("value"); value == nullptr) {
      reject(entry.entry_at, named, "missing required key 'value' in [[schedule]]");
    } else {
      entry.value_at = location_of(*value, file);
      entry.value.insert_or_assign("value", *value);
    }
    if (const toml::node* source = table.get("source"); source != nullptr) {
      if (!source->is_string()) {
        reject(location_of(*source, file), named, "expected a citation (text), got " + node_text(*source));
      } else {
        entry.change.source = source->as_string()->get();
      }
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

// Checks each entry against the base (date within the simulated months, no second entry for the
// same key and date, a value the parameter accepts) and fills in its month index.
void check_schedule(std::vector<ScheduleEntry>& entries, const toml::table& merged, const model::ModelSetup& base,
                    const std::string& file, ProblemList& problems) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ScheduleEntry& entry = entries[i];
    if (!entry.valid) continue;
    const std::string& key = entry.change.key;
    entry.change.month = month_index_of(base, entry.change.date);
    if (entry.change.month < 0 || entry.change.month >= base.months) {
      problems.add(entry.date_at, key, "schedule date " + entry.change.date + " is outside the simulated months " + base.month_label(0) +
                                           ".." + base.month_label(base.months - 1));
      entry.valid = false;
      continue;
    }
    for (std::size_t j = 0; j < i; ++j) {
      const ScheduleEntry& earlier = entries[j];
      if (earlier.valid && earlier.change.key == key && earlier.change.date == entry.change.date) {
        problems.add(entry.entry_at, key, "scheduled twice for " + entry.change.date + " (also at " + earlier.entry_at.file + ":" +
                                              std::to_string(earlier.entry_at.line) + ")");
        entry.valid = false;
        break;
      }
    }
    if (!entry.valid) continue;
    // The value, validated exactly as a --set of it would be.
    toml::table changed = merged;
    toml::table value = entry.value;
    ProblemList found;
    apply_value(changed, key, value.at("value"), entry.key_at, found);
    std::vector<Problem> wrong = found.take();
    if (wrong.empty()) {
      read_parameters(changed, file, found);
      for (Problem& problem : found.take()) wrong.push_back(Problem{entry.value_at.file, entry.value_at.line, key, problem.message});
    }
    if (!wrong.empty()) entry.valid = false;
    for (Problem& problem : wrong) problems.add(std::move(problem));
  }
}

// The entry of `changes` a resolve problem most likely comes from: the one setting the same field
// of the same element, else one changing that element, else one in that table, else the first.
const ScheduleEntry& culprit(const std::vector<const ScheduleEntry*>& changes, const std::string& problem_key, const std::string& element_id) {
  const std::vector<std::string> wanted = split_key(problem_key);
  const ScheduleEntry* best = changes.front();
  int best_score = 0;
  for (const ScheduleEntry* entry : changes) {
    const std::vector<std::string> parts = split_key(entry->change.key);
    const bool element = parts.size() == 3;
    int score = 0;
    if (!wanted.empty() && parts[0] == wanted[0]) {
      score = 1;
      if (element && parts[1] == element_id) score = 2;
      if (element ? (parts[1] == element_id && wanted.size() > 1 && parts[2] == wanted[1]) : entry->change.key == problem_key) score = 3;
    }
    if (score > best_score) {
      best = entry;
      best_score = score;
    }
  }
  return *best;
}

// The value `key` has in `parameters`, as TOML, into out["value"].
void put_scheduled_value(toml::table& out, const std::string& key, model::ModelParameters& parameters) {
  if (const auto found = find_parameter(parameters, key)) put_field(out, "value", found->field);
}

// ---- [uncertainty] ---------------------------------------------------------------------------

struct RangeEntry {
  std::string key;
  const toml::table* table = nullptr;
  Location at;
};

// The ranges of a normalised [uncertainty] table (see normalise_ranges): one per key.
void collect_ranges(const toml::table& table, const std::string& file, std::vector<RangeEntry>& out, ProblemList& problems) {
  for (const auto& [name, node] : table) {
    const std::string key(name.str());
    const toml::table* entry = node.as_table();
    if (entry == nullptr || entry->empty()) {
      problems.add(location_of(node, file), "uncertainty." + key,
                   "expected a range { low = ..., high = ..., source = \"...\" }, got " + node_text(node));
      continue;
    }
    out.push_back(RangeEntry{key, entry, location_of(node, file)});
  }
}

std::optional<double> number_of(const toml::node* node) {
  if (node == nullptr) return std::nullopt;
  if (const auto* integer = node->as_integer()) return static_cast<double>(integer->get());
  if (const auto* real = node->as_floating_point()) return real->get();
  return std::nullopt;
}

std::string number_text(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

// Reads and checks the ranges against the parameters they name: numeric, known, both ends valid
// values of the parameter (as --set would check them), low < high, and the scenario's own value
// inside. `merged` is the scenario without its [uncertainty] and [[schedule]].
std::vector<UncertainRange> read_uncertainty(const toml::node& node, const toml::table& merged, model::ModelParameters parameters,
                                             const std::string& file, ProblemList& problems) {
  std::vector<UncertainRange> ranges;
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    problems.add(location_of(node, file), "uncertainty", "expected a table [uncertainty] of key = { low = ..., high = ..., source = \"...\" }");
    return ranges;
  }
  std::vector<RangeEntry> entries;
  collect_ranges(*table, file, entries, problems);
  for (const RangeEntry& entry : entries) {
    const std::string& key = entry.key;
    auto reject = [&](const Location& where, std::string message) { problems.add(where, key, "[uncertainty]: " + std::move(message)); };
    bool valid = true;
    for (const auto& [field, value] : *entry.table) {
      const std::string name(field.str());
      if (std::find(range_fields.begin(), range_fields.end(), name) == range_fields.end()) {
        reject(location_of(value, file), "unknown field '" + name + "' of a range" + did_you_mean(name, range_fields));
        valid = false;
      }
    }
    const std::vector<std::string> parts = split_key(key);
    const std::string table_name = parts.empty() ? "" : parts[0];
    if (table_name == "simulation" || table_name == "scenario" || table_name == "target") {
      reject(entry.at, "[" + table_name + "] keys are not assumptions and take no range");
      continue;
    }
    const auto found = find_parameter(parameters, key);
    if (!found) {
      std::vector<std::string> keys;
      for (const auto& [known, text] : parameter_values(parameters)) keys.push_back(known);
      reject(entry.at, "no parameter '" + key + "'" + did_you_mean(key, keys));
      continue;
    }
    const ParameterSpec& spec = *found->spec;
    if (spec.type != ValueType::real && spec.type != ValueType::integer) {
      reject(entry.at, "'" + key + "' is " + value_type_name(spec.type) + "; only numeric parameters take a range");
      continue;
    }
    UncertainRange range;
    range.key = key;
    range.file = entry.at.file;
    range.line = entry.at.line;
    range.integer = spec.type == ValueType::integer;
    range.value = std::visit(
        [](auto* value) -> double {
          using T = std::remove_pointer_t<decltype(value)>;
          if constexpr (std::is_same_v<T, double> || std::is_same_v<T, int>) return static_cast<double>(*value);
          else return 0.0;
        },
        found->field);
    const toml::node* low = entry.table->get("low");
    const toml::node* high = entry.table->get("high");
    for (const auto& [name, end, target] : {std::tuple{"low", low, &range.low}, std::tuple{"high", high, &range.high}}) {
      const std::optional<double> number = number_of(end);
      if (end == nullptr) {
        reject(entry.at, std::string("missing '") + name + "'");
        valid = false;
      } else if (!number) {
        reject(location_of(*end, file), std::string("'") + name + "' must be a number, got " + node_text(*end));
        valid = false;
      } else if (range.integer && std::floor(*number) != *number) {
        reject(location_of(*end, file), std::string("'") + name + "' must be a whole number: '" + key + "' is an integer");
        valid = false;
      } else {
        *target = *number;
      }
    }
    if (const toml::node* scale = entry.table->get("scale")) {
      const auto* text = scale->as_string();
      if (text == nullptr || (text->get() != "linear" && text->get() != "log")) {
        reject(location_of(*scale, file), "'scale' must be \"linear\" or \"log\", got " + node_text(*scale));
        valid = false;
      } else {
        range.log_scale = text->get() == "log";
      }
    }
    if (const toml::node* source = entry.table->get("source"); source == nullptr || !source->is_string() || source->as_string()->get().empty()) {
      reject(source ? location_of(*source, file) : entry.at,
             "missing 'source': say where the range comes from (a publication, \"calibrated\" or \"assumption: ...\")");
      valid = false;
    } else {
      range.source = source->as_string()->get();
    }
    if (!valid) continue;
    if (!(range.low < range.high)) {
      reject(entry.at, "low (" + number_text(range.low) + ") must be below high (" + number_text(range.high) + ")");
      continue;
    }
    if (range.log_scale && range.low <= 0) {
      reject(entry.at, "a log-scale range needs low > 0, got " + number_text(range.low));
      continue;
    }
    if (range.value < range.low || range.value > range.high) {
      reject(entry.at, "the scenario's own value " + number_text(range.value) + " lies outside the range [" + number_text(range.low) + ", " +
                           number_text(range.high) + "]");
      continue;
    }
    // Each end must be a value the scenario accepts, exactly as --set would check it.
    for (const double end : {range.low, range.high}) {
      toml::table changed = merged;
      toml::table value;
      if (range.integer) value.insert_or_assign("value", static_cast<std::int64_t>(end));
      else value.insert_or_assign("value", end);
      ProblemList found_problems;
      apply_value(changed, key, value.at("value"), entry.at, found_problems);
      model::ModelParameters at_end = read_parameters(changed, file, found_problems);
      std::vector<Problem> wrong = found_problems.take();
      if (wrong.empty()) {
        try {
          (void)model::resolve(at_end);
        } catch (const model::ResolveError& error) {
          wrong.push_back(Problem{entry.at.file, entry.at.line, key, error.what()});
        }
      }
      for (const Problem& problem : wrong) {
        reject(entry.at, "at " + number_text(end) + ": " + problem.message);
        valid = false;
      }
      if (!valid) break;
    }
    if (valid) ranges.push_back(std::move(range));
  }
  std::sort(ranges.begin(), ranges.end(), [](const UncertainRange& a, const UncertainRange& b) { return a.key < b.key; });
  return ranges;
}

toml::table uncertainty_table(const std::vector<UncertainRange>& ranges) {
  toml::table table;
  for (const UncertainRange& range : ranges) {
    toml::table entry;
    if (range.integer) {
      entry.insert_or_assign("low", static_cast<std::int64_t>(range.low));
      entry.insert_or_assign("high", static_cast<std::int64_t>(range.high));
    } else {
      entry.insert_or_assign("low", range.low);
      entry.insert_or_assign("high", range.high);
    }
    entry.insert_or_assign("scale", range.log_scale ? "log" : "linear");
    entry.insert_or_assign("source", range.source);
    table.insert_or_assign(range.key, std::move(entry));
  }
  return table;
}

// The citations of the plain sections and stages, as written.
std::vector<std::pair<std::string, std::string>> section_citations(const toml::table& merged) {
  std::vector<std::pair<std::string, std::string>> citations;
  std::vector<std::string> sections = plain_sections();
  for (const auto& [nested, names] : nested_sections()) {
    for (const auto& element : *names) sections.push_back(nested + "." + element);
  }
  for (const std::string& section : sections) {
    const toml::table* from = &merged;
    for (const auto& part : split_key(section)) from = from ? from->get_as<toml::table>(part) : nullptr;
    if (from == nullptr) continue;
    if (const auto* citation = from->get_as<std::string>("source")) citations.emplace_back(section, citation->get());
  }
  return citations;
}

// ---- the resolved text, continued -----------------------------------------------------------

std::string resolved_text(model::ModelParameters parameters, const toml::table& merged, const toml::array& schedule,
                          const std::vector<UncertainRange>& uncertainty) {
  const ParameterRegistry& registry = parameter_registry();
  toml::table root;
  for (const auto& binding : registry.scalars) {
    const std::vector<std::string> parts = split_key(binding.spec.key);
    toml::table* table = &root;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      if (table->get(parts[i]) == nullptr) table->insert_or_assign(parts[i], toml::table{});
      table = table->get_as<toml::table>(parts[i]);
    }
    put_field(*table, parts.back(), binding.field(parameters));
  }
  put_elements(root, registry.sector, parameters.sectors);
  put_elements(root, registry.source, parameters.sources);
  put_elements(root, registry.operators, parameters.operators);
  put_elements(root, registry.carrier, parameters.carriers);
  put_elements(root, registry.target, parameters.targets);
  if (const toml::table* citations = merged.get_as<toml::table>("citations")) root.insert_or_assign("citations", *citations);
  if (!schedule.empty()) root.insert_or_assign("schedule", schedule);
  if (!uncertainty.empty()) root.insert_or_assign("uncertainty", uncertainty_table(uncertainty));
  // Citations given as `source = "..."` in plain sections travel with the values they cite.
  for (const auto& [section, citation] : section_citations(merged)) {
    toml::table* to = &root;
    for (const auto& part : split_key(section)) to = to ? to->get_as<toml::table>(part) : nullptr;
    if (to != nullptr) to->insert_or_assign("source", citation);
  }
  std::ostringstream text;
  text << "# Resolved by incubsim: every parameter, defaults included.\n" << root << "\n";
  return text.str();
}

}  // namespace

const std::vector<std::string>& plain_sections() {
  static const std::vector<std::string> sections = [] {
    std::vector<std::string> found;
    for (const auto& binding : parameter_registry().scalars) {
      const std::string section = binding.spec.key.substr(0, binding.spec.key.find('.'));
      if (section != "stage" && section != "listing" && std::find(found.begin(), found.end(), section) == found.end()) found.push_back(section);
    }
    return found;
  }();
  return sections;
}

std::string Problem::to_string() const {
  std::string text = file;
  if (line > 0) text += ":" + std::to_string(line);
  text += ": ";
  if (!key.empty()) text += "key '" + key + "': ";
  return text + message;
}

ScenarioError::ScenarioError(std::vector<Problem> problems)
    : std::runtime_error([&] {
        std::string text;
        for (const auto& problem : problems) {
          if (!text.empty()) text += '\n';
          text += problem.to_string();
        }
        return text;
      }()),
      problems_(std::move(problems)) {}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

namespace {
Scenario load(const fs::path& path, const std::vector<std::string>& overrides, bool check_ranges);
}  // namespace

Scenario load_scenario(const fs::path& path, const std::vector<std::string>& overrides) { return load(path, overrides, true); }

void check_population(const Scenario& scenario) {
  const model::ModelSetup& base = scenario.setup;
  const int months = base.months;
  // Each epoch counts for the months it is in force.
  std::vector<model::SetupInForce> in_force;
  for (std::size_t e = 0; e < scenario.epochs.size(); ++e) {
    const int first = scenario.epochs[e].first_month;
    const int end = e + 1 < scenario.epochs.size() ? scenario.epochs[e + 1].first_month : months;
    in_force.push_back({scenario.epochs[e].setup, std::max(end - first, 0)});
  }
  if (scenario.epochs.empty()) in_force.push_back({base, months});
  const model::ExpectedPopulation population = model::expected_population(base, in_force);
  const double expected = population.ventures;
  const std::vector<double>& by_source = population.entrants_by_source;
  const std::size_t sources = by_source.size();
  std::size_t largest = 0;
  for (std::size_t s = 0; s < sources; ++s) {
    if (by_source[s] > by_source[largest]) largest = s;
  }
  if (expected <= static_cast<double>(model::ModelSetup::max_ventures_per_run)) return;
  const std::string id = sources > 0 ? base.parameters.sources[largest].id : "";
  std::ostringstream text;
  text << "scenario '" << scenario.name << "': the population would explode: about " << std::setprecision(3) << expected
       << " ventures would enter one run over " << months << " months, beyond the cap of " << model::ModelSetup::max_ventures_per_run
       << " ventures per run (docs/odd.md, population cap); lower source '" << id
       << "''s potential_per_month or entry_probability, simulation.potential_scale or the horizon";
  throw ScenarioError({Problem{scenario.path.string(), 0, "source." + id + ".potential_per_month", text.str()}});
}

Scenario load_scenario_point(const fs::path& path, const std::vector<std::string>& overrides) { return load(path, overrides, false); }

namespace {

Scenario load(const fs::path& path, const std::vector<std::string>& overrides, bool check_ranges) {
  ProblemList problems;
  std::vector<fs::path> chain;
  toml::table merged = load_with_extends(path, chain, Location{path.string(), 0}, problems);
  for (const auto& assignment : overrides) apply_override(merged, assignment, problems);
  normalise_ranges(merged, problems);
  problems.throw_if_any();

  const std::string file = path.string();
  // The schedule is read apart from the parameters: its entries change them later in the run.
  std::vector<ScheduleEntry> entries;
  if (const toml::node* schedule = merged.get("schedule")) {
    entries = read_schedule(*schedule, file, problems);
    merged.erase("schedule");
  }
  // So are the ranges: they are checked once the parameters are known.
  std::optional<toml::table> uncertainty;
  if (toml::node* declared = merged.get("uncertainty")) {
    uncertainty = declared->is_table() ? std::move(*declared->as_table()) : toml::table{};
    if (!declared->is_table()) problems.add(location_of(*declared, file), "uncertainty", "expected a table [uncertainty]");
    merged.erase("uncertainty");
  }
  model::ModelParameters parameters = read_parameters(merged, file, problems);
  problems.throw_if_any();
  if (parameters.name.empty()) parameters.name = path.stem().string();

  Scenario scenario;
  scenario.path = path;
  scenario.name = parameters.name;
  try {
    scenario.setup = model::resolve(parameters);
  } catch (const model::ResolveError& error) {
    problems.add(locate(merged, error, file), error.key(), error.what());
    problems.throw_if_any();
  }
  // The random-number counter has fixed field widths (model/random_streams.hpp).
  using Widths = model::CounterWidths;
  const Location horizon_line = locate(merged, model::ResolveError("simulation.horizon_months", "", ""), file);
  if (static_cast<std::uint64_t>(scenario.setup.months) > Widths::max_months) {
    problems.add(horizon_line, "simulation.horizon_months",
                 "horizon of " + std::to_string(scenario.setup.months) + " months exceeds the RNG counter's " +
                     std::to_string(Widths::month_bits) + "-bit month field (at most " + std::to_string(Widths::max_months) + ")");
  } else if (scenario.setup.months > 32767) {
    problems.add(horizon_line, "simulation.horizon_months",
                 "horizon of " + std::to_string(scenario.setup.months) + " months exceeds the results file's 16-bit month columns (at most 32767)");
  }
  auto too_many_ventures = [](const model::ModelSetup& setup) {
    return "up to " + std::to_string(model::ventures_upper_bound(setup)) + " ventures could enter over the horizon, beyond the " +
           std::to_string(Widths::entity_id_bits) + "-bit entity ids of the RNG counter; lower the rates, scale or horizon";
  };
  if (model::ventures_upper_bound(scenario.setup) >= Widths::max_entities) {
    problems.add(locate(merged, model::ResolveError("source.potential_per_month", "", ""), file), "source.potential_per_month",
                 too_many_ventures(scenario.setup));
  }
  problems.throw_if_any();
  if (uncertainty && check_ranges) scenario.uncertainty = read_uncertainty(*uncertainty, merged, parameters, file, problems);
  problems.throw_if_any();
  scenario.section_citations = section_citations(merged);

  // Epochs: the base, then one per schedule date with every change up to that date applied to
  // the merged table and read and resolved like the base, so each is what --set would give.
  check_schedule(entries, merged, scenario.setup, file, problems);
  problems.throw_if_any();
  scenario.epochs.push_back(Epoch{0, scenario.setup});
  std::vector<const ScheduleEntry*> sorted;
  for (const ScheduleEntry& entry : entries) sorted.push_back(&entry);
  std::stable_sort(sorted.begin(), sorted.end(), [](const ScheduleEntry* a, const ScheduleEntry* b) { return a->change.month < b->change.month; });
  toml::table running = merged;
  for (std::size_t first = 0, last = 0; first < sorted.size(); first = last) {
    while (last < sorted.size() && sorted[last]->change.month == sorted[first]->change.month) ++last;
    const std::vector<const ScheduleEntry*> changes(sorted.begin() + static_cast<std::ptrdiff_t>(first), sorted.begin() + static_cast<std::ptrdiff_t>(last));
    const ScheduledChange& first_change = changes.front()->change;
    for (const ScheduleEntry* entry : changes) {
      toml::table value = entry->value;
      apply_value(running, entry->change.key, value.at("value"), entry->key_at, problems);
    }
    ProblemList found;
    model::ModelParameters changed = read_parameters(running, file, found);
    changed.name = parameters.name;
    for (Problem& problem : found.take()) problems.add(changes.front()->value_at, first_change.key, problem.message);
    Epoch epoch{first_change.month, {}};
    try {
      epoch.setup = model::resolve(changed);
    } catch (const model::ResolveError& error) {
      const ScheduleEntry& entry = culprit(changes, error.key(), error.element_id());
      problems.add(entry.value_at, entry.change.key, "from " + entry.change.date + ": " + error.what());
      continue;
    }
    if (const std::string difference = shape_difference(scenario.setup, epoch.setup); !difference.empty()) {
      problems.add(changes.front()->value_at, first_change.key, "from " + first_change.date + " the model would change shape: " + difference);
    }
    if (model::ventures_upper_bound(epoch.setup) >= Widths::max_entities) {
      const ScheduleEntry& entry = culprit(changes, "source.potential_per_month", "");
      problems.add(entry.value_at, entry.change.key, "from " + entry.change.date + ": " + too_many_ventures(epoch.setup));
    }
    scenario.epochs.push_back(std::move(epoch));
  }
  problems.throw_if_any();

  // The schedule as it ran: dates in order, each value as its epoch holds it.
  toml::array schedule_text;
  for (const ScheduleEntry* entry : sorted) {
    ScheduledChange change = entry->change;
    auto epoch = std::find_if(scenario.epochs.rbegin(), scenario.epochs.rend(), [&](const Epoch& e) { return e.first_month == change.month; });
    toml::table row;
    row.insert_or_assign("date", change.date);
    row.insert_or_assign("key", change.key);
    put_scheduled_value(row, change.key, epoch->setup.parameters);
    if (!change.source.empty()) row.insert_or_assign("source", change.source);
    if (const toml::node* value = row.get("value")) change.value = node_text(*value);
    scenario.schedule.push_back(std::move(change));
    schedule_text.push_back(std::move(row));
  }
  scenario.resolved_text = resolved_text(parameters, merged, schedule_text, scenario.uncertainty);
  return scenario;
}

}  // namespace

}  // namespace incubsim::scenario
