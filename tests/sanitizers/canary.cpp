// Deliberate bugs, one per argument, that the sanitizer stages must catch. Not part of the test
// suite: scripts/test-sanitized.sh and scripts/test-tsan.sh build it with the same compiler,
// flags, options and suppressions as the stage itself, and fail when a bug goes unreported --
// proof that a silent stage is a clean one, not a blind one.
//   canary clean          no bug: must exit 0 and leave no report
//   canary heap-overflow  AddressSanitizer
//   canary leak           LeakSanitizer
//   canary undefined      UndefinedBehaviorSanitizer (signed overflow)
//   canary race           ThreadSanitizer, two std::threads
//   canary tbb-race       ThreadSanitizer, two oneTBB tasks racing on a variable of ours
//   canary pipeline-race  ThreadSanitizer, the parallel stage of a oneTBB pipeline (the shape of
//                         engine::execute) racing on a variable of ours
// The clean case runs a parallel_for and a pipeline whose stages hand data from thread to thread
// correctly: with libtbb uninstrumented, it stays silent only when the oneTBB bridge
// (tbb_tsan_bridge.cpp) supplies the happens-before edges; the racy cases prove that neither the
// bridge nor the suppressions hide a race in code of ours.
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_pipeline.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

namespace {

int heap_overflow(int argc) {
  int* values = new int[4];
  const int value = values[argc + 3];  // one past the end
  delete[] values;
  return value;
}

int leak(int argc) {
  static volatile int* lost;
  lost = new int[argc + 16];
  lost = nullptr;
  return 0;
}

int undefined(int argc) {
  volatile int big = INT_MAX - 1 + argc;
  return big + 1 > 0 ? 0 : 1;  // signed overflow
}

int race() {
  long counter = 0;
  auto bump = [&counter] {
    for (int i = 0; i < 100000; ++i) counter = counter + 1;
  };
  std::thread first(bump);
  std::thread second(bump);
  first.join();
  second.join();
  return counter == -1 ? 1 : 0;
}

int tbb_race() {
  // Each task sleeps first, so that a worker thread surely takes some of them.
  long counter = 0;
  oneapi::tbb::parallel_for(0, 64, [&counter](int) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    counter = counter + 1;
  });
  return counter == -1 ? 1 : 0;
}

// Like engine::execute: a serial input stage, a parallel stage, a serial in-order output stage.
// With `racy`, every parallel stage also bumps one shared counter.
int pipeline(bool racy) {
  std::vector<double> inputs(64);
  long shared = 0;
  double total = 0;
  for (int round = 0; round < 3; ++round) {
    for (auto& value : inputs) value = round;  // written by the main thread, read by the workers
    std::size_t next = 0;
    oneapi::tbb::parallel_pipeline(
        4,
        oneapi::tbb::make_filter<void, std::size_t>(oneapi::tbb::filter_mode::serial_in_order,
                                                    [&](oneapi::tbb::flow_control& control) -> std::size_t {
                                                      if (next == inputs.size()) control.stop();
                                                      return next++;
                                                    }) &
            oneapi::tbb::make_filter<std::size_t, std::vector<double>>(
                oneapi::tbb::filter_mode::parallel,
                [&](std::size_t index) {
                  std::this_thread::sleep_for(std::chrono::milliseconds(1));
                  if (racy) shared = shared + 1;
                  return std::vector<double>(16, inputs[index] * 2);
                }) &
            oneapi::tbb::make_filter<std::vector<double>, void>(oneapi::tbb::filter_mode::serial_in_order,
                                                                [&](std::vector<double> values) { total += values[0]; }));
  }
  return total < 0 || shared == -1 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "clean";
  if (std::strcmp(what, "heap-overflow") == 0) return heap_overflow(argc - 1);
  if (std::strcmp(what, "leak") == 0) return leak(argc - 1);
  if (std::strcmp(what, "undefined") == 0) return undefined(argc - 1);
  if (std::strcmp(what, "race") == 0) return race();
  if (std::strcmp(what, "tbb-race") == 0) return tbb_race();
  if (std::strcmp(what, "pipeline-race") == 0) return pipeline(true);
  if (std::strcmp(what, "clean") == 0) {
    std::vector<double> values(64, 1.0);
    for (int round = 0; round < 3; ++round) {
      oneapi::tbb::parallel_for(0, 64, [&values](int i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        values[static_cast<std::size_t>(i)] *= 2;
      });
      values[0] = 1.0;
    }
    return pipeline(false);
  }
  std::fprintf(stderr, "canary: unknown bug '%s'\n", what);
  return 2;
}
