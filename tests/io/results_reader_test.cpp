#include "io/results_reader.hpp"

#include <atomic>
#include <catch2/catch.hpp>

#include "support/temp_dir.hpp"
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/results_writer.hpp"

namespace fs = std::filesystem;
using namespace incubsim::io;

namespace {

using incubsim::testing::TempDir;

// Two scenarios, four runs (base, plan, base, plan), two targets of "plan" and one of "base".
ResultsHeader make_header() {
  ResultsHeader header;
  header.command = "compare";
  header.record = RecordLevel::events;
  header.scenario_names = {"base", "plan"};
  header.scenario_texts = {"name = \"base\"\n", "name = \"plan\"\n"};
  header.month_labels = {"2025-01", "2025-02", "2025-03", "2025-04"};
  header.indicators = {{"ventures_active", "ventures", "active ventures", "base", "stock"},
                       {"jobs", "people", "jobs in ventures", "county", "stock"},
                       {"exits", "ventures", "exits this month", "base", "flow"}};
  header.targets = {{"base", "b1", "ventures_active", 5.0, "2025-04", 3, "base", "stock", "outcome", "b"},
                    {"plan", "p1", "ventures_active", 8.0, "2025-04", 3, "base", "stock", "outcome", "p"},
                    {"plan", "p2", "jobs", 30.0, "2025-03", 2, "county", "stock", "input-driven", "q"}};
  header.carriers = {{"plan", "c1", "Hub", "accelerator", "op", 25, "2025-02", false}};
  header.event_kinds = {"entry", "exit"};
  header.stages = {"idea", "growth"};
  header.statuses = {"active", "failed"};
  header.base_seed = 99;
  header.replications = 2;
  header.total_runs = 4;
  return header;
}

std::vector<RunOutput> make_runs(const ResultsHeader& header) {
  std::vector<RunOutput> runs;
  for (std::uint32_t id = 0; id < header.total_runs; ++id) {
    RunOutput run;
    run.run = id;
    run.scenario = id % 2;
    run.replication = id / 2;
    run.seed = 7 * id + 1;
    run.venture_months = 40 + id;
    run.ventures = 12 + id;
    for (std::size_t m = 0; m < header.month_labels.size(); ++m)
      for (std::size_t i = 0; i < header.indicators.size(); ++i)
        run.indicators.push_back(static_cast<double>(id) + 0.1 * static_cast<double>(m * 3 + i));
    // base runs: b1 met in run 0 only; plan runs: p1 met in runs 1 and 3, p2 in run 3 only.
    if (run.scenario == 0)
      run.targets_met = {static_cast<std::uint8_t>(id == 0 ? 1 : 0), 255, 255};
    else
      run.targets_met = {255, 1, static_cast<std::uint8_t>(id == 3 ? 1 : 0)};
    run.events.push_back(EventRecord{id, 1, id, 0, -1, 0, -1, 1.0F});
    run.events.push_back(EventRecord{id, 3, id, 1, 0, -1, 0, 2.0F});
    runs.push_back(std::move(run));
  }
  return runs;
}

Provenance provenance(const std::string& host, int threads) {
  Provenance p;
  p.incubsim_version = "0.1.0";
  p.git_commit = "0123456789ab";
  p.command_line = "incubsim compare base plan --threads " + std::to_string(threads);
  p.host = host;
  p.started_utc = "2025-06-01T08:00:00Z";
  p.finished_utc = "2025-06-01T08:00:02Z";
  p.wall_seconds = 1.5 * threads;
  p.threads = threads;
  return p;
}

fs::path write_with_writer(const fs::path& path, const ResultsHeader& header, const std::vector<RunOutput>& runs,
                           std::size_t runs_per_part, const Provenance& prov) {
  ResultsWriter writer(path, header, false, runs_per_part);
  for (const RunOutput& run : runs) writer.append(run);
  writer.finish(prov);
  return path;
}

}  // namespace

TEST_CASE("reader: same_results ignores provenance and part size", "[io]") {
  TempDir dir;
  const ResultsHeader header = make_header();
  const std::vector<RunOutput> runs = make_runs(header);
  const fs::path a = write_with_writer(dir.path / "a.h5", header, runs, 1, provenance("one", 1));
  const fs::path b = write_with_writer(dir.path / "b.h5", header, runs, 3, provenance("two", 2));
  const fs::path c = dir.path / "c.h5";
  const ResultsSummary summary;  // what finish() writes when given none
  write_results_file(c, header, runs, nullptr, 4, &summary);  // no provenance at all

  std::string difference = "unchanged";
  CHECK(same_results(a, b, &difference));
  CHECK(difference.empty());
  CHECK(same_results(a, c, &difference));
  CHECK(same_results(c, a, nullptr));
  // ...although the provenance really differs.
  CHECK(open_results(a).open_group("provenance").read_string_attribute("host") == "one");
  CHECK(open_results(b).open_group("provenance").read_string_attribute("host") == "two");
}

