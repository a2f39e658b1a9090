#pragma once
// The data contract between the engine and the results file: what one run produces and what
// describes a whole command's output. Plain structs; the io layer turns them into HDF5
// (docs/output-format.md) and the engine fills them. Nothing here knows about HDF5.

#include <cstdint>
#include <string>
#include <vector>

#include "model/records.hpp"

namespace incubsim::io {

// Version of the results file layout. Bump on any change users' scripts could notice and say so
// in docs/output-format.md.
inline constexpr const char* results_format_name = "incubsim-results";
inline constexpr int results_format_version = 5;

enum class RecordLevel : std::uint8_t { indicators = 0, events = 1, trajectories = 2 };

// The model's records, stored in /events and /trajectories.
using model::EventRecord;
using model::TrajectoryRecord;
using model::VentureRecord;

// Everything one run (scenario x replication, or sweep point x replication) produces.
struct RunOutput {
  std::uint32_t run = 0;  // position in the command's run plan; files are written in this order
  std::uint32_t scenario = 0;  // index into ResultsHeader::scenario_names
  std::uint32_t point = 0;     // sweep: design point; run and compare: the scenario's index
  std::uint32_t replication = 0;
  std::uint64_t seed = 0;
  std::uint64_t venture_months = 0;  // active ventures summed over months
  std::uint32_t ventures = 0;        // every venture that ever existed in the run
  // months x indicators, row-major: value of indicator i in month m is
  // indicators[m * header.indicators.size() + i].
  std::vector<double> indicators;
  // One entry per ResultsHeader::targets element: 1 when the run met the target.
  std::vector<std::uint8_t> targets_met;
  std::vector<EventRecord> events;              // empty below RecordLevel::events
  std::vector<TrajectoryRecord> trajectories;   // empty below RecordLevel::trajectories
  std::vector<VentureRecord> venture_rows;      // /ventures: one per venture; empty below RecordLevel::events
};

struct IndicatorInfo {
  std::string name;
  std::string unit;
  std::string description;
  std::string scope;    // "base" or "county"
  std::string measure;  // "stock", "flow" (this month) or "cumulative"
};

struct TargetInfo {
  std::string scenario;   // scenario the target belongs to
  std::string id;
  std::string indicator;
  double threshold = 0.0;
  std::string deadline;   // "YYYY-MM", inclusive
  int deadline_month = 0; // month index of the deadline in the run
  std::string scope;
  std::string measure;
  std::string kind;       // "outcome" or "input-driven"
  std::string text;       // the plan's words or a citation
};

struct CarrierInfo {
  std::string scenario;
  std::string id;
  std::string name;
  std::string kind;       // nursery, incubator, accelerator, park
  std::string operator_id;
  int capacity = 0;
  std::string opening;    // "YYYY-MM"
  bool in_base = false;
};

// A declared range of one assumption ([uncertainty]) of one scenario.
struct UncertaintyInfo {
  std::string scenario;
  std::string key;      // as --set writes it
  double low = 0.0;
  double high = 0.0;
  std::string scale;    // "linear" or "log"
  double value = 0.0;   // the scenario's own value
  std::string source;
};

// A sweep's design (engine/design.hpp): factors, and the points in the unit cube and as values.
struct DesignInfo {
  std::string kind;                  // "grid", "latin_hypercube", "sobol_saltelli", "morris"; "" when no sweep
  std::uint32_t seed = 0;
  std::uint32_t samples = 0;         // --samples as given (0 for grids)
  std::uint32_t base_samples = 0;    // Sobol': N; Morris and grid: levels
  std::vector<std::string> keys, kinds, choices;  // per factor; choices joined with ","
  std::vector<double> low, high;
  std::uint32_t points = 0;
  std::vector<double> unit, values;  // [point][factor], row-major
};

// Describes a whole command's output; identical for every run in it.
struct ResultsHeader {
  std::string command;          // "run", "compare", "sweep"
  RecordLevel record = RecordLevel::trajectories;
  std::vector<std::string> scenario_names;
  std::vector<std::string> scenario_texts;  // resolved scenario TOML, one per scenario
  std::vector<std::string> month_labels;    // "YYYY-MM", one per simulated month
  std::vector<IndicatorInfo> indicators;
  std::vector<TargetInfo> targets;          // across all scenarios, in scenario order
  std::vector<CarrierInfo> carriers;        // across all scenarios, in scenario order
  std::vector<UncertaintyInfo> uncertainty; // across all scenarios, in scenario order
  DesignInfo design;                        // sweeps only
  std::vector<std::string> event_kinds;
  std::vector<std::string> stages;
  std::vector<std::string> statuses;
  // The model's name tables (model/names.hpp), so readers decode with the file's own names.
  std::vector<std::string> carrier_kinds;
  std::vector<std::string> carrier_levels;
  std::vector<std::string> objectives;
  std::vector<std::string> operator_types;
  std::vector<std::string> stream_kinds;    // format 4 on
  std::vector<std::string> listing_boards;  // format 4 on
  std::uint64_t base_seed = 0;
  std::uint32_t replications = 0;
  std::uint32_t total_runs = 0;
};

// What a finished command concludes, computed from all its runs (deterministic, so outside
// /provenance): target attainment and key outcomes per scenario.
struct TargetAttainment {  // one per ResultsHeader::targets element
  std::uint64_t trials = 0;  // runs that could judge the target
  std::uint64_t met = 0;
  double share = 0.0;
  double low = 0.0;          // 95% Wilson interval
  double high = 1.0;
};
struct OutcomeSummary {  // one per scenario and key indicator, at the horizon
  std::uint32_t scenario = 0;
  std::string indicator;
  double mean = 0.0;
  double low = 0.0;   // 95% interval of the mean (normal approximation)
  double high = 0.0;
  double public_spending = 0.0;     // mean cumulative public spending at the horizon (RMB)
  double per_million_public = 0.0;  // mean / (public_spending / 1e6); NaN without public spending
};
// One row of a paired comparison (`compare`): a metric of one scenario, and its difference from
// the first scenario on the same random streams (replication r against replication r).
struct ComparisonRow {
  std::uint32_t scenario = 0;
  std::string kind;         // "target" (met: 0/1 per run) or "outcome" (an indicator's value)
  std::string name;         // target id or indicator name
  std::string month;        // "YYYY-MM" the metric is read at (a target's deadline, or the horizon)
  double mean = 0.0, low = 0.0, high = 0.0;                 // 95% interval of the mean
  double difference = 0.0, difference_low = 0.0, difference_high = 0.0;  // paired, against scenario 0
  double public_spending = 0.0;       // mean cumulative public spending by that month (RMB)
  double per_million_public = 0.0;    // mean / (public_spending / 1e6); NaN without spending
  double difference_per_million = 0.0;  // difference / (difference in spending / 1e6); NaN when spending is equal
};

// `compare --robustness`: how often each alternative beats the reference across Latin-hypercube
// points over the declared [uncertainty] ranges, and which assumption decides it.
struct RobustnessRow {
  std::uint32_t scenario = 0;  // an alternative (never the reference, scenario 0)
  std::string kind, name, month;  // the metric, as in ComparisonRow
  std::uint32_t points = 0;    // points where the metric could be compared
  std::uint32_t beats = 0;     // paired difference > 0 with its 95% interval above 0
  std::uint32_t loses = 0;     // < 0 with the interval below 0
  std::uint32_t ties = 0;      // the interval holds 0
  std::string deciding_key;    // the assumption whose value correlates most with the difference
  double correlation = 0.0;    // its Spearman rank correlation with the paired difference
};
struct RobustnessResult {
  std::vector<std::string> keys;                // the assumptions, sorted
  std::vector<std::vector<double>> unit;        // [point][key] quantile in [0, 1) within each scenario's range
  std::vector<std::vector<double>> values;      // [point][key] value in the reference's range (NaN: not declared there)
  std::vector<std::vector<std::uint8_t>> declared;  // [scenario][key] 1 when the scenario declares a range for the key
  std::vector<std::string> metric_kind, metric_name, metric_month;
  std::uint32_t scenarios = 0;
  // [point][scenario][metric] paired difference against the reference (mean over replications)
  std::vector<double> difference;
  // [scenario][metric][key] Spearman correlation of the key's quantile with the difference
  std::vector<double> correlation;
  std::vector<RobustnessRow> rows;
  bool empty() const { return keys.empty(); }
};

// Sensitivity of a key outcome at the horizon to each factor of a Sobol' or Morris sweep,
// computed on the replication means of each design point.
struct SensitivityRow {
  std::string indicator;
  std::string factor;
  double first_order = 0.0, first_order_low = 0.0, first_order_high = 0.0;  // Sobol' S_i
  double total = 0.0, total_low = 0.0, total_high = 0.0;                    // Sobol' S_Ti
  double mu = 0.0, mu_star = 0.0, sigma = 0.0;                              // Morris (per unit-cube step)
};

struct ResultsSummary {
  std::vector<SensitivityRow> sensitivity;  // `sweep --design sobol|morris` only
  std::vector<TargetAttainment> targets;
  std::vector<OutcomeSummary> outcomes;
  std::vector<ComparisonRow> comparison;  // `compare` only
  RobustnessResult robustness;            // `compare --robustness` only
  // Runs in which a cap of the model bound (indicator `clamps_bound` > 0 at the last month), and
  // the times it bound, summed: printed as a warning, not stored (the indicator is).
  std::uint64_t clamped_runs = 0;
  double clamps_bound = 0.0;
};

// Only this part of a file may differ between two identical commands.
struct Provenance {
  std::string incubsim_version;
  std::string git_commit;
  std::string command_line;
  std::string host;
  std::string started_utc;
  std::string finished_utc;
  double wall_seconds = 0.0;
  int threads = 0;
};

}  // namespace incubsim::io
