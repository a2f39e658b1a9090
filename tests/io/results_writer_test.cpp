#include "io/results_writer.hpp"

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>

#include "support/temp_dir.hpp"
#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "io/results_reader.hpp"

namespace fs = std::filesystem;
using namespace incubsim::io;

namespace {

using incubsim::testing::TempDir;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every file (not directory) below `dir` whose name ends in ".tmp".
std::vector<fs::path> temporaries(const fs::path& dir) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.path().extension() == ".tmp") found.push_back(entry.path());
  return found;
}

ResultsHeader make_header(RecordLevel record, std::uint32_t total_runs) {
  ResultsHeader header;
  header.command = "compare";
  header.record = record;
  header.scenario_names = {"base", "plan"};
  header.scenario_texts = {"[scenario]\nname = \"base\"\n", "[scenario]\nname = \"plan\"\n"};
  header.month_labels = {"2024-01", "2024-02", "2024-03"};
  header.indicators = {{"ventures_active", "ventures", "active ventures", "base", "stock"},
                       {"graduations", "ventures", "graduations this month", "county", "flow"}};
  header.targets = {{"base", "b1", "ventures_active", 10.0, "2024-03", 2, "base", "stock", "outcome", "plan p.3"},
                    {"plan", "p1", "ventures_active", 12.0, "2024-03", 2, "base", "stock", "outcome", "p.4"},
                    {"plan", "p2", "graduations", 1.5, "2024-02", 1, "county", "flow", "input-driven", "p.5"}};
  header.carriers = {{"base", "c1", "Garden", "incubator", "op1", 40, "2020-01", true},
                     {"plan", "c2", "New park", "park", "op2", 200, "2024-02", false}};
  header.event_kinds = {"entry", "admission", "graduation", "exit"};
  header.stages = {"idea", "seed", "growth"};
  header.statuses = {"active", "graduated", "failed"};
  header.carrier_kinds = {"nursery", "incubator"};
  header.carrier_levels = {"none", "national"};
  header.objectives = {"quality"};
  header.operator_types = {"private-company"};
  header.base_seed = 20240101;
  header.replications = (total_runs + 1) / 2;
  header.total_runs = total_runs;
  return header;
}

RunOutput make_run(const ResultsHeader& header, std::uint32_t id) {
  RunOutput run;
  run.run = id;
  run.scenario = id % 2;
  run.replication = id / 2;
  run.seed = 1000003ULL * id + 17;
  run.venture_months = 100 + id;
  run.ventures = 10 + id;
  for (std::size_t m = 0; m < header.month_labels.size(); ++m)
    for (std::size_t i = 0; i < header.indicators.size(); ++i)
      run.indicators.push_back(id * 100.0 + static_cast<double>(m) * 10.0 + static_cast<double>(i) + 0.5);
  for (std::size_t t = 0; t < header.targets.size(); ++t)
    run.targets_met.push_back(header.targets[t].scenario == header.scenario_names[run.scenario]
                                  ? static_cast<std::uint8_t>((id + t) % 2)
                                  : std::uint8_t{255});
  if (header.record >= RecordLevel::events)
    for (std::uint32_t e = 0; e < id % 3 + 1; ++e)
      run.events.push_back(EventRecord{id, static_cast<std::int16_t>(e), id * 10 + e, static_cast<std::uint8_t>(e % 4),
                                       static_cast<std::int8_t>(e % 3 - 1), static_cast<std::int8_t>(e % 3),
                                       static_cast<std::int16_t>(e % 2 - 1), 0.25F * static_cast<float>(id + e)});
  if (header.record >= RecordLevel::trajectories)
    for (std::int16_t m = 0; m < 3; ++m)
      run.trajectories.push_back(TrajectoryRecord{id, m, id * 10, static_cast<std::int8_t>(m), 0,
                                                  static_cast<std::int16_t>(m - 1), static_cast<std::uint16_t>(id + m),
                                                  1000.0F * static_cast<float>(m), -5.5F, 0.5F, 0.125F});
  return run;
}

