#include "io/csv_export.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "io/hdf5.hpp"
#include "io/results_reader.hpp"
#include "io/schema.hpp"

namespace incubsim::io {

namespace fs = std::filesystem;

namespace {

// Rows read from the results file at a time: memory stays bounded for tables of millions of rows.
constexpr hsize_t block_rows = 65536;
// CSV text collected before it is written out.
constexpr std::size_t flush_bytes = std::size_t{1} << 20;
// /events/venture of carrier events (docs/output-format.md): no venture.
constexpr std::int64_t no_venture = 0xFFFFFFFF;
// Stage and carrier codes that mean "not applicable".
constexpr std::int64_t not_applicable = -1;
// /targets/met of a target that belongs to another scenario than the run's.
constexpr std::uint8_t other_scenario = 255;

template <typename T>
void append_number(std::string& out, T value) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(value)) return;  // an empty field: what spreadsheets read as "no value"
  }
  char text[64];  // holds any number to_chars writes, so it cannot fail
  const std::to_chars_result result = std::to_chars(text, text + sizeof text, value);
  out.append(text, result.ptr);
}

void append_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += text;
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// A CSV file being written: separates fields, ends rows with CRLF (RFC 4180) and writes in large
// pieces. Write errors (a full disk) throw std::runtime_error naming the file.
class CsvFile {
 public:
  CsvFile(fs::path path, const std::vector<std::string>& header)
      : path_(std::move(path)), file_(std::fopen(path_.c_str(), "wb")) {
    if (!file_) fail("cannot create");
    for (const std::string& name : header) text(name);
    end_row();
    rows_ = 0;  // the header is not a data row
  }

  void text(std::string_view value) {
    separate();
    append_field(buffer_, value);
  }
  template <typename T>
  void number(T value) {
    separate();
    append_number(buffer_, value);
  }
  void empty() { separate(); }
  void end_row() {
    buffer_ += "\r\n";
    first_in_row_ = true;
    ++rows_;
    if (buffer_.size() >= flush_bytes) flush();
  }
  // Writes what is left and closes the file; returns the data rows written.
  std::uint64_t close() {
    flush();
    if (std::fclose(file_.release()) != 0) fail("cannot write");
    return rows_;
  }

 private:
  struct Closer {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
  };

  void separate() {
    if (!first_in_row_) buffer_ += ',';
    first_in_row_ = false;
  }
  void flush() {
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_.get()) != buffer_.size())
      fail("cannot write");
    buffer_.clear();
  }
  [[noreturn]] void fail(const char* what) const {
    const int error = errno;
    throw std::runtime_error(path_.string() + ": " + what + ": " + std::strerror(error));
  }

  fs::path path_;
  std::unique_ptr<std::FILE, Closer> file_;
  std::string buffer_;
  bool first_in_row_ = true;
  std::uint64_t rows_ = 0;
};

// ------------------------------------------------------------------------------ columns

// One column of a table that is exported block by block: it reads rows [first, first + count)
// of its dataset(s), then writes the cell of any row of that block.
class Column {
 public:
  explicit Column(std::string header) : header_(std::move(header)) {}
  virtual ~Column() = default;
  Column(const Column&) = delete;
  Column& operator=(const Column&) = delete;
  const std::string& header() const { return header_; }
  virtual void load(hsize_t first, hsize_t count) = 0;
  virtual void write(std::size_t row, CsvFile& csv) const = 0;

 private:
  std::string header_;
};
using Columns = std::vector<std::unique_ptr<Column>>;

// A stored numeric dataset, optionally with a value that means "none" (written as an empty field).
template <h5::Numeric T>
class NumberColumn final : public Column {
 public:
  NumberColumn(std::string header, h5::Dataset dataset, std::optional<T> none = std::nullopt)
      : Column(std::move(header)), dataset_(std::move(dataset)), none_(none) {}
  void load(hsize_t first, hsize_t count) override { values_ = dataset_.read_rows<T>(first, count); }
  void write(std::size_t row, CsvFile& csv) const override {
    if (none_ && values_[row] == *none_)
      csv.empty();
    else
      csv.number(values_[row]);
  }

 private:
  h5::Dataset dataset_;
  std::optional<T> none_;
  std::vector<T> values_;
};

class StringColumn final : public Column {
 public:
  StringColumn(std::string header, h5::Dataset dataset) : Column(std::move(header)), dataset_(std::move(dataset)) {}
  void load(hsize_t first, hsize_t count) override { values_ = dataset_.read_strings(first, count); }
  void write(std::size_t row, CsvFile& csv) const override { csv.text(values_[row]); }

