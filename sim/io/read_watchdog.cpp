#include "io/read_watchdog.hpp"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "io/signal_safe.hpp"

namespace incubsim::io::h5 {
namespace {

constexpr int timeout_signal = SIGVTALRM;

std::atomic<double> limit_seconds{0.0};
// The file being read and the limit as text, for the handler (which may not allocate).
char watched_file[4096];
char limit_text[32];
std::atomic<int> watching{0};

constexpr auto say = write_to_stderr;

extern "C" void on_read_timeout(int) {
  if (watching.load(std::memory_order_relaxed) == 0) return;  // a late tick after the read ended
  static const char before[] = "incubsim: libhdf5 did not finish reading strings from '";
  static const char middle[] = "' within ";
  static const char after[] =
      " s of CPU time: the file is damaged (libhdf5 1.10.8 loops forever on a damaged string heap, "
      "docs/reliability.md); it cannot be read\n";
  say(before, sizeof before - 1);
  say(watched_file, ::strnlen(watched_file, sizeof watched_file));
  say(middle, sizeof middle - 1);
  say(limit_text, ::strnlen(limit_text, sizeof limit_text));
  say(after, sizeof after - 1);
  ::_exit(2);
}

}  // namespace

void limit_string_reads(double cpu_seconds) {
  if (!(cpu_seconds > 0.0) || !std::isfinite(cpu_seconds)) {
    limit_seconds.store(0.0);
    return;
  }
  std::snprintf(limit_text, sizeof limit_text, "%g", cpu_seconds);
  struct sigaction action {};
  action.sa_handler = on_read_timeout;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(timeout_signal, &action, nullptr);
  limit_seconds.store(cpu_seconds);
}

StringReadWatch::StringReadWatch(const std::string& file) noexcept {
  const double limit = limit_seconds.load();
  if (limit <= 0.0) return;
  // The calling thread's CPU clock: other threads' work does not count, nor does waiting for I/O.
  clockid_t clock{};
  if (pthread_getcpuclockid(pthread_self(), &clock) != 0) return;
  struct sigevent event {};
  event.sigev_notify = SIGEV_SIGNAL;
  event.sigev_signo = timeout_signal;
  if (timer_create(clock, &event, &timer_) != 0) return;
  const std::size_t length = std::min(file.size(), sizeof watched_file - 1);
  std::memcpy(watched_file, file.data(), length);
  watched_file[length] = '\0';
  watching.fetch_add(1, std::memory_order_relaxed);
  struct itimerspec when {};
  const double whole = std::floor(limit);
  when.it_value.tv_sec = static_cast<time_t>(whole);
  when.it_value.tv_nsec = static_cast<long>((limit - whole) * 1e9);
  if (when.it_value.tv_sec == 0 && when.it_value.tv_nsec == 0) when.it_value.tv_nsec = 1;
  when.it_interval = when.it_value;  // should the first tick be lost, the next one ends it
  timer_settime(timer_, 0, &when, nullptr);
  armed_ = true;
}

StringReadWatch::~StringReadWatch() {
  if (!armed_) return;
  timer_delete(timer_);
  watching.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace incubsim::io::h5
