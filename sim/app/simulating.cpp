#include "app/simulating.hpp"

#include <optional>

#include "app/commands.hpp"
#include "app/progress.hpp"
#include "app/signals.hpp"

namespace incubsim::app {
namespace {

namespace po = boost::program_options;

io::RecordLevel parse_record_level(const std::string& text) {
  if (text == "indicators") return io::RecordLevel::indicators;
  if (text == "events") return io::RecordLevel::events;
  if (text == "trajectories") return io::RecordLevel::trajectories;
  throw UsageError("--record must be indicators, events or trajectories, got '" + text + "'");
}

}  // namespace

void add_simulation_options(po::options_description& options, const char* record_default, std::uint32_t part_runs) {
  options.add_options()
      ("replications,r", po::value<std::uint32_t>()->default_value(10), "replications (per scenario)")
      ("seed", po::value<std::uint32_t>()->default_value(engine::default_seed), "base seed (32-bit)")
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

Simulation read_simulation_options(const std::string& command, const po::variables_map& values, const std::string& command_line) {
  Simulation simulation;
  engine::ExperimentPlan& plan = simulation.plan;
  plan.command = command;
  plan.command_line = command_line;
  plan.replications = values["replications"].as<std::uint32_t>();
  if (plan.replications == 0) throw UsageError("--replications must be at least 1");
  plan.threads = values["threads"].as<int>();
  if (plan.threads < 0) throw UsageError("--threads must be 0 (all cores) or more");
  plan.part_runs = values["part-runs"].as<std::uint32_t>();
  if (plan.part_runs == 0) throw UsageError("--part-runs must be at least 1");
  plan.record = parse_record_level(values["record"].as<std::string>());
  plan.seed = values["seed"].as<std::uint32_t>();
  plan.force = values.count("force") > 0;
  plan.resume = values.count("resume") > 0;
  if (plan.force && plan.resume) throw UsageError("--resume keeps the finished parts and --force discards them: give one");
  simulation.quiet = values.count("quiet") > 0;
  plan.ignore_limits = values.count("ignore-limits") > 0;
  if (values.count("output")) plan.output = values["output"].as<std::string>();
  if (values.count("set")) plan.overrides = values["set"].as<std::vector<std::string>>();
  return simulation;
}

void read_guarded(const std::string& path, const std::function<void()>& read) {
  const ReadingResults reading(path);
  read();
}

engine::ExperimentResult simulate(const Simulation& simulation, std::ostream& out) {
  const bool on_terminal = !simulation.quiet && stderr_is_terminal();
  std::optional<ProgressBar> progress;  // cleared from the terminal when done, stopped or failed
  engine::ExperimentObserver observer;
  observer.show_estimate = on_terminal;
  observer.guarded_read = read_guarded;
  observer.resuming = [&](std::uint32_t kept, std::uint32_t asked) {
    out << "Resuming " << simulation.plan.output.string() << ": " << kept << " of " << asked << " runs are in finished parts\n";
  };
  observer.started = [&](std::size_t runs) { progress.emplace(runs, on_terminal); };
  observer.advanced = [&](std::size_t done) { progress->advance(done); };
  observer.finished = [&] { progress->finish(); };
  engine::ExperimentResult result = engine::run_experiment(simulation.plan, observer);
  if (result.already_complete) out << result.already_complete_message << "\n";
  return result;
}

}  // namespace incubsim::app
