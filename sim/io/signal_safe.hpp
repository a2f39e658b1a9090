#pragma once
// Writing a message from a signal handler: only write(2), no allocation, no stdio. Used by the
// handlers that end the process with a message (app/signals.cpp, io/read_watchdog.cpp).

#include <unistd.h>

#include <cstddef>

namespace incubsim::io {

inline void write_to_stderr(const char* text, std::size_t length) noexcept {
  while (length > 0) {
    const ssize_t written = ::write(STDERR_FILENO, text, length);
    if (written <= 0) return;
    text += written;
    length -= static_cast<std::size_t>(written);
  }
}

}  // namespace incubsim::io
