#pragma once
// The indicator registry: one list (name, unit, description, scope, measure) that drives the
// monthly computation, the results file's columns and the docs. Order is the column order in
// /indicators/values; append new indicators at the end of a group and bump the format version.

#include <string_view>
#include <vector>

#include "model/setup.hpp"
#include "model/state.hpp"

namespace incubsim::model {

struct IndicatorDefinition {
  std::string_view name;
  std::string_view unit;
  std::string_view scope;    // base | county
  std::string_view measure;  // stock | flow | cumulative
  std::string_view description;
};

const std::vector<IndicatorDefinition>& indicator_registry();
int indicator_index(std::string_view name);  // -1 when unknown

// Fills one month's row (indicator_registry().size() values) from the state and this month's
// flow counters.
void compute_indicators(const RunState& state, const ModelSetup& setup, int month, double* row);

}  // namespace incubsim::model
