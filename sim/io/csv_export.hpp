#pragma once
// CSV tables of a results file, for spreadsheet users (`incubsim export FILE.h5 --csv DIR`):
// one file per table, a header row, RFC 4180 quoting, numbers that read back exactly. The tables
// and their columns are listed in docs/output-format.md, "CSV export".

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace incubsim::io {

// One CSV file written by export_csv.
struct ExportedTable {
  std::string file;          // name inside the directory, e.g. "runs.csv"
  std::uint64_t rows = 0;    // data rows, not counting the header row
  std::string description;   // what one row is
};

// Writes the tables of the results file `results` as CSV files into `directory`, which must exist
// and should be empty (the caller moves it into place when this returns). Tables whose groups the
// file does not have are skipped; the last file written is index.csv, which lists the others.
// Large tables (indicators, events, trajectories, target attainment) are read in blocks, so
// memory does not grow with the file. Throws ResultsError when the results file cannot be read
// (missing, not HDF5, not ours, a newer format_version, truncated or inconsistent), and
// std::runtime_error when a CSV file cannot be written.
std::vector<ExportedTable> export_csv(const std::filesystem::path& results, const std::filesystem::path& directory);

// One field as RFC 4180 writes it: quoted, with inner quotes doubled, when it holds a comma, a
// quote, a carriage return or a line feed; otherwise unchanged.
std::string csv_field(std::string_view text);

// The shortest text that reads back as exactly `value` (std::to_chars); "" for NaN, which the
// CSV files write as an empty field.
std::string csv_number(double value);
std::string csv_number(float value);

}  // namespace incubsim::io
