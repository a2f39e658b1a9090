#include "app/commands.hpp"
#include "app/options.hpp"

#include <unistd.h>

#include <csignal>

#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <sstream>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "app/parallel.hpp"
#include "app/progress.hpp"
#include "app/signals.hpp"
#include "app/resources.hpp"
#include "engine/cancellation.hpp"
#include "engine/comparison.hpp"
#include "engine/design.hpp"
#include "engine/robustness.hpp"
#include "engine/runner.hpp"
#include "engine/statistics.hpp"
#include "engine/summary.hpp"
#include "incubsim/version.hpp"
#include "io/hdf5.hpp"
#include "io/results_reader.hpp"
#include "io/results_writer.hpp"
#include "io/schema.hpp"
#include "model/indicators.hpp"
#include "model/state.hpp"
#include "scenario/difference.hpp"
#include "scenario/keys.hpp"
#include "scenario/loader.hpp"
#include "scenario/registry.hpp"

namespace incubsim::app {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr std::uint32_t default_seed = 20210729;  // the plan's date of issue

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::string with_thousands(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

io::RecordLevel parse_record_level(const std::string& text) {
  if (text == "indicators") return io::RecordLevel::indicators;
  if (text == "events") return io::RecordLevel::events;
  if (text == "trajectories") return io::RecordLevel::trajectories;
  throw UsageError("--record must be indicators, events or trajectories, got '" + text + "'");
}

io::ResultsHeader make_header(const std::string& command, const std::vector<scenario::Scenario>& scenarios,
                              const engine::RunPlan& plan) {
  io::ResultsHeader header;
  header.command = command;
  header.record = plan.record;
  header.base_seed = plan.seed;
  header.replications = plan.replications;
  header.total_runs = static_cast<std::uint32_t>(plan.total_runs());
  const model::ModelSetup& first = scenarios.front().setup;
  for (int month = 0; month < first.months; ++month) header.month_labels.push_back(first.month_label(month));
  for (const auto& indicator : model::indicator_registry()) {
    header.indicators.push_back({std::string(indicator.name), std::string(indicator.unit), std::string(indicator.description),
                                 std::string(indicator.scope), std::string(indicator.measure)});
  }
  for (const auto& scenario : scenarios) {
    header.scenario_names.push_back(scenario.name);
    header.scenario_texts.push_back(scenario.resolved_text);
    const model::ModelSetup& setup = scenario.setup;
    for (std::size_t t = 0; t < setup.targets.size(); ++t) {
      const auto& target = setup.parameters.targets[t];
      header.targets.push_back({scenario.name, target.id, target.indicator, target.threshold, target.deadline,
                                setup.targets[t].deadline_month, target.scope, target.measure, target.kind, target.text});
    }
    for (const scenario::UncertainRange& range : scenario.uncertainty) {
      header.uncertainty.push_back({scenario.name, range.key, range.low, range.high, range.log_scale ? "log" : "linear", range.value, range.source});
    }
    for (std::size_t c = 0; c < setup.carriers.size(); ++c) {
      const auto& carrier = setup.carrier_parameters(static_cast<int>(c));
      header.carriers.push_back({scenario.name, carrier.id, carrier.name, carrier.kind, carrier.operator_id, carrier.capacity,
                                 carrier.opening, carrier.in_base});
    }
  }
  for (int k = 0; k < model::event_kind_count; ++k) header.event_kinds.emplace_back(model::event_kind_name(k));
  for (int s = 0; s < model::stage_count; ++s) header.stages.emplace_back(model::stage_name(s));
  for (int s = 0; s < model::status_count; ++s) header.statuses.emplace_back(model::status_name(s));
  header.carrier_kinds.assign(model::carrier_kind_names.begin(), model::carrier_kind_names.end());
  header.carrier_levels.assign(model::carrier_level_names.begin(), model::carrier_level_names.end());
  header.objectives.assign(model::objective_names.begin(), model::objective_names.end());
  for (const model::OperatorType& type : model::operator_types) header.operator_types.emplace_back(type.name);
  return header;
}

void print_targets(std::ostream& out, const io::ResultsHeader& header, const io::ResultsSummary& summary) {
  if (header.targets.empty()) return;
  out << "\nTargets: share of replications meeting each, with 95% Wilson interval\n";
  out << std::left << std::setw(22) << "scenario" << std::setw(30) << "target" << std::setw(10) << "threshold" << std::setw(9)
      << "by" << std::setw(8) << "scope" << std::setw(11) << "measure" << std::setw(14) << "kind" << std::right << std::setw(7)
      << "met" << "   95% interval\n";
  for (std::size_t t = 0; t < header.targets.size(); ++t) {
    const io::TargetInfo& target = header.targets[t];
    const io::TargetAttainment& attainment = summary.targets[t];
    std::ostringstream threshold;
    threshold << ">= " << target.threshold;
    out << std::left << std::setw(22) << target.scenario.substr(0, 21) << std::setw(30) << target.id.substr(0, 29) << std::setw(10)
        << threshold.str() << std::setw(9) << target.deadline << std::setw(8) << target.scope << std::setw(11) << target.measure
        << std::setw(14) << (target.kind == "input-driven" ? "input-driven*" : target.kind) << std::right << std::fixed
        << std::setprecision(2) << std::setw(7) << attainment.share << "   [" << attainment.low << ", " << attainment.high << "]\n";
    out.unsetf(std::ios::fixed);
  }
  out << "* input-driven: follows mostly from the plan's own inputs (openings, levels), not from venture behaviour.\n";
}

// A number with a fixed precision, or "-" when it is not a number.
std::string number(double value, int precision) {
  if (!std::isfinite(value)) return "-";
  std::ostringstream text;
  text << std::fixed << std::setprecision(precision) << value;
  return text.str();
}

void print_outcomes(std::ostream& out, const io::ResultsHeader& header, const io::ResultsSummary& summary) {
  if (summary.outcomes.empty()) return;
  out << "\nKey outcomes at " << header.month_labels.back()
      << ": mean over replications with 95% interval, and per million RMB of cumulative public spending\n";
  out << std::left << std::setw(22) << "scenario" << std::setw(27) << "indicator" << std::right << std::setw(14) << "mean"
      << std::setw(28) << "95% interval" << std::setw(16) << "per M RMB" << "\n";
  std::uint32_t previous = std::numeric_limits<std::uint32_t>::max();
  for (const io::OutcomeSummary& o : summary.outcomes) {
    if (o.scenario != previous) {
      out << std::left << std::setw(22) << header.scenario_names[o.scenario].substr(0, 21) << std::setw(27) << "public spending (M RMB)"
          << std::right << std::setw(14) << number(o.public_spending / 1e6, 2) << "\n";
      previous = o.scenario;
    }
    const int precision = o.mean >= 1e5 ? 0 : 1;
    out << std::left << std::setw(22) << "" << std::setw(27) << o.indicator << std::right << std::setw(14) << number(o.mean, precision)
        << std::setw(28) << ("[" + number(o.low, precision) + ", " + number(o.high, precision) + "]") << std::setw(16)
        << number(o.per_million_public, 2) << "\n";
  }
}

// A value with its interval: "12.3 [11.9, 12.8]".
std::string with_interval(double mean, double low, double high, int precision) {
  return number(mean, precision) + " [" + number(low, precision) + ", " + number(high, precision) + "]";
}

void print_comparison(std::ostream& out, const io::ResultsHeader& header, const io::ResultsSummary& summary) {
  const std::string& reference = header.scenario_names.front();
  std::string section;
  for (const io::ComparisonRow& row : summary.comparison) {
    const std::string heading = row.kind == "target" ? "Targets: share of replications meeting each (95% interval), and the paired difference against " + reference
                                                     : "Key outcomes at " + row.month + ": mean (95% interval), paired difference against " + reference + ", and per million RMB of public spending";
    if (heading != section) {
      section = heading;
      out << "\n" << heading << "\n";
      out << std::left << std::setw(38) << (row.kind == "target" ? "target (deadline)" : "indicator") << std::setw(22) << "scenario" << std::right
          << std::setw(30) << "mean [95%]" << std::setw(32) << "difference [95%]";
      if (row.kind == "outcome") out << std::setw(12) << "spent (M)" << std::setw(12) << "per M RMB" << std::setw(16) << "diff per M";
      out << "\n";
    }
    const int precision = row.kind == "target" ? 2 : (std::fabs(row.mean) >= 1e5 ? 0 : 1);
    const std::string label = row.kind == "target" ? row.name + " (" + row.month + ")" : row.name;
    out << std::left << std::setw(38) << (row.scenario == 0 ? label.substr(0, 37) : "") << std::setw(22)
        << header.scenario_names[row.scenario].substr(0, 21) << std::right << std::setw(30)
        << with_interval(row.mean, row.low, row.high, precision) << std::setw(32)
        << (row.scenario == 0 ? std::string("-") : with_interval(row.difference, row.difference_low, row.difference_high, precision));
    if (row.kind == "outcome") {
      out << std::setw(12) << number(row.public_spending / 1e6, 1) << std::setw(12) << number(row.per_million_public, 2) << std::setw(16)
          << number(row.difference_per_million, 2);
    }
    out << "\n";
  }
  bool input_driven = false;
  for (const io::TargetInfo& target : header.targets) input_driven = input_driven || (target.scenario == reference && target.kind == "input-driven");
  if (input_driven) {
    out << "Input-driven targets of " << reference << ":";
    for (const io::TargetInfo& target : header.targets) {
      if (target.scenario == reference && target.kind == "input-driven") out << " " << target.id;
    }
    out << " (they follow mostly from what a scenario builds, not from venture behaviour).\n";
  }
}

}  // namespace

po::variables_map parse_options(const std::vector<std::string>& arguments, const po::options_description& options,
                                const po::positional_options_description& positional) {
  po::variables_map values;
  try {
    const po::parsed_options parsed = po::command_line_parser(arguments).options(options).positional(positional).run();
    // Boost reads "-3" for an unsigned option as 4294967293: refuse a negative count or seed.
    for (const po::option& option : parsed.options) {
      const po::option_description* description = options.find_nothrow(option.string_key, false);
      if (description == nullptr || dynamic_cast<const po::typed_value<std::uint32_t>*>(description->semantic().get()) == nullptr) continue;
      for (const std::string& value : option.value) {
        if (!value.empty() && value.front() == '-') throw UsageError("--" + option.string_key + " must be a whole number of 0 or more, got '" + value + "'");
      }
    }
    po::store(parsed, values);
    po::notify(values);
  } catch (const po::error& error) {
    throw UsageError(error.what());
  }
  return values;
}

// Seconds spent in a piece of work, summed over calls: the writer's share of a command's wall time.
class Stopwatch {
 public:
  template <typename Work>
  void time(Work&& work) {
    const auto start = std::chrono::steady_clock::now();
    work();
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  double seconds() const { return seconds_; }

 private:
  double seconds_ = 0.0;
};

// A simulating command that ended early, stopped by a signal or failed while running or writing.
// Its message says which runs are kept and the command that resumes; `code` is 128 + the signal
// (130 for Ctrl-C, 143 for SIGTERM) or exit_failure.
class Stopped : public std::runtime_error {
 public:
  Stopped(const std::string& message, int code) : std::runtime_error(message), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

std::string signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT (Ctrl-C)";
  if (signal == SIGTERM) return "SIGTERM";
  return "signal " + std::to_string(signal);
}

// The command line that finishes an interrupted one: the same words, without --force (which would
// discard the parts) and with --resume.
std::string resume_command(const std::string& command_line) {
  std::istringstream words(command_line);
  std::string resumed, word;
  bool has_resume = false;
  while (words >> word) {
    if (word == "--force") continue;
    has_resume = has_resume || word == "--resume";
    resumed += (resumed.empty() ? "" : " ") + word;
  }
  return has_resume ? resumed : resumed + " --resume";
}

// Does `work` (simulating runs first .. end - 1 into `writer`, then finishing it). When a stop is
// requested, the runs finished so far are written as a last part; when the work fails (a write
// error, a full disk), the finished parts stay as they are. Either way Stopped says what is kept
// and how to resume. Bad input (UsageError, ScenarioError) passes through unchanged.
template <typename Work>
void keeping_finished_runs(io::ResultsWriter& writer, std::uint32_t first, std::uint32_t end, const std::string& command_line, Work&& work) {
  const auto kept = [&] {
    return std::to_string(writer.runs_in_parts() - first) + " of " + std::to_string(end - first) + " runs are kept in " +
           writer.parts_directory().string() + "/ (" + writer.final_path().string() + " was not written)";
  };
  try {
    work();
  } catch (const engine::Interrupted&) {
    const int signal = engine::stop_signal();
    std::string lost;
    try {
      writer.flush();
    } catch (const std::exception& error) {
      lost = "; the runs since the last part were lost: " + std::string(error.what());
    }
    throw Stopped("stopped by " + signal_name(signal) + ": " + kept() + lost + "\nresume with: " + resume_command(command_line),
                  signal > 0 ? 128 + signal : exit_failure);
  } catch (const UsageError&) {
    throw;
  } catch (const scenario::ScenarioError&) {
    throw;
  } catch (const std::exception& error) {
    throw Stopped("error: " + std::string(error.what()) + "\n" + kept() + "; once the cause is fixed, resume with: " +
                      resume_command(command_line),
                  exit_failure);
  }
}

// Opens a simulating command's writer into `opened`, fresh or resuming. Returns false, having said
// so on `out`, when --resume finds this command's result already complete (e.g. killed after the
// file was written: a retry loop may stop). Another command's parts, or nothing to resume beside
// another result, is bad input (UsageError), with nothing touched.
bool open_writer(std::optional<io::ResultsWriter>& opened, const fs::path& output, const io::ResultsHeader& header,
                 const io::WriterOptions& options, std::ostream& out) {
  try {
    opened.emplace(output, header, options);
    return true;
  } catch (const io::AlreadyComplete& complete) {
    out << complete.what() << "\n";
    return false;
  } catch (const io::ResultsError& error) {
    throw UsageError(error.what());
  }
}

// Reads back the runs of a resumed command's finished parts (checked against the command's own
// header, so a damaged or foreign part cannot feed the conclusions rows of another shape).
// A part that cannot be read is bad input: exit 2, the parts left as they are.
void read_back_parts(const io::ResultsWriter& writer, const io::ResultsHeader& header, const std::function<void(const io::RunOutput&)>& visit) {
  for (const fs::path& part : writer.part_files()) {
    try {
      const ReadingResults reading(part.string());
      io::for_each_run_summary(part, header, visit);
    } catch (const io::ResultsError& error) {
      throw UsageError("cannot resume: " + std::string(error.what()) + "; discard the parts with --force to start again");
    }
  }
}

// The run plan of scenarios (scenario-major, common random numbers), each with its epochs
// ([[schedule]]). The plan points into `schedules`, which a move keeps in place.
struct ScenarioPlan {
  std::vector<engine::ScenarioSchedule> schedules;
  engine::RunPlan plan;
};

ScenarioPlan plan_scenarios(const std::vector<scenario::Scenario>& scenarios, std::uint32_t replications, std::uint32_t seed,
                            io::RecordLevel record) {
  ScenarioPlan planned;
  for (const auto& scenario : scenarios) {
    engine::ScenarioSchedule& schedule = planned.schedules.emplace_back();
    for (const auto& epoch : scenario.epochs) schedule.epochs.emplace_back(epoch.first_month, &epoch.setup);
  }
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    planned.plan.scenarios.push_back(&scenarios[s].setup);
    planned.plan.schedules.push_back(&planned.schedules[s]);
  }
  planned.plan.replications = replications;
  planned.plan.seed = seed;
  planned.plan.record = record;
  return planned;
}

io::Provenance start_provenance(const std::string& command_line, int threads) {
  io::Provenance provenance;
  provenance.incubsim_version = incubsim::version;
  provenance.git_commit = incubsim::git_commit;
  provenance.command_line = command_line;
  provenance.host = host_name();
  provenance.started_utc = utc_now();
  provenance.threads = threads;
  return provenance;
}

// Options shared by the commands that simulate.
void add_simulation_options(po::options_description& options, const char* record_default, std::uint32_t part_runs = 16) {
  options.add_options()
      ("replications,r", po::value<std::uint32_t>()->default_value(10), "replications (per scenario)")
      ("seed", po::value<std::uint32_t>()->default_value(default_seed), "base seed (32-bit)")
      ("output,o", po::value<std::string>(), "results file")
      ("set", po::value<std::vector<std::string>>()->composing(), "override a parameter of every scenario: KEY=VALUE (repeatable)")
      ("record", po::value<std::string>()->default_value(record_default), "indicators | events | trajectories")
      ("threads", po::value<int>()->default_value(0), "worker threads (0: all cores)")
      ("part-runs", po::value<std::uint32_t>()->default_value(part_runs), "runs per crash-safe part file (a crash loses at most one)")
      ("resume", "finish an interrupted command from the finished parts it left (same command line)")
      ("force", "overwrite an existing results file")
      ("ignore-limits", "run even when the estimated memory or output exceeds what is available")
      ("quiet,q", "no progress bar");
}

struct Simulation {
  std::string command;  // "run", "compare"
  std::uint32_t replications = 10;
  std::uint32_t seed = default_seed;
  io::RecordLevel record = io::RecordLevel::trajectories;
  int threads = 0;
  std::uint32_t part_runs = 16;
  bool force = false;
  bool resume = false;  // continue from the parts of an interrupted identical command
  bool quiet = false;
  bool ignore_limits = false;  // --ignore-limits: run whatever the resource estimate (app/resources.hpp)
  fs::path output;
  std::vector<std::string> overrides;
  std::uint32_t robustness_points = 0;  // compare --robustness M
};

Simulation read_simulation_options(const std::string& command, const po::variables_map& values) {
  Simulation simulation;
  simulation.command = command;
  simulation.replications = values["replications"].as<std::uint32_t>();
  if (simulation.replications == 0) throw UsageError("--replications must be at least 1");
  simulation.threads = values["threads"].as<int>();
  if (simulation.threads < 0) throw UsageError("--threads must be 0 (all cores) or more");
  simulation.part_runs = values["part-runs"].as<std::uint32_t>();
  if (simulation.part_runs == 0) throw UsageError("--part-runs must be at least 1");
  simulation.record = parse_record_level(values["record"].as<std::string>());
  simulation.seed = values["seed"].as<std::uint32_t>();
  simulation.force = values.count("force") > 0;
  simulation.resume = values.count("resume") > 0;
  if (simulation.force && simulation.resume) throw UsageError("--resume keeps the finished parts and --force discards them: give one");
  simulation.quiet = values.count("quiet") > 0;
  simulation.ignore_limits = values.count("ignore-limits") > 0;
  if (values.count("output")) simulation.output = values["output"].as<std::string>();
  if (values.count("set")) simulation.overrides = values["set"].as<std::vector<std::string>>();
  return simulation;
}

void check_output_free(const Simulation& simulation) {
  const fs::path& output = simulation.output;
  if (fs::exists(output) && !simulation.force) throw UsageError("results file '" + output.string() + "' exists; use --force to overwrite it");
  if (fs::exists(io::parts_directory_for(output)) && !simulation.force) {
    throw UsageError("'" + io::parts_directory_for(output).string() +
                     "' holds parts of an earlier, unfinished command; finish it with --resume or discard them with --force");
  }
}

// The assumptions `compare --robustness` varies: every key some scenario declares a range for,
// sorted, with each scenario's own range (or none).
struct Assumption {
  std::string key;
  std::vector<std::optional<scenario::UncertainRange>> range;  // per scenario
};

std::vector<Assumption> assumptions_of(const std::vector<scenario::Scenario>& scenarios) {
  std::vector<Assumption> assumptions;
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    for (const scenario::UncertainRange& range : scenarios[s].uncertainty) {
      auto found = std::find_if(assumptions.begin(), assumptions.end(), [&](const Assumption& a) { return a.key == range.key; });
      if (found == assumptions.end()) {
        assumptions.push_back(Assumption{range.key, std::vector<std::optional<scenario::UncertainRange>>(scenarios.size())});
        found = assumptions.end() - 1;
      }
      found->range[s] = range;
    }
  }
  std::sort(assumptions.begin(), assumptions.end(), [](const Assumption& a, const Assumption& b) { return a.key < b.key; });
  return assumptions;
}

