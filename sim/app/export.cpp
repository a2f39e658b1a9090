#include "app/export.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <iomanip>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "app/signals.hpp"
#include "io/csv_export.hpp"
#include "io/hdf5.hpp"
#include "io/results_reader.hpp"

namespace incubsim::app {

namespace fs = std::filesystem;
namespace po = boost::program_options;

namespace {

// `path` with `suffix` appended to its last component ("out/csv" -> "out/csv.tmp-123").
fs::path sibling(const fs::path& path, const std::string& suffix) {
  fs::path result = path;
  result += suffix;
  return result;
}

std::string process_suffix(const char* what) { return std::string(".") + what + "-" + std::to_string(::getpid()); }

// DIR as an absolute path without a trailing separator, so that its sibling names and its parent
// are well defined ("csv/" and "./csv" name the same directory).
fs::path normalized_directory(const std::string& text) {
  fs::path path = fs::absolute(text).lexically_normal();
  if (!path.has_filename() && path.has_parent_path() && path != path.root_path()) path = path.parent_path();
  return path;
}

// True when `inner` is `outer` or lies inside it (both absolute and normalized).
bool is_within(const fs::path& inner, const fs::path& outer) {
  const fs::path relative = inner.lexically_relative(outer);
  return !relative.empty() && *relative.begin() != "..";
}

// Refuses a target that must not be replaced: a file, a non-empty directory without --force, and
// (even with --force) a directory that holds the results file or the current directory.
void check_target(const fs::path& target, const std::string& shown, const fs::path& results, bool force) {
  if (target == target.root_path()) throw UsageError("--csv '" + shown + "': cannot export into the root directory");
  if (!fs::exists(target)) return;
  if (!fs::is_directory(target)) throw UsageError("--csv '" + shown + "' exists and is not a directory");
  if (fs::is_empty(target)) return;
  if (!force) throw UsageError("directory '" + shown + "' is not empty; use --force to replace its contents");
  if (is_within(fs::absolute(results).lexically_normal(), target))
    throw UsageError("directory '" + shown + "' holds the results file itself; --force would delete it");
  if (is_within(fs::current_path(), target))
    throw UsageError("directory '" + shown + "' holds the current directory; --force will not replace it");
}

void print_summary(std::ostream& out, const fs::path& results, const std::string& shown,
                   const std::vector<io::ExportedTable>& tables, double seconds) {
  out << "Exported " << results.string() << " to " << shown << " (" << tables.size() << " files):\n";
  std::uint64_t rows = 0;
  std::uint64_t runs = 0;
  for (const io::ExportedTable& table : tables) {
    out << "  " << std::left << std::setw(28) << table.file << std::right << std::setw(12) << table.rows << " rows\n";
    rows += table.rows;
    if (table.file == "runs.csv") runs = table.rows;
  }
  out << "incubsim export: " << runs << " runs, " << tables.size() << " files, " << rows << " rows, "
      << std::fixed << std::setprecision(3) << seconds << " s wall\n";
}

}  // namespace

StagedDirectory::StagedDirectory(fs::path target)
    : target_(std::move(target)), staging_(sibling(target_, process_suffix("tmp"))) {
  // Not create_directories: a leftover of the same name is not ours to reuse or delete.
  if (!fs::create_directory(staging_))
    throw fs::filesystem_error("temporary directory exists", staging_, std::make_error_code(std::errc::file_exists));
}

StagedDirectory::~StagedDirectory() {
  if (committed_) return;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

void StagedDirectory::commit() {
  if (!fs::exists(target_)) {
    fs::rename(staging_, target_);
    committed_ = true;
    return;
  }
  const fs::path aside = sibling(target_, process_suffix("old"));
  fs::rename(target_, aside);
  try {
    fs::rename(staging_, target_);
  } catch (...) {
    std::error_code ignored;
    fs::rename(aside, target_, ignored);  // put the old contents back
    throw;
  }
  committed_ = true;
  fs::remove_all(aside);
}

int export_command(const std::vector<std::string>& arguments, std::ostream& out) {
  po::options_description options("incubsim export FILE.h5 --csv DIR [--force]");
  options.add_options()("help,h", "show this help")("file", po::value<std::string>(), "results file")(
      "csv", po::value<std::string>(), "directory to write one CSV file per table into (must not exist or be empty)")(
      "force", "replace the contents of a non-empty DIR (only once the new export is complete)");
  const std::optional<po::variables_map> parsed = parse_command(arguments, options, "file", 1, out);
  if (!parsed) return exit_success;  // --help
  const po::variables_map& values = *parsed;
  if (!values.count("file")) throw UsageError("export needs a results file: incubsim export FILE.h5 --csv DIR");
  if (!values.count("csv")) throw UsageError("export needs --csv DIR: incubsim export FILE.h5 --csv DIR");
  const fs::path results = values["file"].as<std::string>();
  std::string shown = values["csv"].as<std::string>();
  while (shown.size() > 1 && shown.back() == '/') shown.pop_back();
  if (shown.empty()) throw UsageError("--csv needs a directory name");
  if (!fs::exists(results)) throw UsageError("results file '" + results.string() + "' not found");

  const auto start = std::chrono::steady_clock::now();
  try {
    const ReadingResults reading(results.string());  // libhdf5 crashing on a damaged file: exit 2
    io::read_header(results);  // refuse foreign, newer or broken files before touching DIR
  } catch (const io::ResultsError& error) {
    throw UsageError(error.what());
  }
  const fs::path target = normalized_directory(shown);
  check_target(target, shown, results, values.count("force") > 0);
  fs::create_directories(target.parent_path());

  StagedDirectory staged(target);
  std::vector<io::ExportedTable> tables;
  try {
    tables = io::export_csv(results, staged.path());
  } catch (const io::ResultsError& error) {
    throw UsageError(error.what());  // the file is broken (e.g. truncated): bad input; staged is removed
  }
  staged.commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  print_summary(out, results, shown, tables, seconds);
  return exit_success;
}

}  // namespace incubsim::app
