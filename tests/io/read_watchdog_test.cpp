#include "io/read_watchdog.hpp"

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <thread>

using incubsim::io::h5::limit_string_reads;
using incubsim::io::h5::StringReadWatch;

namespace {

// Runs `body` in a child process (the watch ends a process) and returns its exit status; stderr
// goes to /dev/null. -1 when the child did not exit normally.
template <typename Body>
int exit_status_of(Body body) {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::freopen("/dev/null", "w", stderr);
    body();
    std::_Exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void burn_cpu(std::chrono::milliseconds how_long) {
  volatile unsigned long sink = 0;
  const auto end = std::chrono::steady_clock::now() + how_long;
  while (std::chrono::steady_clock::now() < end) sink = sink + 1;
}

}  // namespace

TEST_CASE("string-read watch: a read that spins past its CPU limit ends the process with exit code 2", "[io]") {
  CHECK(exit_status_of([] {
          limit_string_reads(0.2);
          const StringReadWatch watch("damaged.h5");
          burn_cpu(std::chrono::seconds(20));  // what libhdf5 does on a damaged string heap
        }) == 2);
}

TEST_CASE("string-read watch: waiting, reads within the limit and other threads' work do not count", "[io]") {
  SECTION("a read that waits (no CPU) longer than the limit") {
    CHECK(exit_status_of([] {
            limit_string_reads(0.2);
            const StringReadWatch watch("slow-disk.h5");
            std::this_thread::sleep_for(std::chrono::milliseconds(600));
          }) == 0);
  }
  SECTION("many short reads whose CPU time adds up past the limit") {
    CHECK(exit_status_of([] {
            limit_string_reads(0.2);
            for (int i = 0; i < 8; ++i) {
              const StringReadWatch watch("healthy.h5");
              burn_cpu(std::chrono::milliseconds(50));
            }
          }) == 0);
  }
  SECTION("another thread burning CPU while the read waits") {
    CHECK(exit_status_of([] {
            limit_string_reads(0.2);
            const StringReadWatch watch("healthy.h5");
            std::thread busy([] { burn_cpu(std::chrono::milliseconds(600)); });
            busy.join();
          }) == 0);
  }
  SECTION("no limit set (the library's default): nothing is watched") {
    CHECK(exit_status_of([] {
            limit_string_reads(0);
            const StringReadWatch watch("damaged.h5");
            burn_cpu(std::chrono::milliseconds(600));
          }) == 0);
  }
}