 private:
  h5::Dataset dataset_;
  std::vector<std::string> values_;
};

// An integer code shown as the text it stands for: an event kind's name, a run's scenario name, a
// month's "YYYY-MM". `decode` returns a view into storage that outlives the column.
class DecodedColumn final : public Column {
 public:
  using Decode = std::function<std::string_view(std::int64_t)>;
  DecodedColumn(std::string header, h5::Dataset dataset, Decode decode)
      : Column(std::move(header)), dataset_(std::move(dataset)), decode_(std::move(decode)) {}
  void load(hsize_t first, hsize_t count) override { codes_ = dataset_.read_rows<std::int64_t>(first, count); }
  void write(std::size_t row, CsvFile& csv) const override { csv.text(decode_(codes_[row])); }

 private:
  h5::Dataset dataset_;
  Decode decode_;
  std::vector<std::int64_t> codes_;
};

// Values computed beforehand for a small table (e.g. a row number, or a carrier's position
// within its scenario).
class ComputedColumn final : public Column {
 public:
  ComputedColumn(std::string header, std::vector<std::uint64_t> values)
      : Column(std::move(header)), values_(std::move(values)) {}
  void load(hsize_t first, hsize_t) override { first_ = static_cast<std::size_t>(first); }
  void write(std::size_t row, CsvFile& csv) const override { csv.number(values_.at(first_ + row)); }

 private:
  std::vector<std::uint64_t> values_;
  std::size_t first_ = 0;
};

std::vector<std::uint64_t> row_numbers(hsize_t rows) {
  std::vector<std::uint64_t> numbers(static_cast<std::size_t>(rows));
  for (std::size_t i = 0; i < numbers.size(); ++i) numbers[i] = i;
  return numbers;
}

// The names behind the indexes the tables store, with the file's own consistency checks: an
// index out of range is a broken file (ResultsError), not a blank cell.
class Names {
 public:
  Names(const fs::path& results, const h5::File& file, ResultsHeader header)
      : file_name_(results.string()), header_(std::move(header)) {
    const std::vector<std::uint32_t> runs = file.open_dataset("/runs/run").read<std::uint32_t>();
    const std::vector<std::uint32_t> scenarios = file.open_dataset("/runs/scenario").read<std::uint32_t>();
    if (scenarios.size() != runs.size()) fail("/runs/scenario and /runs/run have different lengths");
    for (std::size_t i = 0; i < runs.size(); ++i) scenario_of_run_[runs[i]] = scenarios[i];
    carriers_of_scenario_.resize(header_.scenario_names.size());
    for (const CarrierInfo& carrier : header_.carriers) {
      const auto scenario = std::find(header_.scenario_names.begin(), header_.scenario_names.end(), carrier.scenario);
      if (scenario == header_.scenario_names.end()) fail("/carriers: scenario '" + carrier.scenario + "' is not in /scenarios/names");
      carriers_of_scenario_[static_cast<std::size_t>(scenario - header_.scenario_names.begin())].push_back(carrier.id);
    }
  }

  const ResultsHeader& header() const { return header_; }
  [[noreturn]] void fail(const std::string& what) const { throw ResultsError(file_name_ + ": " + what); }

  std::string_view scenario(std::int64_t index) const {
    return at(header_.scenario_names, index, "scenario index", "/scenarios/names");
  }
  std::string_view scenario_of_run(std::int64_t run) const { return scenario(scenario_index_of_run(run)); }
  std::string_view month(std::int64_t index) const {
    return at(header_.month_labels, index, "month index", "/indicators/month_label");
  }
  // A code of /labels/<labels_path>; -1 (not applicable) is "".
  std::string_view label(const std::vector<std::string>& labels, std::int64_t code, const char* labels_path) const {
    if (code == not_applicable) return {};
    return at(labels, code, "code", labels_path);
  }
  // The id of carrier `carrier` (an index among the carriers of the run's scenario); -1 is "".
  std::string_view carrier_of_run(std::int64_t run, std::int64_t carrier) const {
    if (carrier == not_applicable) return {};
    return at(carriers_of_scenario_[static_cast<std::size_t>(scenario_index_of_run(run))], carrier, "carrier index",
              "/carriers of the run's scenario");
  }

