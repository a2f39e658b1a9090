#include "io/csv_export.hpp"

#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "io/results_writer.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace incubsim::io;
using incubsim::testing::TempDir;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint32_t no_venture = 0xFFFFFFFF;

// Two scenarios ("base" with one carrier, "plan" with two), two runs each, three months, two
// indicators; texts that need quoting.
ResultsHeader make_header() {
  ResultsHeader header;
  header.command = "compare";
  header.record = RecordLevel::events;
  header.scenario_names = {"base", "plan"};
  header.scenario_texts = {"[scenario]\nname = \"base\"\n", "[scenario]\nname = \"plan, \"\"B\"\"\"\n"};
  header.month_labels = {"2025-01", "2025-02", "2025-03"};
  header.indicators = {{"ventures_active", "ventures", "active ventures", "base", "stock"},
                       {"jobs", "people", "jobs, in ventures", "county", "stock"}};
  header.targets = {{"base", "b1", "jobs", 5.0, "2025-03", 2, "base", "stock", "outcome", "plain"},
                    {"plan", "p1", "jobs", 8.5, "2025-03", 2, "base", "stock", "outcome", "says \"eight\",\nthen more"}};
  header.carriers = {{"base", "b-hub", "Base hub", "incubator", "op", 10, "2025-01", true},
                     {"plan", "p-hub", "Plan hub", "incubator", "op", 12, "2025-01", true},
                     {"plan", "p-park", "Plan park", "park", "op", 40, "2025-02", false}};
  header.event_kinds = {"entry", "carrier_opened"};
  header.stages = {"outside", "incubator"};
  header.statuses = {"active", "failed"};
  header.base_seed = 99;
  header.replications = 2;
  header.total_runs = 4;
  return header;
}

// Indicator values that are hard to print exactly (0.1, 1/3, tiny, huge, negative) and a NaN.
std::vector<RunOutput> make_runs(const ResultsHeader& header) {
  std::vector<RunOutput> runs;
  for (std::uint32_t id = 0; id < header.total_runs; ++id) {
    RunOutput run;
    run.run = id;
    run.scenario = id / 2;
    run.point = run.scenario;
    run.replication = id % 2;
    run.seed = std::numeric_limits<std::uint64_t>::max() - id;
    run.venture_months = 10 + id;
    run.ventures = 3 + id;
    run.indicators = {0.1 * id, 1.0 / 3.0, 5e-324, 1.7976931348623157e308, -2.5e-7 * id, id == 1 ? not_a_number : 42.0};
    run.targets_met = run.scenario == 0 ? std::vector<std::uint8_t>{static_cast<std::uint8_t>(id == 0), 255}
                                        : std::vector<std::uint8_t>{255, 1};
    // An entry into the scenario's last carrier, then the carrier event of its first carrier.
    const std::int16_t last_carrier = run.scenario == 0 ? 0 : 1;
    run.events.push_back(EventRecord{id, 0, 7, 0, -1, 1, last_carrier, 0.1F});
    run.events.push_back(EventRecord{id, 2, no_venture, 1, 0, 0, 0, 3.0F});
    runs.push_back(std::move(run));
  }
  return runs;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The records of a CSV file split at CRLF (quoted fields here hold only LF).
std::vector<std::string> records(const fs::path& path) {
  const std::string text = slurp(path);
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find("\r\n", start)) != std::string::npos; start = end + 2)
    lines.push_back(text.substr(start, end - start));
  CHECK(start == text.size());  // the last record ends with CRLF too
  return lines;
}

const ExportedTable* find_table(const std::vector<ExportedTable>& tables, const std::string& file) {
  for (const ExportedTable& table : tables)
    if (table.file == file) return &table;
  return nullptr;
}

}  // namespace

TEST_CASE("csv_field quotes as RFC 4180 says", "[io]") {
  CHECK(csv_field("plain text") == "plain text");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("carriage\rreturn") == "\"carriage\rreturn\"");
  CHECK(csv_field("规划, 孵化") == "\"规划, 孵化\"");  // UTF-8 passes through unchanged
}

TEST_CASE("csv_number prints the shortest text that reads back exactly", "[io]") {
  for (const double value : {0.1, 1.0 / 3.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -2.5e-7, 0.0,
                             -0.0, 123456789012345678.0, 1e22}) {
    const std::string text = csv_number(value);
    double back = 0;
    REQUIRE(std::from_chars(text.data(), text.data() + text.size(), back).ec == std::errc());
    CHECK(back == value);
    CHECK(std::signbit(back) == std::signbit(value));
  }
  CHECK(csv_number(0.1) == "0.1");
  CHECK(csv_number(42.0) == "42");
  CHECK(csv_number(not_a_number) == "");
  // float32 columns print as float32: 0.1F is "0.1", not its double expansion 0.10000000149011612.
  CHECK(csv_number(0.1F) == "0.1");
  const std::string text = csv_number(16777217.0F);  // rounds to 16777216 as a float
  float back = 0;
  REQUIRE(std::from_chars(text.data(), text.data() + text.size(), back).ec == std::errc());
  CHECK(back == 16777217.0F);
  CHECK(csv_number(std::numeric_limits<float>::quiet_NaN()) == "");
}