Provenance make_provenance(const std::string& host) {
  Provenance provenance;
  provenance.incubsim_version = "0.1.0";
  provenance.git_commit = "abcdef123456";
  provenance.command_line = "incubsim compare base plan -o out.h5";
  provenance.host = host;
  provenance.started_utc = "2024-05-01T10:00:00Z";
  provenance.finished_utc = "2024-05-01T10:00:03Z";
  provenance.wall_seconds = 3.25;
  provenance.threads = 2;
  return provenance;
}

void check_same_runs(const std::vector<RunOutput>& got, const std::vector<RunOutput>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t r = 0; r < got.size(); ++r) {
    INFO("run " << r);
    CHECK(got[r].run == want[r].run);
    CHECK(got[r].scenario == want[r].scenario);
    CHECK(got[r].replication == want[r].replication);
    CHECK(got[r].seed == want[r].seed);
    CHECK(got[r].venture_months == want[r].venture_months);
    CHECK(got[r].ventures == want[r].ventures);
    CHECK(got[r].indicators == want[r].indicators);
    CHECK(got[r].targets_met == want[r].targets_met);
    REQUIRE(got[r].events.size() == want[r].events.size());
    for (std::size_t e = 0; e < got[r].events.size(); ++e) {
      const EventRecord& a = got[r].events[e];
      const EventRecord& b = want[r].events[e];
      CHECK((a.run == b.run && a.month == b.month && a.venture == b.venture && a.kind == b.kind &&
             a.from_stage == b.from_stage && a.to_stage == b.to_stage && a.carrier == b.carrier && a.value == b.value));
    }
    REQUIRE(got[r].trajectories.size() == want[r].trajectories.size());
    for (std::size_t e = 0; e < got[r].trajectories.size(); ++e) {
      const TrajectoryRecord& a = got[r].trajectories[e];
      const TrajectoryRecord& b = want[r].trajectories[e];
      CHECK((a.run == b.run && a.month == b.month && a.venture == b.venture && a.stage == b.stage &&
             a.status == b.status && a.carrier == b.carrier && a.headcount == b.headcount && a.revenue == b.revenue &&
             a.cash == b.cash && a.skill == b.skill && a.technology == b.technology));
    }
  }
}

}  // namespace