 private:
  std::int64_t scenario_index_of_run(std::int64_t run) const {
    const auto found = run >= 0 && run <= std::int64_t{UINT32_MAX} ? scenario_of_run_.find(static_cast<std::uint32_t>(run))
                                                                    : scenario_of_run_.end();
    if (found == scenario_of_run_.end()) fail("run " + std::to_string(run) + " is not in /runs/run");
    if (found->second >= header_.scenario_names.size())
      fail("/runs/scenario " + std::to_string(found->second) + " is not an index into /scenarios/names");
    return found->second;
  }
  std::string_view at(const std::vector<std::string>& values, std::int64_t index, const char* what,
                      const char* where) const {
    if (index < 0 || static_cast<std::uint64_t>(index) >= values.size())
      fail(std::string(what) + " " + std::to_string(index) + " is not in " + where);
    return values[static_cast<std::size_t>(index)];
  }

  std::string file_name_;
  ResultsHeader header_;
  std::unordered_map<std::uint32_t, std::uint32_t> scenario_of_run_;
  std::vector<std::vector<std::string>> carriers_of_scenario_;
};

// The run id and carrier index of one row (events, trajectories) shown as the carrier's id.
class CarrierIdColumn final : public Column {
 public:
  CarrierIdColumn(h5::Dataset run, h5::Dataset carrier, const Names& names)
      : Column("carrier_id"), run_(std::move(run)), carrier_(std::move(carrier)), names_(names) {}
  void load(hsize_t first, hsize_t count) override {
    runs_ = run_.read_rows<std::int64_t>(first, count);
    carriers_ = carrier_.read_rows<std::int64_t>(first, count);
  }
  void write(std::size_t row, CsvFile& csv) const override {
    csv.text(names_.carrier_of_run(runs_[row], carriers_[row]));
  }

 private:
  h5::Dataset run_, carrier_;
  const Names& names_;
  std::vector<std::int64_t> runs_, carriers_;
};

// A stored dataset as a column, in the type the file has: integers exactly, float32 and float64
// in their own shortest form, strings as they are.
std::unique_ptr<Column> stored_column(const std::string& header, h5::Dataset dataset) {
  if (dataset.is_string()) return std::make_unique<StringColumn>(header, std::move(dataset));
  const h5::Datatype type = dataset.datatype();
  switch (H5Tget_class(type.id())) {
    case H5T_FLOAT:
      if (H5Tget_size(type.id()) <= sizeof(float)) return std::make_unique<NumberColumn<float>>(header, std::move(dataset));
      return std::make_unique<NumberColumn<double>>(header, std::move(dataset));
    case H5T_INTEGER:
      if (H5Tget_sign(type.id()) == H5T_SGN_2) return std::make_unique<NumberColumn<std::int64_t>>(header, std::move(dataset));
      return std::make_unique<NumberColumn<std::uint64_t>>(header, std::move(dataset));
    default:
      dataset.fail("has a type CSV export does not handle");
  }
}

// What a row of each table is, for index.csv and the command's summary.
struct TableSpec {
  const char* file;
  const char* description;
};

// ------------------------------------------------------------------------------ the exporter

class Exporter {
 public:
  Exporter(const fs::path& results, const fs::path& directory)
      : results_(results), directory_(directory), file_(open_results(results)), names_(results, file_, read_header(results)) {}

  std::vector<ExportedTable> run() {
    provenance();
    scenarios();
    runs();
    indicator_info();
    indicators();
    if (file_.exists("events")) events();
    if (file_.exists("trajectories")) trajectories();
    if (file_.exists("ventures")) ventures();
    targets();
    target_attainment();
    carriers();
    if (file_.exists("uncertainty"))
      stored_table({"uncertainty.csv", "one declared range of an assumption ([uncertainty])"}, "/uncertainty",
                   schema::column_names(schema::uncertainty_columns()));
    if (file_.exists("summary/targets")) summary_targets();
    if (file_.exists("summary/outcomes"))
      stored_table({"summary_outcomes.csv", "one key outcome of a scenario at the last month"}, "/summary/outcomes",
                   schema::column_names(schema::outcome_columns()));
    if (file_.exists("compare"))
      stored_table({"compare.csv", "one metric of one scenario, paired against the reference"}, "/compare",
                   schema::column_names(schema::comparison_columns()));
    if (file_.exists("robustness")) robustness();
    if (file_.exists("design")) design();
    if (file_.exists("sensitivity"))
      stored_table({"sensitivity.csv", "one key outcome and factor of a Sobol' or Morris sweep"}, "/sensitivity",
                   {"indicator", "factor", "first_order", "first_order_low", "first_order_high", "total", "total_low",
                    "total_high", "mu", "mu_star", "sigma"});
    index();
    return written_;
  }

 private:
  const ResultsHeader& header() const { return names_.header(); }
  bool is_sweep() const { return file_.exists("design"); }

