#pragma once
// The row tables of a results file, column by column: one entry per dataset names the struct
// member it stores, and its unit and meaning. The writer creates and fills the datasets from
// these lists, the reader reads them back into the structs, the CSV export takes its columns
// from them, the resource estimate its bytes per row, and docs/output-format.md its tables
// (`incubsim params --results-table GROUP`). A new column is one line in sim/io/schema.cpp
// (beside the struct member it stores). Nothing here knows about HDF5.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "io/results.hpp"

namespace incubsim::io::schema {

// Rows per chunk: tables with a row per run, and the record tables (events, trajectories) that
// grow by thousands of rows a run. A chunk is written whole, so this also sizes part files.
inline constexpr std::uint64_t run_chunk_rows = 1024;
inline constexpr std::uint64_t record_chunk_rows = std::uint64_t{1} << 16;
// /ventures: a row per venture, far fewer than events; smaller chunks keep a sweep's part files
// (whole chunks, uncompressed) small.
inline constexpr std::uint64_t venture_chunk_rows = std::uint64_t{1} << 12;

// How `incubsim export --csv` shows a stored column: most as they are, codes also (or instead)
// as the names they stand for.
enum class CsvView : std::uint8_t {
  value,            // as stored
  run,              // the run id, then the run's scenario_name
  month,            // the month index, then its month_label
  venture_or_none,  // the venture id; empty for events of a carrier (0xFFFFFFFF)
  event_kind,       // the name in /labels/event_kinds instead of the code
  stage,            // the name in /labels/stages instead of the code; empty for -1
  status,           // the name in /labels/statuses instead of the code
  carrier,          // the carrier index (empty for -1), then its carrier_id
};

// The member a column stores. Its C++ type decides the HDF5 type: the integer and float types
// as they are, bool as uint8, std::string as a variable-length UTF-8 string.
template <typename Row>
using Field = std::variant<std::uint8_t Row::*, std::int8_t Row::*, std::uint16_t Row::*, std::int16_t Row::*,
                           std::uint32_t Row::*, std::int32_t Row::*, std::uint64_t Row::*, float Row::*, double Row::*,
                           bool Row::*, std::string Row::*>;

namespace detail {
template <typename Member>
struct MemberOf;
template <typename Row, typename Value>
struct MemberOf<Value Row::*> {
  using type = Value;
};
}  // namespace detail
// The C++ type of a member pointer's member: MemberValue<float EventRecord::*> is float.
template <typename Member>
using MemberValue = typename detail::MemberOf<Member>::type;

template <typename Row>
struct Column {
  std::string_view name;  // the dataset's name in its group
  Field<Row> field;
  std::string_view unit;  // "" when the column has none (ids, codes, text)
  std::string_view description;
  CsvView csv = CsvView::value;
  int since_version = 1;  // the format_version that added it: files written before lack it
};

template <typename Row>
using Columns = std::span<const Column<Row>>;

// One row per run (/runs), per event (/events), per venture and month (/trajectories); the header
// tables /targets (without /targets/met, which has a row per run), /carriers and /uncertainty;
// and the conclusions of /summary/targets, /summary/outcomes, /compare, /robustness/summary.
Columns<RunOutput> run_columns();
Columns<EventRecord> event_columns();
Columns<TrajectoryRecord> trajectory_columns();
Columns<VentureRecord> venture_columns();
Columns<TargetInfo> target_columns();
Columns<CarrierInfo> carrier_columns();
Columns<UncertaintyInfo> uncertainty_columns();
Columns<TargetAttainment> target_attainment_columns();
Columns<OutcomeSummary> outcome_columns();
Columns<ComparisonRow> comparison_columns();
Columns<RobustnessRow> robustness_summary_columns();

// "uint8", "int16", "float32", "string", ... as docs/output-format.md writes the stored type.
template <typename Row>
std::string_view type_name(const Column<Row>& column);

// Bytes of one row as stored, before compression; strings count 0 (the record tables have none).
template <typename Row>
std::size_t row_bytes(Columns<Row> columns);

template <typename Row>
std::vector<std::string> column_names(Columns<Row> columns) {
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const Column<Row>& column : columns) names.emplace_back(column.name);
  return names;
}

// The groups the registry describes, as `params --results-table` names them: "runs", "events",
// "trajectories", "targets", "carriers", "uncertainty", "summary/targets", "summary/outcomes",
// "compare", "robustness/summary".
std::vector<std::string> table_groups();
// The markdown table (dataset, type, meaning, units) of one group's columns, as
// docs/output-format.md shows it; throws std::invalid_argument for an unknown group.
std::string table_markdown(std::string_view group);

}  // namespace incubsim::io::schema
