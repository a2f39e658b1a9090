#pragma once
// The two ways an experiment ends without its results file, kept apart because the command line
// answers them differently: bad input (exit 2, nothing written) and an experiment stopped part of
// the way (a signal or a failed write; its finished runs are kept and it can be resumed).

#include <stdexcept>
#include <string>

namespace incubsim::engine {

// The experiment cannot run as asked: an output that exists without force, parts that cannot be
// resumed, a design or robustness point the scenario refuses, more than the machine can hold.
class InvalidExperiment : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An experiment that ended early, stopped by a signal or failed while running or writing. Its
// message says which runs are kept and the command that resumes; `code` is 128 + the signal (130
// for Ctrl-C, 143 for SIGTERM) or 1 (a runtime failure).
class Stopped : public std::runtime_error {
 public:
  Stopped(const std::string& message, int code) : std::runtime_error(message), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

}  // namespace incubsim::engine
