#pragma once
// A cooperative stop for long work. The command line's SIGINT/SIGTERM handler requests it; the
// engine polls it between runs and between months, stops issuing runs, abandons the runs in
// flight and throws Interrupted, so the caller can keep what is finished and say how to resume.

#include <stdexcept>

namespace incubsim::engine {

// Async-signal-safe (one lock-free atomic store). `signal` is the number reported later.
void request_stop(int signal) noexcept;
bool stop_requested() noexcept;
// The signal that requested the stop; 0 when none did.
int stop_signal() noexcept;
// Forgets a request (tests that interrupt in-process, then go on).
void clear_stop() noexcept;

// Thrown by the engine when it stops early because a stop was requested.
class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("stopped on request") {}
};

}  // namespace incubsim::engine
