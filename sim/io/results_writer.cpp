#include "io/results_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "io/results_reader.hpp"
#include "io/schema_hdf5.hpp"

namespace incubsim::io {

namespace fs = std::filesystem;

namespace {

constexpr hsize_t run_chunk_rows = schema::run_chunk_rows;        // /runs/*, /indicators/run, /targets/met
constexpr hsize_t record_chunk_rows = schema::record_chunk_rows;  // /events/*, /trajectories/*
constexpr int final_deflate_level = 4;  // every finished results file
// Parts are temporary and rewritten into the final file: compress them lightly (less time in the
// single writer stage) unless a part is itself the final file.
constexpr int part_deflate_level = 0;

[[noreturn]] void fail_io(const fs::path& path, std::string_view what, int error) {
  throw ResultsError(path.string() + ": " + std::string(what) + ": " + std::strerror(error));
}

void fsync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) fail_io(path, "cannot open to sync", errno);
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    fail_io(path, "cannot fsync", error);
  }
  ::close(fd);
}

fs::path directory_of(const fs::path& path) {
  const fs::path parent = path.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

// Writes `content` to `path` under a temporary name, fsyncs it, renames it into place and
// fsyncs the directory.
void write_file_durably(const fs::path& path, const std::string& content) {
  fs::path temporary = path;
  temporary += ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail_io(temporary, "cannot create", errno);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      fail_io(temporary, "cannot write", error);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    fail_io(temporary, "cannot fsync", error);
  }
  if (::close(fd) != 0) fail_io(temporary, "cannot close", errno);
  if (::rename(temporary.c_str(), path.c_str()) != 0) fail_io(path, "cannot rename into place", errno);
  fsync_path(directory_of(path), true);
}

void rename_durably(const fs::path& from, const fs::path& to) {
  fsync_path(from, false);
  if (::rename(from.c_str(), to.c_str()) != 0) fail_io(to, "cannot rename into place", errno);
  fsync_path(directory_of(to), true);
}

// Strings of one field of a vector of structs.
template <typename Item, typename Field>
std::vector<std::string> strings_of(const std::vector<Item>& items, Field field) {
  std::vector<std::string> out;
  out.reserve(items.size());
  for (const Item& item : items) out.push_back(item.*field);
  return out;
}

// The /provenance group: the only part of a file allowed to differ between identical commands.
void write_provenance_group(h5::File& file, const Provenance& provenance) {
  h5::Group group = file.create_group("provenance");
  group.write_attribute("incubsim_version", provenance.incubsim_version);
  group.write_attribute("git_commit", provenance.git_commit);
  group.write_attribute("command_line", provenance.command_line);
  group.write_attribute("host", provenance.host);
  group.write_attribute("started_utc", provenance.started_utc);
  group.write_attribute("finished_utc", provenance.finished_utc);
  group.write_attribute("wall_seconds", provenance.wall_seconds);
  group.write_attribute("threads", static_cast<std::int32_t>(provenance.threads));
  group.close();
}

// The /compare group of a finished `compare` file: one row per scenario and metric.
void write_comparison_group(h5::File& file, const std::vector<ComparisonRow>& rows, int deflate_level) {
  if (rows.empty()) return;
  h5::Group group = file.create_group("compare");
  schema::write_table(group, schema::comparison_columns(), rows, deflate_level);
}

// A matrix of rows, appended as one block: `row_shape` is the shape of one row.
template <h5::Numeric T>
void write_matrix(h5::Group& group, const std::string& name, const std::vector<T>& flat, std::vector<hsize_t> row_shape,
                  int deflate_level) {
  hsize_t row_size = 1;
  for (const hsize_t dimension : row_shape) row_size *= dimension;
  const hsize_t rows = row_size == 0 ? 0 : static_cast<hsize_t>(flat.size()) / row_size;
  h5::Dataset dataset = group.create_dataset<T>(name, row_shape, std::clamp<hsize_t>(rows, 1, 1024), deflate_level);
  if (rows > 0) dataset.append(std::span<const T>(flat), static_cast<std::size_t>(rows));
}

template <typename T>
std::vector<T> flatten(const std::vector<std::vector<T>>& rows) {
  std::vector<T> flat;
  for (const auto& row : rows) flat.insert(flat.end(), row.begin(), row.end());
  return flat;
}

