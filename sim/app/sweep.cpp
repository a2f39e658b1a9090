// `incubsim sweep SCENARIO --vary KEY=LO:HI ...`: one scenario at the points of a design
// (grid, Latin hypercube, Sobol'-Saltelli, Morris), or one shard of its runs. Under mpirun each
// rank runs a shard into its own file and rank 0 merges them (app/parallel.hpp).

#include <chrono>
#include <filesystem>
#include <limits>
#include <sstream>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "app/parallel.hpp"
#include "app/report.hpp"
#include "app/simulating.hpp"
#include "engine/merge.hpp"
#include "engine/sweep.hpp"
#include "scenario/keys.hpp"
#include "scenario/loader.hpp"
#include "scenario/registry.hpp"

namespace incubsim::app {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

// One --vary: "KEY=LO:HI", "KEY=LO:HI:log" or "KEY=a,b,c".
engine::Factor parse_vary(const std::string& text, scenario::Scenario& base, int levels) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == text.size())
    throw UsageError("--vary '" + text + "': expected KEY=LO:HI, KEY=LO:HI:log or KEY=a,b,c");
  engine::Factor factor;
  factor.key = text.substr(0, equals);
  const std::string range = text.substr(equals + 1);
  const std::string table = factor.key.substr(0, factor.key.find('.'));
  if (table == "simulation" || table == "scenario" || table == "target")
    throw UsageError("--vary '" + factor.key + "': [" + table + "] keys cannot be swept");
  const auto parameter = scenario::find_parameter(base.setup.parameters, factor.key);
  if (!parameter) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : scenario::parameter_values(base.setup.parameters)) keys.push_back(key);
    throw UsageError("--vary: no parameter '" + factor.key + "' in " + base.path.string() + scenario::did_you_mean(factor.key, keys));
  }
  const scenario::ValueType type = parameter->spec->type;
  const bool numeric = type == scenario::ValueType::real || type == scenario::ValueType::integer;
  if (range.find(':') == std::string::npos) {
    factor.kind = engine::Factor::Kind::categorical;
    std::stringstream items(range);
    for (std::string item; std::getline(items, item, ',');) factor.choices.push_back(item);
    return factor;
  }
  if (!numeric) throw UsageError("--vary '" + factor.key + "' is " + scenario::value_type_name(type) + ": give its choices, KEY=a,b,c");
  std::vector<std::string> parts;
  std::stringstream items(range);
  for (std::string item; std::getline(items, item, ':');) parts.push_back(item);
  if (parts.size() < 2 || parts.size() > 3 || (parts.size() == 3 && parts[2] != "log"))
    throw UsageError("--vary '" + text + "': expected KEY=LO:HI or KEY=LO:HI:log");
  try {
    std::size_t used = 0;
    factor.low = std::stod(parts[0], &used);
    if (used != parts[0].size()) throw std::invalid_argument("trailing");
    factor.high = std::stod(parts[1], &used);
    if (used != parts[1].size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw UsageError("--vary '" + text + "': LO and HI must be numbers");
  }
  if (!(factor.low < factor.high)) throw UsageError("--vary '" + text + "': LO must be below HI");
  factor.kind = parts.size() == 3 ? engine::Factor::Kind::log
                : type == scenario::ValueType::integer ? engine::Factor::Kind::integer
                                                       : engine::Factor::Kind::real;
  if (factor.kind == engine::Factor::Kind::log && type == scenario::ValueType::integer)
    throw UsageError("--vary '" + text + "': '" + factor.key + "' is an integer; a log scale needs a real parameter");
  factor.levels = levels;
  return factor;
}

// The factors of the --vary options, each key once.
std::vector<engine::Factor> factors_of(const std::vector<std::string>& varied, scenario::Scenario& base, int levels) {
  std::vector<engine::Factor> factors;
  for (const std::string& vary : varied) {
    factors.push_back(parse_vary(vary, base, levels > 0 ? levels : 3));
    for (std::size_t f = 0; f + 1 < factors.size(); ++f) {
      if (factors[f].key == factors.back().key) throw UsageError("--vary '" + factors.back().key + "' is given twice");
    }
  }
  return factors;
}

