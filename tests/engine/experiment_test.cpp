#include "engine/experiment.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/cancellation.hpp"
#include "engine/merge.hpp"
#include "engine/sweep.hpp"
#include "io/results_reader.hpp"
#include "scenario/loader.hpp"
#include "support/temp_dir.hpp"

using namespace incubsim;
namespace fs = std::filesystem;

namespace {

const fs::path small = fs::path(INCUBSIM_SOURCE_DIR) / "scenarios/test/small.toml";
const fs::path child = fs::path(INCUBSIM_SOURCE_DIR) / "scenarios/test/extends-child.toml";  // same months

engine::ExperimentPlan small_plan(const fs::path& output, std::uint32_t replications) {
  engine::ExperimentPlan plan;
  plan.scenarios.push_back(scenario::load_scenario(small));
  plan.replications = replications;
  plan.record = io::RecordLevel::events;
  plan.output = output;
  plan.threads = 2;
  plan.command_line = "experiment_test";
  return plan;
}

// A Latin-hypercube sweep of small over the wage, `points` points of 2 replications.
engine::ExperimentPlan sweep_plan(const fs::path& output, std::uint32_t points) {
  engine::ExperimentPlan plan = small_plan(output, 2);
  plan.command = "sweep";
  engine::Factor wage;
  wage.key = "dynamics.wage_per_month";
  wage.low = 3000;
  wage.high = 8000;
  plan.sweep = engine::SweepPlan{engine::latin_hypercube({wage}, points, plan.seed), points, 0, 0};
  return plan;
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::string difference;
  const bool same = io::same_results(a, b, &difference);
  INFO(difference);
  return same;
}

}  // namespace

TEST_CASE("an experiment writes every replication and concludes on them", "[engine][experiment]") {
  testing::TempDir work;
  const engine::ExperimentResult result = engine::run_experiment(small_plan(work.path / "small.h5", 3));
  CHECK_FALSE(result.already_complete);
  CHECK(result.runs_simulated == 3);
  CHECK(result.venture_months > 0);
  CHECK(result.threads == 2);
  REQUIRE(result.concluded);
  CHECK(result.header.total_runs == 3);
  CHECK(result.summary.targets.size() == result.header.targets.size());
  CHECK(result.summary.comparison.empty());  // only compare pairs scenarios
  CHECK(io::read_header(work.path / "small.h5").total_runs == 3);
}

TEST_CASE("two identical experiments write the same results, whatever the thread count", "[engine][experiment]") {
  testing::TempDir work;
  engine::ExperimentPlan one = small_plan(work.path / "one.h5", 3);
  engine::ExperimentPlan two = small_plan(work.path / "two.h5", 3);
  two.threads = 1;
  (void)engine::run_experiment(one);
  (void)engine::run_experiment(two);
  CHECK(same_file(one.output, two.output));
  // The output exists now: without force the same experiment is refused, nothing touched.
  CHECK_THROWS_AS(engine::run_experiment(one), engine::InvalidExperiment);
}

TEST_CASE("a compare experiment pairs every scenario with the first", "[engine][experiment]") {
  testing::TempDir work;
  engine::ExperimentPlan plan = small_plan(work.path / "compare.h5", 2);
  plan.command = "compare";
  plan.scenarios.push_back(scenario::load_scenario(child));
  const engine::ExperimentResult result = engine::run_experiment(plan);
  CHECK(result.runs_simulated == 4);
  CHECK_FALSE(result.summary.comparison.empty());
  CHECK(result.header.scenario_names == std::vector<std::string>{"small", "small-child"});
}

TEST_CASE("resuming a stopped experiment gives the file of an uninterrupted one", "[engine][experiment]") {
  testing::TempDir work;
  const engine::ExperimentPlan whole = small_plan(work.path / "whole.h5", 6);
  (void)engine::run_experiment(whole);

  engine::ExperimentPlan stopped = small_plan(work.path / "stopped.h5", 6);
  stopped.part_runs = 1;  // every finished run is kept in its own part
  engine::ExperimentObserver stop_after_two;
  stop_after_two.advanced = [](std::size_t done) {
    if (done == 2) engine::request_stop(SIGINT);
  };
  try {
    (void)engine::run_experiment(stopped, stop_after_two);
    FAIL("the experiment was not stopped");
  } catch (const engine::Stopped& stop) {
    CHECK(stop.code() == 128 + SIGINT);
  }
  engine::clear_stop();
  CHECK_FALSE(fs::exists(stopped.output));

  stopped.resume = true;
  std::uint32_t kept = 0;
  engine::ExperimentObserver follow;
  follow.resuming = [&](std::uint32_t runs_kept, std::uint32_t runs_asked) {
    kept = runs_kept;
    CHECK(runs_asked == 6);
  };
  const engine::ExperimentResult resumed = engine::run_experiment(stopped, follow);
  CHECK(kept >= 2);
  CHECK(resumed.runs_simulated == 6 - kept);
  CHECK(same_file(whole.output, stopped.output));
  // Once complete, another resume has nothing to do.
  CHECK(engine::run_experiment(stopped).already_complete);
}

TEST_CASE("the shards of a sweep cover its runs and merge into the whole sweep", "[engine][experiment][sweep]") {
  testing::TempDir work;
  const engine::ExperimentPlan whole = sweep_plan(work.path / "whole.h5", 5);
  const engine::ExperimentResult all = engine::run_experiment(whole);
  CHECK(all.runs_simulated == 10);
  CHECK(all.header.design.points == 5);
  CHECK(all.concluded);

  const unsigned shards = 3;
  std::vector<std::string> shard_files;
  std::uint32_t next = 0;
  for (unsigned index = 1; index <= shards; ++index) {
    const engine::RunRange runs = engine::shard_runs(10, index, shards);
    CHECK(runs.first == next);  // contiguous, no overlap
    next = runs.end;
    engine::ExperimentPlan shard = sweep_plan(work.path / ("shard-" + std::to_string(index) + ".h5"), 5);
    shard.sweep->first_run = runs.first;
    shard.sweep->end_run = runs.end;
    const engine::ExperimentResult part = engine::run_experiment(shard);
    CHECK(part.runs_simulated == runs.end - runs.first);
    CHECK_FALSE(part.concluded);  // a shard concludes nothing; the merge does
    shard_files.push_back(shard.output.string());
  }
  CHECK(next == 10);
  const engine::MergeResult merged = engine::merge_shards(work.path / "merged.h5", shard_files, false, "experiment_test");
  CHECK(merged.shards == shards);
  CHECK(merged.summary.targets.size() == all.summary.targets.size());
  CHECK(same_file(whole.output, work.path / "merged.h5"));
}
