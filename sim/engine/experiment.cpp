#include "engine/experiment.hpp"

#include <csignal>

#include <chrono>
#include <sstream>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include "engine/cancellation.hpp"
#include "engine/conclusions.hpp"
#include "engine/provenance.hpp"
#include "engine/resources.hpp"
#include "engine/robustness_points.hpp"
#include "engine/runner.hpp"
#include "engine/scenario_runs.hpp"
#include "engine/sweep.hpp"
#include "io/results_reader.hpp"
#include "io/results_writer.hpp"

namespace incubsim::engine {
namespace {

namespace fs = std::filesystem;

constexpr int exit_failure = 1;  // the command line's code for a runtime failure

// Seconds spent in a piece of work, summed over calls: the writer's share of the wall time.
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
// and how to resume. Bad input (InvalidExperiment, ScenarioError) passes through unchanged.
template <typename Work>
void keeping_finished_runs(io::ResultsWriter& writer, std::uint32_t first, std::uint32_t end, const std::string& command_line, Work&& work) {
  const auto kept = [&] {
    return std::to_string(writer.runs_in_parts() - first) + " of " + std::to_string(end - first) + " runs are kept in " +
           writer.parts_directory().string() + "/ (" + writer.final_path().string() + " was not written)";
  };
  try {
    work();
  } catch (const Interrupted&) {
    const int signal = stop_signal();
    std::string lost;
    try {
      writer.flush();
    } catch (const std::exception& error) {
      lost = "; the runs since the last part were lost: " + std::string(error.what());
    }
    throw Stopped("stopped by " + signal_name(signal) + ": " + kept() + lost + "\nresume with: " + resume_command(command_line),
                  signal > 0 ? 128 + signal : exit_failure);
  } catch (const InvalidExperiment&) {
    throw;
  } catch (const scenario::ScenarioError&) {
    throw;
  } catch (const std::exception& error) {
    throw Stopped("error: " + std::string(error.what()) + "\n" + kept() + "; once the cause is fixed, resume with: " +
                      resume_command(command_line),
                  exit_failure);
  }
}

void check_output_free(const fs::path& output, bool force) {
  if (fs::exists(output) && !force) throw InvalidExperiment("results file '" + output.string() + "' exists; use --force to overwrite it");
  if (fs::exists(io::parts_directory_for(output)) && !force) {
    throw InvalidExperiment("'" + io::parts_directory_for(output).string() +
                            "' holds parts of an earlier, unfinished command; finish it with --resume or discard them with --force");
  }
}

// Opens the writer into `opened`, fresh or resuming. Returns false, with the writer's message in
// `complete`, when a resume finds this experiment's result already complete (e.g. killed after the
// file was written: a retry loop may stop). Another command's parts, or nothing to resume beside
// another result, is bad input, with nothing touched.
bool open_writer(std::optional<io::ResultsWriter>& opened, const fs::path& output, const io::ResultsHeader& header,
                 const io::WriterOptions& options, std::string& complete) {
  try {
    opened.emplace(output, header, options);
    return true;
  } catch (const io::AlreadyComplete& already) {
    complete = already.what();
    return false;
  } catch (const io::ResultsError& error) {
    throw InvalidExperiment(error.what());
  }
}

// Reads back the runs of a resumed experiment's finished parts (checked against its own header,
// so a damaged or foreign part cannot feed conclusions of another shape). A part that cannot be
// read is bad input, the parts left as they are.
void read_back_parts(const io::ResultsWriter& writer, const io::ResultsHeader& header, const GuardedRead& guarded_read,
                     const std::function<void(const io::RunOutput&)>& visit) {
  for (const fs::path& part : writer.part_files()) {
    try {
      const auto read = [&] { io::for_each_run_summary(part, header, visit); };
      if (guarded_read) {
        guarded_read(part.string(), read);
      } else {
        read();
      }
    } catch (const io::ResultsError& error) {
      throw InvalidExperiment("cannot resume: " + std::string(error.what()) + "; discard the parts with --force to start again");
    }
  }
}

// A sweep's runs: every point of the design over the base scenario, each loaded when its first
// run starts. The plan points into `base` and `points`.
RunPlan sweep_run_plan(const ExperimentPlan& experiment, const PointOverrides& points) {
  const scenario::Scenario& base = experiment.scenarios.front();
  RunPlan plan;
  plan.scenarios.push_back(&base.setup);
  plan.replications = experiment.replications;
  plan.seed = experiment.seed;
  plan.record = experiment.record;
  plan.points = static_cast<std::uint32_t>(experiment.sweep->design.points());
  plan.load_point = [&base, &points](std::uint32_t point) {
    auto loaded = std::make_shared<scenario::Scenario>(scenario::load_scenario_point(base.path, points.at(point)));
    LoadedPoint result;
    for (const auto& epoch : loaded->epochs) result.schedule.epochs.emplace_back(epoch.first_month, &epoch.setup);
    result.owner = loaded;
    return result;
  };
  return plan;
}

}  // namespace

ExperimentResult run_experiment(const ExperimentPlan& experiment, const ExperimentObserver& observer) {
  const fs::path& output = experiment.output;
  if (!experiment.resume) check_output_free(output, experiment.force);
  RobustnessPoints robustness_points;
  if (experiment.robustness_points > 0)
    robustness_points = prepare_robustness(experiment.scenarios, experiment.overrides, experiment.robustness_points, experiment.seed);
  if (!output.parent_path().empty()) fs::create_directories(output.parent_path());

  const SweepPlan* sweep = experiment.sweep ? &*experiment.sweep : nullptr;
  std::optional<PointOverrides> points;
  ScenarioPlan planned;
  if (sweep != nullptr) {
    points.emplace(sweep->design, experiment.scenarios.front(), experiment.overrides);
    planned.plan = sweep_run_plan(experiment, *points);
  } else {
    planned = plan_scenarios(experiment.scenarios, experiment.replications, experiment.seed, experiment.record);
  }
  const RunPlan& plan = planned.plan;
  ExperimentResult result;
  result.header = results_header(experiment.command, experiment.scenarios, plan);
  if (sweep != nullptr) result.header.design = design_info(sweep->design, sweep->samples);
  const io::ResultsHeader& header = result.header;
  const auto total = static_cast<std::uint32_t>(plan.total_runs());
  const std::uint32_t first = sweep != nullptr ? sweep->first_run : 0;
  const std::uint32_t end = sweep != nullptr && sweep->end_run > 0 ? sweep->end_run : total;
  result.first_run = first;
  result.end_run = end;

  const int threads = experiment.threads > 0 ? experiment.threads : tbb::info::default_concurrency();
  result.threads = threads;
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  io::Provenance provenance = start_provenance(experiment.command_line, threads);
  const std::uint64_t robustness_runs = static_cast<std::uint64_t>(experiment.robustness_points) * total;
  check_resources(plan, header, first, end, experiment.resume, robustness_runs, threads, experiment.part_runs, output,
                  experiment.ignore_limits, observer.show_estimate);

  const auto start = std::chrono::steady_clock::now();
  std::optional<io::ResultsWriter> opened;
  const io::WriterOptions writer_options{experiment.force, experiment.resume, experiment.part_runs, first, end};
  if (!open_writer(opened, output, header, writer_options, result.already_complete_message)) {
    result.already_complete = true;
    return result;
  }
  io::ResultsWriter& writer = *opened;
  Conclusions conclusions = sweep != nullptr ? Conclusions(header, sweep->design) : Conclusions(header, experiment.command == "compare");
  // A resumed experiment first reads back what its parts hold, so the conclusions cover every run.
  const std::uint32_t resumed_from = writer.next_run();
  read_back_parts(writer, header, observer.guarded_read, [&](const io::RunOutput& run) { conclusions.add(run); });
  if (resumed_from > first && observer.resuming) observer.resuming(resumed_from - first, end - first);

  Stopwatch writing;
  const auto ran = [&](const io::RunOutput& run) {
    result.venture_months += run.venture_months;
    ++result.runs_simulated;
    if (observer.advanced) observer.advanced(result.runs_simulated);
  };
  if (observer.started) observer.started(end - resumed_from + robustness_runs);
  result.concluded = first == 0 && end == total;
  keeping_finished_runs(writer, first, end, experiment.command_line, [&] {
    execute(plan, resumed_from, end, 2 * static_cast<std::size_t>(threads), [&](io::RunOutput&& run) {
      conclusions.add(run);
      ran(run);
      writing.time([&] { writer.append(std::move(run)); });
    });
    io::RobustnessResult robustness;
    if (experiment.robustness_points > 0)
      robustness = run_robustness(std::move(robustness_points), experiment.replications, experiment.seed, threads, ran);
    if (observer.finished) observer.finished();
    finish_provenance(provenance, start);
    if (result.concluded) {
      result.summary = conclusions.conclude();
      result.summary.robustness = std::move(robustness);
    }
    writing.time([&] { writer.finish(provenance, result.concluded ? &result.summary : nullptr); });
  });
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.writing_seconds = writing.seconds();
  return result;
}

}  // namespace incubsim::engine