TEST_CASE("export_csv writes each table with its header row, decoded codes and exact numbers", "[io]") {
  TempDir dir;
  const ResultsHeader header = make_header();
  const std::vector<RunOutput> runs = make_runs(header);
  const fs::path results = dir.path / "compare.h5";
  write_results_file(results, header, runs, nullptr);
  const fs::path out = dir.path / "csv";
  fs::create_directory(out);

  const std::vector<ExportedTable> tables = export_csv(results, out);
  REQUIRE(!tables.empty());
  CHECK(tables.back().file == "index.csv");
  for (const ExportedTable& table : tables) {
    INFO(table.file);
    CHECK(records(out / table.file).size() == table.rows + 1);  // + the header row
  }
  CHECK(find_table(tables, "trajectories.csv") == nullptr);  // record level events
  CHECK(find_table(tables, "compare.csv") == nullptr);       // no /compare group in this file

  const std::vector<std::string> run_rows = records(out / "runs.csv");
  REQUIRE(run_rows.size() == 5);
  CHECK(run_rows[0] == "run,scenario,scenario_name,point,replication,seed,venture_months,ventures");
  CHECK(run_rows[4] == "3,1,plan,1,1,18446744073709551612,13,6");

  const std::vector<std::string> indicator_rows = records(out / "indicators.csv");
  REQUIRE(indicator_rows.size() == 1 + 4 * 3);
  CHECK(indicator_rows[0] == "run,scenario_name,replication,month,month_label,ventures_active,jobs");
  // Run 1: months of (0.1, 1/3), (5e-324, max double), (-2.5e-7, NaN).
  CHECK(indicator_rows[4] == "1,base,1,0,2025-01,0.1,0.3333333333333333");
  CHECK(indicator_rows[5] == "1,base,1,1,2025-02,5e-324,1.7976931348623157e+308");
  CHECK(indicator_rows[6] == "1,base,1,2,2025-03,-2.5e-07,");

  const std::vector<std::string> event_rows = records(out / "events.csv");
  REQUIRE(event_rows.size() == 1 + 8);
  CHECK(event_rows[0] == "run,scenario_name,month,month_label,venture,kind,from_stage,to_stage,carrier,carrier_id,value");
  CHECK(event_rows[1] == "0,base,0,2025-01,7,entry,,incubator,0,b-hub,0.1");
  CHECK(event_rows[2] == "0,base,2,2025-03,,carrier_opened,outside,outside,0,b-hub,3");
  CHECK(event_rows[5] == "2,plan,0,2025-01,7,entry,,incubator,1,p-park,0.1");  // carrier 1 of "plan"

  const std::vector<std::string> carrier_rows = records(out / "carriers.csv");
  REQUIRE(carrier_rows.size() == 4);
  CHECK(carrier_rows[0] == "scenario,carrier,id,name,kind,operator,capacity,opening,in_base");
  CHECK(carrier_rows[3] == "plan,1,p-park,Plan park,park,op,40,2025-02,0");

  const std::string targets = slurp(out / "targets.csv");
  CHECK(targets.find(",outcome,\"says \"\"eight\"\",\nthen more\"\r\n") != std::string::npos);
  const std::string scenarios = slurp(out / "scenarios.csv");
  CHECK(scenarios.find("1,plan,\"[scenario]\nname = \"\"plan, \"\"\"\"B\"\"\"\"\"\"\n\"\r\n") != std::string::npos);

  // Long form: only the targets of each run's own scenario (the 255 cells are left out).
  const std::vector<std::string> attainment = records(out / "target_attainment.csv");
  CHECK(attainment == std::vector<std::string>{"run,scenario_name,replication,target,target_id,met",
                                               "0,base,0,0,b1,1", "1,base,1,0,b1,0", "2,plan,0,1,p1,1",
                                               "3,plan,1,1,p1,1"});
  const std::string index = slurp(out / "index.csv");
  CHECK(index.find("events.csv,8,one event of a run," + fs::absolute(results).lexically_normal().string() + "\r\n") !=
        std::string::npos);
}

TEST_CASE("export_csv streams tables longer than one block", "[io]") {
  TempDir dir;
  ResultsHeader header = make_header();
  header.scenario_names = {"base"};
  header.scenario_texts = {"name = \"base\"\n"};
  header.targets.resize(1);
  header.carriers.resize(1);
  header.total_runs = 1;
  RunOutput run = make_runs(header).front();
  run.targets_met = {1};
  run.events.clear();
  const std::uint32_t events = 150000;  // more than two blocks of 65536 rows
  for (std::uint32_t i = 0; i < events; ++i)
    run.events.push_back(EventRecord{0, static_cast<std::int16_t>(i % 3), i, 0, -1, 1, 0, static_cast<float>(i)});
  const fs::path results = dir.path / "long.h5";
  write_results_file(results, header, std::vector<RunOutput>{run}, nullptr);
  const fs::path out = dir.path / "csv";
  fs::create_directory(out);
  const std::vector<ExportedTable> tables = export_csv(results, out);
  REQUIRE(find_table(tables, "events.csv") != nullptr);
  CHECK(find_table(tables, "events.csv")->rows == events);
  const std::vector<std::string> rows = records(out / "events.csv");
  REQUIRE(rows.size() == events + 1);
  CHECK(rows[65536 + 1] == "0,base,1,2025-02,65536,entry,,incubator,0,b-hub,65536");
  CHECK(rows.back() == "0,base,2,2025-03,149999,entry,,incubator,0,b-hub,149999");
}

TEST_CASE("export_csv rejects codes that the file's labels do not name", "[io]") {
  TempDir dir;
  const ResultsHeader header = make_header();
  std::vector<RunOutput> runs = make_runs(header);
  runs[3].events[0].kind = 9;  // only 2 event kinds
  const fs::path results = dir.path / "bad.h5";
  write_results_file(results, header, runs, nullptr);
  const fs::path out = dir.path / "csv";
  fs::create_directory(out);
  CHECK_THROWS_MATCHES(export_csv(results, out), ResultsError,
                       Catch::Matchers::Message(results.string() + ": code 9 is not in /labels/event_kinds"));
}
