#include "engine/cancellation.hpp"

#include <atomic>

namespace incubsim::engine {
namespace {

static_assert(std::atomic<int>::is_always_lock_free, "a signal handler may only touch lock-free atomics");
std::atomic<int> requested_signal{0};

}  // namespace

void request_stop(int signal) noexcept { requested_signal.store(signal == 0 ? -1 : signal, std::memory_order_relaxed); }

bool stop_requested() noexcept { return requested_signal.load(std::memory_order_relaxed) != 0; }

int stop_signal() noexcept {
  const int signal = requested_signal.load(std::memory_order_relaxed);
  return signal > 0 ? signal : 0;
}

void clear_stop() noexcept { requested_signal.store(0, std::memory_order_relaxed); }

}  // namespace incubsim::engine