// The /robustness group of a finished `compare --robustness` file.
void write_robustness_group(h5::File& file, const RobustnessResult& result, int deflate_level) {
  if (result.empty()) return;
  h5::Group group = file.create_group("robustness");
  const auto keys = static_cast<hsize_t>(result.keys.size());
  const auto scenarios = static_cast<hsize_t>(result.scenarios);
  const auto metrics = static_cast<hsize_t>(result.metric_name.size());
  group.write_strings("key", result.keys);
  write_matrix<double>(group, "unit", flatten(result.unit), {keys}, deflate_level);
  write_matrix<double>(group, "value", flatten(result.values), {keys}, deflate_level);
  write_matrix<std::uint8_t>(group, "declared", flatten(result.declared), {keys}, deflate_level);
  group.write_strings("metric_kind", result.metric_kind);
  group.write_strings("metric_name", result.metric_name);
  group.write_strings("metric_month", result.metric_month);
  write_matrix<double>(group, "difference", result.difference, {scenarios, metrics}, deflate_level);
  write_matrix<double>(group, "correlation", result.correlation, {metrics, keys}, deflate_level);
  h5::Group rows = group.create_group("summary");
  schema::write_table(rows, schema::robustness_summary_columns(), result.rows, deflate_level);
}

// The /summary group of a finished file: what the command concludes.
void write_summary_group(h5::File& file, const ResultsSummary& summary, int deflate_level) {
  h5::Group group = file.create_group("summary");
  {
    h5::Group targets = group.create_group("targets");
    schema::write_table(targets, schema::target_attainment_columns(), summary.targets, deflate_level);
  }
  {
    h5::Group outcomes = group.create_group("outcomes");
    schema::write_table(outcomes, schema::outcome_columns(), summary.outcomes, deflate_level);
  }
  group.close();
  write_comparison_group(file, summary.comparison, deflate_level);
  write_robustness_group(file, summary.robustness, deflate_level);
  if (!summary.sensitivity.empty()) {
    h5::Group sensitivity = file.create_group("sensitivity");
    std::vector<std::string> indicator, factor;
    std::vector<std::vector<double>> columns(9);
    for (const SensitivityRow& row : summary.sensitivity) {
      indicator.push_back(row.indicator);
      factor.push_back(row.factor);
      const double values[] = {row.first_order, row.first_order_low, row.first_order_high, row.total, row.total_low,
                               row.total_high, row.mu, row.mu_star, row.sigma};
      for (std::size_t c = 0; c < columns.size(); ++c) columns[c].push_back(values[c]);
    }
    sensitivity.write_strings("indicator", indicator);
    sensitivity.write_strings("factor", factor);
    const char* names[] = {"first_order", "first_order_low", "first_order_high", "total", "total_low", "total_high", "mu", "mu_star", "sigma"};
    const hsize_t chunk = std::clamp<hsize_t>(summary.sensitivity.size(), 1, 1024);
    for (std::size_t c = 0; c < columns.size(); ++c) sensitivity.write_column<double>(names[c], columns[c], chunk, deflate_level);
  }
}

// Writes the layout of docs/output-format.md: the header at construction, then runs appended in
// batches, then optionally /provenance. Every results file (parts and final) goes through here.
class ResultsFileBuilder {
 public:
  ResultsFileBuilder(const fs::path& path, const ResultsHeader& header, int deflate_level)
      : header_(header), file_(h5::File::create(path)), deflate_level_(deflate_level) {
    write_header();
  }

  void append(std::span<const RunOutput> runs) {
    if (runs.empty()) return;
    for (const RunOutput& run : runs) {
      validate_run(header_, run);
      if (any_runs_ && run.run != last_run_ + 1)
        file_.fail("run " + std::to_string(run.run) + " follows run " + std::to_string(last_run_) +
                   "; runs must be consecutive");
      any_runs_ = true;
      last_run_ = run.run;
    }
    append_runs_table(runs);
    append_indicators(runs);
    append_targets(runs);
    if (header_.record >= RecordLevel::events) {
      append_events(runs);
      append_records(ventures_, schema::venture_columns(), runs, &RunOutput::venture_rows);
    }
    if (header_.record >= RecordLevel::trajectories) append_trajectories(runs);
  }

  // Appends every run of a part file (written by this builder's layout) dataset by dataset in
  // blocks of rows, so memory holds one block, never the whole part.
  void append_part(const fs::path& part_path, std::uint32_t first_run, std::size_t runs) {
    const h5::File part = h5::File::open(part_path);
    const std::vector<std::uint32_t> run_ids = part.open_dataset("runs/run").read<std::uint32_t>();
    if (run_ids.size() != runs || run_ids.front() != first_run)
      throw ResultsError(part_path.string() + ": holds runs other than its manifest entry says");
    for (std::uint32_t run : run_ids) {
      if (any_runs_ && run != last_run_ + 1)
        file_.fail("run " + std::to_string(run) + " follows run " + std::to_string(last_run_) + "; runs must be consecutive");
      any_runs_ = true;
      last_run_ = run;
    }
    for (h5::Dataset* dataset : all_datasets()) {
      if (dataset->is_open()) dataset->append_rows_of(part.open_dataset(dataset->path()));
    }
  }