TEST_CASE("writer: several parts assemble into a final file equal to the input", "[io]") {
  TempDir dir;
  const fs::path final_path = dir.path / "out.h5";
  const ResultsHeader header = make_header(RecordLevel::trajectories, 5);
  std::vector<RunOutput> runs;
  for (std::uint32_t id = 0; id < 5; ++id) runs.push_back(make_run(header, id));

  {
    ResultsWriter writer(final_path, header, false, 2);
    CHECK(fs::is_directory(writer.parts_directory()));
    for (const RunOutput& run : runs) writer.append(run);
    CHECK(writer.parts_written() == 2);  // the fifth run waits for finish
    CHECK(fs::exists(writer.parts_directory() / "part-000001.h5"));
    CHECK_FALSE(fs::exists(final_path));
    writer.finish(make_provenance("host-a"));
    CHECK(writer.parts_written() == 3);
  }
  REQUIRE(fs::exists(final_path));
  CHECK_FALSE(fs::exists(parts_directory_for(final_path)));
  CHECK(temporaries(dir.path).empty());

  // The whole content, run by run.
  check_same_runs(read_runs(final_path), runs);

  // The raw columns, in run order.
  CHECK(read_column<std::uint32_t>(final_path, "/runs/run") == std::vector<std::uint32_t>{0, 1, 2, 3, 4});
  CHECK(read_column<std::uint32_t>(final_path, "/indicators/run") == std::vector<std::uint32_t>{0, 1, 2, 3, 4});
  CHECK(read_column<std::uint64_t>(final_path, "/runs/seed")[3] == runs[3].seed);
  std::size_t n_runs = 0, months = 0, indicators = 0;
  const std::vector<double> values = read_indicator_values(final_path, &n_runs, &months, &indicators);
  CHECK(n_runs == 5);
  CHECK(months == 3);
  CHECK(indicators == 2);
  std::vector<double> expected_values;
  for (const RunOutput& run : runs)
    expected_values.insert(expected_values.end(), run.indicators.begin(), run.indicators.end());
  CHECK(values == expected_values);
  std::vector<std::uint32_t> expected_event_runs;
  std::vector<float> expected_event_values;
  for (const RunOutput& run : runs)
    for (const EventRecord& event : run.events) {
      expected_event_runs.push_back(event.run);
      expected_event_values.push_back(event.value);
    }
  CHECK(read_column<std::uint32_t>(final_path, "/events/run") == expected_event_runs);
  CHECK(read_column<float>(final_path, "/events/value") == expected_event_values);
  CHECK(read_column<std::uint16_t>(final_path, "/trajectories/headcount").size() == 15);
  CHECK(read_column<float>(final_path, "/trajectories/cash") == std::vector<float>(15, -5.5F));

  // Targets met: [run, target] with 255 for another scenario's targets.
  const h5::File file = open_results(final_path);
  const std::vector<std::uint8_t> met = file.open_dataset("/targets/met").read<std::uint8_t>();
  CHECK(file.open_dataset("/targets/met").shape() == std::vector<hsize_t>{5, 3});
  std::vector<std::uint8_t> expected_met;
  for (const RunOutput& run : runs)
    expected_met.insert(expected_met.end(), run.targets_met.begin(), run.targets_met.end());
  CHECK(met == expected_met);
  CHECK(met[0 * 3 + 1] == 255);  // run 0 is "base"; target p1 belongs to "plan"

  // Header and layout details.
  CHECK(file.read_string_attribute("format") == "incubsim-results");
  CHECK(file.read_attribute<std::int32_t>("format_version") == results_format_version);
  CHECK(file.read_string_attribute("record_level") == "trajectories");
  CHECK(file.read_attribute<std::uint64_t>("base_seed") == 20240101);
  CHECK(file.read_attribute<std::uint32_t>("total_runs") == 5);
  CHECK(file.open_group("provenance").read_string_attribute("host") == "host-a");
  CHECK(file.open_group("provenance").read_attribute<double>("wall_seconds") == 3.25);
  const h5::Dataset month = file.open_dataset("/indicators/month");
  CHECK(month.read<std::int32_t>() == std::vector<std::int32_t>{19723, 19754, 19783});
  CHECK(month.read_string_attribute("units") == "days since 1970-01-01");
  CHECK(month.read_string_attribute("calendar") == "standard");
  CHECK(file.open_dataset("/indicators/values").shape() == std::vector<hsize_t>{5, 3, 2});
  const ResultsHeader back = read_header(final_path);
  CHECK(back.scenario_texts == header.scenario_texts);
  CHECK(back.month_labels == header.month_labels);
  REQUIRE(back.targets.size() == 3);
  CHECK(back.targets[2].threshold == 1.5);
  CHECK(back.targets[2].deadline_month == 1);
  CHECK(back.targets[2].text == "p.5");
  REQUIRE(back.carriers.size() == 2);
  CHECK(back.carriers[1].capacity == 200);
  CHECK(back.carriers[0].in_base);
  CHECK_FALSE(back.carriers[1].in_base);
  CHECK(back.carriers[1].operator_id == "op2");
  CHECK(back.indicators[1].measure == "flow");
  CHECK(back.stages == header.stages);
  CHECK(back.carrier_kinds == header.carrier_kinds);
  CHECK(back.carrier_levels == header.carrier_levels);
  CHECK(back.objectives == header.objectives);
  CHECK(back.operator_types == header.operator_types);
}

