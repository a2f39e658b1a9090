#pragma once
// The subcommands of `incubsim`. Exit codes: 0 success, 1 runtime failure, 2 bad input.

#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace incubsim::app {

inline constexpr int exit_success = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_bad_input = 2;

// Bad command-line input (unknown option, missing argument, existing output without --force).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs `incubsim <arguments>`; `command_line` is stored in results files.
int dispatch(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out, std::ostream& err);

int run_command(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out);
int compare_command(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out);
int sweep_command(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out);
int merge_command(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out);
int check_command(const std::vector<std::string>& arguments, std::ostream& out);
int diff_command(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);
int params_command(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);
int info_command(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);
// Writes one CSV file per table of a results file (sim/app/export.cpp).
int export_command(const std::vector<std::string>& arguments, std::ostream& out);

}  // namespace incubsim::app