  void finish(const Provenance* provenance, const ResultsSummary* summary = nullptr) {
    if (summary != nullptr) write_summary_group(file_, *summary, deflate_level_);
    if (provenance != nullptr) write_provenance(*provenance);
    for (h5::Dataset* dataset : all_datasets()) dataset->close();
    file_.flush();
    file_.close();
  }

 private:
  std::vector<h5::Dataset*> all_datasets() {
    std::vector<h5::Dataset*> datasets{&indicator_values_, &indicator_run_, &targets_met_};
    for (auto* table : {&runs_, &events_, &trajectories_, &ventures_})
      for (h5::Dataset& dataset : *table) datasets.push_back(&dataset);
    return datasets;
  }

  void write_header() {
    file_.write_attribute("format", results_format_name);
    file_.write_attribute("format_version", static_cast<std::int32_t>(results_format_version));
    file_.write_attribute("command", header_.command);
    file_.write_attribute("record_level", record_level_name(header_.record));
    file_.write_attribute("base_seed", static_cast<std::uint64_t>(header_.base_seed));
    file_.write_attribute("replications", static_cast<std::uint32_t>(header_.replications));
    file_.write_attribute("total_runs", static_cast<std::uint32_t>(header_.total_runs));
    file_.write_attribute("plan", plan_fingerprint(header_, 0, header_.total_runs));

    {
      h5::Group scenarios = file_.create_group("scenarios");
      scenarios.write_strings("names", header_.scenario_names);
      scenarios.write_strings("texts", header_.scenario_texts);
    }

    {
      h5::Group runs = file_.create_group("runs");
      runs_ = schema::create_columns(runs, schema::run_columns(), run_chunk_rows, deflate_level_);
    }

    write_indicator_header();

    if (header_.record >= RecordLevel::events) {
      h5::Group group = file_.create_group("events");
      events_ = schema::create_columns(group, schema::event_columns(), record_chunk_rows, deflate_level_);
      h5::Group ventures = file_.create_group("ventures");
      ventures_ = schema::create_columns(ventures, schema::venture_columns(), schema::venture_chunk_rows, deflate_level_);
    }
    if (header_.record >= RecordLevel::trajectories) {
      h5::Group group = file_.create_group("trajectories");
      trajectories_ = schema::create_columns(group, schema::trajectory_columns(), record_chunk_rows, deflate_level_);
    }

    {
      h5::Group labels = file_.create_group("labels");
      labels.write_strings("event_kinds", header_.event_kinds);
      labels.write_strings("stages", header_.stages);
      labels.write_strings("statuses", header_.statuses);
      labels.write_strings("carrier_kinds", header_.carrier_kinds);
      labels.write_strings("carrier_levels", header_.carrier_levels);
      labels.write_strings("objectives", header_.objectives);
      labels.write_strings("operator_types", header_.operator_types);
      labels.write_strings("stream_kinds", header_.stream_kinds);
      labels.write_strings("listing_boards", header_.listing_boards);
    }

    write_target_header();
    write_carriers();
    write_uncertainty();
    write_design();
  }

  void write_design() {
    const DesignInfo& design = header_.design;
    if (design.kind.empty()) return;
    h5::Group group = file_.create_group("design");
    group.write_attribute("kind", design.kind);
    group.write_attribute("seed", static_cast<std::uint32_t>(design.seed));
    group.write_attribute("samples", static_cast<std::uint32_t>(design.samples));
    group.write_attribute("base_samples", static_cast<std::uint32_t>(design.base_samples));
    group.write_strings("factor", design.keys);
    group.write_strings("factor_kind", design.kinds);
    group.write_strings("choices", design.choices);
    const hsize_t chunk = std::clamp<hsize_t>(design.keys.size(), 1, run_chunk_rows);
    group.write_column<double>("low", design.low, chunk, deflate_level_);
    group.write_column<double>("high", design.high, chunk, deflate_level_);
    write_matrix<double>(group, "unit", design.unit, {static_cast<hsize_t>(design.keys.size())}, deflate_level_);
    write_matrix<double>(group, "value", design.values, {static_cast<hsize_t>(design.keys.size())}, deflate_level_);
  }