TEST_CASE("reader: same_results names the first difference", "[io]") {
  TempDir dir;
  const ResultsHeader header = make_header();
  const std::vector<RunOutput> runs = make_runs(header);
  const fs::path reference = dir.path / "reference.h5";
  write_results_file(reference, header, runs, nullptr);
  std::string difference;

  SECTION("one indicator value") {
    std::vector<RunOutput> changed = runs;
    changed[2].indicators[1 * 3 + 2] += 1e-9;  // run 2, month 1, indicator 2
    const fs::path other = dir.path / "other.h5";
    write_results_file(other, header, changed, nullptr);
    CHECK_FALSE(same_results(reference, other, &difference));
    CHECK_THAT(difference, Catch::StartsWith("/indicators/values: differs at [2, 1, 2]"));
  }
  SECTION("one event value") {
    std::vector<RunOutput> changed = runs;
    changed[3].events[1].value = 2.5F;
    const fs::path other = dir.path / "other.h5";
    write_results_file(other, header, changed, nullptr);
    CHECK_FALSE(same_results(reference, other, &difference));
    CHECK_THAT(difference, Catch::Contains("/events/value") && Catch::Contains("[7]") && Catch::Contains("2 vs 2.5"));
  }
  SECTION("a scenario text") {
    ResultsHeader changed = header;
    changed.scenario_texts[1] += "# comment\n";
    const fs::path other = dir.path / "other.h5";
    write_results_file(other, changed, runs, nullptr);
    CHECK_FALSE(same_results(reference, other, &difference));
    CHECK_THAT(difference, Catch::StartsWith("/scenarios/texts: differs at [1]"));
  }
  SECTION("a root attribute") {
    ResultsHeader changed = header;
    changed.base_seed = 100;
    const fs::path other = dir.path / "other.h5";
    write_results_file(other, changed, runs, nullptr);
    CHECK_FALSE(same_results(reference, other, &difference));
    CHECK(difference == "/: attribute 'base_seed': 99 vs 100");
  }
  SECTION("a missing dataset group") {
    ResultsHeader changed = header;
    changed.record = RecordLevel::indicators;
    std::vector<RunOutput> fewer = runs;
    for (RunOutput& run : fewer) run.events.clear();
    const fs::path other = dir.path / "other.h5";
    write_results_file(other, changed, fewer, nullptr);
    CHECK_FALSE(same_results(reference, other, &difference));
    CHECK_THAT(difference, Catch::Contains("/"));  // root attribute record_level differs first
    CHECK_THAT(difference, Catch::Contains("record_level"));
  }
  SECTION("a different number of runs") {
    const fs::path other = dir.path / "other.h5";
    ResultsHeader changed = header;
    write_results_file(other, changed, std::vector<RunOutput>(runs.begin(), runs.begin() + 3), nullptr);
    CHECK_FALSE(same_results(reference, other, &difference));
    CHECK_THAT(difference, Catch::Contains("shapes differ"));
  }
}

