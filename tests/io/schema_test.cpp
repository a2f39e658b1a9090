// The results schema registry is the one list of columns: the writer lays out exactly its
// columns and the reader gets back every value it stores.

#include "io/schema.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>
#include <vector>

#include "io/csv_export.hpp"
#include "io/hdf5.hpp"
#include "io/results_reader.hpp"
#include "io/results_writer.hpp"
#include "io/schema_hdf5.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace incubsim::io;

namespace {

// A row whose every column holds a value of its own (never the member's default), so a column
// written from or read into the wrong member shows.
template <typename Row>
Row distinct_row(schema::Columns<Row> columns, int first) {
  Row row{};
  int value = first;
  for (const schema::Column<Row>& column : columns) {
    std::visit(
        [&](auto member) {
          using Value = schema::MemberValue<decltype(member)>;
          if constexpr (std::is_same_v<Value, std::string>)
            row.*member = std::string(column.name) + " " + std::to_string(value);
          else if constexpr (std::is_same_v<Value, bool>)
            row.*member = true;
          else
            row.*member = static_cast<Value>(value % 120 + 2);
        },
        column.field);
    ++value;
  }
  return row;
}

template <typename Row>
void check_same_columns(schema::Columns<Row> columns, const Row& got, const Row& want) {
  for (const schema::Column<Row>& column : columns) {
    INFO("column " << column.name);
    std::visit([&](auto member) { CHECK(got.*member == want.*member); }, column.field);
  }
}

template <typename Row>
void check_same_rows(schema::Columns<Row> columns, const std::vector<Row>& got, const std::vector<Row>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) check_same_columns(columns, got[i], want[i]);
}

// Converts to any member type; only named in unevaluated contexts, never called.
struct AnyMember {
  template <typename T>
  operator T() const;  // NOLINT(google-explicit-constructor): it must convert implicitly
};

// How many members the aggregate Row has: the most initializers Row{...} accepts.
template <typename Row, typename... Members>
constexpr std::size_t member_count() {
  if constexpr (requires { Row{Members{}..., AnyMember{}}; })
    return member_count<Row, Members..., AnyMember>();
  else
    return sizeof...(Members);
}

std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

struct WrittenFile {
  ResultsHeader header;
  std::vector<RunOutput> runs;
  ResultsSummary summary;
};

// A file at record level trajectories with two runs, every registry table filled with
// distinct_row values (only the run ids and the scenario index are what the file's shape needs).
WrittenFile write_every_table(const fs::path& path) {
  WrittenFile written;
  ResultsHeader& header = written.header;
  header.command = "compare";
  header.record = RecordLevel::trajectories;
  header.scenario_names = {"only"};
  header.scenario_texts = {"[scenario]\n"};
  header.month_labels = {"2024-01"};
  header.indicators = {{"ventures_active", "ventures", "active ventures", "base", "stock"}};
  header.targets = {distinct_row(schema::target_columns(), 1), distinct_row(schema::target_columns(), 30)};
  header.carriers = {distinct_row(schema::carrier_columns(), 2)};
  header.uncertainty = {distinct_row(schema::uncertainty_columns(), 3)};
  header.replications = 2;
  header.total_runs = 2;
  for (std::uint32_t id = 0; id < 2; ++id) {
    RunOutput run = distinct_row(schema::run_columns(), 4 + static_cast<int>(id));
    run.run = id;
    run.scenario = 0;
    run.indicators = {1.5};
    run.targets_met = {1, 0};
    for (int e = 0; e < 3; ++e) {
      run.events.push_back(distinct_row(schema::event_columns(), 5 + e));
      run.events.back().run = id;
      run.trajectories.push_back(distinct_row(schema::trajectory_columns(), 6 + e));
      run.trajectories.back().run = id;
    }
    written.runs.push_back(run);
  }
  written.summary.targets = {distinct_row(schema::target_attainment_columns(), 7),
                             distinct_row(schema::target_attainment_columns(), 8)};
  written.summary.outcomes = {distinct_row(schema::outcome_columns(), 9)};
  written.summary.comparison = {distinct_row(schema::comparison_columns(), 10)};
  written.summary.robustness.keys = {"key"};
  written.summary.robustness.scenarios = 1;
  written.summary.robustness.rows = {distinct_row(schema::robustness_summary_columns(), 11)};
  const Provenance provenance;
  write_results_file(path, header, written.runs, &provenance, 4, &written.summary);
  return written;
}