  void write_uncertainty() {
    h5::Group group = file_.create_group("uncertainty");
    schema::write_table(group, schema::uncertainty_columns(), header_.uncertainty, deflate_level_);
  }

  void write_indicator_header() {
    h5::Group group = file_.create_group("indicators");
    const auto months = static_cast<hsize_t>(header_.month_labels.size());
    const auto indicators = static_cast<hsize_t>(header_.indicators.size());
    indicator_values_ = group.create_dataset<double>("values", {months, indicators}, 1, deflate_level_);

    indicator_run_ = group.create_dataset<std::uint32_t>("run", {}, run_chunk_rows, deflate_level_);
    indicator_run_.make_scale("run");

    std::vector<std::int32_t> days;
    days.reserve(header_.month_labels.size());
    for (const std::string& label : header_.month_labels) days.push_back(month_label_to_days(label));
    h5::Dataset month = group.write_column<std::int32_t>("month", days, std::max<hsize_t>(months, 1), deflate_level_);
    month.write_attribute("units", "days since 1970-01-01");
    month.write_attribute("calendar", "standard");
    month.make_scale("month");

    h5::Dataset indicator = group.write_strings("indicator", strings_of(header_.indicators, &IndicatorInfo::name));
    indicator.make_scale("indicator");

    indicator_values_.attach_scale(indicator_run_, 0);
    indicator_values_.attach_scale(month, 1);
    indicator_values_.attach_scale(indicator, 2);

    // Per-month and per-indicator labels share the scales, so xarray reads the group as one
    // Dataset with dimensions (run, month, indicator).
    h5::Dataset month_label = group.write_strings("month_label", header_.month_labels);
    month_label.attach_scale(month, 0);
    const std::pair<const char*, std::string IndicatorInfo::*> per_indicator[] = {
        {"unit", &IndicatorInfo::unit},
        {"description", &IndicatorInfo::description},
        {"scope", &IndicatorInfo::scope},
        {"measure", &IndicatorInfo::measure}};
    for (const auto& [name, field] : per_indicator) {
      h5::Dataset dataset = group.write_strings(name, strings_of(header_.indicators, field));
      dataset.attach_scale(indicator, 0);
    }
  }

  void write_target_header() {
    h5::Group group = file_.create_group("targets");
    const std::vector<TargetInfo>& targets = header_.targets;
    schema::write_table(group, schema::target_columns(), targets, deflate_level_);
    targets_met_ = group.create_dataset<std::uint8_t>("met", {static_cast<hsize_t>(targets.size())}, run_chunk_rows,
                                                      deflate_level_);
  }

  void write_carriers() {
    h5::Group group = file_.create_group("carriers");
    schema::write_table(group, schema::carrier_columns(), header_.carriers, deflate_level_);
  }

  void write_provenance(const Provenance& provenance) { write_provenance_group(file_, provenance); }

  void append_runs_table(std::span<const RunOutput> runs) {
    std::vector<std::uint32_t> ids;
    ids.reserve(runs.size());
    for (const RunOutput& run : runs) ids.push_back(run.run);
    indicator_run_.append(ids);
    schema::append_columns<RunOutput>(runs_, schema::run_columns(), runs.size(), [&](auto&& visit) {
      for (const RunOutput& run : runs) visit(run);
    });
  }

  void append_indicators(std::span<const RunOutput> runs) {
    std::vector<double> values;
    values.reserve(runs.size() * header_.month_labels.size() * header_.indicators.size());
    for (const RunOutput& run : runs) values.insert(values.end(), run.indicators.begin(), run.indicators.end());
    indicator_values_.append(std::span<const double>(values), runs.size());
  }

  void append_targets(std::span<const RunOutput> runs) {
    std::vector<std::uint8_t> met;
    met.reserve(runs.size() * header_.targets.size());
    for (const RunOutput& run : runs) met.insert(met.end(), run.targets_met.begin(), run.targets_met.end());
    targets_met_.append(std::span<const std::uint8_t>(met), runs.size());
  }

  // Appends the records of every run (events or trajectories) to the datasets of their columns.
  template <typename Record>
  static void append_records(std::vector<h5::Dataset>& datasets, schema::Columns<Record> columns,
                             std::span<const RunOutput> runs, const std::vector<Record> RunOutput::*records) {
    std::size_t rows = 0;
    for (const RunOutput& run : runs) rows += (run.*records).size();
    schema::append_columns<Record>(datasets, columns, rows, [&](auto&& visit) {
      for (const RunOutput& run : runs)
        for (const Record& record : run.*records) visit(record);
    });
  }

