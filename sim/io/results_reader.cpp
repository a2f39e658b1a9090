#include "io/results_reader.hpp"

#include <H5DSpublic.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "io/read_watchdog.hpp"
#include "io/results_writer.hpp"
#include "io/schema_hdf5.hpp"

namespace incubsim::io {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> strings_at(const h5::Container& file, const std::string& path) {
  return file.open_dataset(path).read_strings();
}

template <h5::Numeric T>
std::vector<T> column_at(const h5::Container& file, const std::string& path) {
  return file.open_dataset(path).read<T>();
}

// The rows of the registry table at `group_path` ("/events") of a results file.
template <typename Row>
std::vector<Row> table_at(const h5::File& file, const std::string& group_path, schema::Columns<Row> columns) {
  return schema::read_table(file, group_path, columns, file.read_attribute<std::int32_t>("format_version"), file.file_path());
}

std::string format_double(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

// Splits consecutive records of run order into per-run vectors of `runs`.
template <typename Record>
void distribute(std::vector<Record>&& records, std::vector<RunOutput>& runs,
                std::vector<Record> RunOutput::*destination, const std::string& what) {
  std::size_t index = 0;
  for (Record& record : records) {
    while (index < runs.size() && runs[index].run != record.run) ++index;
    if (index == runs.size())
      throw ResultsError(what + ": a row of run " + std::to_string(record.run) +
                         " is not in run order or not in /runs/run");
    (runs[index].*destination).push_back(std::move(record));
  }
}

// ------------------------------------------------------------------------ same_results

class Comparison {
 public:
  Comparison(std::string name_a, std::string name_b) : name_a_(std::move(name_a)), name_b_(std::move(name_b)) {}

  bool groups(const h5::Container& a, const h5::Container& b, const std::string& path) {
    if (!attributes(a, b, path)) return false;
    std::vector<std::string> members_a = a.member_names();
    std::vector<std::string> members_b = b.member_names();
    auto skip = [&](const std::string& name) { return child(path, name) == "/provenance"; };
    std::erase_if(members_a, skip);
    std::erase_if(members_b, skip);
    for (const std::string& name : members_a)
      if (!std::binary_search(members_b.begin(), members_b.end(), name))
        return differ(child(path, name), "only in " + name_a_);
    for (const std::string& name : members_b)
      if (!std::binary_search(members_a.begin(), members_a.end(), name))
        return differ(child(path, name), "only in " + name_b_);
    for (const std::string& name : members_a) {
      const std::string member = child(path, name);
      const h5::ObjectType type_a = a.type_of(name);
      const h5::ObjectType type_b = b.type_of(name);
      if (type_a != type_b) return differ(member, "a group in one file, not in the other");
      if (type_a == h5::ObjectType::group) {
        if (!groups(a.open_group(name), b.open_group(name), member)) return false;
      } else if (type_a == h5::ObjectType::dataset) {
        if (!datasets(a.open_dataset(name), b.open_dataset(name), member)) return false;
      } else {
        throw ResultsError(member + ": neither a group nor a dataset; cannot compare");
      }
    }
    return true;
  }

  const std::string& difference() const { return difference_; }

 private:
  static std::string child(const std::string& path, const std::string& name) {
    return path == "/" ? "/" + name : path + "/" + name;
  }

  bool differ(const std::string& path, const std::string& what) {
    difference_ = path + ": " + what;
    return false;
  }

  static std::string shape_text(const std::vector<hsize_t>& shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) text += (i > 0 ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
  }

  static std::string index_text(std::size_t linear, const std::vector<hsize_t>& shape) {
    if (shape.empty()) return "[]";
    std::vector<hsize_t> index(shape.size(), 0);
    for (std::size_t d = shape.size(); d-- > 0;) {
      const hsize_t extent = std::max<hsize_t>(shape[d], 1);
      index[d] = linear % extent;
      linear /= extent;
    }
    return shape_text(index);
  }

  // One element of a native numeric type as text; "0x..." for anything else.
  static std::string element_text(hid_t type, const unsigned char* bytes) {
    const std::size_t size = H5Tget_size(type);
    const H5T_class_t type_class = H5Tget_class(type);
    if (type_class == H5T_FLOAT && size == sizeof(double)) {
      double value = 0;
      std::memcpy(&value, bytes, sizeof value);
      char text[64];
      std::snprintf(text, sizeof text, "%.17g", value);
      return text;
    }
    if (type_class == H5T_FLOAT && size == sizeof(float)) {
      float value = 0;
      std::memcpy(&value, bytes, sizeof value);
      char text[64];
      std::snprintf(text, sizeof text, "%.9g", static_cast<double>(value));
      return text;
    }
    if (type_class == H5T_INTEGER && size <= 8) {
      const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
      std::uint64_t raw = 0;
      std::memcpy(&raw, bytes, size);  // little-endian host
      if (is_signed && size < 8 && (raw >> (size * 8 - 1)) != 0) raw |= ~std::uint64_t{0} << (size * 8);
      return is_signed ? std::to_string(static_cast<std::int64_t>(raw)) : std::to_string(raw);
    }
    std::string text = "0x";
    char hex[3];
    for (std::size_t i = 0; i < size; ++i) {
      std::snprintf(hex, sizeof hex, "%02x", bytes[i]);
      text += hex;
    }
    return text;
  }

  static bool is_comparable_bytes(hid_t type) {
    return H5Tdetect_class(type, H5T_VLEN) <= 0 && H5Tdetect_class(type, H5T_REFERENCE) <= 0 &&
           !(H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0);
  }

  static std::vector<std::string> attribute_strings(const h5::Attribute& attribute, hid_t type, hid_t space,
                                                    const std::string& path, const std::string& file) {
    const hssize_t count = H5Sget_simple_extent_npoints(space);
    if (count < 0) h5::fail("", path, "cannot read attribute");
    std::vector<std::string> out;
    if (H5Tis_variable_str(type) > 0) {
      h5::Datatype memory = h5::vlen_string_type();
      H5Tset_cset(memory.id(), H5Tget_cset(type));
      std::vector<char*> pointers(static_cast<std::size_t>(count), nullptr);
      if (count > 0) {
        {
          const h5::StringReadWatch watch(file);  // libhdf5 may loop forever on a damaged string heap
          h5::check(H5Aread(attribute.id(), memory.id(), pointers.data()), "", path, "cannot read attribute");
        }
        for (char* p : pointers) out.emplace_back(p != nullptr ? p : "");
        H5Dvlen_reclaim(memory.id(), space, H5P_DEFAULT, pointers.data());
      }
      return out;
    }
    const std::size_t size = H5Tget_size(type);
    std::vector<char> buffer(static_cast<std::size_t>(count) * size);
    if (count > 0) h5::check(H5Aread(attribute.id(), type, buffer.data()), "", path, "cannot read attribute");
    for (hssize_t i = 0; i < count; ++i) {
      const char* begin = buffer.data() + static_cast<std::size_t>(i) * size;
      out.emplace_back(begin, strnlen(begin, size));
    }
    return out;
  }

  bool attributes(const h5::Object& a, const h5::Object& b, const std::string& path) {
    std::vector<std::string> names_a = a.attribute_names();
    std::vector<std::string> names_b = b.attribute_names();
    // Dimension-scale bookkeeping holds object addresses; compared by name in scales(). The root's
    // `plan` fingerprint digests the rest, so it is compared last (same_results), after what it
    // digests, and the first difference reported is the real one.
    auto bookkeeping = [&](const std::string& name) {
      return name == "DIMENSION_LIST" || name == "REFERENCE_LIST" || (path == "/" && name == "plan");
    };
    std::erase_if(names_a, bookkeeping);
    std::erase_if(names_b, bookkeeping);
    for (const std::string& name : names_a)
      if (!std::binary_search(names_b.begin(), names_b.end(), name))
        return differ(path, "attribute '" + name + "' only in " + name_a_);
    for (const std::string& name : names_b)
      if (!std::binary_search(names_a.begin(), names_a.end(), name))
        return differ(path, "attribute '" + name + "' only in " + name_b_);
    for (const std::string& name : names_a) {
      const std::string what = "attribute '" + name + "'";
      const h5::Attribute attr_a(a.check(H5Aopen(a.id(), name.c_str(), H5P_DEFAULT), what));
      const h5::Attribute attr_b(b.check(H5Aopen(b.id(), name.c_str(), H5P_DEFAULT), what));
      const h5::Datatype type_a(a.check(H5Aget_type(attr_a.id()), what));
      const h5::Datatype type_b(b.check(H5Aget_type(attr_b.id()), what));
      if (H5Tequal(type_a.id(), type_b.id()) <= 0) return differ(path, what + ": types differ");
      const h5::Dataspace space_a(a.check(H5Aget_space(attr_a.id()), what));
      const h5::Dataspace space_b(b.check(H5Aget_space(attr_b.id()), what));
      if (H5Sextent_equal(space_a.id(), space_b.id()) <= 0) return differ(path, what + ": shapes differ");
      if (H5Tget_class(type_a.id()) == H5T_STRING) {
        const auto values_a = attribute_strings(attr_a, type_a.id(), space_a.id(), path, a.file_path());
        const auto values_b = attribute_strings(attr_b, type_b.id(), space_b.id(), path, b.file_path());
        for (std::size_t i = 0; i < values_a.size(); ++i)
          if (values_a[i] != values_b[i])
            return differ(path, what + ": \"" + values_a[i] + "\" vs \"" + values_b[i] + "\"");
        continue;
      }
      if (!is_comparable_bytes(type_a.id()))
        throw ResultsError(path + ": " + what + " has a type this comparison does not handle");
      const h5::Datatype native(a.check(H5Tget_native_type(type_a.id(), H5T_DIR_ASCEND), what));
      const std::size_t size = H5Tget_size(native.id());
      const hssize_t count = a.check(H5Sget_simple_extent_npoints(space_a.id()), what);
      std::vector<unsigned char> bytes_a(static_cast<std::size_t>(count) * size);
      std::vector<unsigned char> bytes_b(bytes_a.size());
      if (count > 0) {
        a.check(H5Aread(attr_a.id(), native.id(), bytes_a.data()), what);
        b.check(H5Aread(attr_b.id(), native.id(), bytes_b.data()), what);
      }
      for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i)
        if (std::memcmp(bytes_a.data() + i * size, bytes_b.data() + i * size, size) != 0)
          return differ(path, what + ": " + element_text(native.id(), bytes_a.data() + i * size) + " vs " +
                                  element_text(native.id(), bytes_b.data() + i * size));
    }
    return true;
  }

  static std::vector<std::string> scale_names(const h5::Dataset& dataset, unsigned dimension) {
    std::vector<std::string> names;
    const int count = H5DSget_num_scales(dataset.id(), dimension);
    if (count <= 0) return names;
    auto visit = [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
      const ssize_t length = H5Iget_name(scale, nullptr, 0);
      std::string name(length > 0 ? static_cast<std::size_t>(length) + 1 : 1, '\0');
      if (length > 0) H5Iget_name(scale, name.data(), name.size());
      name.resize(length > 0 ? static_cast<std::size_t>(length) : 0);
      static_cast<std::vector<std::string>*>(data)->push_back(std::move(name));
      return 0;
    };
    dataset.check(H5DSiterate_scales(dataset.id(), dimension, nullptr, visit, &names), "cannot list dimension scales");
    return names;
  }

  bool scales(const h5::Dataset& a, const h5::Dataset& b, const std::string& path, std::size_t rank) {
    const htri_t scale_a = H5DSis_scale(a.id());
    const htri_t scale_b = H5DSis_scale(b.id());
    if ((scale_a > 0) != (scale_b > 0)) return differ(path, "a dimension scale in one file only");
    for (unsigned d = 0; d < rank; ++d) {
      const std::vector<std::string> names_a = scale_names(a, d);
      const std::vector<std::string> names_b = scale_names(b, d);
      if (names_a != names_b) return differ(path, "dimension " + std::to_string(d) + " has different scales attached");
    }
    return true;
  }

  bool datasets(const h5::Dataset& a, const h5::Dataset& b, const std::string& path) {
    const h5::Datatype type_a = a.datatype();
    const h5::Datatype type_b = b.datatype();
    if (H5Tequal(type_a.id(), type_b.id()) <= 0) return differ(path, "types differ");
    const std::vector<hsize_t> shape_a = a.shape();
    const std::vector<hsize_t> shape_b = b.shape();
    if (shape_a != shape_b) return differ(path, "shapes differ: " + shape_text(shape_a) + " vs " + shape_text(shape_b));
    if (!attributes(a, b, path)) return false;
    if (!scales(a, b, path, shape_a.size())) return false;

    const hsize_t rows = a.rows();
    const std::size_t row_elements = a.row_elements();
    if (row_elements == 0 || rows == 0) return true;
    const bool is_string = H5Tget_class(type_a.id()) == H5T_STRING;
    if (is_string) {
      if (shape_a.size() != 1) throw ResultsError(path + ": multi-dimensional strings: cannot compare");
      constexpr hsize_t block = 65536;
      for (hsize_t first = 0; first < rows; first += block) {
        const hsize_t count = std::min(block, rows - first);
        const std::vector<std::string> values_a = a.read_strings(first, count);
        const std::vector<std::string> values_b = b.read_strings(first, count);
        for (std::size_t i = 0; i < values_a.size(); ++i)
          if (values_a[i] != values_b[i])
            return differ(path, "differs at [" + std::to_string(first + i) + "]: \"" + values_a[i] + "\" vs \"" +
                                    values_b[i] + "\"");
      }
      return true;
    }
    if (!is_comparable_bytes(type_a.id())) throw ResultsError(path + ": a type this comparison does not handle");
    const h5::Datatype native(a.check(H5Tget_native_type(type_a.id(), H5T_DIR_ASCEND), "cannot get native type"));
    const std::size_t size = H5Tget_size(native.id());
    const std::size_t row_bytes = row_elements * size;
    const hsize_t block = std::max<hsize_t>(1, (std::size_t{8} << 20) / row_bytes);
    std::vector<unsigned char> bytes_a;
    std::vector<unsigned char> bytes_b;
    for (hsize_t first = 0; first < rows; first += block) {
      const hsize_t count = std::min(block, rows - first);
      bytes_a.assign(static_cast<std::size_t>(count) * row_bytes, 0);
      bytes_b.assign(bytes_a.size(), 0);
      a.read_rows_raw(native.id(), first, count, bytes_a.data());
      b.read_rows_raw(native.id(), first, count, bytes_b.data());
      if (std::memcmp(bytes_a.data(), bytes_b.data(), bytes_a.size()) == 0) continue;
      for (std::size_t i = 0; i < bytes_a.size() / size; ++i) {
        if (std::memcmp(bytes_a.data() + i * size, bytes_b.data() + i * size, size) == 0) continue;
        const std::size_t linear = static_cast<std::size_t>(first) * row_elements + i;
        return differ(path, "differs at " + index_text(linear, shape_a) + ": " +
                                element_text(native.id(), bytes_a.data() + i * size) + " vs " +
                                element_text(native.id(), bytes_b.data() + i * size));
      }
    }
    return true;
  }

  std::string name_a_;
  std::string name_b_;
  std::string difference_;
};

}  // namespace

