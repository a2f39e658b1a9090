#include "app/export.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "io/hdf5.hpp"
#include "io/results_writer.hpp"
#include "support/in_process.hpp"
#include "support/temp_dir.hpp"

using namespace incubsim;
namespace fs = std::filesystem;
using incubsim::testing::TempDir;

namespace {

using Result = incubsim::testing::CommandResult;

Result export_in_process(const std::vector<std::string>& arguments) {
  std::vector<std::string> command{"export"};
  command.insert(command.end(), arguments.begin(), arguments.end());
  return incubsim::testing::in_process(command);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool is_one_line(const std::string& text) { return !text.empty() && text.find('\n') == text.size() - 1; }

// One scenario, two runs, one month, one indicator, events recorded (`kind` of the last event
// as given: 2 or more is a code the file's labels do not name).
fs::path write_results(const fs::path& path, std::uint8_t last_event_kind = 0) {
  io::ResultsHeader header;
  header.command = "run";
  header.record = io::RecordLevel::events;
  header.scenario_names = {"small"};
  header.scenario_texts = {"name = \"small\"\n"};
  header.month_labels = {"2021-01"};
  header.indicators = {{"ventures_active", "ventures", "active ventures", "base", "stock"}};
  header.event_kinds = {"entry", "registration"};
  header.stages = {"outside", "nursery"};
  header.statuses = {"active", "failed"};
  header.replications = 2;
  header.total_runs = 2;
  std::vector<io::RunOutput> runs(2);
  for (std::uint32_t id = 0; id < 2; ++id) {
    runs[id].run = id;
    runs[id].replication = id;
    runs[id].indicators = {1.5 + id};
    runs[id].events = {io::EventRecord{id, 0, 1, 0, -1, 0, -1, 0.0F}, io::EventRecord{id, 0, 1, 1, 0, 0, -1, 0.0F}};
  }
  runs[1].events[1].kind = last_event_kind;
  io::write_results_file(path, header, runs, nullptr);
  return path;
}

// Everything in `directory` whose name starts with `prefix` (the export and its temporary siblings).
std::vector<std::string> entries_starting(const fs::path& directory, const std::string& prefix) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory))
    if (entry.path().filename().string().rfind(prefix, 0) == 0) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("export writes the CSV tables into DIR and lists them", "[app]") {
  TempDir dir;
  const fs::path results = write_results(dir.path / "small.h5");
  const fs::path out = dir.path / "nested" / "csv";  // missing parents are created, as run -o does
  const Result result = export_in_process({results.string(), "--csv", out.string()});
  INFO(result.err);
  REQUIRE(result.code == app::exit_success);
  CHECK(result.err.empty());
  CHECK(contains(result.out, "Exported " + results.string() + " to " + out.string()));
  CHECK(contains(result.out, "events.csv"));
  CHECK(contains(result.out, "incubsim export: 2 runs, "));
  CHECK_FALSE(contains(result.out, "venture-months"));
  CHECK(slurp(out / "runs.csv") ==
        "run,scenario,scenario_name,point,replication,seed,venture_months,ventures\r\n0,0,small,0,0,0,0,0\r\n"
        "1,0,small,0,1,0,0,0\r\n");
  CHECK(fs::exists(out / "index.csv"));
  CHECK(entries_starting(out.parent_path(), "csv") == std::vector<std::string>{"csv"});
}

TEST_CASE("export refuses a non-empty DIR unless --force, and --force replaces it only on success", "[app]") {
  TempDir dir;
  const fs::path results = write_results(dir.path / "small.h5");
  const fs::path broken = write_results(dir.path / "broken.h5", 7);
  const fs::path out = dir.path / "csv";
  fs::create_directory(out);
  std::ofstream(out / "notes.txt") << "mine";

  const Result refused = export_in_process({results.string(), "--csv", out.string()});
  CHECK(refused.code == app::exit_bad_input);
  CHECK(refused.err == "incubsim export: directory '" + out.string() + "' is not empty; use --force to replace its contents\n");
  CHECK(slurp(out / "notes.txt") == "mine");

  // A file that breaks halfway through the export: the old contents stay, no temporary is left.
  const Result failed = export_in_process({broken.string(), "--csv", out.string(), "--force"});
  CHECK(failed.code == app::exit_bad_input);
  CHECK(failed.err == "incubsim export: " + broken.string() + ": code 7 is not in /labels/event_kinds\n");
  CHECK(slurp(out / "notes.txt") == "mine");
  CHECK(entries_starting(dir.path, "csv") == std::vector<std::string>{"csv"});

  const Result forced = export_in_process({results.string(), "--csv", out.string(), "--force"});
  INFO(forced.err);
  REQUIRE(forced.code == app::exit_success);
  CHECK_FALSE(fs::exists(out / "notes.txt"));
  CHECK(fs::exists(out / "runs.csv"));
  CHECK(entries_starting(dir.path, "csv") == std::vector<std::string>{"csv"});

  // --force never deletes the results file it reads.
  const Result own = export_in_process({(out / ".." / "small.h5").string(), "--csv", dir.path.string(), "--force"});
  CHECK(own.code == app::exit_bad_input);
  CHECK(contains(own.err, "holds the results file itself"));
  CHECK(fs::exists(results));
}