  void append_events(std::span<const RunOutput> runs) {
    append_records(events_, schema::event_columns(), runs, &RunOutput::events);
  }

  void append_trajectories(std::span<const RunOutput> runs) {
    append_records(trajectories_, schema::trajectory_columns(), runs, &RunOutput::trajectories);
  }

  const ResultsHeader& header_;
  h5::File file_;  // declared first: closed after every dataset
  // One dataset per column of the registry's tables (io/schema.cpp), in its order.
  std::vector<h5::Dataset> runs_, events_, trajectories_, ventures_;
  h5::Dataset indicator_values_, indicator_run_, targets_met_;
  int deflate_level_;
  bool any_runs_ = false;
  std::uint32_t last_run_ = 0;
};

std::string part_file_name(std::size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "part-%06zu.h5", index);
  return name;
}

}  // namespace

const char* record_level_name(RecordLevel level) {
  switch (level) {
    case RecordLevel::indicators:
      return "indicators";
    case RecordLevel::events:
      return "events";
    case RecordLevel::trajectories:
      return "trajectories";
  }
  throw ResultsError("invalid record level " + std::to_string(static_cast<int>(level)));
}

RecordLevel parse_record_level(std::string_view name) {
  if (name == "indicators") return RecordLevel::indicators;
  if (name == "events") return RecordLevel::events;
  if (name == "trajectories") return RecordLevel::trajectories;
  throw ResultsError("unknown record level '" + std::string(name) + "' (expected indicators, events or trajectories)");
}

std::int32_t month_label_to_days(std::string_view label) {
  auto digit = [&](std::size_t i) { return label[i] >= '0' && label[i] <= '9'; };
  if (label.size() != 7 || label[4] != '-' || !digit(0) || !digit(1) || !digit(2) || !digit(3) || !digit(5) ||
      !digit(6))
    throw ResultsError("month label '" + std::string(label) + "' is not YYYY-MM");
  const int year = (label[0] - '0') * 1000 + (label[1] - '0') * 100 + (label[2] - '0') * 10 + (label[3] - '0');
  const unsigned month = static_cast<unsigned>((label[5] - '0') * 10 + (label[6] - '0'));
  if (month < 1 || month > 12)
    throw ResultsError("month label '" + std::string(label) + "' has no month " + std::to_string(month));
  const std::chrono::sys_days day{std::chrono::year{year} / std::chrono::month{month} / 1};
  return static_cast<std::int32_t>(day.time_since_epoch().count());
}

void validate_header(const ResultsHeader& header) {
  if (header.scenario_names.size() != header.scenario_texts.size())
    throw ResultsError("results header: " + std::to_string(header.scenario_names.size()) + " scenario names but " +
                       std::to_string(header.scenario_texts.size()) + " scenario texts");
  for (const std::string& label : header.month_labels) month_label_to_days(label);
  record_level_name(header.record);
}

void validate_run(const ResultsHeader& header, const RunOutput& run) {
  const std::string where = "run " + std::to_string(run.run) + ": ";
  const std::size_t expected = header.month_labels.size() * header.indicators.size();
  if (run.indicators.size() != expected)
    throw ResultsError(where + std::to_string(run.indicators.size()) + " indicator values, expected " +
                       std::to_string(expected) + " (" + std::to_string(header.month_labels.size()) + " months x " +
                       std::to_string(header.indicators.size()) + " indicators)");
  if (run.targets_met.size() != header.targets.size())
    throw ResultsError(where + std::to_string(run.targets_met.size()) + " target results, expected " +
                       std::to_string(header.targets.size()));
  if (run.scenario >= header.scenario_names.size())
    throw ResultsError(where + "scenario index " + std::to_string(run.scenario) + " but only " +
                       std::to_string(header.scenario_names.size()) + " scenarios");
  if (header.record < RecordLevel::events && !run.events.empty())
    throw ResultsError(where + "has events but the record level is " + record_level_name(header.record));
  if (header.record < RecordLevel::trajectories && !run.trajectories.empty())
    throw ResultsError(where + "has trajectories but the record level is " + record_level_name(header.record));
  for (const EventRecord& event : run.events)
    if (event.run != run.run) throw ResultsError(where + "has an event of run " + std::to_string(event.run));
  for (const TrajectoryRecord& row : run.trajectories)
    if (row.run != run.run) throw ResultsError(where + "has a trajectory row of run " + std::to_string(row.run));
  if (header.record < RecordLevel::events && !run.venture_rows.empty())
    throw ResultsError(where + "has venture rows but the record level is " + record_level_name(header.record));
  for (const VentureRecord& row : run.venture_rows)
    if (row.run != run.run) throw ResultsError(where + "has a venture row of run " + std::to_string(row.run));
}