  // A 1-D dataset of the table, checked to have the table's `rows`.
  h5::Dataset dataset(const std::string& path, hsize_t rows) const {
    h5::Dataset found = file_.open_dataset(path);
    if (found.rank() != 1) found.fail("expected a 1-D dataset");
    if (found.rows() != rows)
      found.fail("has " + std::to_string(found.rows()) + " rows, expected " + std::to_string(rows) +
                 " like the rest of its table");
    return found;
  }
  hsize_t rows_of(const std::string& path) const { return file_.open_dataset(path).rows(); }

  void finish(const TableSpec& spec, CsvFile& csv) {
    written_.push_back(ExportedTable{spec.file, csv.close(), spec.description});
  }

  // Writes a table of equal-length columns block by block.
  void column_table(const TableSpec& spec, const Columns& columns, hsize_t rows) {
    std::vector<std::string> header;
    for (const auto& column : columns) header.push_back(column->header());
    CsvFile csv(directory_ / spec.file, header);
    for (hsize_t first = 0; first < rows; first += block_rows) {
      const hsize_t count = std::min(block_rows, rows - first);
      for (const auto& column : columns) column->load(first, count);
      for (std::size_t row = 0; row < count; ++row) {
        for (const auto& column : columns) column->write(row, csv);
        csv.end_row();
      }
    }
    finish(spec, csv);
  }

  std::unique_ptr<Column> scenario_name_column(const std::string& path, hsize_t rows) const {
    return std::make_unique<DecodedColumn>("scenario_name", dataset(path, rows),
                                           [this](std::int64_t index) { return names_.scenario(index); });
  }

  // The datasets `names` of `group` as columns of the same names (those the file has: older
  // versions lack some); an integer `scenario` column is followed by `scenario_name`.
  Columns stored_columns(const std::string& group, const std::vector<std::string>& names, hsize_t rows) const {
    Columns columns;
    for (const std::string& name : names) {
      const std::string path = group + "/" + name;
      if (!file_.exists(path.substr(1))) continue;
      h5::Dataset stored = dataset(path, rows);
      const bool scenario_index = name == "scenario" && !stored.is_string();
      columns.push_back(stored_column(name, std::move(stored)));
      if (scenario_index) columns.push_back(scenario_name_column(path, rows));
    }
    return columns;
  }

  void stored_table(const TableSpec& spec, const std::string& group, const std::vector<std::string>& names) {
    const hsize_t rows = rows_of(group + "/" + names.front());
    column_table(spec, stored_columns(group, names, rows), rows);
  }

  // ---- tables

  void provenance() {
    CsvFile csv(directory_ / "provenance.csv", {"key", "value"});
    attributes(csv, file_, "",
               {"format", "format_version", "command", "record_level", "base_seed", "replications", "total_runs", "plan"});
    if (file_.exists("provenance"))
      attributes(csv, file_.open_group("provenance"), "provenance.",
                 {"incubsim_version", "git_commit", "command_line", "host", "started_utc", "finished_utc", "wall_seconds",
                  "threads"});
    if (file_.exists("design"))
      attributes(csv, file_.open_group("design"), "design.", {"kind", "seed", "samples", "base_samples"});
    finish({"provenance.csv", "one attribute of the file (root, /provenance, /design)"}, csv);
  }

  // The attributes of `object`, those in `order` first, then any others by name.
  static void attributes(CsvFile& csv, const h5::Object& object, const std::string& prefix,
                         const std::vector<std::string>& order) {
    std::vector<std::string> names;
    for (const std::string& name : order)
      if (object.has_attribute(name)) names.push_back(name);
    for (const std::string& name : object.attribute_names())
      if (std::find(order.begin(), order.end(), name) == order.end()) names.push_back(name);
    for (const std::string& name : names) {
      csv.text(prefix + name);
      csv.text(attribute_text(object, name));
      csv.end_row();
    }
  }

  static std::string attribute_text(const h5::Object& object, const std::string& name) {
    const std::string what = "attribute '" + name + "'";
    const h5::Attribute attribute(object.check(H5Aopen(object.id(), name.c_str(), H5P_DEFAULT), what));
    const h5::Datatype type(object.check(H5Aget_type(attribute.id()), what));
    switch (H5Tget_class(type.id())) {
      case H5T_STRING:
        return object.read_string_attribute(name);
      case H5T_INTEGER:
        return H5Tget_sign(type.id()) == H5T_SGN_2 ? std::to_string(object.read_attribute<std::int64_t>(name))
                                                   : std::to_string(object.read_attribute<std::uint64_t>(name));
      case H5T_FLOAT:
        return csv_number(object.read_attribute<double>(name));
      default:
        object.fail(what + " has a type CSV export does not handle");
    }
  }

