#pragma once
// `incubsim export FILE.h5 --csv DIR` (export_command, declared in commands.hpp): the results
// file's tables as CSV files (io/csv_export.hpp), written so that DIR is never half-written.

#include <filesystem>

namespace incubsim::app {

// A directory filled under a temporary sibling name, `<target>.tmp-<pid>`, and renamed to
// `target` only when complete: a failed or interrupted export leaves no half-written target. The
// destructor removes the temporary directory unless commit() succeeded.
class StagedDirectory {
 public:
  // Creates the temporary directory; throws std::filesystem::filesystem_error when it exists.
  explicit StagedDirectory(std::filesystem::path target);
  ~StagedDirectory();
  StagedDirectory(const StagedDirectory&) = delete;
  StagedDirectory& operator=(const StagedDirectory&) = delete;

  // Where to write.
  const std::filesystem::path& path() const noexcept { return staging_; }

  // Renames the temporary directory to the target. A target that exists (empty, or the contents
  // the caller agreed to replace) is first moved aside and removed only once the new directory
  // is in place, so any failure before that leaves it as it was.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path staging_;
  bool committed_ = false;
};

}  // namespace incubsim::app