// A scenario's range as a design factor, so quantile u maps to a value exactly as sweeps map it.
engine::Factor factor_of(const scenario::UncertainRange& range) {
  engine::Factor factor;
  factor.key = range.key;
  factor.kind = range.integer ? engine::Factor::Kind::integer : range.log_scale ? engine::Factor::Kind::log : engine::Factor::Kind::real;
  factor.low = range.low;
  factor.high = range.high;
  return factor;
}

// The robustness points: Latin-hypercube quantiles over the scenarios' ranges, and every scenario
// loaded at each point (its own ranges set to the point's quantiles). Loaded before any run, so a
// point the scenarios do not accept is bad input (exit 2) before anything is written.
struct RobustnessPoints {
  io::RobustnessResult result;  // keys, unit, values and declared filled
  std::vector<std::vector<scenario::Scenario>> scenarios;  // [point][scenario]
};

RobustnessPoints prepare_robustness(const Simulation& simulation, const std::vector<scenario::Scenario>& scenarios) {
  const std::vector<Assumption> assumptions = assumptions_of(scenarios);
  RobustnessPoints prepared;
  io::RobustnessResult& result = prepared.result;
  result.scenarios = static_cast<std::uint32_t>(scenarios.size());
  std::vector<engine::Factor> unit_factors;
  for (const Assumption& assumption : assumptions) {
    result.keys.push_back(assumption.key);
    engine::Factor factor;
    factor.key = assumption.key;
    unit_factors.push_back(factor);  // real on [0, 1]: the quantile
  }
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    std::vector<std::uint8_t> declared;
    for (const Assumption& assumption : assumptions) declared.push_back(assumption.range[s] ? 1 : 0);
    result.declared.push_back(std::move(declared));
  }
  const engine::Design design = engine::latin_hypercube(unit_factors, simulation.robustness_points, simulation.seed);
  for (std::size_t p = 0; p < design.points(); ++p) {
    result.unit.push_back(design.unit[p]);
    std::vector<double> reference_values;
    std::vector<scenario::Scenario> at_point;
    for (std::size_t s = 0; s < scenarios.size(); ++s) {
      std::vector<std::string> overrides = simulation.overrides;
      for (std::size_t k = 0; k < assumptions.size(); ++k) {
        const auto& range = assumptions[k].range[s];
        if (!range) {
          if (s == 0) reference_values.push_back(std::numeric_limits<double>::quiet_NaN());
          continue;
        }
        const engine::Factor factor = factor_of(*range);
        const double value = engine::to_value(factor, design.unit[p][k]);
        if (s == 0) reference_values.push_back(value);
        overrides.push_back(range->key + "=" + engine::value_text(factor, value));
      }
      try {
        at_point.push_back(scenario::load_scenario_point(scenarios[s].path, overrides));
      } catch (const scenario::ScenarioError& error) {
        std::string set;
        for (std::size_t o = simulation.overrides.size(); o < overrides.size(); ++o) set += " --set " + overrides[o];
        throw UsageError("robustness point " + std::to_string(p) + " is not a valid " + scenarios[s].name + " scenario (ranges that are valid "
                         "alone can conflict together):" + set + "\n" + error.what());
      }
    }
    result.values.push_back(reference_values);
    prepared.scenarios.push_back(std::move(at_point));
  }
  return prepared;
}

