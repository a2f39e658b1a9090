#pragma once
// Writes a command's results file (layout: docs/output-format.md) crash-safely: runs are
// collected into complete part files in "<final>.parts/", each renamed into place and listed in
// its manifest.tsv once durable; finish() assembles the final file part by part and removes the
// parts. A killed command leaves every finished part readable.
//
// One thread at a time: append/finish may come from different threads (a TBB serial_in_order
// stage) but never concurrently.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/hdf5.hpp"
#include "io/results.hpp"

namespace incubsim::io {

// "indicators", "events", "trajectories".
const char* record_level_name(RecordLevel level);
// Inverse of record_level_name; throws ResultsError for anything else.
RecordLevel parse_record_level(std::string_view name);

// Days since 1970-01-01 of the first day of a "YYYY-MM" month (the /indicators/month scale).
// Throws ResultsError for a malformed label.
std::int32_t month_label_to_days(std::string_view label);

// Throws ResultsError when the header is inconsistent (scenario names vs texts, month labels).
void validate_header(const ResultsHeader& header);
// Throws ResultsError when `run` does not fit `header` (indicator and target counts, scenario
// index, records below the record level, records of another run).
void validate_run(const ResultsHeader& header, const RunOutput& run);

// Writes one complete results file at `path` (directly, no temporary name): the header, `runs`
// (consecutive run ids, in order), when `summary` is not null the /summary group and when
// `provenance` is not null the /provenance group (parts have neither).
// Part files and final files both come from this one layout code path. Datasets are chunked
// with shuffle and deflate at `deflate_level` (finished files use 4).
void write_results_file(const std::filesystem::path& path, const ResultsHeader& header, std::span<const RunOutput> runs,
                        const Provenance* provenance, int deflate_level = 4, const ResultsSummary* summary = nullptr);

// Assembles a final results file from complete files that hold consecutive runs of one command
// (the shards of a sweep: path, first run, run count, in run order): "<path>.tmp" part by part,
// then /summary and /provenance, fsync, rename to `path` (replacing a file there).
void assemble_results(const std::filesystem::path& path, const ResultsHeader& header,
                      const std::vector<std::pair<std::filesystem::path, std::pair<std::uint32_t, std::uint32_t>>>& parts,
                      const Provenance& provenance, const ResultsSummary& summary);

// "<final_path>.parts"
std::filesystem::path parts_directory_for(const std::filesystem::path& final_path);

// What a writer writes: all of the command's runs or a range of them (a shard), from scratch or
// continuing an interrupted command's parts (resume).
struct WriterOptions {
  bool force = false;           // replace an existing final file and discard leftover parts
  bool resume = false;          // continue from the parts of an interrupted identical command
  std::size_t runs_per_part = 16;
  std::uint32_t first_run = 0;  // runs first_run .. end_run - 1 (a shard); end_run 0: all runs
  std::uint32_t end_run = 0;
};

// A fingerprint of everything that decides a command's runs (scenarios, design, seed,
// replications, record level, run count and range): parts and shards of one command share it.
std::string plan_fingerprint(const ResultsHeader& header, std::uint32_t first_run, std::uint32_t end_run);

// Thrown by a resuming ResultsWriter when there is nothing left to do: no parts, and the final file
// is already the complete result of this very command (same plan fingerprint, same run count),
// e.g. after a command killed between writing its final file and removing its parts.
class AlreadyComplete : public ResultsError {
 public:
  using ResultsError::ResultsError;
};

class ResultsWriter {
 public:
  // With options.resume, the parts directory of an interrupted command with the same plan
  // fingerprint is continued: next_run() is where it stopped. Throws ResultsError when the parts
  // belong to another plan, or when there is nothing to resume and a final file exists
  // (AlreadyComplete when that file is this command's complete result).
  ResultsWriter(std::filesystem::path final_path, ResultsHeader header, const WriterOptions& options);
  // Throws ResultsError, before creating anything, when final_path exists and !force, or when
  // "<final_path>.parts/" exists (a crashed earlier command) and !force; with force that
  // directory is cleared. An existing final file is only replaced by finish().
  ResultsWriter(std::filesystem::path final_path, ResultsHeader header, bool force, std::size_t runs_per_part);
  // Without finish(): keeps the finished parts and manifest (the crash record), removes any
  // temporary file; buffered runs that did not fill a part are dropped.
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;
  ResultsWriter(ResultsWriter&&) = delete;
  ResultsWriter& operator=(ResultsWriter&&) = delete;

  // Runs must arrive in run order 0, 1, 2, ...; throws ResultsError otherwise or when the run
  // does not fit the header. Every runs_per_part runs, a part file is written durably.
  void append(RunOutput run);

  // Writes the runs appended since the last part as a (shorter) part now, so an interrupted
  // command keeps every run it finished; a resumed command continues after them.
  void flush();

  // Requires header.total_runs runs appended. Writes the last part, then "<final>.tmp" part by
  // part (memory bounded by one part) plus /summary and /provenance, fsyncs, renames it to final_path and
  // removes the parts directory.
  void finish(const Provenance& provenance, const ResultsSummary& summary = {});
  // As above; without a summary (nullptr) the file has no /summary group (shards: merge adds it).
  void finish(const Provenance& provenance, const ResultsSummary* summary);
  // The finished part files, in run order (for reading back the runs of a resumed command).
  std::vector<std::filesystem::path> part_files() const;
  std::uint32_t next_run() const noexcept { return next_run_; }

  const std::filesystem::path& final_path() const noexcept { return final_path_; }
  const std::filesystem::path& parts_directory() const noexcept { return parts_dir_; }
  std::size_t parts_written() const noexcept { return parts_.size(); }
  // Runs held durably in finished parts (a resumed command starts after them).
  std::uint32_t runs_in_parts() const noexcept {
    std::uint32_t runs = 0;
    for (const Part& part : parts_) runs += part.runs;
    return runs;
  }
  std::uint32_t runs_appended() const noexcept { return next_run_; }

 private:
  struct Part {
    std::string file;
    std::uint32_t first_run = 0;
    std::uint32_t runs = 0;
  };

  void write_part();
  void resume_parts();
  std::filesystem::path removed_parts_directory() const;
  std::filesystem::path new_parts_directory() const;
  bool holds_this_result() const;
  void write_manifest() const;
  void write_manifest(const std::filesystem::path& directory) const;
  void remove_temporaries() noexcept;

  std::filesystem::path final_path_;
  std::filesystem::path parts_dir_;
  ResultsHeader header_;
  std::size_t runs_per_part_;
  std::uint32_t first_run_ = 0;
  std::uint32_t end_run_ = 0;
  std::string fingerprint_;
  std::vector<RunOutput> buffer_;
  std::vector<Part> parts_;
  std::uint32_t next_run_ = 0;
  std::filesystem::path active_temporary_;  // a .tmp file being written, if any
  bool finished_ = false;
};

}  // namespace incubsim::io
