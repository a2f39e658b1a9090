#include "app/signals.hpp"

#include <unistd.h>

#include <csignal>

#include "engine/cancellation.hpp"

namespace incubsim::app {
namespace {

void say(const char* text, std::size_t length) noexcept {
  // Only async-signal-safe calls here: write(2) and _exit(2).
  while (length > 0) {
    const ssize_t written = ::write(STDERR_FILENO, text, length);
    if (written <= 0) return;
    text += written;
    length -= static_cast<std::size_t>(written);
  }
}

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

}  // namespace

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