TEST_CASE("writer: record level decides which record groups exist", "[io]") {
  TempDir dir;
  for (const RecordLevel level : {RecordLevel::indicators, RecordLevel::events}) {
    const fs::path path = dir.path / (std::string(record_level_name(level)) + ".h5");
    const ResultsHeader header = make_header(level, 2);
    ResultsWriter writer(path, header, false, 10);
    writer.append(make_run(header, 0));
    RunOutput quiet = make_run(header, 1);
    quiet.events.clear();  // a run without events is fine
    writer.append(quiet);
    writer.finish(make_provenance("h"));
    const h5::File file = open_results(path);
    CHECK_FALSE(file.exists("trajectories"));
    CHECK(file.exists("events") == (level == RecordLevel::events));
    if (level == RecordLevel::events) CHECK(file.open_dataset("/events/kind").rows() == 1);
  }
}

TEST_CASE("writer: a file with zero runs, targets and carriers is valid", "[io]") {
  TempDir dir;
  const fs::path path = dir.path / "empty.h5";
  ResultsHeader header = make_header(RecordLevel::events, 0);
  header.targets.clear();
  header.carriers.clear();
  ResultsWriter writer(path, header, false, 4);
  writer.finish(make_provenance("h"));
  const h5::File file = open_results(path);
  CHECK(file.open_dataset("/indicators/values").shape() == std::vector<hsize_t>{0, 3, 2});
  CHECK(file.open_dataset("/targets/met").shape() == std::vector<hsize_t>{0, 0});
  CHECK(file.open_dataset("/events/run").rows() == 0);
  CHECK(read_runs(path).empty());
}

TEST_CASE("writer: refuses to overwrite without force and leaves the file untouched", "[io]") {
  TempDir dir;
  const fs::path path = dir.path / "precious.h5";
  std::ofstream(path) << "precious contents";
  const ResultsHeader header = make_header(RecordLevel::indicators, 1);

  CHECK_THROWS_AS(ResultsWriter(path, header, false, 1), ResultsError);
  CHECK_THROWS_WITH(ResultsWriter(path, header, false, 1), Catch::Contains("exists; use --force to overwrite"));
  CHECK(slurp(path) == "precious contents");
  CHECK_FALSE(fs::exists(parts_directory_for(path)));

  // With force, the old file survives until finish replaces it.
  ResultsWriter writer(path, header, true, 1);
  writer.append(make_run(header, 0));
  CHECK(slurp(path) == "precious contents");
  writer.finish(make_provenance("h"));
  CHECK(read_column<std::uint32_t>(path, "/runs/run") == std::vector<std::uint32_t>{0});
}

TEST_CASE("writer: a parts directory left by a crash needs force", "[io]") {
  TempDir dir;
  const fs::path path = dir.path / "out.h5";
  const fs::path parts = parts_directory_for(path);
  fs::create_directories(parts);
  std::ofstream(parts / "part-000000.h5") << "old";
  const ResultsHeader header = make_header(RecordLevel::indicators, 1);
  CHECK_THROWS_WITH(ResultsWriter(path, header, false, 1), Catch::Contains(parts.string()));
  CHECK(fs::exists(parts / "part-000000.h5"));
  {
    ResultsWriter writer(path, header, true, 1);
    CHECK_FALSE(fs::exists(parts / "part-000000.h5"));  // cleared
    writer.append(make_run(header, 0));
    writer.finish(make_provenance("h"));
  }
  CHECK_FALSE(fs::exists(parts));
}