// Runs every prepared point: each scenario on common random numbers, compared with the first.
io::RobustnessResult run_robustness(const Simulation& simulation, RobustnessPoints prepared, ProgressBar& progress, std::size_t& done,
                                    std::uint64_t& venture_months, int thread_count) {
  io::RobustnessResult result = std::move(prepared.result);
  std::vector<std::vector<io::ComparisonRow>> comparisons;
  for (std::vector<scenario::Scenario>& at_point : prepared.scenarios) {
    const ScenarioPlan planned = plan_scenarios(at_point, simulation.replications, simulation.seed, io::RecordLevel::indicators);
    const engine::RunPlan& plan = planned.plan;
    const io::ResultsHeader header = make_header("compare", at_point, plan);
    engine::ComparisonAccumulator comparison(header, simulation.replications);
    engine::execute(plan, 2 * static_cast<std::size_t>(thread_count), [&](io::RunOutput&& run) {
      comparison.add(run);
      venture_months += run.venture_months;
      progress.advance(++done);
    });
    comparisons.push_back(comparison.rows());
  }
  engine::summarise_robustness(result, comparisons);
  return result;
}

void print_robustness(std::ostream& out, const io::ResultsHeader& header, const io::RobustnessResult& result, std::uint32_t points) {
  out << "\nRobustness: " << points << " Latin-hypercube points over " << result.keys.size()
      << " declared assumptions; at each, does the alternative beat " << header.scenario_names.front()
      << "? (paired 95% interval above 0: beats, below: loses, else tie)\n";
  out << std::left << std::setw(38) << "metric" << std::setw(22) << "alternative" << std::right << std::setw(8) << "beats" << std::setw(7)
      << "ties" << std::setw(7) << "loses" << "   deciding assumption (Spearman rho)\n";
  const std::string horizon = header.month_labels.back();
  std::string previous;
  for (const io::RobustnessRow& row : result.rows) {
    if (row.kind == "outcome" && (row.month != horizon || (row.name != "jobs" && row.name != "high_tech_cumulative_base" &&
                                                           row.name != "talents_cultivated_base" && row.name != "ventures_active"))) {
      continue;  // the file holds every metric; the screen shows the targets and four outcomes at the horizon
    }
    const std::string label = row.kind == "target" ? row.name : row.name + " (" + row.month + ")";
    out << std::left << std::setw(38) << (label != previous ? label.substr(0, 37) : "") << std::setw(22)
        << header.scenario_names[row.scenario].substr(0, 21) << std::right << std::setw(8) << row.beats << std::setw(7) << row.ties
        << std::setw(7) << row.loses << "   " << (row.deciding_key.empty() ? "-" : row.deciding_key + " (" + number(row.correlation, 2) + ")")
        << "\n";
    previous = label;
  }
}

