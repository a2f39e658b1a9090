#pragma once
// The registry's tables (io/schema.hpp) in HDF5: one 1-D dataset per column, created, filled and
// read back column by column. The type of each member is resolved once per column, never per row,
// so writing a column is one tight loop over the rows.

#include <algorithm>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "io/hdf5.hpp"
#include "io/schema.hpp"

namespace incubsim::io::schema {

namespace detail {

// The element type a member is stored as: bool as uint8, the rest as they are.
template <typename Value>
using Stored = std::conditional_t<std::is_same_v<Value, bool>, std::uint8_t, Value>;

}  // namespace detail

// Empty extendible datasets for the columns of `group`, in column order.
template <typename Row>
std::vector<h5::Dataset> create_columns(h5::Group& group, Columns<Row> columns, hsize_t chunk_rows, int deflate_level) {
  std::vector<h5::Dataset> datasets;
  datasets.reserve(columns.size());
  for (const Column<Row>& column : columns) {
    std::visit(
        [&](auto member) {
          using Value = MemberValue<decltype(member)>;
          if constexpr (std::is_same_v<Value, std::string>)
            datasets.push_back(group.write_strings(std::string(column.name), {}));
          else
            datasets.push_back(
                group.create_dataset<detail::Stored<Value>>(std::string(column.name), {}, chunk_rows, deflate_level));
        },
        column.field);
  }
  return datasets;
}

// Appends to each column's dataset (from create_columns) the member of every row that
// `for_each_row(visit)` hands to `visit`, in that order; `rows` is how many there are.
template <typename Row, typename ForEachRow>
void append_columns(std::span<h5::Dataset> datasets, Columns<Row> columns, std::size_t rows, ForEachRow for_each_row) {
  for (std::size_t c = 0; c < columns.size(); ++c) {
    std::visit(
        [&](auto member) {
          using Value = MemberValue<decltype(member)>;
          if constexpr (std::is_same_v<Value, std::string>) {
            datasets[c].fail("string columns are written whole (write_table), not appended");
          } else {
            std::vector<detail::Stored<Value>> values;
            values.reserve(rows);
            for_each_row([&](const Row& row) { values.push_back(static_cast<detail::Stored<Value>>(row.*member)); });
            datasets[c].append(values);
          }
        },
        columns[c].field);
  }
}

// Writes `rows` as a complete table of `group`: one dataset per column.
template <typename Row>
void write_table(h5::Group& group, Columns<Row> columns, const std::vector<Row>& rows, int deflate_level) {
  const hsize_t chunk = std::clamp<hsize_t>(rows.size(), 1, run_chunk_rows);
  for (const Column<Row>& column : columns) {
    std::visit(
        [&](auto member) {
          using Value = MemberValue<decltype(member)>;
          std::vector<detail::Stored<Value>> values;
          values.reserve(rows.size());
          for (const Row& row : rows) values.push_back(static_cast<detail::Stored<Value>>(row.*member));
          if constexpr (std::is_same_v<Value, std::string>)
            group.write_strings(std::string(column.name), values);
          else
            group.write_column<detail::Stored<Value>>(std::string(column.name), values, chunk, deflate_level);
        },
        column.field);
  }
}

// Reads the table at `group_path` ("/events") row range by row range. A column the file lacks
// because it was written before the column's since_version keeps its default in every row; any
// other missing column, or columns of different lengths, throw ResultsError naming `where`.
template <typename Row>
class TableReader {
 public:
  TableReader(const h5::Container& file, const std::string& group_path, Columns<Row> columns, int format_version,
              const std::string& where) {
    for (const Column<Row>& column : columns) {
      const std::string path = group_path + "/" + std::string(column.name);
      if (column.since_version > format_version && !file.exists(path.substr(1))) continue;
      h5::Dataset dataset = file.open_dataset(path);
      if (columns_.empty()) rows_ = dataset.rows();
      if (dataset.rows() != rows_) throw ResultsError(where + ": " + group_path + " columns have different lengths");
      columns_.emplace_back(&column, std::move(dataset));
    }
  }

  hsize_t rows() const noexcept { return rows_; }

  // Rows [first, first + count).
  std::vector<Row> read(hsize_t first, hsize_t count) const {
    std::vector<Row> rows(static_cast<std::size_t>(count));
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    for (const auto& column_and_dataset : columns_) {
      const Column<Row>* column = column_and_dataset.first;
      const h5::Dataset& dataset = column_and_dataset.second;
      std::visit(
          [&](auto member) {
            using Value = MemberValue<decltype(member)>;
            std::vector<detail::Stored<Value>> values;
            if constexpr (std::is_same_v<Value, std::string>)
              values = dataset.read_strings(first, count);
            else
              values = dataset.template read_rows<detail::Stored<Value>>(first, count);
            for (std::size_t i = 0; i < rows.size(); ++i) {
              if constexpr (std::is_same_v<Value, bool>)
                rows[i].*member = values[i] != 0;
              else
                rows[i].*member = std::move(values[i]);
            }
          },
          column->field);
    }
    return rows;
  }

 private:
  std::vector<std::pair<const Column<Row>*, h5::Dataset>> columns_;
  hsize_t rows_ = 0;
};

// Every row of the table at `group_path`, as TableReader reads them.
template <typename Row>
std::vector<Row> read_table(const h5::Container& file, const std::string& group_path, Columns<Row> columns,
                            int format_version, const std::string& where) {
  const TableReader<Row> reader(file, group_path, columns, format_version, where);
  return reader.read(0, reader.rows());
}

}  // namespace incubsim::io::schema