TEST_CASE("writer: a parts directory killed while being set up holds nothing and is discarded", "[io]") {
  // Found by the kill -9 fault test: a kill between creating the parts directory and writing
  // its manifest left a crash record that --resume could not read. The directory is now built
  // as "<parts>.new" and renamed into place with its manifest.
  TempDir dir;
  const fs::path path = dir.path / "out.h5";
  const fs::path parts = parts_directory_for(path);
  fs::path half = parts;
  half += ".new";
  fs::create_directories(half);
  std::ofstream(half / "manifest.tsv.tmp") << "# pl";
  const ResultsHeader header = make_header(RecordLevel::indicators, 2);
  for (const bool resume : {false, true}) {
    fs::create_directories(half);
    ResultsWriter writer(path, header, WriterOptions{false, resume, 1, 0, 0});
    CHECK_FALSE(fs::exists(half));
    REQUIRE(fs::is_directory(parts));
    CHECK(slurp(parts / "manifest.tsv") == "# plan " + plan_fingerprint(header, 0, header.total_runs) + "\npart\tfile\tfirst_run\truns\n");
    writer.append(make_run(header, 0));
    writer.append(make_run(header, 1));
    writer.finish(make_provenance("h"));
    CHECK(fs::exists(path));
    fs::remove(path);
  }
  CHECK_FALSE(fs::exists(parts));
}

TEST_CASE("writer: runs out of order, misshapen runs and wrong totals throw", "[io]") {
  TempDir dir;
  const ResultsHeader header = make_header(RecordLevel::events, 3);
  ResultsWriter writer(dir.path / "out.h5", header, false, 2);
  CHECK_THROWS_WITH(writer.append(make_run(header, 1)), Catch::Contains("out of order"));
  writer.append(make_run(header, 0));
  CHECK_THROWS_AS(writer.append(make_run(header, 0)), ResultsError);
  CHECK_THROWS_AS(writer.append(make_run(header, 2)), ResultsError);

  RunOutput short_run = make_run(header, 1);
  short_run.indicators.pop_back();
  CHECK_THROWS_WITH(writer.append(short_run), Catch::Contains("indicator values"));
  RunOutput foreign = make_run(header, 1);
  foreign.events.at(0).run = 7;
  CHECK_THROWS_AS(writer.append(foreign), ResultsError);
  RunOutput trajectories = make_run(header, 1);
  trajectories.trajectories.push_back(TrajectoryRecord{});
  trajectories.trajectories.back().run = 1;
  CHECK_THROWS_WITH(writer.append(trajectories), Catch::Contains("record level"));

  writer.append(make_run(header, 1));
  CHECK(writer.runs_appended() == 2);
  CHECK_THROWS_WITH(writer.finish(make_provenance("h")), Catch::Contains("promises 3"));
}

TEST_CASE("writer: destroyed without finish, finished parts and manifest stay readable", "[io]") {
  TempDir dir;
  const fs::path final_path = dir.path / "crashed.h5";
  const fs::path parts = parts_directory_for(final_path);
  const ResultsHeader header = make_header(RecordLevel::events, 6);
  std::vector<RunOutput> runs;
  for (std::uint32_t id = 0; id < 5; ++id) runs.push_back(make_run(header, id));
  fs::path stale = final_path;
  stale += ".tmp";
  std::ofstream(stale) << "left by a command killed during finish";
  try {
    ResultsWriter writer(final_path, header, false, 2);
    for (const RunOutput& run : runs) writer.append(run);  // 2 parts + 1 buffered run
    throw std::runtime_error("simulated failure elsewhere");
  } catch (const std::runtime_error& error) {
    CHECK(std::string(error.what()) == "simulated failure elsewhere");
  }

  CHECK_FALSE(fs::exists(final_path));
  REQUIRE(fs::is_directory(parts));
  CHECK(temporaries(dir.path).empty());
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(parts)) files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  CHECK(files == std::vector<std::string>{"manifest.tsv", "part-000000.h5", "part-000001.h5"});

  CHECK(slurp(parts / "manifest.tsv") == "# plan " + plan_fingerprint(header, 0, header.total_runs) +
                                             "\npart\tfile\tfirst_run\truns\n0\tpart-000000.h5\t0\t2\n1\tpart-000001.h5\t2\t2\n");
  check_same_runs(read_runs(parts / "part-000000.h5"), {runs[0], runs[1]});
  check_same_runs(read_runs(parts / "part-000001.h5"), {runs[2], runs[3]});
  const h5::File part = open_results(parts / "part-000001.h5");
  CHECK_FALSE(part.exists("provenance"));
  CHECK(read_header(parts / "part-000001.h5").scenario_names == header.scenario_names);
  CHECK_THAT(describe_results(parts / "part-000000.h5"), Catch::Contains("2 of 6 planned"));

  // The next command refuses to touch the crash record unless forced.
  CHECK_THROWS_WITH(ResultsWriter(final_path, header, false, 2), Catch::Contains("use --force"));
  CHECK(fs::exists(parts / "part-000000.h5"));
}