// Runs every replication of every scenario (scenario-major, common random numbers), writes the
// results file with its summary, and prints the report. Returns the exit code.
int simulate(const Simulation& simulation, const std::vector<scenario::Scenario>& scenarios, const std::string& command_line,
             std::ostream& out) {
  if (!simulation.resume) check_output_free(simulation);
  RobustnessPoints robustness_points;
  if (simulation.robustness_points > 0) robustness_points = prepare_robustness(simulation, scenarios);
  const fs::path& output = simulation.output;
  if (!output.parent_path().empty()) fs::create_directories(output.parent_path());

  const ScenarioPlan planned = plan_scenarios(scenarios, simulation.replications, simulation.seed, simulation.record);
  const engine::RunPlan& plan = planned.plan;
  const io::ResultsHeader header = make_header(simulation.command, scenarios, plan);

  const int thread_count = simulation.threads > 0 ? simulation.threads : tbb::info::default_concurrency();
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(thread_count));
  io::Provenance provenance = start_provenance(command_line, thread_count);
  check_resources(plan, header, 0, static_cast<std::uint32_t>(plan.total_runs()), simulation.resume,
                  static_cast<std::uint64_t>(simulation.robustness_points) * plan.total_runs(), thread_count, simulation.part_runs, output,
                  simulation.ignore_limits, !simulation.quiet && stderr_is_terminal());

  const auto start = std::chrono::steady_clock::now();
  std::optional<io::ResultsWriter> opened;
  if (!open_writer(opened, output, header, io::WriterOptions{simulation.force, simulation.resume, simulation.part_runs, 0, 0}, out))
    return exit_success;
  io::ResultsWriter& writer = *opened;
  engine::SummaryAccumulator conclusions(header);
  Stopwatch writing;
  const bool paired = simulation.command == "compare";
  std::optional<engine::ComparisonAccumulator> comparison;
  if (paired) comparison.emplace(header, simulation.replications);
  // A resumed command first reads back what its parts hold, so the conclusions cover every run.
  const std::uint32_t resumed_from = writer.next_run();
  const auto total = static_cast<std::uint32_t>(plan.total_runs());
  read_back_parts(writer, header, [&](const io::RunOutput& run) {
    conclusions.add(run);
    if (comparison) comparison->add(run);
  });
  if (resumed_from > 0) out << "Resuming " << output.string() << ": " << resumed_from << " of " << total << " runs are in finished parts\n";
  std::uint64_t venture_months = 0;
  std::size_t done = 0;
  const std::size_t robustness_runs = static_cast<std::size_t>(simulation.robustness_points) * plan.total_runs();
  ProgressBar progress(total - resumed_from + robustness_runs, !simulation.quiet && stderr_is_terminal());
  io::ResultsSummary concluded;
  keeping_finished_runs(writer, 0, total, command_line, [&] {
    engine::execute(plan, resumed_from, total, 2 * static_cast<std::size_t>(thread_count), [&](io::RunOutput&& run) {
      conclusions.add(run);
      if (comparison) comparison->add(run);
      venture_months += run.venture_months;
      writing.time([&] { writer.append(std::move(run)); });
      progress.advance(++done);
    });
    io::RobustnessResult robustness;
    if (simulation.robustness_points > 0) robustness = run_robustness(simulation, std::move(robustness_points), progress, done, venture_months, thread_count);
    progress.finish();
    provenance.finished_utc = utc_now();
    provenance.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    concluded = conclusions.summary();
    if (comparison) concluded.comparison = comparison->rows();
    concluded.robustness = std::move(robustness);
    writing.time([&] { writer.finish(provenance, concluded); });
  });
  // The summary's wall time covers the whole command, the final assembly of the file included.
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (paired) {
    out << "Compare " << scenarios.size() << " scenarios against " << scenarios.front().name << ": " << simulation.replications
        << " replications each on common random numbers, seed " << plan.seed << ", " << header.month_labels.front() << " to "
        << header.month_labels.back() << ", results in " << output.string() << "\n";
    print_comparison(out, header, concluded);
    if (!concluded.robustness.empty()) print_robustness(out, header, concluded.robustness, simulation.robustness_points);
  } else {
    out << "Scenario " << scenarios.front().name << ": " << simulation.replications << " replications, seed " << plan.seed << ", "
        << header.month_labels.front() << " to " << header.month_labels.back() << ", results in " << output.string() << "\n";
    print_targets(out, header, concluded);
    print_outcomes(out, header, concluded);
  }
  const std::size_t total_runs = done;
  std::ostringstream summary;
  summary << std::fixed << std::setprecision(2) << "incubsim " << simulation.command << ": " << total_runs << " runs, "
          << with_thousands(venture_months) << " venture-months, " << seconds << " s wall, "
          << with_thousands(static_cast<std::uint64_t>(venture_months / std::max(seconds, 1e-9))) << " venture-months/s, "
          << static_cast<double>(total_runs) / std::max(seconds, 1e-9) << " runs/s, " << thread_count << " threads, writing "
          << 100.0 * writing.seconds() / std::max(seconds, 1e-9) << "% of wall\n";
  out << summary.str();
  return exit_success;
}

int run_command(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out) {
  po::options_description options("incubsim run SCENARIO [options]");
  options.add_options()("help,h", "show this help")("scenario", po::value<std::string>(), "scenario TOML file");
  add_simulation_options(options, "trajectories");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  const po::variables_map values = parse_options(arguments, options, positional);
  if (values.count("help")) {
    out << options << "\n";
    return exit_success;
  }
  if (!values.count("scenario")) throw UsageError("run needs a scenario file: incubsim run SCENARIO.toml");
  Simulation simulation = read_simulation_options("run", values);
  std::vector<scenario::Scenario> scenarios;
  scenarios.push_back(scenario::load_scenario(values["scenario"].as<std::string>(), simulation.overrides));
  scenario::check_population(scenarios.back());  // the population cap: exit 2 up front
  if (simulation.output.empty()) simulation.output = fs::path("output") / (scenarios.front().name + ".h5");
  return simulate(simulation, scenarios, command_line, out);
}

int compare_command(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out) {
  po::options_description options("incubsim compare REFERENCE.toml OTHER.toml... [options]  (the first is the reference)");
  options.add_options()("help,h", "show this help")("scenarios", po::value<std::vector<std::string>>(), "scenario TOML files")(
      "robustness", po::value<std::uint32_t>()->default_value(0),
      "M: also run every scenario at M Latin-hypercube points over the [uncertainty] ranges they declare");
  add_simulation_options(options, "trajectories");
  po::positional_options_description positional;
  positional.add("scenarios", -1);
  const po::variables_map values = parse_options(arguments, options, positional);
  if (values.count("help")) {
    out << options << "\n";
    return exit_success;
  }
  const std::vector<std::string> files = values.count("scenarios") ? values["scenarios"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (files.size() < 2) throw UsageError("compare needs at least two scenarios: incubsim compare REFERENCE.toml OTHER.toml...");
  Simulation simulation = read_simulation_options("compare", values);
  std::vector<scenario::Scenario> scenarios;
  for (const std::string& file : files) scenarios.push_back(scenario::load_scenario(file, simulation.overrides));
  for (const scenario::Scenario& loaded : scenarios) scenario::check_population(loaded);  // the population cap: exit 2 up front
  for (std::size_t i = 1; i < scenarios.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (scenarios[i].name == scenarios[j].name) {
        throw UsageError("two scenarios are named '" + scenarios[i].name + "' (" + files[j] + ", " + files[i] + "); give each its own [scenario] name");
      }
    }
    if (scenarios[i].setup.months != scenarios[0].setup.months || scenarios[i].setup.start_year != scenarios[0].setup.start_year ||
        scenarios[i].setup.start_month != scenarios[0].setup.start_month) {
      throw UsageError("'" + files[i] + "' simulates other months than '" + files[0] + "'; compared scenarios share start and horizon");
    }
  }
  simulation.robustness_points = values["robustness"].as<std::uint32_t>();
  if (simulation.robustness_points > 0) {
    if (assumptions_of(scenarios).empty()) {
      throw UsageError("--robustness needs assumptions with ranges, but none of the scenarios declares an [uncertainty] table (docs/scenarios.md)");
    }
    if (simulation.robustness_points < 2) throw UsageError("--robustness needs at least 2 points");
    if (simulation.replications < 2) throw UsageError("--robustness needs at least 2 replications (-r): a paired interval needs them");
  }
  if (simulation.output.empty()) simulation.output = fs::path("output") / ("compare-" + scenarios.front().name + ".h5");
  return simulate(simulation, scenarios, command_line, out);
}

// ---- sweep ----------------------------------------------------------------------------------

int merge_shards(const fs::path& output, const std::vector<std::string>& shard_files, bool force, const std::string& command_line,
                 std::ostream& out);