  void scenarios() {
    const hsize_t rows = rows_of("/scenarios/names");
    Columns columns;
    columns.push_back(std::make_unique<ComputedColumn>("scenario", row_numbers(rows)));
    columns.push_back(stored_column("name", dataset("/scenarios/names", rows)));
    columns.push_back(stored_column("text", dataset("/scenarios/texts", rows)));
    column_table({"scenarios.csv", "one scenario: its name and resolved TOML text"}, columns, rows);
  }

  void runs() {
    stored_table({"runs.csv", "one run"}, "/runs", schema::column_names(schema::run_columns()));
  }

  void indicator_info() {
    const hsize_t rows = rows_of("/indicators/indicator");
    Columns columns;
    columns.push_back(std::make_unique<ComputedColumn>("column", row_numbers(rows)));
    for (const char* name : {"indicator", "unit", "scope", "measure", "description"})
      columns.push_back(stored_column(name, dataset(std::string("/indicators/") + name, rows)));
    column_table({"indicator_info.csv", "one indicator (a column of indicators.csv): unit, scope, measure, meaning"},
                 columns, rows);
  }

  // One row per run and month, one column per indicator. Read one run at a time: the dataset's
  // chunks hold one run each.
  void indicators() {
    const h5::Dataset values = file_.open_dataset("/indicators/values");
    const std::vector<hsize_t> shape = values.shape();
    const std::size_t months = header().month_labels.size();
    const std::size_t indicator_count = header().indicators.size();
    if (shape.size() != 3 || shape[1] != months || shape[2] != indicator_count)
      values.fail("expected the shape [runs, " + std::to_string(months) + " months, " + std::to_string(indicator_count) +
                  " indicators]");
    const hsize_t runs = shape[0];
    const RunKeys keys = read_run_keys(runs);

    std::vector<std::string> columns = keys.headers();
    columns.insert(columns.end(), {"month", "month_label"});
    for (const IndicatorInfo& indicator : header().indicators) columns.push_back(indicator.name);
    CsvFile csv(directory_ / "indicators.csv", columns);
    for (hsize_t r = 0; r < runs; ++r) {
      const std::vector<double> run_values = values.read_rows<double>(r, 1);
      for (std::size_t m = 0; m < months; ++m) {
        write_run_key(csv, keys, r);
        csv.number(m);
        csv.text(header().month_labels[m]);
        for (std::size_t i = 0; i < indicator_count; ++i) csv.number(run_values[m * indicator_count + i]);
        csv.end_row();
      }
    }
    finish({"indicators.csv", "one month of one run; a column per indicator"}, csv);
  }

  // The columns that say which run a row of indicators.csv or target_attainment.csv is about,
  // read once per table from /runs (point only in sweeps).
  struct RunKeys {
    std::vector<std::uint32_t> run, scenario, replication, point;
    bool with_point = false;
    std::vector<std::string> headers() const {
      std::vector<std::string> names{"run", "scenario_name"};
      if (with_point) names.emplace_back("point");
      names.emplace_back("replication");
      return names;
    }
  };
  RunKeys read_run_keys(hsize_t runs) const {
    RunKeys keys;
    keys.run = dataset("/runs/run", runs).read<std::uint32_t>();
    keys.scenario = dataset("/runs/scenario", runs).read<std::uint32_t>();
    keys.replication = dataset("/runs/replication", runs).read<std::uint32_t>();
    keys.with_point = is_sweep();
    if (keys.with_point) keys.point = dataset("/runs/point", runs).read<std::uint32_t>();
    return keys;
  }
  void write_run_key(CsvFile& csv, const RunKeys& keys, std::size_t r) const {
    csv.number(keys.run[r]);
    csv.text(names_.scenario(keys.scenario[r]));
    if (keys.with_point) csv.number(keys.point[r]);
    csv.number(keys.replication[r]);
  }