h5::File open_results(const fs::path& path) {
  h5::File file = h5::File::open(path);
  const std::string name = path.string();
  if (!file.has_attribute("format"))
    throw ResultsError(name + ": not an incubsim results file (no root attribute 'format')");
  std::string format;
  try {
    format = file.read_string_attribute("format");
  } catch (const ResultsError&) {
    throw ResultsError(name + ": not an incubsim results file (root attribute 'format' is not a string)");
  }
  if (format != results_format_name)
    throw ResultsError(name + ": not an incubsim results file (format is '" + format + "', expected '" +
                       results_format_name + "')");
  const auto version = file.read_attribute<std::int32_t>("format_version");
  if (version > results_format_version || version < 1)
    throw ResultsError(name + ": format_version " + std::to_string(version) +
                       "; this incubsim reads format_version up to " + std::to_string(results_format_version));
  return file;
}

ResultsHeader read_header(const fs::path& path) {
  const h5::File file = open_results(path);
  ResultsHeader header;
  header.command = file.read_string_attribute("command");
  header.record = parse_record_level(file.read_string_attribute("record_level"));
  header.base_seed = file.read_attribute<std::uint64_t>("base_seed");
  header.replications = file.read_attribute<std::uint32_t>("replications");
  header.total_runs = file.read_attribute<std::uint32_t>("total_runs");
  header.scenario_names = strings_at(file, "/scenarios/names");
  header.scenario_texts = strings_at(file, "/scenarios/texts");
  header.month_labels = strings_at(file, "/indicators/month_label");

  const std::vector<std::string> names = strings_at(file, "/indicators/indicator");
  const std::vector<std::string> units = strings_at(file, "/indicators/unit");
  const std::vector<std::string> descriptions = strings_at(file, "/indicators/description");
  const std::vector<std::string> scopes = strings_at(file, "/indicators/scope");
  const std::vector<std::string> measures = strings_at(file, "/indicators/measure");
  for (std::size_t i = 0; i < names.size(); ++i)
    header.indicators.push_back(IndicatorInfo{names[i], units.at(i), descriptions.at(i), scopes.at(i), measures.at(i)});

  header.targets = table_at(file, "/targets", schema::target_columns());
  header.carriers = table_at(file, "/carriers", schema::carrier_columns());

  header.event_kinds = strings_at(file, "/labels/event_kinds");
  header.stages = strings_at(file, "/labels/stages");
  header.statuses = strings_at(file, "/labels/statuses");
  if (file.exists("labels/carrier_kinds")) {  // name tables: added in format 3
    header.carrier_kinds = strings_at(file, "/labels/carrier_kinds");
    header.carrier_levels = strings_at(file, "/labels/carrier_levels");
    header.objectives = strings_at(file, "/labels/objectives");
    header.operator_types = strings_at(file, "/labels/operator_types");
  }
  if (file.exists("labels/stream_kinds")) {  // format 4 on
    header.stream_kinds = strings_at(file, "/labels/stream_kinds");
    header.listing_boards = strings_at(file, "/labels/listing_boards");
  }

  // Version 3 on.
  if (file.exists("uncertainty")) {
    header.uncertainty = table_at(file, "/uncertainty", schema::uncertainty_columns());
  }
  if (file.exists("design")) {
    const h5::Group group = file.open_group("design");
    DesignInfo& design = header.design;
    design.kind = group.read_string_attribute("kind");
    design.seed = group.read_attribute<std::uint32_t>("seed");
    design.samples = group.read_attribute<std::uint32_t>("samples");
    design.base_samples = group.read_attribute<std::uint32_t>("base_samples");
    design.keys = strings_at(file, "/design/factor");
    design.kinds = strings_at(file, "/design/factor_kind");
    design.choices = strings_at(file, "/design/choices");
    design.low = column_at<double>(file, "/design/low");
    design.high = column_at<double>(file, "/design/high");
    const h5::Dataset unit = file.open_dataset("/design/unit");
    design.points = static_cast<std::uint32_t>(unit.rows());
    design.unit = unit.read<double>();
    design.values = file.open_dataset("/design/value").read<double>();
  }
  return header;
}