// One --vary: "KEY=LO:HI", "KEY=LO:HI:log" or "KEY=a,b,c".
engine::Factor parse_vary(const std::string& text, scenario::Scenario& base, int levels) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == text.size())
    throw UsageError("--vary '" + text + "': expected KEY=LO:HI, KEY=LO:HI:log or KEY=a,b,c");
  engine::Factor factor;
  factor.key = text.substr(0, equals);
  const std::string range = text.substr(equals + 1);
  const std::string table = factor.key.substr(0, factor.key.find('.'));
  if (table == "simulation" || table == "scenario" || table == "target")
    throw UsageError("--vary '" + factor.key + "': [" + table + "] keys cannot be swept");
  const auto parameter = scenario::find_parameter(base.setup.parameters, factor.key);
  if (!parameter) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : scenario::parameter_values(base.setup.parameters)) keys.push_back(key);
    throw UsageError("--vary: no parameter '" + factor.key + "' in " + base.path.string() + scenario::did_you_mean(factor.key, keys));
  }
  const scenario::ValueType type = parameter->spec->type;
  const bool numeric = type == scenario::ValueType::real || type == scenario::ValueType::integer;
  if (range.find(':') == std::string::npos) {
    factor.kind = engine::Factor::Kind::categorical;
    std::stringstream items(range);
    for (std::string item; std::getline(items, item, ',');) factor.choices.push_back(item);
    return factor;
  }
  if (!numeric) throw UsageError("--vary '" + factor.key + "' is " + scenario::value_type_name(type) + ": give its choices, KEY=a,b,c");
  std::vector<std::string> parts;
  std::stringstream items(range);
  for (std::string item; std::getline(items, item, ':');) parts.push_back(item);
  if (parts.size() < 2 || parts.size() > 3 || (parts.size() == 3 && parts[2] != "log"))
    throw UsageError("--vary '" + text + "': expected KEY=LO:HI or KEY=LO:HI:log");
  try {
    std::size_t used = 0;
    factor.low = std::stod(parts[0], &used);
    if (used != parts[0].size()) throw std::invalid_argument("trailing");
    factor.high = std::stod(parts[1], &used);
    if (used != parts[1].size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw UsageError("--vary '" + text + "': LO and HI must be numbers");
  }
  if (!(factor.low < factor.high)) throw UsageError("--vary '" + text + "': LO must be below HI");
  factor.kind = parts.size() == 3 ? engine::Factor::Kind::log
                : type == scenario::ValueType::integer ? engine::Factor::Kind::integer
                                                       : engine::Factor::Kind::real;
  if (factor.kind == engine::Factor::Kind::log && type == scenario::ValueType::integer)
    throw UsageError("--vary '" + text + "': '" + factor.key + "' is an integer; a log scale needs a real parameter");
  factor.levels = levels;
  return factor;
}

// The --set text of a factor's value: numbers as numbers; a categorical choice as written for
// numeric and boolean parameters, quoted for text and choices.
std::string override_text(const engine::Factor& factor, double value, scenario::Scenario& base) {
  if (factor.kind != engine::Factor::Kind::categorical) return factor.key + "=" + engine::value_text(factor, value);
  const std::string& choice = factor.choices.at(static_cast<std::size_t>(value));
  const scenario::ValueType type = scenario::find_parameter(base.setup.parameters, factor.key)->spec->type;
  const bool bare = type == scenario::ValueType::real || type == scenario::ValueType::integer || type == scenario::ValueType::boolean;
  return factor.key + "=" + (bare ? choice : "\"" + choice + "\"");
}

std::vector<std::string> point_overrides(const engine::Design& design, std::size_t point, const std::vector<std::string>& base_overrides,
                                         scenario::Scenario& base) {
  std::vector<std::string> overrides = base_overrides;
  for (std::size_t f = 0; f < design.factors.size(); ++f) overrides.push_back(override_text(design.factors[f], design.values[point][f], base));
  return overrides;
}

io::DesignInfo design_info(const engine::Design& design, std::uint32_t samples) {
  io::DesignInfo info;
  info.kind = design.kind;
  info.seed = design.seed;
  info.samples = samples;
  info.base_samples = static_cast<std::uint32_t>(design.base_samples);
  if (design.kind == "morris") info.base_samples = static_cast<std::uint32_t>(design.morris_levels);
  if (design.kind == "grid") {  // the levels of the numeric factors (categorical ones take all their choices)
    for (const engine::Factor& factor : design.factors) {
      if (factor.kind != engine::Factor::Kind::categorical) info.base_samples = static_cast<std::uint32_t>(factor.levels);
    }
  }
  for (const engine::Factor& factor : design.factors) {
    info.keys.push_back(factor.key);
    info.kinds.emplace_back(engine::factor_kind_name(factor.kind));
    std::string choices;
    for (const std::string& choice : factor.choices) choices += (choices.empty() ? "" : ",") + choice;
    info.choices.push_back(choices);
    info.low.push_back(factor.low);
    info.high.push_back(factor.high);
  }
  info.points = static_cast<std::uint32_t>(design.points());
  for (std::size_t p = 0; p < design.points(); ++p) {
    info.unit.insert(info.unit.end(), design.unit[p].begin(), design.unit[p].end());
    info.values.insert(info.values.end(), design.values[p].begin(), design.values[p].end());
  }
  return info;
}

// The design a results file describes, regenerated from its factors, kind, samples and seed.
engine::Design design_from(const io::DesignInfo& info, int grid_levels) {
  std::vector<engine::Factor> factors;
  for (std::size_t f = 0; f < info.keys.size(); ++f) {
    engine::Factor factor;
    factor.key = info.keys[f];
    const std::string& kind = info.kinds[f];
    factor.kind = kind == "integer" ? engine::Factor::Kind::integer : kind == "log" ? engine::Factor::Kind::log
                  : kind == "categorical" ? engine::Factor::Kind::categorical : engine::Factor::Kind::real;
    factor.low = info.low[f];
    factor.high = info.high[f];
    std::stringstream items(info.choices[f]);
    for (std::string item; std::getline(items, item, ',');) factor.choices.push_back(item);
    factor.levels = grid_levels;
    factors.push_back(factor);
  }
  if (info.kind == "grid") return engine::grid(factors);
  if (info.kind == "latin_hypercube") return engine::latin_hypercube(factors, info.samples, info.seed);
  if (info.kind == "sobol_saltelli") return engine::sobol_saltelli(factors, info.samples, info.seed);
  if (info.kind == "morris") return engine::morris(factors, info.samples, static_cast<int>(info.base_samples), info.seed);
  throw UsageError("unknown design kind '" + info.kind + "'");
}

// What a sweep concludes: target attainment over all runs, and for Sobol' and Morris designs the
// sensitivity of each key outcome at the horizon, on the replication means of each point.
class SweepConclusions {
 public:
  SweepConclusions(const io::ResultsHeader& header, std::uint32_t points)
      : summary_(header), header_(header), sums_(points, std::vector<double>(engine::key_outcome_indicators().size(), 0.0)), counts_(points, 0) {
    for (const std::string_view name : engine::key_outcome_indicators()) columns_.push_back(model::indicator_index(name));
  }
  void add(const io::RunOutput& run) {
    summary_.add(run);
    if (run.point >= counts_.size()) return;
    const std::size_t width = header_.indicators.size();
    const double* last = run.indicators.data() + (header_.month_labels.size() - 1) * width;
    for (std::size_t k = 0; k < columns_.size(); ++k) sums_[run.point][k] += last[columns_[k]];
    counts_[run.point] += 1;
  }
  io::ResultsSummary conclude(const engine::Design& design) const {
    io::ResultsSummary summary = summary_.summary();
    if (design.kind != "sobol_saltelli" && design.kind != "morris") return summary;
    const auto& names = engine::key_outcome_indicators();
    for (std::size_t k = 0; k < names.size(); ++k) {
      std::vector<double> y(counts_.size());
      for (std::size_t p = 0; p < counts_.size(); ++p) y[p] = counts_[p] > 0 ? sums_[p][k] / counts_[p] : 0.0;
      if (design.kind == "sobol_saltelli") {
        for (const engine::SobolIndices& index : engine::sobol_indices(design, y, 200, design.seed)) {
          io::SensitivityRow row;
          row.indicator = std::string(names[k]);
          row.factor = index.key;
          row.first_order = index.first_order;
          row.first_order_low = index.first_order_interval.low;
          row.first_order_high = index.first_order_interval.high;
          row.total = index.total;
          row.total_low = index.total_interval.low;
          row.total_high = index.total_interval.high;
          row.mu = row.mu_star = row.sigma = std::numeric_limits<double>::quiet_NaN();
          summary.sensitivity.push_back(row);
        }
      } else {
        for (const engine::MorrisEffects& effect : engine::morris_effects(design, y)) {
          io::SensitivityRow row;
          row.indicator = std::string(names[k]);
          row.factor = effect.key;
          row.first_order = row.first_order_low = row.first_order_high = std::numeric_limits<double>::quiet_NaN();
          row.total = row.total_low = row.total_high = std::numeric_limits<double>::quiet_NaN();
          row.mu = effect.mean;
          row.mu_star = effect.mean_absolute;
          row.sigma = effect.deviation;
          summary.sensitivity.push_back(row);
        }
      }
    }
    return summary;
  }

 private:
  engine::SummaryAccumulator summary_;
  const io::ResultsHeader& header_;
  std::vector<int> columns_;
  std::vector<std::vector<double>> sums_;
  std::vector<std::uint32_t> counts_;
};

