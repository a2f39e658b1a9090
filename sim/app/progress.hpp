#pragma once
// A one-line progress bar on a terminal (runs done, rate, ETA); silent otherwise.

#include <chrono>
#include <cstddef>

namespace incubsim::app {

class ProgressBar {
 public:
  ProgressBar(std::size_t total, bool enabled);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  void advance(std::size_t done);
  void finish();

 private:
  std::size_t total_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// True when standard error is a terminal.
bool stderr_is_terminal();

}  // namespace incubsim::app