// The design --design names, over `factors`; its size and shape checked here, as flags.
engine::Design design_of(const std::string& design_name, const std::vector<engine::Factor>& factors, std::uint32_t samples, int levels,
                         std::uint32_t seed) {
  if (levels != 0 && design_name != "grid" && design_name != "morris")
    throw UsageError("--levels applies to --design grid and morris, not " + design_name);
  if (samples != 0 && design_name == "grid") throw UsageError("--samples does not apply to --design grid (its size is the product of the levels)");
  try {
    if (design_name == "grid") return engine::grid(factors);
    if (design_name == "lhs") {
      if (samples < 2) throw UsageError("--design lhs needs --samples N (at least 2 points)");
      return engine::latin_hypercube(factors, samples, seed);
    }
    if (design_name == "sobol") {
      if (samples < 2) throw UsageError("--design sobol needs --samples N (at least 2 base points; a power of two is best)");
      return engine::sobol_saltelli(factors, samples, seed);
    }
    if (design_name == "morris") {
      if (samples < 2) throw UsageError("--design morris needs --samples R (at least 2 trajectories)");
      return engine::morris(factors, samples, levels > 0 ? levels : 4, seed);
    }
    throw UsageError("--design must be grid, lhs, sobol or morris, got '" + design_name + "'");
  } catch (const std::invalid_argument& error) {
    throw UsageError(std::string("--design ") + design_name + ": " + error.what());
  }
}

// --shard I/N: the I-th of N equal slices of `total` runs.
engine::RunRange parse_shard(const std::string& shard_text, std::uint32_t total) {
  unsigned index = 0, count = 0;
  char slash = 0;
  std::istringstream in(shard_text);
  if (!(in >> index >> slash >> count) || slash != '/' || !in.eof() || count == 0 || index < 1 || index > count)
    throw UsageError("--shard must be I/N with 1 <= I <= N, got '" + shard_text + "'");
  if (count > total) throw UsageError("--shard " + shard_text + ": more shards than the sweep's " + std::to_string(total) + " runs");
  return engine::shard_runs(total, index, count);
}

// Under mpirun, after every rank wrote its shard: rank 0 merges the ranks' files into `output`
// and removes them; the other ranks say nothing. A rank that failed makes every rank fail.
bool ranks_synchronised = false;  // the ranks' one collective of a sweep has happened