std::vector<RunOutput> read_runs(const fs::path& path) {
  std::vector<RunOutput> runs;
  for_each_run_summary(path, [&](const RunOutput& run) { runs.push_back(run); });
  const h5::File file = open_results(path);

  if (file.exists("events"))
    distribute(table_at(file, "/events", schema::event_columns()), runs, &RunOutput::events, path.string() + ": /events");
  if (file.exists("trajectories"))
    distribute(table_at(file, "/trajectories", schema::trajectory_columns()), runs, &RunOutput::trajectories,
               path.string() + ": /trajectories");
  if (file.exists("ventures"))
    distribute(table_at(file, "/ventures", schema::venture_columns()), runs, &RunOutput::venture_rows, path.string() + ": /ventures");
  return runs;
}

void for_each_run_summary(const fs::path& path, const std::function<void(const RunOutput&)>& visit) {
  for_each_run_summary(path, read_header(path), visit);
}

void for_each_run_summary(const fs::path& path, const ResultsHeader& expected, const std::function<void(const RunOutput&)>& visit) {
  const h5::File file = open_results(path);
  const schema::TableReader<RunOutput> runs(file, "/runs", schema::run_columns(), file.read_attribute<std::int32_t>("format_version"),
                                            path.string());
  const hsize_t n = runs.rows();
  const h5::Dataset values = file.open_dataset("/indicators/values");
  const h5::Dataset met = file.open_dataset("/targets/met");
  if (values.rows() != n || met.rows() != n)
    throw ResultsError(path.string() + ": /indicators/values or /targets/met has " +
                       "a different number of runs than /runs/run");
  const std::size_t per_run_values = values.row_elements();
  const std::size_t per_run_targets = met.row_elements();
  // The /runs columns a block of runs at a time, their indicators and target results a run at a
  // time: memory stays bounded whatever the file's size.
  constexpr hsize_t runs_per_block = 4096;
  for (hsize_t first = 0; first < n; first += runs_per_block) {
    std::vector<RunOutput> block = runs.read(first, std::min(runs_per_block, n - first));
    for (std::size_t i = 0; i < block.size(); ++i) {
      RunOutput& run = block[i];
      const hsize_t r = first + i;
      run.indicators = values.read_rows<double>(r, 1);
      run.targets_met = met.read_rows<std::uint8_t>(r, 1);
      if (run.indicators.size() != per_run_values || run.targets_met.size() != per_run_targets)
        throw ResultsError(path.string() + ": run " + std::to_string(run.run) + " has a bad shape");
      try {
        validate_run(expected, run);
      } catch (const ResultsError& error) {
        throw ResultsError(path.string() + ": " + error.what());
      }
      visit(run);
      run.indicators = {};
      run.targets_met = {};
    }
  }
}

