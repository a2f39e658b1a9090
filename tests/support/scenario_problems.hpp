#pragma once
// Helpers for tests of scenario loading: the problems a scenario reports, and where.

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "scenario/loader.hpp"

namespace incubsim::testing {

inline std::filesystem::path source_file(const std::string& relative) { return std::filesystem::path(INCUBSIM_SOURCE_DIR) / relative; }

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// True when a reported file name and an expected path name the same file.
inline bool same_file(const std::string& reported, const std::filesystem::path& expected) {
  std::error_code error;
  return std::filesystem::equivalent(reported, expected, error);
}

// The problems loading reports; fails the test when the scenario loads.
inline std::vector<scenario::Problem> problems_of(const std::filesystem::path& path, const std::vector<std::string>& overrides = {}) {
  try {
    scenario::load_scenario(path, overrides);
  } catch (const scenario::ScenarioError& error) {
    REQUIRE_FALSE(error.problems().empty());
    return error.problems();
  }
  FAIL("loaded without problems: " << path.string());
  return {};
}

// The one problem loading reports.
inline scenario::Problem the_problem(const std::filesystem::path& path, const std::vector<std::string>& overrides = {}) {
  const std::vector<scenario::Problem> problems = problems_of(path, overrides);
  INFO("first problem: " << problems.front().to_string());
  REQUIRE(problems.size() == 1);
  return problems.front();
}

}  // namespace incubsim::testing