template <typename RankFile>
int finish_ranks(const fs::path& output, int ranks, int rank, RankFile rank_file, bool force, const std::string& command_line,
                 std::ostream& out) {
  ranks_synchronised = true;
  if (!all_ranks_ok(true)) return exit_failure;
  if (rank != 0) return exit_success;
  std::vector<std::string> files;
  for (int r = 0; r < ranks; ++r) files.push_back(rank_file(r).string());
  const auto start = std::chrono::steady_clock::now();
  const engine::MergeResult merged = engine::merge_shards(output, files, force, command_line, read_guarded);
  print_merge(out, output, merged, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  for (const std::string& file : files) fs::remove(file);
  out << "(" << ranks << " MPI ranks, one shard each, merged by rank 0)\n";
  return exit_success;
}

// The report of a sweep, or of a shard of one (`shard_text` as given).
void print_sweep(std::ostream& out, const engine::ExperimentPlan& plan, const std::string& shard_text, const engine::ExperimentResult& result) {
  const engine::Design& swept = plan.sweep->design;
  out << "Sweep of " << plan.scenarios.front().name << ": " << swept.kind << " design, " << swept.points() << " points x "
      << plan.replications << " replications, seed " << plan.seed
      << (result.concluded ? "" : ", shard " + shard_text + " (runs " + std::to_string(result.first_run) + ".." +
                                      std::to_string(result.end_run - 1) + ")")
      << ", results in " << plan.output.string() << "\n";
  if (result.concluded) {
    print_targets(out, result.header, result.summary);
    print_sensitivity(out, result.summary);
  } else {
    out << "Join the shards with: incubsim merge OUT.h5 SHARD.h5...\n";
  }
  print_throughput(out, plan.command, result);
}

int sweep_on_this_rank(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out) {
  po::options_description options("incubsim sweep SCENARIO --vary KEY=LO:HI[:log] | KEY=a,b,c ... [options]");
  options.add_options()("help,h", "show this help")("scenario", po::value<std::string>(), "scenario TOML file")(
      "vary", po::value<std::vector<std::string>>()->composing(), "a factor: KEY=LO:HI, KEY=LO:HI:log or KEY=a,b,c (repeatable)")(
      "design", po::value<std::string>()->default_value("lhs"), "grid | lhs | sobol | morris")(
      "samples", po::value<std::uint32_t>()->default_value(0), "lhs: points; sobol: base points N (N(k+2) points); morris: trajectories")(
      "levels", po::value<int>()->default_value(0), "grid: levels per numeric factor (default 3); morris: grid levels (default 4, even)")(
      "shard", po::value<std::string>(), "I/N: run only the I-th of N equal slices of the runs (1 <= I <= N); join with incubsim merge");
  add_simulation_options(options, "events", 256);  // sweeps: bigger parts write much faster (docs/performance.md)
  const std::optional<po::variables_map> parsed = parse_command(arguments, options, "scenario", 1, out);
  if (!parsed) return exit_success;  // --help
  const po::variables_map& values = *parsed;
  if (!values.count("scenario")) throw UsageError("sweep needs a scenario file: incubsim sweep SCENARIO.toml --vary KEY=LO:HI ...");
  if (!values.count("vary")) throw UsageError("sweep needs at least one --vary KEY=LO:HI");
  Simulation simulation = read_simulation_options("sweep", values, command_line);
  engine::ExperimentPlan& plan = simulation.plan;
  const std::string design_name = values["design"].as<std::string>();
  const std::uint32_t samples = values["samples"].as<std::uint32_t>();
  const int levels = values["levels"].as<int>();
  scenario::Scenario base = scenario::load_scenario(values["scenario"].as<std::string>(), plan.overrides);
  scenario::check_population(base);  // the population cap: exit 2 up front

  const std::vector<engine::Factor> factors = factors_of(values["vary"].as<std::vector<std::string>>(), base, levels);
  engine::Design design = design_of(design_name, factors, samples, levels, plan.seed);
  engine::check_factor_ends(design, base, plan.overrides);  // ScenarioError: exit 2 naming the key
  if (engine::sweep_runs(design, plan.replications) > std::numeric_limits<std::uint32_t>::max())
    throw UsageError("the sweep would have more than 2^32 runs");
  const auto total = static_cast<std::uint32_t>(engine::sweep_runs(design, plan.replications));

  // The shard: runs [first, end) of the whole sweep. Under mpirun, rank r runs shard r+1 of K
  // into its own file, and rank 0 merges them.
  engine::RunRange runs{0, total};
  std::string shard_text;
  const int ranks = world_size();
  const int rank = world_rank();
  if (ranks > 1 && values.count("shard")) throw UsageError("--shard and mpirun do not mix: under mpirun every rank takes its own shard");
  if (ranks > 1) shard_text = std::to_string(rank + 1) + "/" + std::to_string(ranks);
  if (values.count("shard")) shard_text = values["shard"].as<std::string>();
  if (values.count("shard") || ranks > 1) runs = parse_shard(shard_text, total);
  if (plan.output.empty()) {
    std::string name = "sweep-" + base.name;
    if (!shard_text.empty() && ranks == 1) name += ".shard-" + std::to_string(runs.first) + "-" + std::to_string(runs.end);
    plan.output = fs::path("output") / (name + ".h5");
  }
  const fs::path merged_output = plan.output;  // under mpirun: what rank 0 merges into
  auto rank_file = [&](int r) {
    fs::path path = merged_output;
    path += ".rank-" + std::to_string(r) + "-of-" + std::to_string(ranks) + ".h5";
    return path;
  };
  if (ranks > 1) {
    if (fs::exists(merged_output) && !plan.force) throw UsageError("results file '" + merged_output.string() + "' exists; use --force to overwrite it");
    plan.output = rank_file(rank);
    simulation.quiet = simulation.quiet || rank != 0;
  }
  plan.scenarios.push_back(std::move(base));
  plan.sweep = engine::SweepPlan{std::move(design), samples, runs.first, runs.end};

  const engine::ExperimentResult result = simulate(simulation, out);
  if (result.already_complete) return exit_success;
  if (ranks > 1) return finish_ranks(merged_output, ranks, rank, rank_file, plan.force, command_line, out);
  print_sweep(out, plan, shard_text, result);
  return exit_success;
}

}  // namespace

int sweep_command(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out) {
  if (world_size() == 1) return sweep_on_this_rank(arguments, command_line, out);
  // Under mpirun a rank that fails still takes part in the ranks' one collective, so no rank waits
  // forever; bad input fails on every rank alike.
  ranks_synchronised = false;
  try {
    return sweep_on_this_rank(arguments, command_line, out);
  } catch (...) {
    if (!ranks_synchronised) (void)all_ranks_ok(false);
    throw;
  }
}

}  // namespace incubsim::app
