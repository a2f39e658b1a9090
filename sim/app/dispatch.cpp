// `incubsim <command> ...`: hands the arguments to the command's function and turns what it
// throws into one message and an exit code (0 success, 1 runtime failure, 2 bad input).

#include <filesystem>

#include "app/commands.hpp"
#include "engine/experiment_errors.hpp"
#include "incubsim/version.hpp"
#include "scenario/loader.hpp"

namespace incubsim::app {

namespace fs = std::filesystem;

namespace {

// A path given on the command line that the system refuses to look up or use: a bad input
// (exit 2), not a failure of the command.
bool unusable_path(const std::error_code& error) {
  for (const std::errc reason : {std::errc::filename_too_long, std::errc::not_a_directory, std::errc::too_many_symbolic_link_levels,
                                 std::errc::permission_denied, std::errc::operation_not_permitted, std::errc::read_only_file_system,
                                 std::errc::no_such_file_or_directory, std::errc::is_a_directory, std::errc::invalid_argument})
    if (error == reason) return true;
  return false;
}

}  // namespace

int dispatch(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out, std::ostream& err) {
  const std::string usage =
      "usage: incubsim <command> [options]\n"
      "  run SCENARIO [-r N] [--seed S] [-o FILE.h5] [--set K=V]... [--record LEVEL] [--threads N] [--resume] [--force] [--ignore-limits] [-q]\n"
      "  compare REFERENCE OTHER... [-r N] [...]  paired comparison on common random numbers\n"
      "  sweep SCENARIO --vary K=LO:HI... [--design grid|lhs|sobol|morris] [--samples N] [--resume] [--shard I/N] [...]\n"
      "  merge OUT.h5 SHARD.h5...        join the shards of a sweep\n"
      "  check SCENARIO [--set K=V]...   validate, print the resolved scenario\n"
      "  diff BASELINE ALTERNATIVE...    the parameters each alternative changes, with ranges and sources\n"
      "  params [--markdown|--indicators] the parameter registry, or the indicators\n"
      "  info FILE.h5                    summarise a results file\n"
      "  export FILE.h5 --csv DIR [--force]  one CSV file per table, for spreadsheets\n"
      "exit codes: 0 success, 1 runtime failure, 2 bad input\n";
  if (arguments.empty() || arguments[0] == "--help" || arguments[0] == "-h" || arguments[0] == "help") {
    (arguments.empty() ? err : out) << usage;
    return arguments.empty() ? exit_bad_input : exit_success;
  }
  if (arguments[0] == "--version") {
    out << "incubsim " << incubsim::version << " (" << incubsim::git_commit << ")\n";
    return exit_success;
  }
  const std::string command = arguments[0];
  const std::vector<std::string> rest(arguments.begin() + 1, arguments.end());
  try {
    if (command == "run") return run_command(rest, command_line, out);
    if (command == "compare") return compare_command(rest, command_line, out);
    if (command == "sweep") return sweep_command(rest, command_line, out);
    if (command == "merge") return merge_command(rest, command_line, out);
    if (command == "check") return check_command(rest, out);
    if (command == "diff") return diff_command(rest, out, err);
    if (command == "params") return params_command(rest, out, err);
    if (command == "info") return info_command(rest, out, err);
    if (command == "export") return export_command(rest, out);
    const std::string suggestion = scenario::closest_match(command, {"run", "compare", "sweep", "merge", "check", "diff", "params", "info", "export"});
    err << "incubsim: unknown command '" << command << "'" << (suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)") << "\n"
        << usage;
    return exit_bad_input;
  } catch (const scenario::ScenarioError& error) {
    err << "incubsim " << command << ": invalid scenario\n" << error.what() << "\n";
    return exit_bad_input;
  } catch (const UsageError& error) {
    err << "incubsim " << command << ": " << error.what() << "\n";
    return exit_bad_input;
  } catch (const engine::InvalidExperiment& error) {
    err << "incubsim " << command << ": " << error.what() << "\n";
    return exit_bad_input;
  } catch (const engine::Stopped& stopped) {
    err << "incubsim " << command << ": " << stopped.what() << "\n";
    return stopped.code();
  } catch (const fs::filesystem_error& error) {
    const bool bad_input = unusable_path(error.code());
    err << "incubsim " << command << ": " << (bad_input ? "" : "error: ") << "cannot use '" << error.path1().string()
        << "': " << error.code().message() << "\n";
    return bad_input ? exit_bad_input : exit_failure;
  } catch (const std::exception& error) {
    err << "incubsim " << command << ": error: " << error.what() << "\n";
    return exit_failure;
  }
}

}  // namespace incubsim::app