template <typename Row>
std::vector<Row> read_back(const fs::path& path, const std::string& group, schema::Columns<Row> columns) {
  const h5::File file = open_results(path);
  return schema::read_table(file, group, columns, results_format_version, path.string());
}

}  // namespace

TEST_CASE("Every registry column round-trips through the writer and the reader", "[io][schema]") {
  const incubsim::testing::TempDir dir;
  const fs::path path = dir.path / "every.h5";
  const WrittenFile written = write_every_table(path);

  const ResultsHeader header = read_header(path);
  check_same_rows(schema::target_columns(), header.targets, written.header.targets);
  check_same_rows(schema::carrier_columns(), header.carriers, written.header.carriers);
  check_same_rows(schema::uncertainty_columns(), header.uncertainty, written.header.uncertainty);

  const std::vector<RunOutput> runs = read_runs(path);
  REQUIRE(runs.size() == written.runs.size());
  for (std::size_t r = 0; r < runs.size(); ++r) {
    check_same_columns(schema::run_columns(), runs[r], written.runs[r]);
    check_same_rows(schema::event_columns(), runs[r].events, written.runs[r].events);
    check_same_rows(schema::trajectory_columns(), runs[r].trajectories, written.runs[r].trajectories);
  }

  // The conclusions are not read back by incubsim itself (scripts read them); the registry reads them.
  check_same_rows(schema::target_attainment_columns(),
                  read_back(path, "/summary/targets", schema::target_attainment_columns()), written.summary.targets);
  check_same_rows(schema::outcome_columns(), read_back(path, "/summary/outcomes", schema::outcome_columns()),
                  written.summary.outcomes);
  check_same_rows(schema::comparison_columns(), read_back(path, "/compare", schema::comparison_columns()),
                  written.summary.comparison);
  check_same_rows(schema::robustness_summary_columns(),
                  read_back(path, "/robustness/summary", schema::robustness_summary_columns()),
                  written.summary.robustness.rows);
}

TEST_CASE("Every member of a stored struct has its registry column", "[io][schema]") {
  // A member added to a struct without its line in sim/io/schema.cpp would never reach the file.
  CHECK(member_count<EventRecord>() == schema::event_columns().size());
  CHECK(member_count<TrajectoryRecord>() == schema::trajectory_columns().size());
  CHECK(member_count<VentureRecord>() == schema::venture_columns().size());
  CHECK(member_count<TargetInfo>() == schema::target_columns().size());
  CHECK(member_count<CarrierInfo>() == schema::carrier_columns().size());
  CHECK(member_count<UncertaintyInfo>() == schema::uncertainty_columns().size());
  CHECK(member_count<TargetAttainment>() == schema::target_attainment_columns().size());
  CHECK(member_count<OutcomeSummary>() == schema::outcome_columns().size());
  CHECK(member_count<ComparisonRow>() == schema::comparison_columns().size());
  CHECK(member_count<RobustnessRow>() == schema::robustness_summary_columns().size());
  // RunOutput also holds the run's indicators, target results, events, trajectories and venture
  // rows, which have datasets of their own.
  CHECK(member_count<RunOutput>() == schema::run_columns().size() + 5);
}