  // The columns of a registry table as its CSV shows them (schema::CsvView): codes beside or
  // instead of the names they stand for.
  template <typename Row>
  Columns registry_columns(const std::string& group, schema::Columns<Row> table, hsize_t rows) const {
    Columns columns;
    for (const schema::Column<Row>& column : table) {
      const std::string name(column.name);
      const std::string path = group + "/" + name;
      switch (column.csv) {
        case schema::CsvView::value:
          columns.push_back(stored_column(name, dataset(path, rows)));
          break;
        case schema::CsvView::run:
          columns.push_back(stored_column(name, dataset(path, rows)));
          columns.push_back(std::make_unique<DecodedColumn>("scenario_name", dataset(path, rows),
                                                            [this](std::int64_t run) { return names_.scenario_of_run(run); }));
          break;
        case schema::CsvView::month:
          columns.push_back(stored_column(name, dataset(path, rows)));
          columns.push_back(std::make_unique<DecodedColumn>("month_label", dataset(path, rows),
                                                            [this](std::int64_t month) { return names_.month(month); }));
          break;
        case schema::CsvView::venture_or_none:
          columns.push_back(std::make_unique<NumberColumn<std::int64_t>>(name, dataset(path, rows), no_venture));
          break;
        case schema::CsvView::event_kind:
          columns.push_back(label_column(name, path, rows, header().event_kinds, "/labels/event_kinds"));
          break;
        case schema::CsvView::stage:
          columns.push_back(label_column(name, path, rows, header().stages, "/labels/stages"));
          break;
        case schema::CsvView::status:
          columns.push_back(label_column(name, path, rows, header().statuses, "/labels/statuses"));
          break;
        case schema::CsvView::carrier:
          columns.push_back(std::make_unique<NumberColumn<std::int64_t>>(name, dataset(path, rows), not_applicable));
          columns.push_back(std::make_unique<CarrierIdColumn>(dataset(group + "/run", rows), dataset(path, rows), names_));
          break;
      }
    }
    return columns;
  }
  std::unique_ptr<Column> label_column(const std::string& header, const std::string& path, hsize_t rows,
                                       const std::vector<std::string>& labels, const char* labels_path) const {
    return std::make_unique<DecodedColumn>(header, dataset(path, rows), [this, &labels, labels_path](std::int64_t code) {
      return names_.label(labels, code, labels_path);
    });
  }
  template <typename Row>
  void registry_table(const TableSpec& spec, const std::string& group, schema::Columns<Row> table) {
    const hsize_t rows = rows_of(group + "/" + std::string(table.front().name));
    column_table(spec, registry_columns(group, table, rows), rows);
  }

  void events() { registry_table({"events.csv", "one event of a run"}, "/events", schema::event_columns()); }

  void trajectories() {
    registry_table({"trajectories.csv", "one venture in one month of a run"}, "/trajectories", schema::trajectory_columns());
  }

  void ventures() { registry_table({"ventures.csv", "one venture of a run: at entry, and how it ended"}, "/ventures", schema::venture_columns()); }

  void targets() {
    const hsize_t rows = rows_of("/targets/id");
    Columns columns;
    columns.push_back(std::make_unique<ComputedColumn>("target", row_numbers(rows)));
    for (auto& column : stored_columns("/targets", schema::column_names(schema::target_columns()), rows))
      columns.push_back(std::move(column));
    column_table({"targets.csv", "one target of a scenario"}, columns, rows);
  }

  // /targets/met in long form: one row per run and target of the run's scenario (the 255 cells,
  // targets of other scenarios, are left out). Read in blocks of runs.
  void target_attainment() {
    const h5::Dataset met = file_.open_dataset("/targets/met");
    const std::vector<hsize_t> shape = met.shape();
    const std::size_t target_count = header().targets.size();
    if (shape.size() != 2 || shape[1] != target_count)
      met.fail("expected the shape [runs, " + std::to_string(target_count) + " targets]");
    const hsize_t runs = shape[0];
    const RunKeys keys = read_run_keys(runs);

    std::vector<std::string> columns = keys.headers();
    columns.insert(columns.end(), {"target", "target_id", "met"});
    CsvFile csv(directory_ / "target_attainment.csv", columns);
    const hsize_t runs_per_block = target_count == 0 ? runs : std::max<hsize_t>(1, block_rows / target_count);
    for (hsize_t first = 0; first < runs && target_count > 0; first += runs_per_block) {
      const hsize_t count = std::min(runs_per_block, runs - first);
      const std::vector<std::uint8_t> block = met.read_rows<std::uint8_t>(first, count);
      for (std::size_t i = 0; i < count; ++i) {
        const std::size_t r = static_cast<std::size_t>(first) + i;
        for (std::size_t t = 0; t < target_count; ++t) {
          const std::uint8_t value = block[i * target_count + t];
          if (value == other_scenario) continue;
          write_run_key(csv, keys, r);
          csv.number(t);
          csv.text(header().targets[t].id);
          csv.number(static_cast<unsigned>(value));
          csv.end_row();
        }
      }
    }
    finish({"target_attainment.csv", "one target of one run: met 1 or 0 (targets of its own scenario only)"}, csv);
  }

