// Replays inputs through a fuzz harness without libFuzzer: `fuzz_scenario_replay DIR|FILE...`
// runs every regular file of each directory (recursively, in name order) and each named file
// through LLVMFuzzerTestOneInput (fuzz_results: each through all its paths, INCUBSIM_FUZZ_ALL_PATHS). The harness aborts on a finding, so a crash, a sanitizer report
// (in the sanitized build) or an undocumented exception fails the ctest entry fuzz_regressions.
// Missing directories are skipped (tests/fuzz/regressions/<target>/ may be empty).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  setenv("INCUBSIM_FUZZ_ALL_PATHS", "1", 0);  // fuzz_results: every input through every path
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path argument = argv[i];
    if (fs::is_directory(argument)) {
      for (const auto& entry : fs::recursive_directory_iterator(argument))
        if (entry.is_regular_file() && entry.path().filename().string().front() != '.') inputs.push_back(entry.path());
    } else if (fs::is_regular_file(argument)) {
      inputs.push_back(argument);
    } else {
      std::fprintf(stderr, "replay: %s: not found, skipped\n", argument.c_str());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  for (const fs::path& input : inputs) {
    std::ifstream in(input, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.eof() && !in) {
      std::fprintf(stderr, "replay: cannot read %s\n", input.c_str());
      return 1;
    }
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", input.c_str(), bytes.size());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("replay: %zu inputs, no finding\n", inputs.size());
  return 0;
}