TEST_CASE("The writer's datasets of each registry table are exactly the registry's columns", "[io][schema]") {
  const incubsim::testing::TempDir dir;
  const fs::path path = dir.path / "every.h5";
  write_every_table(path);
  const h5::File file = open_results(path);
  auto members = [&](const std::string& group) { return sorted(file.open_group(group).member_names()); };
  CHECK(members("runs") == sorted(schema::column_names(schema::run_columns())));
  CHECK(members("events") == sorted(schema::column_names(schema::event_columns())));
  CHECK(members("trajectories") == sorted(schema::column_names(schema::trajectory_columns())));
  std::vector<std::string> targets = schema::column_names(schema::target_columns());
  targets.emplace_back("met");  // a row per run, not per target: not a column of the table
  CHECK(members("targets") == sorted(targets));
  CHECK(members("carriers") == sorted(schema::column_names(schema::carrier_columns())));
  CHECK(members("uncertainty") == sorted(schema::column_names(schema::uncertainty_columns())));
  CHECK(members("summary/targets") == sorted(schema::column_names(schema::target_attainment_columns())));
  CHECK(members("summary/outcomes") == sorted(schema::column_names(schema::outcome_columns())));
  CHECK(members("compare") == sorted(schema::column_names(schema::comparison_columns())));
  CHECK(members("robustness/summary") == sorted(schema::column_names(schema::robustness_summary_columns())));
  // The bytes per row the resource estimate uses are those of the stored elements.
  auto stored_row_bytes = [&](const std::string& group) {
    std::size_t bytes = 0;
    for (const std::string& name : file.open_group(group).member_names())
      bytes += H5Tget_size(file.open_dataset(group + "/" + name).datatype().id());
    return bytes;
  };
  CHECK(stored_row_bytes("runs") == schema::row_bytes(schema::run_columns()));
  CHECK(stored_row_bytes("events") == schema::row_bytes(schema::event_columns()));
  CHECK(stored_row_bytes("trajectories") == schema::row_bytes(schema::trajectory_columns()));
}

TEST_CASE("The CSV export has a column for every registry column", "[io][schema]") {
  const incubsim::testing::TempDir dir;
  const fs::path csv = dir.path / "csv";
  fs::create_directory(csv);
  // Codes that name something in the file's own lists (labels, carriers, months) must point at an
  // entry for the export to accept them: a file with everything at code 0.
  WrittenFile written;
  written.header.command = "run";
  written.header.record = RecordLevel::trajectories;
  written.header.scenario_names = {"only"};
  written.header.scenario_texts = {""};
  written.header.month_labels = {"2024-01"};
  written.header.carriers = {distinct_row(schema::carrier_columns(), 2)};
  written.header.carriers.front().scenario = "only";
  written.header.event_kinds = {"entry"};
  written.header.stages = {"outside"};
  written.header.statuses = {"active"};
  written.header.replications = 1;
  written.header.total_runs = 1;
  RunOutput run;
  run.events = {EventRecord{0, 0, 0, 0, 0, 0, 0, 1.0F}};
  run.trajectories = {TrajectoryRecord{}};
  const fs::path simple = dir.path / "simple.h5";
  write_results_file(simple, written.header, std::vector<RunOutput>{run}, nullptr);
  export_csv(simple, csv);
  auto header_row = [&](const std::string& file) {
    std::ifstream in(csv / file);
    std::string line;
    std::getline(in, line);
    return "," + line.substr(0, line.find('\r')) + ",";
  };
  auto check_columns = [&](const std::string& file, const std::vector<std::string>& names) {
    const std::string header = header_row(file);
    for (const std::string& name : names) {
      INFO(file << " column " << name);
      CHECK(header.find("," + name + ",") != std::string::npos);
    }
  };
  check_columns("runs.csv", schema::column_names(schema::run_columns()));
  check_columns("events.csv", schema::column_names(schema::event_columns()));
  check_columns("trajectories.csv", schema::column_names(schema::trajectory_columns()));
  check_columns("carriers.csv", schema::column_names(schema::carrier_columns()));
}