void write_results_file(const fs::path& path, const ResultsHeader& header, std::span<const RunOutput> runs,
                        const Provenance* provenance, int deflate_level, const ResultsSummary* summary) {
  validate_header(header);
  ResultsFileBuilder builder(path, header, deflate_level);
  builder.append(runs);
  builder.finish(provenance, summary);
}

void assemble_results(const fs::path& path, const ResultsHeader& header,
                      const std::vector<std::pair<fs::path, std::pair<std::uint32_t, std::uint32_t>>>& parts,
                      const Provenance& provenance, const ResultsSummary& summary) {
  validate_header(header);
  fs::path temporary = path;
  temporary += ".tmp";
  try {
    {
      ResultsFileBuilder builder(temporary, header, final_deflate_level);
      for (const auto& [part, range] : parts) builder.append_part(part, range.first, range.second);
      builder.finish(&provenance, &summary);
    }
    rename_durably(temporary, path);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
  fsync_path(directory_of(path), true);
}

fs::path parts_directory_for(const fs::path& final_path) {
  fs::path parts = final_path;
  parts += ".parts";
  return parts;
}

// ------------------------------------------------------------------------------ ResultsWriter

std::string plan_fingerprint(const ResultsHeader& header, std::uint32_t first_run, std::uint32_t end_run) {
  // FNV-1a over a canonical text of the plan: the same text gives the same runs.
  std::string text = header.command + "\n" + record_level_name(header.record) + "\n" + std::to_string(header.base_seed) + "\n" +
                     std::to_string(header.replications) + "\n" + std::to_string(header.total_runs) + "\n" + std::to_string(first_run) +
                     "\n" + std::to_string(end_run) + "\n";
  for (const std::string& scenario : header.scenario_texts) text += scenario + "\n";
  const DesignInfo& design = header.design;
  auto exact = [](double value) {  // every bit of the number: ranges that differ anywhere differ here
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return std::string(buffer);
  };
  text += design.kind + "\n" + std::to_string(design.seed) + "\n" + std::to_string(design.samples) + "\n" +
          std::to_string(design.base_samples) + "\n";
  for (std::size_t f = 0; f < design.keys.size(); ++f) {
    text += design.keys[f] + "|" + design.kinds[f] + "|" + design.choices[f] + "|" + exact(design.low[f]) + "|" + exact(design.high[f]) + "\n";
  }
  std::uint64_t hash = 1469598103934665603ULL;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

ResultsWriter::ResultsWriter(fs::path final_path, ResultsHeader header, bool force, std::size_t runs_per_part)
    : ResultsWriter(std::move(final_path), std::move(header), WriterOptions{force, false, runs_per_part, 0, 0}) {}

ResultsWriter::ResultsWriter(fs::path final_path, ResultsHeader header, const WriterOptions& options)
    : final_path_(std::move(final_path)),
      parts_dir_(parts_directory_for(final_path_)),
      header_(std::move(header)),
      runs_per_part_(options.runs_per_part),
      first_run_(options.first_run),
      end_run_(options.end_run == 0 ? header_.total_runs : options.end_run) {
  const std::string name = final_path_.string();
  if (final_path_.empty() || !final_path_.has_filename())
    throw ResultsError("results file '" + name + "' is not a file name");
  if (runs_per_part_ == 0) throw ResultsError(name + ": runs per part must be at least 1");
  if (first_run_ > end_run_ || end_run_ > header_.total_runs || (first_run_ == end_run_ && header_.total_runs > 0))
    throw ResultsError(name + ": run range " + std::to_string(first_run_) + ".." + std::to_string(end_run_) + " does not fit the " +
                       std::to_string(header_.total_runs) + " runs of the command");
  next_run_ = first_run_;
  fingerprint_ = plan_fingerprint(header_, first_run_, end_run_);
  std::error_code error;
  if (fs::is_directory(final_path_, error)) throw ResultsError(name + " is a directory");
  const fs::path directory = directory_of(final_path_);
  if (!fs::is_directory(directory, error))
    throw ResultsError(name + ": directory " + directory.string() + " does not exist");
  validate_header(header_);
  // A parts directory renamed for removal after its final file was written (a kill interrupted
  // the removal): nothing in it is needed.
  fs::remove_all(removed_parts_directory(), error);
  // A parts directory still being set up when a kill came: it holds no runs.
  fs::remove_all(new_parts_directory(), error);
  const bool parts_exist = fs::exists(fs::symlink_status(parts_dir_, error));
  if (options.resume && parts_exist) {
    resume_parts();
    buffer_.reserve(std::min<std::size_t>(runs_per_part_, 4096));
    return;
  }
  if (fs::exists(fs::symlink_status(final_path_, error)) && !options.force) {
    if (options.resume && holds_this_result()) throw AlreadyComplete(name + " is already complete: nothing to resume");
    throw ResultsError(name + (options.resume ? " exists and there are no parts to resume (it holds another command's results)"
                                              : " exists; use --force to overwrite"));
  }
  if (parts_exist) {
    if (!options.force)
      throw ResultsError(parts_dir_.string() +
                         " exists (left by an interrupted earlier command; its finished parts "
                         "are listed in its manifest.tsv); resume it with --resume, or use --force to discard it");
    fs::remove_all(parts_dir_, error);
    if (error) throw ResultsError(parts_dir_.string() + ": cannot remove: " + error.message());
  }
  // Built under another name and renamed into place, so a kill at any moment leaves either no
  // parts directory or one with its manifest (a stale "<parts>.new" was removed above).
  const fs::path fresh = new_parts_directory();
  fs::create_directory(fresh, error);
  if (error) throw ResultsError(fresh.string() + ": cannot create: " + error.message());
  write_manifest(fresh);
  rename_durably(fresh, parts_dir_);
  buffer_.reserve(std::min<std::size_t>(runs_per_part_, 4096));
}

fs::path ResultsWriter::removed_parts_directory() const {
  fs::path removed = parts_dir_;
  removed += ".removing";
  return removed;
}

fs::path ResultsWriter::new_parts_directory() const {
  fs::path fresh = parts_dir_;
  fresh += ".new";
  return fresh;
}

bool ResultsWriter::holds_this_result() const {
  try {
    const h5::File file = h5::File::open(final_path_, false);
    return file.has_attribute("plan") && file.read_string_attribute("plan") == plan_fingerprint(header_, 0, header_.total_runs) &&
           file.open_dataset("runs/run").rows() == end_run_ - first_run_ &&
           (first_run_ == 0 || read_column<std::uint32_t>(final_path_, "/runs/run").front() == first_run_);
  } catch (const ResultsError&) {
    return false;  // not a results file, or a damaged one: not this command's result
  }
}

void ResultsWriter::resume_parts() {
  const fs::path manifest = parts_dir_ / "manifest.tsv";
  std::ifstream in(manifest);
  if (!in) throw ResultsError(manifest.string() + ": cannot read; the parts directory is not an incubsim crash record");
  std::string line;
  std::getline(in, line);
  const std::string expected = "# plan " + fingerprint_;
  if (line.rfind("# plan ", 0) != 0) throw ResultsError(manifest.string() + ": no plan fingerprint; it was written by an older incubsim");
  if (line != expected)
    throw ResultsError(manifest.string() + ": these parts belong to a different command (plan " + line.substr(7) + ", this command " +
                       fingerprint_ + "); same scenarios, design, seed, replications, record level and shard are needed to resume");
  std::getline(in, line);  // column names
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::size_t index = 0;
    Part part;
    if (!(fields >> index >> part.file >> part.first_run >> part.runs) || part.first_run != next_run_ || part.runs == 0)
      throw ResultsError(manifest.string() + ": unreadable or out-of-order line '" + line + "'");
    if (!fs::is_regular_file(parts_dir_ / part.file)) throw ResultsError(manifest.string() + ": lists " + part.file + ", which is missing");
    parts_.push_back(part);
    next_run_ += part.runs;
  }
  if (next_run_ > end_run_) throw ResultsError(manifest.string() + ": lists more runs than the command has");
  // Anything not in the manifest (a part written but not yet listed, temporaries) is redone.
  std::error_code error;
  for (fs::directory_iterator it(parts_dir_, error), end; !error && it != end; it.increment(error)) {
    const std::string file = it->path().filename().string();
    const bool listed = std::any_of(parts_.begin(), parts_.end(), [&](const Part& p) { return p.file == file; });
    if (!listed && file != "manifest.tsv") fs::remove(it->path(), error);
  }
}

std::vector<fs::path> ResultsWriter::part_files() const {
  std::vector<fs::path> files;
  for (const Part& part : parts_) files.push_back(parts_dir_ / part.file);
  return files;
}

ResultsWriter::~ResultsWriter() {
  if (!finished_) remove_temporaries();
}

void ResultsWriter::remove_temporaries() noexcept {
  std::error_code error;
  if (!active_temporary_.empty()) fs::remove(active_temporary_, error);
  active_temporary_.clear();
  fs::path final_temporary = final_path_;
  final_temporary += ".tmp";
  fs::remove(final_temporary, error);
  for (fs::directory_iterator it(parts_dir_, error), end; !error && it != end; it.increment(error))
    if (it->path().extension() == ".tmp") fs::remove(it->path(), error);
}

void ResultsWriter::append(RunOutput run) {
  if (finished_) throw ResultsError(final_path_.string() + ": append after finish");
  if (run.run != next_run_)
    throw ResultsError(final_path_.string() + ": run " + std::to_string(run.run) +
                       " arrived out of order; expected run " + std::to_string(next_run_));
  validate_run(header_, run);
  buffer_.push_back(std::move(run));
  ++next_run_;
  if (buffer_.size() >= runs_per_part_) write_part();
}

void ResultsWriter::flush() {
  if (finished_) throw ResultsError(final_path_.string() + ": flush after finish");
  write_part();
}

void ResultsWriter::write_part() {
  if (buffer_.empty()) return;
  const std::string name = part_file_name(parts_.size());
  const fs::path path = parts_dir_ / name;
  fs::path temporary = path;
  temporary += ".tmp";
  active_temporary_ = temporary;
  try {
    const bool only_part = end_run_ - first_run_ <= runs_per_part_;  // this part becomes the final file
    write_results_file(temporary, header_, buffer_, nullptr, only_part ? final_deflate_level : part_deflate_level);
    rename_durably(temporary, path);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    active_temporary_.clear();
    throw;
  }
  active_temporary_.clear();
  parts_.push_back(Part{name, buffer_.front().run, static_cast<std::uint32_t>(buffer_.size())});
  write_manifest();
  buffer_.clear();
}

void ResultsWriter::write_manifest() const { write_manifest(parts_dir_); }

void ResultsWriter::write_manifest(const fs::path& directory) const {
  std::string content = "# plan " + fingerprint_ + "\npart\tfile\tfirst_run\truns\n";
  for (std::size_t i = 0; i < parts_.size(); ++i)
    content += std::to_string(i) + "\t" + parts_[i].file + "\t" + std::to_string(parts_[i].first_run) + "\t" +
               std::to_string(parts_[i].runs) + "\n";
  write_file_durably(directory / "manifest.tsv", content);
}

void ResultsWriter::finish(const Provenance& provenance, const ResultsSummary& summary) { finish(provenance, &summary); }

void ResultsWriter::finish(const Provenance& provenance, const ResultsSummary* summary) {
  if (finished_) throw ResultsError(final_path_.string() + ": finish called twice");
  if (next_run_ != end_run_)
    throw ResultsError(final_path_.string() + ": " + std::to_string(next_run_ - first_run_) + " runs appended but the header promises " +
                       std::to_string(end_run_ - first_run_));
  write_part();

  fs::path temporary = final_path_;
  temporary += ".tmp";
  active_temporary_ = temporary;
  try {
    if (parts_.size() == 1) {
      // One part already is the whole result: copy it, add the provenance, rename into place
      // (saves writing the data twice; the part itself stays intact until the rename).
      fs::copy_file(parts_dir_ / parts_.front().file, temporary, fs::copy_options::overwrite_existing);
      h5::File file = h5::File::open(temporary, true);
      if (summary != nullptr) write_summary_group(file, *summary, final_deflate_level);
      write_provenance_group(file, provenance);
      file.flush();
      file.close();
    } else {
      ResultsFileBuilder builder(temporary, header_, final_deflate_level);
      for (const Part& part : parts_) builder.append_part(parts_dir_ / part.file, part.first_run, part.runs);
      builder.finish(&provenance, summary);
    }
    rename_durably(temporary, final_path_);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    active_temporary_.clear();
    throw;
  }
  active_temporary_.clear();
  finished_ = true;
  // Renamed first, so a kill during the removal leaves no half-removed crash record: a
  // "<parts>.removing" directory is garbage once the final file is in place.
  std::error_code error;
  const fs::path removed = removed_parts_directory();
  fs::rename(parts_dir_, removed, error);
  if (!error) fs::remove_all(removed, error);
  if (error)
    throw ResultsError(parts_dir_.string() + ": cannot remove after writing " + final_path_.string() + ": " +
                       error.message());
  fsync_path(directory_of(final_path_), true);
}

}  // namespace incubsim::io
