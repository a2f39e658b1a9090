#pragma once
// Shared by the libFuzzer harnesses (fuzz_scenario.cpp, fuzz_results.cpp) and the replay driver
// (replay_main.cpp): a private temporary directory, removed at exit, and the report of a finding.

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>

namespace incubsim::fuzz {

// A directory of this process's own under $TMPDIR (or /tmp); removed when the process exits.
inline const std::filesystem::path& scratch_directory(const char* name) {
  static const std::filesystem::path directory = [name] {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/incubsim-" + name + "-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    static std::filesystem::path created;
    created = pattern;
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(created, ignored);
    });
    return std::filesystem::path(pattern);
  }();
  return directory;
}

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "fuzz harness: cannot write %s\n", path.c_str());
    std::abort();
  }
}

// An exception other than the documented one escaped: a finding. Abort so libFuzzer keeps the input.
[[noreturn]] inline void undocumented_exception(const char* where, const std::exception* error) {
  std::fprintf(stderr, "FINDING: %s: undocumented exception escaped: %s: %s\n", where,
               error != nullptr ? typeid(*error).name() : "(not a std::exception)", error != nullptr ? error->what() : "");
  std::abort();
}

[[noreturn]] inline void finding(const char* where, const std::string& what) {
  std::fprintf(stderr, "FINDING: %s: %s\n", where, what.c_str());
  std::abort();
}

}  // namespace incubsim::fuzz