  void summary_targets() {
    const hsize_t rows = rows_of("/targets/id");
    Columns columns;
    columns.push_back(std::make_unique<ComputedColumn>("target", row_numbers(rows)));
    columns.push_back(stored_column("scenario", dataset("/targets/scenario", rows)));
    columns.push_back(stored_column("id", dataset("/targets/id", rows)));
    for (auto& column : stored_columns("/summary/targets", schema::column_names(schema::target_attainment_columns()), rows))
      columns.push_back(std::move(column));
    column_table({"summary_targets.csv", "one target: share of its scenario's runs that met it"}, columns, rows);
  }

  // With `carrier`, each carrier's position among its scenario's carriers: what
  // /events/carrier and /trajectories/carrier store, so carriers.csv joins events.csv on
  // (scenario, carrier) as well as on (scenario, id).
  void carriers() {
    const hsize_t rows = rows_of("/carriers/id");
    std::unordered_map<std::string, std::uint64_t> next;
    std::vector<std::uint64_t> positions;
    for (const CarrierInfo& carrier : header().carriers) positions.push_back(next[carrier.scenario]++);
    // The registry's columns, with the position after the first (scenario).
    std::vector<std::string> names = schema::column_names(schema::carrier_columns());
    Columns columns = stored_columns("/carriers", {names.front()}, rows);
    columns.push_back(std::make_unique<ComputedColumn>("carrier", std::move(positions)));
    names.erase(names.begin());
    for (auto& column : stored_columns("/carriers", names, rows)) columns.push_back(std::move(column));
    column_table({"carriers.csv", "one carrier of a scenario"}, columns, rows);
  }

  void design() {
    const DesignInfo& design = header().design;
    const std::size_t factors = design.keys.size();
    stored_table({"design_factors.csv", "one factor of the sweep's design"}, "/design",
                 {"factor", "factor_kind", "choices", "low", "high"});
    std::vector<std::string> columns{"point"};
    for (const std::string& key : design.keys) columns.push_back(key);
    for (const std::string& key : design.keys) columns.push_back("unit:" + key);
    if (design.values.size() != std::size_t{design.points} * factors || design.unit.size() != design.values.size())
      names_.fail("/design/value and /design/unit do not have one row of " + std::to_string(factors) +
                  " factors per point");
    std::vector<std::vector<std::string>> choices(factors);
    for (std::size_t f = 0; f < factors; ++f)
      if (design.kinds.at(f) == "categorical") choices[f] = split_choices(design.choices.at(f));
    CsvFile csv(directory_ / "design.csv", columns);
    for (std::size_t p = 0; p < design.points; ++p) {
      csv.number(p);
      for (std::size_t f = 0; f < factors; ++f) {
        const double value = design.values[p * factors + f];
        // A categorical factor's value is an index into its choices: show the choice itself.
        if (!choices[f].empty() && value >= 0 && value < static_cast<double>(choices[f].size()))
          csv.text(choices[f][static_cast<std::size_t>(value)]);
        else
          csv.number(value);
      }
      for (std::size_t f = 0; f < factors; ++f) csv.number(design.unit[p * factors + f]);
      csv.end_row();
    }
    finish({"design.csv", "one point of the sweep's design: each factor's value, then its unit coordinate"}, csv);
  }

  static std::vector<std::string> split_choices(const std::string& joined) {
    std::vector<std::string> choices;
    std::size_t start = 0;
    for (std::size_t comma; (comma = joined.find(',', start)) != std::string::npos; start = comma + 1)
      choices.push_back(joined.substr(start, comma - start));
    choices.push_back(joined.substr(start));
    return choices;
  }

