// libFuzzer target: incubsim's checks of results files (sim/io/results_reader.hpp and friends).
//
// Input: the bytes of a results file (HDF5). They are written to a private directory and handed
// to the paths a user's file takes (info always; one of the other three, by a hash of the bytes,
// or all three with INCUBSIM_FUZZ_ALL_PATHS=1, which the replay driver sets):
//   info    io::describe_results (what `incubsim info FILE.h5` prints)
//   merge   app::merge_command OUT.h5 FILE.h5 --force, in-process (shard checks: plan attribute,
//           header, /runs/run, every run summary; for a whole sweep shard also the assembly)
//   export  io::read_header (export's check before touching DIR), then io::export_csv into a fresh
//           directory (every table's checks)
//   resume  the file as the first part of an interrupted sweep (`sweep --resume`): a manifest
//           lists it, io::ResultsWriter with WriterOptions.resume continues the parts, the sweep's
//           read-back of the parts (io::for_each_run_summary into engine::SummaryAccumulator and
//           the sweep's per-point sums), one more run appended, finish() assembles the file. (The
//           writer covers runs 0 .. k of the sweep, k the part's runs, as for a shard.)
//           The command's header is that of the seed part tests/fuzz/corpus/results/sweep-part.h5
//           (made by tests/fuzz/make-corpus.sh); without it this path is skipped.
// Only io::ResultsError (and engine::InvalidExperiment from merge, which wraps it) may escape; any
// other exception, a crash or a sanitizer report is a finding.

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.hpp"
#include "engine/experiment_errors.hpp"
#include "engine/summary.hpp"
#include "fuzz_common.hpp"
#include "io/csv_export.hpp"
#include "io/hdf5.hpp"
#include "io/results_reader.hpp"
#include "io/results_writer.hpp"
#include "model/indicators.hpp"

namespace fs = std::filesystem;
using incubsim::io::ResultsError;

