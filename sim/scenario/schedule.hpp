#pragma once
// Scheduled parameter changes ([[schedule]]): the plan is a year-by-year programme, so any
// parameter that does not change the model's shape may take a new value from a given month on.
// The loader (scenario/loader.cpp) reads the entries and resolves them into epochs; this file
// holds what the entries and epochs are and the rules on which keys may be scheduled.

#include <string>
#include <vector>

#include "model/setup.hpp"

namespace incubsim::scenario {

// One [[schedule]] entry, as it ran.
struct ScheduledChange {
  std::string date;   // "YYYY-MM": the change takes effect at the start of this month
  int month = 0;      // the same date as a month index from the simulation's start
  std::string key;    // as `--set` writes it: "carrier.<id>.rent_subsidy_share"
  std::string value;  // the value in force from `date` on, as TOML ("0.8", "\"national\"")
  std::string source; // citation; may be empty
  std::string file;   // where the entry was written
  int line = 0;
};

// The parameters in force from `first_month` on (until the next epoch's first month).
struct Epoch {
  int first_month = 0;
  model::ModelSetup setup;
};

// Keys that would change the shape of the model (which carriers, sectors, sources, operators
// and targets exist, and how they connect) and so cannot be scheduled.
const std::vector<std::string>& structural_element_fields(const std::string& element_table);

// Checks that `key` names a parameter that may be scheduled; returns "" or what is wrong
// (unknown keys come with a did-you-mean suggestion). Element ids are not checked here.
std::string schedule_key_problem(const std::string& key);

// "" when `epoch` has the shape of `base` (same carriers, sectors, sources, operators, targets,
// months), else what differs.
std::string shape_difference(const model::ModelSetup& base, const model::ModelSetup& epoch);

// Month index of a "YYYY-MM" date from the start of `setup`; throws std::invalid_argument on a
// malformed date. The index may fall outside the simulated months.
int month_index_of(const model::ModelSetup& setup, const std::string& date);

}  // namespace incubsim::scenario
