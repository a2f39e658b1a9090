#pragma once
// Runs `incubsim <arguments>` in-process (app::dispatch) and captures its exit code and output.

#include <sstream>
#include <string>
#include <vector>

#include "app/commands.hpp"

namespace incubsim::testing {

struct CommandResult {
  int code = -1;
  std::string out;
  std::string err;
};

inline CommandResult in_process(const std::vector<std::string>& arguments) {
  std::ostringstream out, err;
  CommandResult result;
  result.code = app::dispatch(arguments, "incubsim (test)", out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

}  // namespace incubsim::testing
