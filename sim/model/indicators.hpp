#pragma once
// The indicator registry: one table (name, unit, scope, measure, description, how it is
// computed) that drives the monthly computation, the results file's columns, `incubsim params
// --indicators` and the table of docs/odd.md §7.15. Order is the column order in
// /indicators/values; append new indicators at the end of a group and bump the format version.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/setup.hpp"
#include "model/state.hpp"

namespace incubsim::model {

// What an indicator's value is read from: one month's totals over ventures and carriers, and
// the run's counters and budgets (defined in model/indicators.cpp).
struct IndicatorInputs;

struct IndicatorDefinition {
  std::string_view name;
  std::string_view unit;
  std::string_view scope;    // base | county
  std::string_view measure;  // stock | flow | cumulative
  std::string_view description;
  std::string_view computed_as;  // in words, for docs/odd.md §7.15
  std::function<double(const IndicatorInputs&)> value;
};

const std::vector<IndicatorDefinition>& indicator_registry();
int indicator_index(std::string_view name);  // -1 when unknown

// Fills one month's row (indicator_registry().size() values) from the state and this month's
// flow counters.
void compute_indicators(const RunState& state, const ModelSetup& setup, int month, double* row);

// `incubsim params --indicators`: one entry per indicator.
std::string indicators_text();
// The table of docs/odd.md §7.15 (`incubsim params --indicators --markdown`).
std::string indicators_markdown();

}  // namespace incubsim::model
