#pragma once
// Resource limits before a command simulates: an estimate of its peak memory and of the disk its
// results take (final file, and the part files beside it while it is assembled), compared with
// what the machine has. A command that cannot fit is refused (InvalidExperiment, exit 2) before anything
// is written, unless --ignore-limits. Method and measured accuracy: docs/reliability.md,
// "Resource limits".
//
// The estimate is a pilot: replication 0 of each scenario (or of up to 16 extreme points of a
// sweep's design) is simulated once, at record level `events` at most (trajectory rows are
// exactly the run's venture-months), and its counts (ventures, venture-months, events) are
// multiplied by the plan's counts and by bytes per row: in memory sizeof the records, on disk
// the compression measured on real files. A pilot whose expected population is too large to
// simulate quickly is run with fewer potential entrants and scaled back up.

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "engine/runner.hpp"
#include "io/results.hpp"

namespace incubsim::engine {

// What one run holds: measured by a pilot run (or scaled from one).
struct RunFootprint {
  double ventures = 0.0;         // ventures that ever existed
  double venture_months = 0.0;   // = trajectory rows
  double events = 0.0;           // event rows
  double scale = 1.0;            // 1 / the entrant scale the pilot ran at (1: the scenario as given)
};

// Simulates `spec` of `schedule` once as a pilot (record level events at most) and returns its
// footprint. A schedule whose expected venture-months exceed `budget_venture_months` is run with
// its potential entrants scaled down to fit the budget, and the counts are scaled back up.
RunFootprint pilot_run(const engine::ScenarioSchedule& schedule, const engine::RunSpec& spec,
                       double budget_venture_months = 2e7);

// A command's plan as the estimate needs it.
struct ResourcePlan {
  std::string command;  // run, compare, sweep
  io::RecordLevel record = io::RecordLevel::events;
  std::uint64_t runs = 0;            // runs simulated and written from now on (a resume: the rest)
  std::uint64_t file_runs = 0;       // runs in the final file (a resume: also those in finished parts)
  std::uint64_t unwritten_runs = 0;  // simulated, not written (compare --robustness), record indicators
  std::uint32_t part_runs = 16;
  int threads = 1;
  std::size_t months = 0;
  std::size_t indicators = 0;
  std::size_t targets = 0;           // /targets/met columns
  std::size_t scenarios = 1;
  std::uint64_t header_bytes = 0;    // resolved scenario texts and a sweep's design matrices
  std::uint64_t process_bytes = 0;   // resident memory already in use (VmRSS before the runs)
  std::vector<RunFootprint> pilots;  // one or more; the mean sizes the output, the largest the memory
};

struct ResourceEstimate {
  // Peak memory, bytes: the process so far, runs in flight (at most 2 x threads), the writer's
  // part buffer (part_runs runs), the writer's blocks and the final file's chunk index.
  std::uint64_t memory_process = 0;
  std::uint64_t memory_in_flight = 0;
  std::uint64_t memory_part_buffer = 0;
  std::uint64_t memory_writer = 0;
  std::uint64_t memory = 0;
  // Disk, bytes: the final file, and the part files that exist beside its .tmp during assembly
  // (one compressed part copied when everything fits in one part).
  std::uint64_t file = 0;
  std::uint64_t parts = 0;
  std::uint64_t disk = 0;
  // Per run (mean over pilots): bytes in the final file, and in memory (largest pilot).
  double run_file_bytes = 0.0;
  double run_memory_bytes = 0.0;
  std::uint64_t runs = 0;
  io::RecordLevel record = io::RecordLevel::events;
};

ResourceEstimate estimate(const ResourcePlan& plan);

// What the machine offers. Memory: MemAvailable of /proc/meminfo, bounded by a cgroup v2 limit
// (memory.max - memory.current) when one is set. Disk: statvfs free space (f_bavail) of the
// output's directory (its nearest existing ancestor). INCUBSIM_AVAILABLE_MEMORY and
// INCUBSIM_AVAILABLE_DISK (bytes) replace the measured figures (tests).
struct Availability {
  std::uint64_t memory = 0;
  std::string memory_source;  // "MemAvailable", "cgroup memory.max", "INCUBSIM_AVAILABLE_MEMORY"
  std::uint64_t disk = 0;
  std::filesystem::path disk_path;  // the directory measured
  bool disk_override = false;
};
Availability available(const std::filesystem::path& output);

// "48.2 GB", "731.0 MB", "12.0 kB" (decimal units, as ls -lh --si and df -H).
std::string human_bytes(double bytes);

// One line: "estimated peak memory 61.2 MB (...), output 5.4 MB (...)".
std::string describe(const ResourceEstimate& estimate);

// Throws InvalidExperiment when the estimate exceeds what is available (disk first, then memory).
void check_fits(const ResourceEstimate& estimate, const Availability& availability);

// Runs already in the finished parts of "<output>.parts" (its manifest.tsv); 0 without one.
std::uint64_t runs_in_finished_parts(const std::filesystem::path& output);

// The whole check for a command: pilots the plan (replication 0 of each scenario; for a sweep up
// to 16 extreme design points, loaded with plan.load_point), estimates runs first_run..end_run-1
// (minus those in finished parts when `resume`), and throws InvalidExperiment when they do not fit,
// unless `ignore_limits`. With `show`, writes the estimate as one line on standard error. With
// `resume` and a final file but no parts, does nothing (the writer reports the file complete).
ResourceEstimate check_resources(const engine::RunPlan& plan, const io::ResultsHeader& header, std::uint32_t first_run,
                                 std::uint32_t end_run, bool resume, std::uint64_t unwritten_runs, int threads,
                                 std::uint32_t part_runs, const std::filesystem::path& output, bool ignore_limits, bool show);

}  // namespace incubsim::engine