void print_sensitivity(std::ostream& out, const io::ResultsSummary& summary) {
  if (summary.sensitivity.empty()) return;
  const bool sobol = !std::isnan(summary.sensitivity.front().first_order);
  out << "\nSensitivity of key outcomes at the horizon (replication means of each point)"
      << (sobol ? ": Sobol' first-order S1 and total ST with 95% bootstrap intervals\n" : ": Morris mu, mu* and sigma (per unit-cube step)\n");
  for (const io::SensitivityRow& row : summary.sensitivity) {
    if (row.indicator != "jobs" && row.indicator != "high_tech_cumulative_base" && row.indicator != "ventures_active") continue;
    out << "  " << std::left << std::setw(28) << row.indicator << std::setw(44) << row.factor << std::right;
    if (sobol) {
      out << " S1 " << with_interval(row.first_order, row.first_order_low, row.first_order_high, 3) << "  ST "
          << with_interval(row.total, row.total_low, row.total_high, 3) << "\n";
    } else {
      out << " mu " << number(row.mu, 2) << "  mu* " << number(row.mu_star, 2) << "  sigma " << number(row.sigma, 2) << "\n";
    }
  }
}

// Under mpirun, after every rank wrote its shard: rank 0 merges the ranks' files into `output`
// and removes them; the other ranks say nothing. A rank that failed makes every rank fail.
bool ranks_synchronised = false;  // the ranks' one collective of a sweep has happened

template <typename RankFile>
int finish_ranks(const fs::path& output, int ranks, int rank, RankFile rank_file, bool force, const std::string& command_line,
                 std::ostream& out) {
  ranks_synchronised = true;
  if (!all_ranks_ok(true)) return exit_failure;
  if (rank != 0) return exit_success;
  std::vector<std::string> files;
  for (int r = 0; r < ranks; ++r) files.push_back(rank_file(r).string());
  const int status = merge_shards(output, files, force, command_line, out);
  for (const std::string& file : files) fs::remove(file);
  out << "(" << ranks << " MPI ranks, one shard each, merged by rank 0)\n";
  return status;
}

int sweep_on_this_rank(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out);

int sweep_command(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out) {
  if (world_size() == 1) return sweep_on_this_rank(arguments, command_line, out);
  // Under mpirun a rank that fails still takes part in the ranks' one collective, so no rank waits
  // forever; bad input fails on every rank alike.
  ranks_synchronised = false;
  try {
    return sweep_on_this_rank(arguments, command_line, out);
  } catch (...) {
    if (!ranks_synchronised) (void)all_ranks_ok(false);
    throw;
  }
}

