#pragma once
// An experiment, the engine's one way to simulate into a results file (`incubsim run`, `compare`
// and `sweep` all call it): the runs of one or more scenarios on common random numbers (with
// robustness points for compare --robustness), or of one scenario at the points of a design
// (a sweep, or a shard of one). One pipeline: check the output and the resources, open the
// crash-safe writer (fresh or resuming), read back the runs of finished parts, execute the rest,
// finish the file, conclude. A stop request (engine/cancellation.hpp) or a failed write ends it
// with Stopped, its finished runs kept for a resume; bad input ends it with InvalidExperiment or
// scenario::ScenarioError before anything is written.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/design.hpp"
#include "engine/experiment_errors.hpp"
#include "io/results.hpp"
#include "scenario/loader.hpp"

namespace incubsim::engine {

inline constexpr std::uint32_t default_seed = 20210729;  // the plan's date of issue

// A sweep: the points of `design` over the one scenario of the plan, or the shard of its runs
// first_run .. end_run - 1 (end_run 0: all). A shard's file holds no conclusions.
struct SweepPlan {
  Design design;
  std::uint32_t samples = 0;  // as asked; stored with the design
  std::uint32_t first_run = 0;
  std::uint32_t end_run = 0;
};

struct ExperimentPlan {
  // Stored in the file. "compare" also compares every scenario with the first, paired.
  std::string command = "run";
  std::vector<scenario::Scenario> scenarios;  // a sweep: the one base scenario
  // The --set overrides the scenarios were loaded with: robustness and design points reload the
  // scenarios with these first.
  std::vector<std::string> overrides;
  std::uint32_t replications = 10;
  std::uint32_t seed = default_seed;
  io::RecordLevel record = io::RecordLevel::trajectories;
  std::filesystem::path output;
  int threads = 0;  // 0: all cores
  std::uint32_t part_runs = 16;   // runs per crash-safe part file
  bool force = false;             // overwrite the output and discard leftover parts
  bool resume = false;            // continue from the parts of an interrupted identical experiment
  bool ignore_limits = false;     // run whatever the resource estimate (engine/resources.hpp)
  std::uint32_t robustness_points = 0;  // compare: M Latin-hypercube points over the declared ranges
  std::optional<SweepPlan> sweep;
  // Stored in the provenance; the resume hint after a stop repeats it with --resume.
  std::string command_line;
};

// Reads a results file that may be damaged: calls `read` (the command line guards it against a
// libhdf5 crash, app/signals.hpp). Empty: just reads.
using GuardedRead = std::function<void(const std::string& path, const std::function<void()>& read)>;

// How the caller follows an experiment; every member may be left empty. Called on the caller's
// thread.
struct ExperimentObserver {
  std::function<void(std::uint32_t runs_kept, std::uint32_t runs_asked)> resuming;  // a resume found finished parts
  std::function<void(std::size_t runs)> started;  // runs to simulate from now on
  std::function<void(std::size_t done)> advanced;  // after each run
  std::function<void()> finished;                  // all simulated, before the file is assembled
  GuardedRead guarded_read;
  bool show_estimate = false;  // write the resource estimate as one line on standard error
};

struct ExperimentResult {
  // A resume found this experiment's file already complete (nothing ran); the message says so.
  bool already_complete = false;
  std::string already_complete_message;
  io::ResultsHeader header;
  bool concluded = false;      // false for a shard: its summary is empty
  io::ResultsSummary summary;  // what the file's summary groups hold
  std::uint32_t first_run = 0, end_run = 0;  // the runs in the file
  std::size_t runs_simulated = 0;  // this time (robustness runs included, resumed parts not)
  std::uint64_t venture_months = 0;
  double wall_seconds = 0.0;       // the whole experiment, the final assembly of the file included
  double writing_seconds = 0.0;    // of which the writer
  int threads = 0;
};

ExperimentResult run_experiment(const ExperimentPlan& plan, const ExperimentObserver& observer = {});

}  // namespace incubsim::engine
