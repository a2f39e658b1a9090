#pragma once
// libhdf5 1.10.8 can loop forever reading a variable-length string from a damaged file: its parser
// of a global heap collection (where such strings live) does not advance past an object that
// claims zero bytes (docs/reliability.md, "Fuzzing"). incubsim cannot check the heap before
// libhdf5 parses it, so it bounds the read instead: a StringReadWatch, alive around each libhdf5
// call that reads variable-length strings, lets that call use at most a few seconds of its
// thread's CPU time; beyond that the process ends with exit code 2 and one message naming the
// file. A healthy file's string reads take milliseconds, and waiting for a slow disk costs no CPU.
//
// Off until limit_string_reads() turns it on: the incubsim executable does (app/main.cpp);
// library users, the unit tests and the fuzz harnesses (whose libFuzzer keeps its own timer) do not.

#include <ctime>
#include <string>

namespace incubsim::io::h5 {

// Limit each watched read to `cpu_seconds` of CPU time (0 turns the watch off).
void limit_string_reads(double cpu_seconds);

class StringReadWatch {
 public:
  explicit StringReadWatch(const std::string& file) noexcept;
  ~StringReadWatch();
  StringReadWatch(const StringReadWatch&) = delete;
  StringReadWatch& operator=(const StringReadWatch&) = delete;

 private:
  timer_t timer_{};
  bool armed_ = false;
};

}  // namespace incubsim::io::h5