TEST_CASE("reader: describe_results summarises a finished file", "[io]") {
  TempDir dir;
  const ResultsHeader header = make_header();
  const std::vector<RunOutput> runs = make_runs(header);
  const fs::path path = write_with_writer(dir.path / "out.h5", header, runs, 2, provenance("box", 2));
  const std::string text = describe_results(path);
  INFO(text);
  CHECK_THAT(text, Catch::Contains("incubsim-results version " + std::to_string(results_format_version)));
  CHECK_THAT(text, Catch::Contains("command:          compare"));
  CHECK_THAT(text, Catch::Contains("0.1.0 (commit 0123456789ab)"));
  CHECK_THAT(text, Catch::Contains("incubsim compare base plan --threads 2"));
  CHECK_THAT(text, Catch::Contains("2025-06-01T08:00:00Z"));
  CHECK_THAT(text, Catch::Contains("wall seconds:     3"));
  CHECK_THAT(text, Catch::Contains("scenarios:        2 (base, plan)"));
  CHECK_THAT(text, Catch::Contains("runs:             4\n"));
  CHECK_THAT(text, Catch::Contains("replications:     2"));
  CHECK_THAT(text, Catch::Contains("months:           4 (2025-01 .. 2025-04)"));
  CHECK_THAT(text, Catch::Contains("record level:     events"));
  CHECK_THAT(text, Catch::Contains("indicators:       3"));
  CHECK_THAT(text, Catch::Contains("events:           8 rows"));
  CHECK_THAT(text, Catch::Contains("trajectories:     not recorded"));
  // Attainment over the runs of each target's own scenario.
  CHECK_THAT(text,
             Catch::Contains("base/b1: ventures_active 5 by 2025-04") && Catch::Contains("met in 50.0% of runs (1/2)"));
  CHECK_THAT(text, Catch::Contains("plan/p1") && Catch::Contains("met in 100.0% of runs (2/2)"));
  CHECK_THAT(text, Catch::Contains("plan/p2: jobs 30 by 2025-03"));
}

TEST_CASE("reader: describe_results refuses files that are not incubsim results", "[io]") {
  TempDir dir;
  const fs::path text = dir.path / "notes.h5";
  std::ofstream(text) << "just text, not HDF5\n";
  CHECK_THROWS_AS(describe_results(text), ResultsError);
  CHECK_THROWS_WITH(describe_results(text), Catch::Contains("not an HDF5 file"));

  CHECK_THROWS_AS(describe_results(dir.path / "missing.h5"), ResultsError);
  CHECK_THROWS_WITH(describe_results(dir.path / "missing.h5"), Catch::Contains("no such file"));

  const fs::path foreign = dir.path / "foreign.h5";
  {
    h5::File file = h5::File::create(foreign);
    file.write_attribute("format", "someone-else");
  }
  CHECK_THROWS_WITH(describe_results(foreign), Catch::Contains("not an incubsim results file"));

  const fs::path bare = dir.path / "bare.h5";
  { h5::File::create(bare); }
  CHECK_THROWS_WITH(describe_results(bare), Catch::Contains("no root attribute 'format'"));

  const fs::path future = dir.path / "future.h5";
  {
    h5::File file = h5::File::create(future);
    file.write_attribute("format", results_format_name);
    file.write_attribute("format_version", std::int32_t{99});
  }
  CHECK_THROWS_WITH(describe_results(future), Catch::Contains("format_version 99"));
}

TEST_CASE("reader: small readers return datasets as written", "[io]") {
  TempDir dir;
  const ResultsHeader header = make_header();
  const std::vector<RunOutput> runs = make_runs(header);
  const fs::path path = dir.path / "small.h5";
  write_results_file(path, header, runs, nullptr);

  CHECK(read_string_dataset(path, "/scenarios/names") == header.scenario_names);
  CHECK(read_string_dataset(path, "/indicators/month_label") == header.month_labels);
  CHECK(read_string_dataset(path, "/indicators/indicator") ==
        std::vector<std::string>{"ventures_active", "jobs", "exits"});
  CHECK(read_string_dataset(path, "/labels/event_kinds") == header.event_kinds);
  CHECK(read_string_dataset(path, "/carriers/operator") == std::vector<std::string>{"op"});
  CHECK(read_column<std::uint32_t>(path, "/runs/scenario") == std::vector<std::uint32_t>{0, 1, 0, 1});
  CHECK(read_column<std::int32_t>(path, "/targets/deadline_month") == std::vector<std::int32_t>{3, 3, 2});
  CHECK(read_column<std::int8_t>(path, "/events/from_stage") == std::vector<std::int8_t>{-1, 0, -1, 0, -1, 0, -1, 0});
  CHECK_THROWS_AS(read_column<double>(path, "/indicators/values"), ResultsError);  // 3-D
  CHECK_THROWS_AS(read_column<double>(path, "/scenarios/names"), ResultsError);    // strings
  CHECK_THROWS_WITH(read_string_dataset(path, "/nothing/here"), Catch::Contains("/nothing/here"));

  std::size_t n_runs = 0, months = 0, indicators = 0;
  const std::vector<double> values = read_indicator_values(path, &n_runs, &months, &indicators);
  CHECK(n_runs == 4);
  CHECK(months == 4);
  CHECK(indicators == 3);
  REQUIRE(values.size() == 48);
  CHECK(values[(3 * 4 + 2) * 3 + 1] == Approx(3.0 + 0.1 * 7));
}
