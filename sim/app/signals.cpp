#include "app/signals.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "engine/cancellation.hpp"
#include "io/read_watchdog.hpp"
#include "io/signal_safe.hpp"

namespace incubsim::app {
namespace {

// Only async-signal-safe calls in the handlers: write(2) and _exit(2).
constexpr auto say = io::write_to_stderr;

extern "C" void on_stop_signal(int signal) {
  if (engine::stop_requested()) {
    static const char at_once[] = "\nincubsim: stopped at once; finished parts are kept (resume with --resume)\n";
    say(at_once, sizeof at_once - 1);
    ::_exit(128 + signal);
  }
  engine::request_stop(signal);
  static const char stopping[] = "\nincubsim: stopping: saving the finished runs (press Ctrl-C again to stop at once)\n";
  say(stopping, sizeof stopping - 1);
}

// The file being read (a fixed buffer: the signal handler may not allocate) and whether one is.
char reading_path[4096];
std::atomic<int> reading{0};

extern "C" void on_fault(int signal) {
  if (reading.load(std::memory_order_relaxed) > 0) {
    static const char before[] = "incubsim: libhdf5 crashed reading '";
    static const char after[] =
        "': the file is damaged (a libhdf5 defect with damaged files, docs/reliability.md); it cannot be read\n";
    say(before, sizeof before - 1);
    say(reading_path, ::strnlen(reading_path, sizeof reading_path));
    say(after, sizeof after - 1);
    ::_exit(2);
  }
  ::signal(signal, SIG_DFL);  // not while reading a results file: our own bug; crash as usual
  ::raise(signal);
}

}  // namespace

void install_damaged_file_guard() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(undefined_behavior_sanitizer)
  return;
#endif
#endif
  struct sigaction action {};
  action.sa_handler = on_fault;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_NODEFER | SA_RESETHAND;
  sigaction(SIGSEGV, &action, nullptr);
  sigaction(SIGBUS, &action, nullptr);
}

std::string limit_string_reads_from_environment() {
  static const char variable[] = "INCUBSIM_STRING_READ_CPU_SECONDS";
  double seconds = default_string_read_seconds;
  if (const char* value = std::getenv(variable); value != nullptr && *value != '\0') {
    char* end = nullptr;
    seconds = std::strtod(value, &end);
    if (end == value || *end != '\0' || !std::isfinite(seconds) || seconds < 0)
      return std::string(variable) + " must be a number of seconds (0: no limit), got '" + value + "'";
  }
  io::h5::limit_string_reads(seconds);
  return {};
}

ReadingResults::ReadingResults(const std::string& path) noexcept {
  const std::size_t length = std::min(path.size(), sizeof reading_path - 1);
  std::memcpy(reading_path, path.data(), length);
  reading_path[length] = '\0';
  reading.fetch_add(1, std::memory_order_relaxed);
}

ReadingResults::~ReadingResults() { reading.fetch_sub(1, std::memory_order_relaxed); }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void ignore_file_size_signal() { std::signal(SIGXFSZ, SIG_IGN); }

}  // namespace incubsim::app