std::vector<double> read_indicator_values(const fs::path& path, std::size_t* runs, std::size_t* months,
                                          std::size_t* indicators) {
  const h5::File file = open_results(path);
  const h5::Dataset values = file.open_dataset("/indicators/values");
  const std::vector<hsize_t> shape = values.shape();
  if (shape.size() != 3) values.fail("expected 3 dimensions [run, month, indicator]");
  if (runs != nullptr) *runs = static_cast<std::size_t>(shape[0]);
  if (months != nullptr) *months = static_cast<std::size_t>(shape[1]);
  if (indicators != nullptr) *indicators = static_cast<std::size_t>(shape[2]);
  return values.read<double>();
}

std::vector<std::string> read_string_dataset(const fs::path& path, const std::string& object_path) {
  const h5::File file = open_results(path);
  return file.open_dataset(object_path).read_strings();
}

bool same_results(const fs::path& a, const fs::path& b, std::string* first_difference) {
  const h5::File file_a = h5::File::open(a);
  const h5::File file_b = h5::File::open(b);
  Comparison comparison(a.filename().string(), b.filename().string());
  bool same = comparison.groups(file_a, file_b, "/");
  std::string difference = same ? std::string() : comparison.difference();
  if (same) {
    const std::string plan_a = file_a.has_attribute("plan") ? file_a.read_string_attribute("plan") : "";
    const std::string plan_b = file_b.has_attribute("plan") ? file_b.read_string_attribute("plan") : "";
    if (plan_a != plan_b) {
      same = false;
      difference = "/: attribute 'plan': \"" + plan_a + "\" vs \"" + plan_b + "\"";
    }
  }
  if (first_difference != nullptr) *first_difference = difference;
  return same;
}