TEST_CASE("writer: kill -9 while writing leaves every manifest-listed part readable", "[io]") {
  TempDir dir;
  const fs::path final_path = dir.path / "killed.h5";
  const fs::path manifest = parts_directory_for(final_path) / "manifest.tsv";
  const ResultsHeader header = make_header(RecordLevel::trajectories, 100000);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child writes parts until it is killed; it never returns into Catch.
    try {
      ResultsWriter writer(final_path, header, false, 1);
      for (std::uint32_t id = 0; id < header.total_runs; ++id) writer.append(make_run(header, id));
    } catch (...) {
      _exit(3);
    }
    _exit(0);
  }
  // Kill it once the manifest lists a few parts: it is then busy writing the next one.
  auto listed_parts = [&] {
    const std::string text = fs::exists(manifest) ? slurp(manifest) : std::string();
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) - (text.empty() ? 0 : 2);
  };
  for (int i = 0; i < 6000 && (!fs::exists(manifest) || listed_parts() < 3); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(child, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));

  std::ifstream in(manifest);
  std::string line;
  std::getline(in, line);
  CHECK(line.rfind("# plan ", 0) == 0);
  std::getline(in, line);
  CHECK(line == "part\tfile\tfirst_run\truns");
  std::uint32_t next_run = 0;
  std::size_t parts = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::size_t index = 0;
    std::string file;
    std::uint32_t first_run = 0, count = 0;
    fields >> index >> file >> first_run >> count;
    INFO(line);
    CHECK(index == parts);
    CHECK(first_run == next_run);
    const std::vector<RunOutput> runs = read_runs(parts_directory_for(final_path) / file);
    REQUIRE(runs.size() == count);
    check_same_runs(runs, {make_run(header, first_run)});
    next_run += count;
    ++parts;
  }
  CHECK(parts >= 3);
  CHECK_FALSE(fs::exists(final_path));
}

TEST_CASE("writer: month labels become days since 1970-01-01", "[io]") {
  CHECK(month_label_to_days("1970-01") == 0);
  CHECK(month_label_to_days("1970-02") == 31);
  CHECK(month_label_to_days("2000-03") == 11017);
  CHECK(month_label_to_days("2024-01") == 19723);
  CHECK(month_label_to_days("1969-12") == -31);
  CHECK_THROWS_AS(month_label_to_days("2024-13"), ResultsError);
  CHECK_THROWS_AS(month_label_to_days("2024-1"), ResultsError);
  CHECK_THROWS_AS(month_label_to_days("24-01-01"), ResultsError);
  ResultsHeader header = make_header(RecordLevel::indicators, 1);
  header.month_labels[1] = "2024/02";
  TempDir dir;
  CHECK_THROWS_WITH(ResultsWriter(dir.path / "x.h5", header, false, 1), Catch::Contains("2024/02"));
  CHECK_FALSE(fs::exists(parts_directory_for(dir.path / "x.h5")));
}

TEST_CASE("writer: record level names round-trip", "[io]") {
  for (const RecordLevel level : {RecordLevel::indicators, RecordLevel::events, RecordLevel::trajectories})
    CHECK(parse_record_level(record_level_name(level)) == level);
  CHECK_THROWS_AS(parse_record_level("everything"), ResultsError);
}