namespace {

// Keeps the read-back of the resumed runs from being optimised away.
volatile double resumed_sink = 0.0;

const fs::path& directory() { return incubsim::fuzz::scratch_directory("fuzz-results"); }

// The interrupted sweep whose first part the input stands for.
struct ResumeReference {
  incubsim::io::ResultsHeader header;
  std::vector<incubsim::io::RunOutput> part_runs;  // the seed part's runs (0 .. k-1)
  incubsim::io::RunOutput next;                    // run k, appended after the read-back
};

const std::optional<ResumeReference>& resume_reference() {
  static const std::optional<ResumeReference> reference = []() -> std::optional<ResumeReference> {
    const fs::path seed = fs::path(INCUBSIM_SOURCE_DIR) / "tests/fuzz/corpus/results/sweep-part.h5";
    if (!fs::exists(seed)) {
      std::fprintf(stderr, "fuzz_results: %s missing (tests/fuzz/make-corpus.sh): the resume path is not fuzzed\n", seed.c_str());
      return std::nullopt;
    }
    ResumeReference r;
    r.header = incubsim::io::read_header(seed);
    r.part_runs = incubsim::io::read_runs(seed);
    if (r.part_runs.empty() || r.part_runs.front().run != 0 || r.part_runs.size() >= r.header.total_runs)
      incubsim::fuzz::finding("setup", seed.string() + ": not the first part of a sweep with further runs");
    r.next = r.part_runs.front();
    r.next.run = static_cast<std::uint32_t>(r.part_runs.size());
    return r;
  }();
  return reference;
}

void info(const fs::path& file) { (void)incubsim::io::describe_results(file); }

void merge(const fs::path& file) {
  std::ostringstream out;
  const fs::path output = directory() / "merged.h5";
  try {
    (void)incubsim::app::merge_command({output.string(), file.string(), "--force"}, "incubsim merge (fuzz)", out);
  } catch (const incubsim::engine::InvalidExperiment&) {
    // merge turns the ResultsError of a bad shard into bad input (exit 2)
  }
}

void export_csv(const fs::path& file) {
  const fs::path csv = directory() / "csv";
  std::error_code ignored;
  fs::remove_all(csv, ignored);
  fs::create_directory(csv);
  (void)incubsim::io::read_header(file);
  (void)incubsim::io::export_csv(file, csv);
}

void resume(std::string_view bytes) {
  const std::optional<ResumeReference>& reference = resume_reference();
  if (!reference) return;
  const incubsim::io::ResultsHeader& header = reference->header;
  // Runs 0 .. k of the sweep (a range, as a shard's): the part holds 0 .. k-1, one run follows.
  const auto end_run = static_cast<std::uint32_t>(reference->part_runs.size() + 1);
  const fs::path final_path = directory() / "sweep.h5";
  const fs::path parts = incubsim::io::parts_directory_for(final_path);
  std::error_code ignored;
  fs::remove(final_path, ignored);
  fs::remove_all(parts, ignored);
  fs::create_directory(parts);
  incubsim::fuzz::write_file(parts / "part-000000.h5", bytes);
  incubsim::fuzz::write_file(parts / "manifest.tsv",
                             "# plan " + incubsim::io::plan_fingerprint(header, 0, end_run) +
                                 "\npart\tfile\tfirst_run\truns\n0\tpart-000000.h5\t0\t" +
                                 std::to_string(reference->part_runs.size()) + "\n");
  incubsim::io::WriterOptions options;
  options.resume = true;
  options.runs_per_part = 1;
  options.end_run = end_run;
  incubsim::io::ResultsWriter writer(final_path, header, options);
  if (writer.next_run() != reference->part_runs.size())
    incubsim::fuzz::finding("resume", "next_run " + std::to_string(writer.next_run()) + " after a manifest of " +
                                          std::to_string(reference->part_runs.size()) + " runs");
  // What sweep --resume does with the parts before running the rest (sim/engine/experiment.cpp,
  // Conclusions::add): the summary, and the horizon value of each key indicator per point.
  incubsim::engine::SummaryAccumulator summary(header);
  const std::size_t width = header.indicators.size();
  const std::size_t months = header.month_labels.size();
  double sink = 0.0;
  for (const fs::path& part : writer.part_files()) {
    // With the command's header, as sweep --resume must read its parts back (the plain overload
    // checks only against the part's own header: see docs/reliability.md, "Fuzzing").
    incubsim::io::for_each_run_summary(part, header, [&](const incubsim::io::RunOutput& run) {
      summary.add(run);
      if (months > 0 && run.point < header.design.points) {
        const double* last = run.indicators.data() + (months - 1) * width;
        for (std::size_t k = 0; k < width; ++k) sink += last[k];
      }
    });
  }
  writer.append(reference->next);
  incubsim::io::Provenance provenance;
  const incubsim::io::ResultsSummary concluded = summary.summary();
  writer.finish(provenance, &concluded);
  resumed_sink = sink;
}

template <typename Path>
void guarded(const char* where, Path&& path) {
  static const bool timing = std::getenv("INCUBSIM_FUZZ_TIMING") != nullptr;
  const auto start = std::chrono::steady_clock::now();
  struct Report {
    const char* where;
    std::chrono::steady_clock::time_point start;
    ~Report() {
      if (timing)
        std::fprintf(stderr, "fuzz_results: %s %.3f s\n", where,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  } report{where, start};
  try {
    path();
  } catch (const ResultsError&) {
  } catch (const std::exception& error) {
    incubsim::fuzz::undocumented_exception(where, &error);
  } catch (...) {
    incubsim::fuzz::undocumented_exception(where, nullptr);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1024 * 1024) return -1;
  // A damaged file's extents may claim any number of rows: reads that would need more than 256 MiB
  // are refused (a ResultsError) well below libFuzzer's -malloc_limit_mb=1024, as reads beyond the
  // machine's memory are in incubsim itself.
  static const bool limited = (incubsim::io::h5::limit_read_memory(std::size_t{256} << 20), true);
  (void)limited;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)resume_reference();
  const fs::path file = directory() / "input.h5";
  incubsim::fuzz::write_file(file, bytes);
  guarded("info", [&] { info(file); });
  // merge, export and resume write files and cost several times what info does: each input
  // takes one of them, chosen by a hash of its bytes (so a saved input replays the same path).
  // INCUBSIM_FUZZ_ALL_PATHS=1 (set by the replay driver) runs all three for every input.
  static const bool all_paths = std::getenv("INCUBSIM_FUZZ_ALL_PATHS") != nullptr;
  const std::size_t path = std::hash<std::string_view>{}(bytes) % 3;
  if (all_paths || path == 0) guarded("merge", [&] { merge(file); });
  if (all_paths || path == 1) guarded("export", [&] { export_csv(file); });
  if (all_paths || path == 2) guarded("resume", [&] { resume(bytes); });
  return 0;
}
