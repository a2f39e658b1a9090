// The commands that inspect without simulating: `check` (a scenario resolved), `diff` (what
// alternatives change), `params` (the parameter registry or the indicators) and `info` (a
// results file).

#include <chrono>
#include <filesystem>
#include <iomanip>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "app/signals.hpp"
#include "io/results_reader.hpp"
#include "io/schema.hpp"
#include "model/indicators.hpp"
#include "scenario/difference.hpp"
#include "scenario/loader.hpp"
#include "scenario/registry.hpp"

namespace incubsim::app {

namespace po = boost::program_options;
namespace fs = std::filesystem;

int check_command(const std::vector<std::string>& arguments, std::ostream& out) {
  po::options_description options("incubsim check SCENARIO [--set KEY=VALUE]...");
  options.add_options()("help,h", "show this help")("scenario", po::value<std::string>(), "scenario TOML file")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a parameter: KEY=VALUE");
  const auto start = std::chrono::steady_clock::now();
  const std::optional<po::variables_map> parsed = parse_command(arguments, options, "scenario", 1, out);
  if (!parsed) return exit_success;  // --help
  const po::variables_map& values = *parsed;
  if (!values.count("scenario")) throw UsageError("check needs a scenario file: incubsim check SCENARIO.toml");
  const std::vector<std::string> overrides = values.count("set") ? values["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const scenario::Scenario scenario = scenario::load_scenario(values["scenario"].as<std::string>(), overrides);
  out << scenario.resolved_text;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << "# incubsim check: scenario '" << scenario.name << "' is valid: " << scenario.setup.carriers.size() << " carriers, "
      << scenario.setup.targets.size() << " targets, " << scenario.setup.months << " months, " << scenario.schedule.size()
      << " scheduled changes, " << scenario.uncertainty.size() << " declared ranges; 0 runs, 0 venture-months, "
      << std::fixed << std::setprecision(3) << seconds << " s wall\n";
  return exit_success;
}

int diff_command(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  po::options_description options("incubsim diff BASELINE ALTERNATIVE...");
  options.add_options()("help,h", "show this help")("scenarios", po::value<std::vector<std::string>>(), "scenario TOML files");
  const auto start = std::chrono::steady_clock::now();
  const std::optional<po::variables_map> parsed = parse_command(arguments, options, "scenarios", -1, out);
  if (!parsed) return exit_success;  // --help
  const po::variables_map& values = *parsed;
  const std::vector<std::string> files = values.count("scenarios") ? values["scenarios"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (files.size() < 2) throw UsageError("diff needs a baseline and at least one alternative: incubsim diff BASELINE.toml ALTERNATIVE.toml...");
  const scenario::Scenario baseline = scenario::load_scenario(files.front());
  std::vector<scenario::Scenario> alternatives;
  for (std::size_t i = 1; i < files.size(); ++i) alternatives.push_back(scenario::load_scenario(files[i]));
  out << scenario::differences_markdown(baseline, alternatives);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  err << "incubsim diff: " << alternatives.size() << " alternative" << (alternatives.size() == 1 ? "" : "s") << " against '" << baseline.name
      << "'; 0 runs, 0 venture-months, " << std::fixed << std::setprecision(3) << seconds << " s wall\n";
  return exit_success;
}

int params_command(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  po::options_description options("incubsim params [--markdown | --indicators [--markdown] | --results-table GROUP]");
  options.add_options()("help,h", "show this help")("markdown", "print docs/parameters.md (with --indicators: the indicator table of docs/odd.md)")(
      "indicators", "list the indicators (name, unit, scope, measure, description) targets can name")(
      "results-table", po::value<std::string>(), "print the columns of a results file table (runs, events, ...) as docs/output-format.md shows them");
  const po::variables_map values = parse_options(arguments, options, {});
  if (values.count("help")) {
    out << options << "\n";
    return exit_success;
  }
  if (values.count("results-table")) {
    const std::string group = values["results-table"].as<std::string>();
    try {
      out << io::schema::table_markdown(group);
    } catch (const std::invalid_argument& error) {
      throw UsageError(error.what());
    }
    err << "incubsim params: the /" << group << " table; 0 runs, 0 venture-months\n";
    return exit_success;
  }
  if (values.count("indicators")) {
    out << (values.count("markdown") ? model::indicators_markdown() : model::indicators_text());
    err << "incubsim params: " << model::indicator_registry().size() << " indicators; 0 runs, 0 venture-months\n";
    return exit_success;
  }
  out << (values.count("markdown") ? scenario::parameters_markdown() : scenario::parameters_text());
  // The summary goes to standard error: standard output is the product (docs/parameters.md).
  err << "incubsim params: " << scenario::parameter_registry().all_specs().size() << " keys; 0 runs, 0 venture-months\n";
  return exit_success;
}

int info_command(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  po::options_description options("incubsim info FILE.h5");
  options.add_options()("help,h", "show this help")("file", po::value<std::string>(), "results file");
  const std::optional<po::variables_map> parsed = parse_command(arguments, options, "file", 1, out);
  if (!parsed) return exit_success;  // --help
  const po::variables_map& values = *parsed;
  if (!values.count("file")) throw UsageError("info needs a results file: incubsim info FILE.h5");
  const fs::path file = values["file"].as<std::string>();
  if (!fs::exists(file)) throw UsageError("results file '" + file.string() + "' not found");
  const auto start = std::chrono::steady_clock::now();
  try {
    const ReadingResults reading(file.string());
    out << io::describe_results(file);
  } catch (const io::ResultsError& error) {
    throw UsageError(error.what());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  err << "incubsim info: 0 runs, 0 venture-months, " << std::fixed << std::setprecision(3) << seconds << " s wall\n";
  return exit_success;
}

}  // namespace incubsim::app
