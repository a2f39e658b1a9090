#pragma once
// What an alternative changes relative to a baseline: every parameter whose resolved value
// differs, with the alternative's citation for it and the range it declares. `incubsim diff`
// prints this, and docs/operating-models.md is generated from it, so the documented differences
// are the ones the scenario files make.

#include <optional>
#include <string>
#include <vector>

#include "scenario/loader.hpp"

namespace incubsim::scenario {

struct ParameterDifference {
  std::string key;          // as --set writes it; "carrier.<id>" for a whole element, "schedule <date> <key>"
  std::string baseline;     // value as TOML text; "" when the baseline has no such parameter
  std::string alternative;  // value as TOML text; "" when the alternative has none
  std::string source;       // the alternative's citation for the value ("" when it cites nothing new)
  bool cited = false;       // the citation differs from the baseline's, so it speaks for the change
  bool numeric = false;     // a real or integer parameter, which should declare a range...
  bool switched_off = false;  // ...unless the alternative sets it to 0: a programme switched off
  std::optional<UncertainRange> range;  // the range the alternative declares for the key
};

// Differences in parameter order (registry scalars, then elements, then the schedule). Names,
// descriptions and citations themselves are not differences.
std::vector<ParameterDifference> scenario_differences(const Scenario& baseline, const Scenario& alternative);

// Markdown: per alternative a table of its differences (key, baseline, alternative, range,
// source), then the baseline's own declared ranges.
std::string differences_markdown(const Scenario& baseline, const std::vector<Scenario>& alternatives);

}  // namespace incubsim::scenario