std::string describe_results(const fs::path& path) {
  const ResultsHeader header = read_header(path);
  const h5::File file = open_results(path);
  std::ostringstream out;
  auto line = [&](const std::string& key, const std::string& value) {
    out << key << ':' << std::string(key.size() < 17 ? 17 - key.size() : 1, ' ') << value << '\n';
  };

  line("file", path.string());
  line("format", std::string(results_format_name) + " version " +
                     std::to_string(file.read_attribute<std::int32_t>("format_version")));
  line("command", header.command);
  if (file.exists("provenance")) {
    const h5::Group provenance = file.open_group("provenance");
    line("incubsim", provenance.read_string_attribute("incubsim_version") + " (commit " +
                         provenance.read_string_attribute("git_commit") + ")");
    line("command line", provenance.read_string_attribute("command_line"));
    line("host", provenance.read_string_attribute("host"));
    line("started (UTC)", provenance.read_string_attribute("started_utc"));
    line("finished (UTC)", provenance.read_string_attribute("finished_utc"));
    line("wall seconds", format_double(provenance.read_attribute<double>("wall_seconds")));
    line("threads", std::to_string(provenance.read_attribute<std::int32_t>("threads")));
  } else {
    line("provenance", "none (a part file of an unfinished command)");
  }

  std::string scenarios = std::to_string(header.scenario_names.size());
  for (std::size_t i = 0; i < header.scenario_names.size(); ++i)
    scenarios += (i == 0 ? " (" : ", ") + header.scenario_names[i];
  if (!header.scenario_names.empty()) scenarios += ")";
  line("scenarios", scenarios);

  const h5::Dataset run_ids = file.open_dataset("/runs/run");
  const hsize_t runs = run_ids.rows();
  std::string runs_text = std::to_string(runs);
  if (runs != header.total_runs) runs_text += " of " + std::to_string(header.total_runs) + " planned";
  line("runs", runs_text);
  line("replications", std::to_string(header.replications));
  line("base seed", std::to_string(header.base_seed));
  std::string months = std::to_string(header.month_labels.size());
  if (!header.month_labels.empty())
    months += " (" + header.month_labels.front() + " .. " + header.month_labels.back() + ")";
  line("months", months);
  line("record level", record_level_name(header.record));
  line("indicators", std::to_string(header.indicators.size()));
  line("events", file.exists("events") ? std::to_string(file.open_dataset("/events/run").rows()) + " rows"
                                       : std::string("not recorded"));
  line("trajectories", file.exists("trajectories")
                           ? std::to_string(file.open_dataset("/trajectories/run").rows()) + " rows"
                           : std::string("not recorded"));

  line("targets", std::to_string(header.targets.size()));
  if (!header.targets.empty()) {
    const h5::Dataset met_dataset = file.open_dataset("/targets/met");
    const std::vector<std::uint8_t> met = met_dataset.read<std::uint8_t>();
    const std::size_t targets = header.targets.size();
    for (std::size_t t = 0; t < targets; ++t) {
      const TargetInfo& target = header.targets[t];
      std::size_t relevant = 0;
      std::size_t achieved = 0;
      for (std::size_t r = 0; r < static_cast<std::size_t>(runs); ++r) {
        const std::uint8_t value = met[r * targets + t];
        if (value == 255) continue;
        ++relevant;
        if (value != 0) ++achieved;
      }
      out << "  " << target.scenario << '/' << target.id << ": " << target.indicator << ' '
          << format_double(target.threshold) << " by " << target.deadline << " (" << target.kind << ", " << target.scope
          << ' ' << target.measure << "): ";
      if (relevant == 0) {
        out << "no runs of its scenario\n";
      } else {
        char share[32];
        std::snprintf(share, sizeof share, "%.1f%%",
                      100.0 * static_cast<double>(achieved) / static_cast<double>(relevant));
        out << "met in " << share << " of runs (" << achieved << '/' << relevant << ")\n";
      }
    }
  }
  // Version 3 on: a sweep's design, the comparison and robustness tables.
  if (!header.design.kind.empty()) {
    const DesignInfo& design = header.design;
    line("design", design.kind + ", " + std::to_string(design.points) + " points, " + std::to_string(design.keys.size()) +
                       " factors, seed " + std::to_string(design.seed));
    for (std::size_t f = 0; f < design.keys.size(); ++f) {
      out << "  " << design.keys[f] << " (" << design.kinds[f] << "): "
          << (design.kinds[f] == "categorical" ? design.choices[f] : format_double(design.low[f]) + " .. " + format_double(design.high[f]))
          << '\n';
    }
  }
  if (file.exists("sensitivity")) line("sensitivity", std::to_string(file.open_dataset("/sensitivity/factor").rows()) + " rows in /sensitivity");
  if (file.exists("compare")) line("comparison", std::to_string(file.open_dataset("/compare/name").rows()) + " rows in /compare");
  if (file.exists("robustness"))
    line("robustness", std::to_string(file.open_dataset("/robustness/unit").rows()) + " points over " +
                           std::to_string(file.open_dataset("/robustness/key").rows()) + " assumptions in /robustness");
  // Version 3 on: the declared ranges of the scenarios' assumptions.
  if (file.exists("uncertainty")) {
    line("ranges", std::to_string(header.uncertainty.size()) + " declared ([uncertainty])");
    for (const UncertaintyInfo& range : header.uncertainty)
      out << "  " << range.scenario << '/' << range.key << ": " << format_double(range.low) << " .. " << format_double(range.high) << '\n';
  }
  return out.str();
}

}  // namespace incubsim::io