TEST_CASE("export rejects bad input with one line and exit 2, writing nothing", "[app]") {
  TempDir dir;
  const fs::path results = write_results(dir.path / "small.h5");
  const fs::path out = dir.path / "csv";

  const fs::path text = dir.write("notes.h5", "not an HDF5 file\n");
  const fs::path foreign = dir.path / "foreign.h5";
  {
    io::h5::File file = io::h5::File::create(foreign);
    file.write_strings("names", {"a", "b"});
  }
  const fs::path newer = dir.path / "newer.h5";
  fs::copy_file(results, newer);
  io::h5::File::open(newer, true).write_attribute("format_version", std::int32_t{99});
  const fs::path truncated = dir.path / "truncated.h5";
  const std::string bytes = slurp(results);
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);

  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{(dir.path / "missing.h5").string(), "--csv", out.string()}, "results file '" + (dir.path / "missing.h5").string() + "' not found"},
      {{text.string(), "--csv", out.string()}, text.string() + ": not an HDF5 file"},
      {{foreign.string(), "--csv", out.string()}, foreign.string() + ": not an incubsim results file"},
      {{newer.string(), "--csv", out.string()}, newer.string() + ": format_version 99"},
      {{truncated.string(), "--csv", out.string()}, truncated.string() + ": "},
      {{results.string()}, "export needs --csv DIR"},
      {{"--csv", out.string()}, "export needs a results file"},
      {{results.string(), "--csv", out.string(), "more.h5"}, "too many positional options"},
      {{results.string(), "--csv", out.string(), "--frobnicate"}, "frobnicate"},
      {{results.string(), "--csv", text.string()}, "exists and is not a directory"},
  };
  for (const auto& [arguments, message] : cases) {
    const Result result = export_in_process(arguments);
    INFO(arguments.front() << ": " << result.err);
    CHECK(result.code == app::exit_bad_input);
    CHECK(result.out.empty());
    CHECK(is_one_line(result.err));
    CHECK(result.err.rfind("incubsim export: ", 0) == 0);
    CHECK(contains(result.err, message));
    CHECK(entries_starting(dir.path, "csv").empty());
  }
}

TEST_CASE("StagedDirectory removes its temporary directory unless committed", "[app]") {
  TempDir dir;
  const fs::path target = dir.path / "csv";
  const fs::path temporary = dir.path / ("csv.tmp-" + std::to_string(::getpid()));
  {
    app::StagedDirectory staged(target);
    CHECK(staged.path() == temporary);
    CHECK(fs::is_directory(temporary));
    std::ofstream(staged.path() / "half.csv") << "a,b\r\n";
  }
  CHECK_FALSE(fs::exists(temporary));
  CHECK_FALSE(fs::exists(target));

  fs::create_directory(target);
  std::ofstream(target / "old.csv") << "old";
  {
    app::StagedDirectory staged(target);
    std::ofstream(staged.path() / "new.csv") << "new";
    staged.commit();
  }
  CHECK(slurp(target / "new.csv") == "new");
  CHECK_FALSE(fs::exists(target / "old.csv"));
  CHECK(entries_starting(dir.path, "csv") == std::vector<std::string>{"csv"});

  // A leftover of the same name is not reused (nor deleted).
  fs::create_directory(temporary);
  std::ofstream(temporary / "someone-elses.txt") << "keep";
  CHECK_THROWS_AS(app::StagedDirectory(target), fs::filesystem_error);
  CHECK(fs::exists(temporary / "someone-elses.txt"));
}
