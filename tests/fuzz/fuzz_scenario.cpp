// libFuzzer target: the scenario loader (sim/scenario/loader.hpp).
//
// Input: TOML text, optionally followed by a line "#--set" and then one override per line, as
// `--set KEY=VALUE` would pass it (a leading "--set " is dropped). The TOML is written as
// scenario.toml into a private directory beside
//   parent.toml  a valid scenario (a copy of scenarios/test/small.toml), so `extends = "parent.toml"` works;
//   cycle.toml   `extends = "scenario.toml"`, so `extends = "cycle.toml"` closes a cycle;
// and loaded with load_scenario (and, when that succeeds, load_scenario_point).
// Only ScenarioError (bad input: exit code 2) may escape the loader; any other exception, a crash
// or a sanitizer report is a finding.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "scenario/loader.hpp"

namespace {

constexpr std::string_view separator = "#--set";

const std::filesystem::path& directory() {
  static const std::filesystem::path dir = [] {
    const std::filesystem::path& d = incubsim::fuzz::scratch_directory("fuzz-scenario");
    // The parent is the repository's small test scenario (one carrier of each kind, 24 months).
    std::ifstream in(std::string(INCUBSIM_SOURCE_DIR) + "/scenarios/test/small.toml", std::ios::binary);
    if (!in) incubsim::fuzz::finding("setup", "cannot read " INCUBSIM_SOURCE_DIR "/scenarios/test/small.toml");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    incubsim::fuzz::write_file(d / "parent.toml", text);
    incubsim::fuzz::write_file(d / "cycle.toml", "extends = \"scenario.toml\"\n");
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return -1;  // scenario files are a few KB; longer inputs only slow the search
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view toml_text = input;
  std::vector<std::string> overrides;
  // The separator must be a line of its own.
  std::size_t at = std::string_view::npos;
  if (input.substr(0, separator.size()) == separator && (input.size() == separator.size() || input[separator.size()] == '\n')) {
    at = 0;
  } else if (const std::size_t found = input.find(std::string("\n") + std::string(separator)); found != std::string_view::npos) {
    const std::size_t end = found + 1 + separator.size();
    if (end == input.size() || input[end] == '\n') at = found + 1;
  }
  if (at != std::string_view::npos) {
    toml_text = input.substr(0, at);
    std::string_view rest = input.substr(std::min(input.size(), at + separator.size() + 1));
    while (!rest.empty()) {
      const std::size_t end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      if (line.substr(0, 6) == "--set ") line.remove_prefix(6);
      if (!line.empty()) overrides.emplace_back(line);
    }
  }
  const std::filesystem::path path = directory() / "scenario.toml";
  incubsim::fuzz::write_file(path, toml_text);

  using incubsim::scenario::ScenarioError;
  bool loaded = false;
  try {
    const incubsim::scenario::Scenario scenario = incubsim::scenario::load_scenario(path, overrides);
    if (scenario.epochs.empty()) incubsim::fuzz::finding("load_scenario", "a loaded scenario has no epochs");
    loaded = true;
  } catch (const ScenarioError&) {
  } catch (const std::exception& error) {
    incubsim::fuzz::undocumented_exception("load_scenario", &error);
  } catch (...) {
    incubsim::fuzz::undocumented_exception("load_scenario", nullptr);
  }
  if (loaded) {
    try {
      (void)incubsim::scenario::load_scenario_point(path, overrides);
    } catch (const ScenarioError& error) {
      // What load_scenario accepts, load_scenario_point (the same minus [uncertainty]) must too.
      incubsim::fuzz::finding("load_scenario_point", std::string("rejects what load_scenario accepted: ") + error.what());
    } catch (const std::exception& error) {
      incubsim::fuzz::undocumented_exception("load_scenario_point", &error);
    } catch (...) {
      incubsim::fuzz::undocumented_exception("load_scenario_point", nullptr);
    }
  }
  return 0;
}