  void robustness() {
    const std::vector<std::string> keys = file_.open_dataset("/robustness/key").read_strings();
    const std::vector<std::string> kind = file_.open_dataset("/robustness/metric_kind").read_strings();
    const std::vector<std::string> name = file_.open_dataset("/robustness/metric_name").read_strings();
    const std::vector<std::string> month = file_.open_dataset("/robustness/metric_month").read_strings();
    const std::size_t key_count = keys.size();
    const std::size_t metrics = name.size();
    const std::size_t scenario_count = header().scenario_names.size();
    if (kind.size() != metrics || month.size() != metrics) names_.fail("/robustness/metric_* have different lengths");
    const std::vector<double> unit = matrix("/robustness/unit", {0, key_count});
    const std::size_t points = key_count == 0 ? 0 : unit.size() / key_count;
    const std::vector<double> value = matrix("/robustness/value", {points, key_count});
    const std::vector<std::uint8_t> declared = matrix<std::uint8_t>("/robustness/declared", {scenario_count, key_count});
    const std::vector<double> difference = matrix("/robustness/difference", {points, scenario_count, metrics});
    const std::vector<double> correlation = matrix("/robustness/correlation", {scenario_count, metrics, key_count});

    auto metric = [&](CsvFile& csv, std::size_t m) {
      csv.text(kind[m]);
      csv.text(name[m]);
      csv.text(month[m]);
    };
    {
      std::vector<std::string> columns{"point"};
      for (const std::string& key : keys) columns.push_back(key);
      for (const std::string& key : keys) columns.push_back("unit:" + key);
      CsvFile csv(directory_ / "robustness_points.csv", columns);
      for (std::size_t p = 0; p < points; ++p) {
        csv.number(p);
        for (std::size_t k = 0; k < key_count; ++k) csv.number(value[p * key_count + k]);
        for (std::size_t k = 0; k < key_count; ++k) csv.number(unit[p * key_count + k]);
        csv.end_row();
      }
      finish({"robustness_points.csv", "one point of the robustness hypercube: the reference's value of each assumption, then its quantile"},
             csv);
    }
    {
      CsvFile csv(directory_ / "robustness.csv",
                  {"point", "scenario", "scenario_name", "metric_kind", "metric_name", "metric_month", "difference"});
      for (std::size_t p = 0; p < points; ++p)
        for (std::size_t s = 0; s < scenario_count; ++s)
          for (std::size_t m = 0; m < metrics; ++m) {
            csv.number(p);
            csv.number(s);
            csv.text(header().scenario_names[s]);
            metric(csv, m);
            csv.number(difference[(p * scenario_count + s) * metrics + m]);
            csv.end_row();
          }
      finish({"robustness.csv", "one metric of one scenario at one robustness point: paired difference against the reference"},
             csv);
    }
    {
      CsvFile csv(directory_ / "robustness_correlation.csv", {"scenario", "scenario_name", "metric_kind", "metric_name",
                                                               "metric_month", "key", "declared", "correlation"});
      for (std::size_t s = 0; s < scenario_count; ++s)
        for (std::size_t m = 0; m < metrics; ++m)
          for (std::size_t k = 0; k < key_count; ++k) {
            csv.number(s);
            csv.text(header().scenario_names[s]);
            metric(csv, m);
            csv.text(keys[k]);
            csv.number(static_cast<unsigned>(declared[s * key_count + k]));
            csv.number(correlation[(s * metrics + m) * key_count + k]);
            csv.end_row();
          }
      finish({"robustness_correlation.csv", "one scenario, metric and assumption: Spearman correlation with the difference"},
             csv);
    }
    if (file_.exists("robustness/summary"))
      stored_table({"robustness_summary.csv", "one metric of one alternative: points it beats, ties and loses"},
                   "/robustness/summary",
                   schema::column_names(schema::robustness_summary_columns()));
  }

  // A whole small numeric dataset, checked against `shape` (a 0 extent accepts any).
  template <h5::Numeric T = double>
  std::vector<T> matrix(const std::string& path, const std::vector<std::size_t>& shape) const {
    const h5::Dataset found = file_.open_dataset(path);
    const std::vector<hsize_t> actual = found.shape();
    bool matches = actual.size() == shape.size();
    for (std::size_t d = 0; matches && d < shape.size(); ++d) matches = shape[d] == 0 || actual[d] == shape[d];
    if (!matches) found.fail("does not have the shape the rest of /robustness implies");
    return found.read<T>();
  }

  void index() {
    const std::string source = fs::absolute(results_).lexically_normal().string();
    const TableSpec spec{"index.csv", "this list"};
    CsvFile csv(directory_ / spec.file, {"file", "rows", "description", "source"});
    for (const ExportedTable& table : written_) {
      csv.text(table.file);
      csv.number(table.rows);
      csv.text(table.description);
      csv.text(source);
      csv.end_row();
    }
    const std::uint64_t rows = csv.close();
    written_.push_back(ExportedTable{spec.file, rows, spec.description});
  }

  fs::path results_;
  fs::path directory_;
  h5::File file_;
  Names names_;
  std::vector<ExportedTable> written_;
};

}  // namespace

std::string csv_field(std::string_view text) {
  std::string out;
  append_field(out, text);
  return out;
}

std::string csv_number(double value) {
  std::string out;
  append_number(out, value);
  return out;
}

std::string csv_number(float value) {
  std::string out;
  append_number(out, value);
  return out;
}

std::vector<ExportedTable> export_csv(const fs::path& results, const fs::path& directory) {
  return Exporter(results, directory).run();
}

}  // namespace incubsim::io
