#pragma once
// Reading results files (docs/output-format.md): the `incubsim info` summary, a determinism
// comparison of two files, and small readers for tests and for assembling part files.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "io/hdf5.hpp"
#include "io/results.hpp"

namespace incubsim::io {

// Opens a results file read-only. Throws ResultsError for a missing file, a file that is not
// HDF5, a file whose root attribute `format` is not "incubsim-results", or a format_version newer
// than this build reads.
h5::File open_results(const std::filesystem::path& path);

// Human summary for `incubsim info FILE.h5`: format and version, command, provenance (version,
// commit, command line, UTC times, wall seconds, threads), scenarios, runs, replications, months,
// record level, counts of indicators, events and trajectory rows, and every target with the share
// of its scenario's runs that met it; a sweep's design and factors, the sizes of /sensitivity,
// /compare and /robustness, and the declared ranges. Throws ResultsError as open_results does.
std::string describe_results(const std::filesystem::path& path);

// True when both files hold the same results: every group, dataset (shape, type, bytes; strings
// by content), attribute and dimension-scale attachment equal, except the /provenance group.
// Otherwise false, and *first_difference (when not null) names the object path and what
// differs. Throws ResultsError when a file cannot be read.
bool same_results(const std::filesystem::path& a, const std::filesystem::path& b, std::string* first_difference);

// "<final_path>.parts": where an unfinished command's part files and manifest.tsv are (also
// declared in results_writer.hpp, so readers of crash records need only this header).
std::filesystem::path parts_directory_for(const std::filesystem::path& final_path);

// The header of a results file, as it was written.
ResultsHeader read_header(const std::filesystem::path& path);

// Every run in the file, with its indicators, target results, events and trajectory rows.
// Memory grows with the file: meant for part files and tests.
std::vector<RunOutput> read_runs(const std::filesystem::path& path);

// Calls `visit` with each run of the file in order, holding its /runs columns, indicators and
// target results (no events or trajectories): memory holds one run, whatever the file's size.
// Each run is checked against the file's own header first (validate_run in results_writer.hpp:
// months x indicators values, one result per target, a scenario index in range); a damaged file
// throws ResultsError rather than handing `visit` a run of another shape.
void for_each_run_summary(const std::filesystem::path& path, const std::function<void(const RunOutput&)>& visit);
// As above, but the runs are checked against `expected`, the header of the command that reads
// them back (the parts of a resumed command, the shards of a merge): a part or shard of another
// shape, written by another command or damaged, throws ResultsError.
void for_each_run_summary(const std::filesystem::path& path, const ResultsHeader& expected,
                          const std::function<void(const RunOutput&)>& visit);

// /indicators/values, row-major [run][month][indicator]; the extents go to the non-null pointers.
std::vector<double> read_indicator_values(const std::filesystem::path& path, std::size_t* runs, std::size_t* months,
                                          std::size_t* indicators);

// A 1-D string dataset, e.g. "/scenarios/names".
std::vector<std::string> read_string_dataset(const std::filesystem::path& path, const std::string& object_path);

// A 1-D numeric dataset, e.g. read_column<std::uint32_t>(file, "/runs/run"), converted to T.
template <h5::Numeric T>
std::vector<T> read_column(const std::filesystem::path& path, const std::string& object_path) {
  const h5::File file = open_results(path);
  const h5::Dataset dataset = file.open_dataset(object_path);
  if (dataset.rank() != 1) dataset.fail("not a 1-D dataset");
  if (dataset.is_string()) dataset.fail("is a string dataset, not numeric");
  return dataset.read<T>();
}

}  // namespace incubsim::io
