#pragma once
// Scenario loading: TOML files with `extends`, command-line overrides (`--set key=value`),
// scheduled changes (`[[schedule]]`), strict validation against the parameter registry, and
// resolution into a ModelSetup per epoch. Every problem names file, line and key; all problems
// of a file are reported together. The file format is described in docs/scenarios.md.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/setup.hpp"
#include "scenario/schedule.hpp"

namespace incubsim::scenario {

struct Problem {
  std::string file;  // scenario file, or "--set" for a command-line override
  int line = 0;      // 1-based; 0 when unknown
  std::string key;   // full parameter key, e.g. "carrier.capacity"
  std::string message;
  std::string to_string() const;
};

// Bad input: the command turns this into exit code 2 and writes nothing.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Problem> problems);
  const std::vector<Problem>& problems() const noexcept { return problems_; }

 private:
  std::vector<Problem> problems_;
};

// A plausible range of one assumption, declared in the scenario's [uncertainty] table. Ranges
// let `compare --robustness` ask whether a ranking survives the assumptions behind it.
struct UncertainRange {
  std::string key;         // as --set writes it: "integration.reserved_share", "operator.<id>.service_quality"
  double low = 0.0;
  double high = 0.0;
  bool log_scale = false;  // scale = "log": sampled uniformly in log(value)
  bool integer = false;    // the parameter takes whole numbers
  double value = 0.0;      // the scenario's own value, within [low, high]
  std::string source;      // why this range: a publication, "calibrated" or "assumption: ..."
  std::string file;        // where it was declared
  int line = 0;
};

struct Scenario {
  std::string name;
  std::filesystem::path path;
  // The parameters at the start, before any scheduled change: the base epoch.
  model::ModelSetup setup;
  // epochs[0] is the base (a copy of `setup`, from month 0); then one epoch per distinct schedule
  // date, in date order, with every change dated on or before it applied. All epochs have the
  // base's shape. A change dated at the start gives a second epoch from month 0, which then
  // supersedes the base for the whole run.
  std::vector<Epoch> epochs;
  // The [[schedule]] entries in date order (file order within a date).
  std::vector<ScheduledChange> schedule;
  // The declared ranges, in key order.
  std::vector<UncertainRange> uncertainty;
  // Citations of the plain tables: "integration" -> its `source`, "stage.incubator" -> ...
  // (elements carry theirs in their own `source` field).
  std::vector<std::pair<std::string, std::string>> section_citations;
  // Every parameter's value (defaults included), the schedule, the ranges and the citations, as
  // TOML: what ran.
  std::string resolved_text;
};

// Loads, merges, overrides, validates and resolves. Throws ScenarioError on bad input.
Scenario load_scenario(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});

// The population cap, checked up front by the commands that run a scenario (run, compare, sweep):
// throws ScenarioError (exit 2) when the ventures a run is expected to create — initial
// residents, programme talents, and each epoch's mean entrants over its months — exceed
// model::ModelSetup::max_ventures_per_run (docs/odd.md, "Population cap"). Not part of
// load_scenario: `check` and `diff` still read such a scenario.
void check_population(const Scenario& scenario);

// What a sweep or robustness point needs: as above, but the [uncertainty] table is dropped
// unchecked (a point may move a value outside a declared range, and checking each range's ends
// costs more than the rest of loading). `uncertainty` stays empty and the resolved text has none.
Scenario load_scenario_point(const std::filesystem::path& path, const std::vector<std::string>& overrides);

// The plain tables of a scenario ([scenario], [simulation], [dynamics], ...): the first part of
// the registry's scalar keys, [stage.<kind>] aside.
const std::vector<std::string>& plain_sections();

// Edit distance, for did-you-mean suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);
// The closest candidate within a small distance, or "" when none is close.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace incubsim::scenario