int sweep_on_this_rank(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out) {
  po::options_description options("incubsim sweep SCENARIO --vary KEY=LO:HI[:log] | KEY=a,b,c ... [options]");
  options.add_options()("help,h", "show this help")("scenario", po::value<std::string>(), "scenario TOML file")(
      "vary", po::value<std::vector<std::string>>()->composing(), "a factor: KEY=LO:HI, KEY=LO:HI:log or KEY=a,b,c (repeatable)")(
      "design", po::value<std::string>()->default_value("lhs"), "grid | lhs | sobol | morris")(
      "samples", po::value<std::uint32_t>()->default_value(0), "lhs: points; sobol: base points N (N(k+2) points); morris: trajectories")(
      "levels", po::value<int>()->default_value(0), "grid: levels per numeric factor (default 3); morris: grid levels (default 4, even)")(
      "shard", po::value<std::string>(), "I/N: run only the I-th of N equal slices of the runs (1 <= I <= N); join with incubsim merge");
  add_simulation_options(options, "events", 256);  // sweeps: bigger parts write much faster (docs/performance.md)
  po::positional_options_description positional;
  positional.add("scenario", 1);
  const po::variables_map values = parse_options(arguments, options, positional);
  if (values.count("help")) {
    out << options << "\n";
    return exit_success;
  }
  if (!values.count("scenario")) throw UsageError("sweep needs a scenario file: incubsim sweep SCENARIO.toml --vary KEY=LO:HI ...");
  if (!values.count("vary")) throw UsageError("sweep needs at least one --vary KEY=LO:HI");
  Simulation simulation = read_simulation_options("sweep", values);
  const std::string design_name = values["design"].as<std::string>();
  const std::uint32_t samples = values["samples"].as<std::uint32_t>();
  int levels = values["levels"].as<int>();
  scenario::Scenario base = scenario::load_scenario(values["scenario"].as<std::string>(), simulation.overrides);
  scenario::check_population(base);  // the population cap: exit 2 up front

  std::vector<engine::Factor> factors;
  for (const std::string& vary : values["vary"].as<std::vector<std::string>>()) {
    factors.push_back(parse_vary(vary, base, levels > 0 ? levels : 3));
    for (std::size_t f = 0; f + 1 < factors.size(); ++f) {
      if (factors[f].key == factors.back().key) throw UsageError("--vary '" + factors.back().key + "' is given twice");
    }
  }
  if (levels != 0 && design_name != "grid" && design_name != "morris")
    throw UsageError("--levels applies to --design grid and morris, not " + design_name);
  if (samples != 0 && design_name == "grid") throw UsageError("--samples does not apply to --design grid (its size is the product of the levels)");
  engine::Design design;
  try {
    if (design_name == "grid") {
      design = engine::grid(factors);
    } else if (design_name == "lhs") {
      if (samples < 2) throw UsageError("--design lhs needs --samples N (at least 2 points)");
      design = engine::latin_hypercube(factors, samples, simulation.seed);
    } else if (design_name == "sobol") {
      if (samples < 2) throw UsageError("--design sobol needs --samples N (at least 2 base points; a power of two is best)");
      design = engine::sobol_saltelli(factors, samples, simulation.seed);
    } else if (design_name == "morris") {
      if (samples < 2) throw UsageError("--design morris needs --samples R (at least 2 trajectories)");
      design = engine::morris(factors, samples, levels > 0 ? levels : 4, simulation.seed);
    } else {
      throw UsageError("--design must be grid, lhs, sobol or morris, got '" + design_name + "'");
    }
  } catch (const std::invalid_argument& error) {
    throw UsageError(std::string("--design ") + design_name + ": " + error.what());
  }
  // Each factor's ends (and each choice) must be values the scenario accepts.
  for (std::size_t f = 0; f < factors.size(); ++f) {
    std::vector<double> checks;
    if (factors[f].kind == engine::Factor::Kind::categorical) {
      for (std::size_t c = 0; c < factors[f].choices.size(); ++c) checks.push_back(static_cast<double>(c));
    } else {
      checks = {engine::to_value(factors[f], 0.0), engine::to_value(factors[f], 1.0)};
    }
    for (const double value : checks) {
      std::vector<std::string> overrides = simulation.overrides;
      overrides.push_back(override_text(factors[f], value, base));
      scenario::check_population(scenario::load_scenario(base.path, overrides));  // ScenarioError: exit 2 naming the key
    }
  }
  if (design.points() * static_cast<std::size_t>(simulation.replications) > std::numeric_limits<std::uint32_t>::max())
    throw UsageError("the sweep would have more than 2^32 runs");

  // The shard: runs [first, end) of the whole sweep.
  engine::RunPlan plan;
  plan.scenarios.push_back(&base.setup);
  plan.replications = simulation.replications;
  plan.seed = simulation.seed;
  plan.record = simulation.record;
  plan.points = static_cast<std::uint32_t>(design.points());
  const auto total = static_cast<std::uint32_t>(plan.total_runs());
  std::uint32_t first = 0, end = total;
  std::string shard_text;
  // Under mpirun, rank r runs shard r+1 of K into its own file, and rank 0 merges them.
  const int ranks = world_size();
  const int rank = world_rank();
  if (ranks > 1 && values.count("shard")) throw UsageError("--shard and mpirun do not mix: under mpirun every rank takes its own shard");
  if (ranks > 1) shard_text = std::to_string(rank + 1) + "/" + std::to_string(ranks);
  if (values.count("shard") || ranks > 1) {
    if (values.count("shard")) shard_text = values["shard"].as<std::string>();
    unsigned index = 0, count = 0;
    char slash = 0;
    std::istringstream in(shard_text);
    if (!(in >> index >> slash >> count) || slash != '/' || !in.eof() || count == 0 || index < 1 || index > count)
      throw UsageError("--shard must be I/N with 1 <= I <= N, got '" + shard_text + "'");
    if (count > total) throw UsageError("--shard " + shard_text + ": more shards than the sweep's " + std::to_string(total) + " runs");
    first = static_cast<std::uint32_t>(static_cast<std::uint64_t>(total) * (index - 1) / count);
    end = static_cast<std::uint32_t>(static_cast<std::uint64_t>(total) * index / count);
  }
  if (simulation.output.empty()) {
    std::string name = "sweep-" + base.name;
    if (!shard_text.empty() && ranks == 1) name += ".shard-" + std::to_string(first) + "-" + std::to_string(end);
    simulation.output = fs::path("output") / (name + ".h5");
  }
  const bool resume = simulation.resume;
  const fs::path merged_output = simulation.output;  // under mpirun: what rank 0 merges into
  auto rank_file = [&](int r) {
    fs::path path = merged_output;
    path += ".rank-" + std::to_string(r) + "-of-" + std::to_string(ranks) + ".h5";
    return path;
  };
  if (ranks > 1) {
    if (fs::exists(merged_output) && !simulation.force) throw UsageError("results file '" + merged_output.string() + "' exists; use --force to overwrite it");
    simulation.output = rank_file(rank);
    simulation.quiet = simulation.quiet || rank != 0;
  }
  if (!resume) check_output_free(simulation);
  if (!simulation.output.parent_path().empty()) fs::create_directories(simulation.output.parent_path());

  std::vector<scenario::Scenario> scenarios{base};
  io::ResultsHeader header = make_header("sweep", scenarios, plan);
  header.total_runs = total;
  header.design = design_info(design, samples);
  const std::vector<std::string> base_overrides = simulation.overrides;
  plan.load_point = [&design, &base, &base_overrides](std::uint32_t point) {
    auto loaded = std::make_shared<scenario::Scenario>(
        scenario::load_scenario_point(base.path, point_overrides(design, point, base_overrides, base)));
    engine::LoadedPoint result;
    for (const auto& epoch : loaded->epochs) result.schedule.epochs.emplace_back(epoch.first_month, &epoch.setup);
    result.owner = loaded;
    return result;
  };

  const int thread_count = simulation.threads > 0 ? simulation.threads : tbb::info::default_concurrency();
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(thread_count));
  io::Provenance provenance = start_provenance(command_line, thread_count);
  check_resources(plan, header, first, end, resume, 0, thread_count, simulation.part_runs, simulation.output, simulation.ignore_limits,
                  !simulation.quiet && stderr_is_terminal());
  const auto start = std::chrono::steady_clock::now();

  io::WriterOptions writer_options;
  writer_options.force = simulation.force;
  writer_options.resume = resume;
  writer_options.runs_per_part = simulation.part_runs;
  writer_options.first_run = first;
  writer_options.end_run = end;
  std::optional<io::ResultsWriter> opened;
  if (!open_writer(opened, simulation.output, header, writer_options, out)) return exit_success;
  io::ResultsWriter& writer = *opened;
  SweepConclusions conclusions(header, plan.points);
  Stopwatch writing;
  // A resumed sweep first reads back what its parts hold, so the conclusions cover every run.
  const std::uint32_t resumed_from = writer.next_run();
  read_back_parts(writer, header, [&](const io::RunOutput& run) { conclusions.add(run); });
  if (resumed_from > first) {
    out << "Resuming " << simulation.output.string() << ": " << (resumed_from - first) << " of " << (end - first)
        << " runs are in finished parts\n";
  }
  std::uint64_t venture_months = 0;
  std::size_t done = 0;
  ProgressBar progress(end - resumed_from, !simulation.quiet && stderr_is_terminal());
  const bool whole = first == 0 && end == total;
  io::ResultsSummary concluded;
  keeping_finished_runs(writer, first, end, command_line, [&] {
    engine::execute(plan, resumed_from, end, 2 * static_cast<std::size_t>(thread_count), [&](io::RunOutput&& run) {
      conclusions.add(run);
      venture_months += run.venture_months;
      writing.time([&] { writer.append(std::move(run)); });
      progress.advance(++done);
    });
    progress.finish();
    provenance.finished_utc = utc_now();
    provenance.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (whole) concluded = conclusions.conclude(design);
    writing.time([&] { writer.finish(provenance, whole ? &concluded : nullptr); });
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (ranks > 1) return finish_ranks(merged_output, ranks, rank, rank_file, simulation.force, command_line, out);

  out << "Sweep of " << base.name << ": " << design.kind << " design, " << design.points() << " points x " << simulation.replications
      << " replications, seed " << simulation.seed << (whole ? "" : ", shard " + shard_text + " (runs " + std::to_string(first) + ".." +
                                                                   std::to_string(end - 1) + ")")
      << ", results in " << simulation.output.string() << "\n";
  if (whole) {
    print_targets(out, header, concluded);
    print_sensitivity(out, concluded);
  } else {
    out << "Join the shards with: incubsim merge OUT.h5 SHARD.h5...\n";
  }
  std::ostringstream summary;
  summary << std::fixed << std::setprecision(2) << "incubsim sweep: " << done << " runs, " << with_thousands(venture_months)
          << " venture-months, " << seconds << " s wall, " << with_thousands(static_cast<std::uint64_t>(venture_months / std::max(seconds, 1e-9)))
          << " venture-months/s, " << static_cast<double>(done) / std::max(seconds, 1e-9) << " runs/s, " << thread_count << " threads, writing "
          << 100.0 * writing.seconds() / std::max(seconds, 1e-9) << "% of wall\n";
  out << summary.str();
  return exit_success;
}

// ---- merge ----------------------------------------------------------------------------------

int merge_command(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out) {
  po::options_description options("incubsim merge OUT.h5 SHARD.h5... [--force]");
  options.add_options()("help,h", "show this help")("files", po::value<std::vector<std::string>>(), "output, then shard files")(
      "force", "overwrite an existing output file");
  po::positional_options_description positional;
  positional.add("files", -1);
  const po::variables_map values = parse_options(arguments, options, positional);
  if (values.count("help")) {
    out << options << "\n";
    return exit_success;
  }
  const std::vector<std::string> files = values.count("files") ? values["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (files.size() < 2) throw UsageError("merge needs an output file and at least one shard: incubsim merge OUT.h5 SHARD.h5...");
  return merge_shards(files.front(), std::vector<std::string>(files.begin() + 1, files.end()), values.count("force") > 0, command_line, out);
}

int merge_shards(const fs::path& output, const std::vector<std::string>& shard_files, bool force, const std::string& command_line,
                 std::ostream& out) {
  if (fs::exists(output) && !force) throw UsageError("results file '" + output.string() + "' exists; use --force to overwrite it");
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> files{output.string()};
  files.insert(files.end(), shard_files.begin(), shard_files.end());
  struct Shard {
    fs::path path;
    std::uint32_t first = 0, runs = 0;
  };
  std::vector<Shard> shards;
  std::string plan;
  io::ResultsHeader header;
  for (std::size_t i = 1; i < files.size(); ++i) {
    const fs::path path = files[i];
    if (!fs::exists(path)) throw UsageError("shard '" + path.string() + "' not found");
    try {
      const ReadingResults reading(path.string());
      const io::h5::File file = io::open_results(path);
      const std::string this_plan = file.has_attribute("plan") ? file.read_string_attribute("plan") : std::string();
      if (this_plan.empty()) throw UsageError("'" + path.string() + "' has no plan fingerprint: not a shard of this incubsim's sweeps");
      if (plan.empty()) {
        plan = this_plan;
        header = io::read_header(path);
      } else if (this_plan != plan) {
        throw UsageError("'" + path.string() + "' belongs to a different sweep (plan " + this_plan + ", not " + plan + ")");
      }
      const std::vector<std::uint32_t> runs = io::read_column<std::uint32_t>(path, "/runs/run");
      if (runs.empty()) throw UsageError("'" + path.string() + "' holds no runs");
      shards.push_back(Shard{path, runs.front(), static_cast<std::uint32_t>(runs.size())});
    } catch (const io::ResultsError& error) {
      throw UsageError(error.what());
    }
  }
  if (header.command != "sweep") throw UsageError("merge joins shards of a sweep; '" + files[1] + "' is from '" + header.command + "'");
  std::sort(shards.begin(), shards.end(), [](const Shard& a, const Shard& b) { return a.first < b.first; });
  std::uint32_t next = 0;
  for (const Shard& shard : shards) {
    if (shard.first < next) throw UsageError("'" + shard.path.string() + "' overlaps another shard (runs from " + std::to_string(shard.first) + ")");
    if (shard.first > next) throw UsageError("runs " + std::to_string(next) + ".." + std::to_string(shard.first - 1) + " are missing: no shard holds them");
    next = shard.first + shard.runs;
  }
  if (next != header.total_runs) throw UsageError("runs " + std::to_string(next) + ".." + std::to_string(header.total_runs - 1) + " are missing: no shard holds them");

  const engine::Design design = design_from(header.design, static_cast<int>(header.design.base_samples));
  SweepConclusions conclusions(header, header.design.points);
  try {
    for (const Shard& shard : shards) {
      const ReadingResults reading(shard.path.string());
      io::for_each_run_summary(shard.path, header, [&](const io::RunOutput& run) { conclusions.add(run); });
    }
  } catch (const io::ResultsError& error) {
    throw UsageError(error.what());  // a damaged shard: bad input, nothing written
  }
  const io::ResultsSummary concluded = conclusions.conclude(design);
  io::Provenance provenance = start_provenance(command_line, 0);
  std::vector<std::pair<fs::path, std::pair<std::uint32_t, std::uint32_t>>> parts;
  for (const Shard& shard : shards) parts.push_back({shard.path, {shard.first, shard.runs}});
  provenance.finished_utc = utc_now();
  provenance.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  io::assemble_results(output, header, parts, provenance, concluded);
  out << "Merged " << shards.size() << " shards (" << header.total_runs << " runs) into " << output.string() << "\n";
  print_targets(out, header, concluded);
  print_sensitivity(out, concluded);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << "incubsim merge: " << header.total_runs << " runs, 0 venture-months simulated, " << std::fixed << std::setprecision(2) << seconds
      << " s wall\n";
  return exit_success;
}

int check_command(const std::vector<std::string>& arguments, std::ostream& out) {
  po::options_description options("incubsim check SCENARIO [--set KEY=VALUE]...");
  options.add_options()("help,h", "show this help")("scenario", po::value<std::string>(), "scenario TOML file")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a parameter: KEY=VALUE");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  const auto start = std::chrono::steady_clock::now();
  const po::variables_map values = parse_options(arguments, options, positional);
  if (values.count("help")) {
    out << options << "\n";
    return exit_success;
  }
  if (!values.count("scenario")) throw UsageError("check needs a scenario file: incubsim check SCENARIO.toml");
  const std::vector<std::string> overrides = values.count("set") ? values["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const scenario::Scenario scenario = scenario::load_scenario(values["scenario"].as<std::string>(), overrides);
  out << scenario.resolved_text;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << "# incubsim check: scenario '" << scenario.name << "' is valid: " << scenario.setup.carriers.size() << " carriers, "
      << scenario.setup.targets.size() << " targets, " << scenario.setup.months << " months, " << scenario.schedule.size()
      << " scheduled changes, " << scenario.uncertainty.size() << " declared ranges; 0 runs, 0 venture-months, "
      << std::fixed << std::setprecision(3) << seconds << " s wall\n";
  return exit_success;
}

int diff_command(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  po::options_description options("incubsim diff BASELINE ALTERNATIVE...");
  options.add_options()("help,h", "show this help")("scenarios", po::value<std::vector<std::string>>(), "scenario TOML files");
  po::positional_options_description positional;
  positional.add("scenarios", -1);
  const auto start = std::chrono::steady_clock::now();
  const po::variables_map values = parse_options(arguments, options, positional);
  if (values.count("help")) {
    out << options << "\n";
    return exit_success;
  }
  const std::vector<std::string> files = values.count("scenarios") ? values["scenarios"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (files.size() < 2) throw UsageError("diff needs a baseline and at least one alternative: incubsim diff BASELINE.toml ALTERNATIVE.toml...");
  const scenario::Scenario baseline = scenario::load_scenario(files.front());
  std::vector<scenario::Scenario> alternatives;
  for (std::size_t i = 1; i < files.size(); ++i) alternatives.push_back(scenario::load_scenario(files[i]));
  out << scenario::differences_markdown(baseline, alternatives);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  err << "incubsim diff: " << alternatives.size() << " alternative" << (alternatives.size() == 1 ? "" : "s") << " against '" << baseline.name
      << "'; 0 runs, 0 venture-months, " << std::fixed << std::setprecision(3) << seconds << " s wall\n";
  return exit_success;
}

int params_command(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  po::options_description options("incubsim params [--markdown | --indicators [--markdown] | --results-table GROUP]");
  options.add_options()("help,h", "show this help")("markdown", "print docs/parameters.md (with --indicators: the indicator table of docs/odd.md)")(
      "indicators", "list the indicators (name, unit, scope, measure, description) targets can name")(
      "results-table", po::value<std::string>(), "print the columns of a results file table (runs, events, ...) as docs/output-format.md shows them");
  const po::variables_map values = parse_options(arguments, options, {});
  if (values.count("help")) {
    out << options << "\n";
    return exit_success;
  }
  if (values.count("results-table")) {
    const std::string group = values["results-table"].as<std::string>();
    try {
      out << io::schema::table_markdown(group);
    } catch (const std::invalid_argument& error) {
      throw UsageError(error.what());
    }
    err << "incubsim params: the /" << group << " table; 0 runs, 0 venture-months\n";
    return exit_success;
  }
  if (values.count("indicators")) {
    out << (values.count("markdown") ? model::indicators_markdown() : model::indicators_text());
    err << "incubsim params: " << model::indicator_registry().size() << " indicators; 0 runs, 0 venture-months\n";
    return exit_success;
  }
  out << (values.count("markdown") ? scenario::parameters_markdown() : scenario::parameters_text());
  // The summary goes to standard error: standard output is the product (docs/parameters.md).
  err << "incubsim params: " << scenario::parameter_registry().all_specs().size() << " keys; 0 runs, 0 venture-months\n";
  return exit_success;
}

int info_command(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  po::options_description options("incubsim info FILE.h5");
  options.add_options()("help,h", "show this help")("file", po::value<std::string>(), "results file");
  po::positional_options_description positional;
  positional.add("file", 1);
  const po::variables_map values = parse_options(arguments, options, positional);
  if (values.count("help")) {
    out << options << "\n";
    return exit_success;
  }
  if (!values.count("file")) throw UsageError("info needs a results file: incubsim info FILE.h5");
  const fs::path file = values["file"].as<std::string>();
  if (!fs::exists(file)) throw UsageError("results file '" + file.string() + "' not found");
  const auto start = std::chrono::steady_clock::now();
  try {
    const ReadingResults reading(file.string());
    out << io::describe_results(file);
  } catch (const io::ResultsError& error) {
    throw UsageError(error.what());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  err << "incubsim info: 0 runs, 0 venture-months, " << std::fixed << std::setprecision(3) << seconds << " s wall\n";
  return exit_success;
}

namespace {

// A path given on the command line that the system refuses to look up or use: a bad input
// (exit 2), not a failure of the command.
bool unusable_path(const std::error_code& error) {
  for (const std::errc reason : {std::errc::filename_too_long, std::errc::not_a_directory, std::errc::too_many_symbolic_link_levels,
                                 std::errc::permission_denied, std::errc::operation_not_permitted, std::errc::read_only_file_system,
                                 std::errc::no_such_file_or_directory, std::errc::is_a_directory, std::errc::invalid_argument})
    if (error == reason) return true;
  return false;
}

}  // namespace

int dispatch(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out, std::ostream& err) {
  const std::string usage =
      "usage: incubsim <command> [options]\n"
      "  run SCENARIO [-r N] [--seed S] [-o FILE.h5] [--set K=V]... [--record LEVEL] [--threads N] [--resume] [--force] [--ignore-limits] [-q]\n"
      "  compare REFERENCE OTHER... [-r N] [...]  paired comparison on common random numbers\n"
      "  sweep SCENARIO --vary K=LO:HI... [--design grid|lhs|sobol|morris] [--samples N] [--resume] [--shard I/N] [...]\n"
      "  merge OUT.h5 SHARD.h5...        join the shards of a sweep\n"
      "  check SCENARIO [--set K=V]...   validate, print the resolved scenario\n"
      "  diff BASELINE ALTERNATIVE...    the parameters each alternative changes, with ranges and sources\n"
      "  params [--markdown|--indicators] the parameter registry, or the indicators\n"
      "  info FILE.h5                    summarise a results file\n"
      "  export FILE.h5 --csv DIR [--force]  one CSV file per table, for spreadsheets\n"
      "exit codes: 0 success, 1 runtime failure, 2 bad input\n";
  if (arguments.empty() || arguments[0] == "--help" || arguments[0] == "-h" || arguments[0] == "help") {
    (arguments.empty() ? err : out) << usage;
    return arguments.empty() ? exit_bad_input : exit_success;
  }
  if (arguments[0] == "--version") {
    out << "incubsim " << incubsim::version << " (" << incubsim::git_commit << ")\n";
    return exit_success;
  }
  const std::string command = arguments[0];
  const std::vector<std::string> rest(arguments.begin() + 1, arguments.end());
  try {
    if (command == "run") return run_command(rest, command_line, out);
    if (command == "compare") return compare_command(rest, command_line, out);
    if (command == "sweep") return sweep_command(rest, command_line, out);
    if (command == "merge") return merge_command(rest, command_line, out);
    if (command == "check") return check_command(rest, out);
    if (command == "diff") return diff_command(rest, out, err);
    if (command == "params") return params_command(rest, out, err);
    if (command == "info") return info_command(rest, out, err);
    if (command == "export") return export_command(rest, out);
    const std::string suggestion = scenario::closest_match(command, {"run", "compare", "sweep", "merge", "check", "diff", "params", "info", "export"});
    err << "incubsim: unknown command '" << command << "'" << (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)") << "\n"
        << usage;
    return exit_bad_input;
  } catch (const scenario::ScenarioError& error) {
    err << "incubsim " << command << ": invalid scenario\n" << error.what() << "\n";
    return exit_bad_input;
  } catch (const UsageError& error) {
    err << "incubsim " << command << ": " << error.what() << "\n";
    return exit_bad_input;
  } catch (const Stopped& stopped) {
    err << "incubsim " << command << ": " << stopped.what() << "\n";
    return stopped.code();
  } catch (const fs::filesystem_error& error) {
    const bool bad_input = unusable_path(error.code());
    err << "incubsim " << command << ": " << (bad_input ? "" : "error: ") << "cannot use '" << error.path1().string()
        << "': " << error.code().message() << "\n";
    return bad_input ? exit_bad_input : exit_failure;
  } catch (const std::exception& error) {
    err << "incubsim " << command << ": error: " << error.what() << "\n";
    return exit_failure;
  }
}

}  // namespace incubsim::app
