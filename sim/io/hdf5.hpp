#pragma once
// A thin RAII layer over the HDF5 C API: move-only handles that close themselves, and the few
// operations the results files need (groups, attributes, vlen string datasets, chunked and
// compressed extendible numeric datasets, dimension scales). Every failing HDF5 call becomes an
// incubsim::io::ResultsError naming the file and the object; HDF5's own error printing is off.
//
// One thread at a time: objects may move between threads (e.g. a TBB serial pipeline stage), but
// must not be used concurrently.

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace incubsim::io {

// Anything wrong with a results file: HDF5 failures, a file that is not ours, a refused overwrite.
class ResultsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace h5 {

// The fixed-size numeric element types the layer stores.
template <typename T>
concept Numeric = std::is_same_v<T, std::uint8_t> || std::is_same_v<T, std::int8_t> ||
    std::is_same_v<T, std::uint16_t> || std::is_same_v<T, std::int16_t> || std::is_same_v<T, std::uint32_t> ||
    std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::uint64_t> || std::is_same_v<T, std::int64_t> ||
    std::is_same_v<T, float> || std::is_same_v<T, double>;

// HDF5 type of T in memory (native) and in the file (little-endian standard type).
template <Numeric T>
hid_t memory_type() noexcept {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return H5T_NATIVE_UINT8;
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return H5T_NATIVE_INT8;
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    return H5T_NATIVE_UINT16;
  else if constexpr (std::is_same_v<T, std::int16_t>)
    return H5T_NATIVE_INT16;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return H5T_NATIVE_UINT64;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, float>)
    return H5T_NATIVE_FLOAT;
  else
    return H5T_NATIVE_DOUBLE;
}

template <Numeric T>
hid_t file_type() noexcept {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return H5T_STD_U8LE;
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return H5T_STD_I8LE;
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    return H5T_STD_U16LE;
  else if constexpr (std::is_same_v<T, std::int16_t>)
    return H5T_STD_I16LE;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return H5T_STD_U32LE;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return H5T_STD_I32LE;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return H5T_STD_U64LE;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return H5T_STD_I64LE;
  else if constexpr (std::is_same_v<T, float>)
    return H5T_IEEE_F32LE;
  else
    return H5T_IEEE_F64LE;
}

// Turns HDF5's automatic error-stack printing off for the calling thread (a per-thread setting
// in thread-safe HDF5 builds). Every operation of this layer calls it first.
void silence_errors() noexcept;

// Throws ResultsError "<file>: <object>: <what>", with HDF5's innermost error message appended
// when the error stack has one.
[[noreturn]] void fail(std::string_view file, std::string_view object, std::string_view what);

// Returns `result` when it is non-negative, else calls fail(file, object, what).
template <typename R>
R check(R result, std::string_view file, std::string_view object, std::string_view what) {
  if (result < 0) fail(file, object, what);
  return result;
}

// A move-only owner of an hid_t that is closed by Close. For the handle kinds that need no
// file/object context of their own: dataspaces, datatypes, property lists, attributes.
template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() noexcept = default;
  explicit Handle(hid_t id) noexcept : id_(id) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  ~Handle() { reset(); }

  hid_t id() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  void reset() noexcept {
    if (id_ >= 0) Close(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using Dataspace = Handle<&H5Sclose>;
using Datatype = Handle<&H5Tclose>;
using PropertyList = Handle<&H5Pclose>;
using Attribute = Handle<&H5Aclose>;

// A new variable-length UTF-8 string datatype.
Datatype vlen_string_type();

// The most memory one read may allocate (Dataset::read_rows, read_strings): by default this
// machine's physical memory. A read whose rows would need more fails (a damaged file's extents, or
// a file too large to read whole here) instead of exhausting memory; the fuzz harnesses lower it.
void limit_read_memory(std::size_t bytes);  // 0: back to the default
std::size_t read_memory_limit() noexcept;

class Group;
class Dataset;

enum class ObjectType { missing, group, dataset, other };

// A file, group or dataset: its id plus the file path and object path used in error messages.
// Closes itself on destruction (errors there are ignored; call close() to see them).
class Object {
 public:
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  Object(Object&& other) noexcept;
  Object& operator=(Object&& other) noexcept;
  ~Object();

  hid_t id() const noexcept { return id_; }
  bool is_open() const noexcept { return id_ >= 0; }
  const std::string& file_path() const noexcept { return file_; }
  const std::string& path() const noexcept { return path_; }  // "/" for a file
  void close();

  [[noreturn]] void fail(std::string_view what) const;
  template <typename R>
  R check(R result, std::string_view what) const {
    return h5::check(result, file_, path_, what);
  }

  // Attributes. Writing replaces an existing attribute of the same name.
  bool has_attribute(const std::string& name) const;
  std::vector<std::string> attribute_names() const;  // in name order
  void write_attribute(const std::string& name, std::string_view value);
  void write_attribute(const std::string& name, const char* value) { write_attribute(name, std::string_view(value)); }
  template <Numeric T>
  void write_attribute(const std::string& name, T value) {
    write_numeric_attribute(name, file_type<T>(), memory_type<T>(), &value);
  }
  std::string read_string_attribute(const std::string& name) const;  // vlen or fixed length
  template <Numeric T>
  T read_attribute(const std::string& name) const {  // converted to T by HDF5
    T value{};
    read_numeric_attribute(name, memory_type<T>(), &value);
    return value;
  }

 protected:
  Object() noexcept = default;
  Object(hid_t id, std::string file, std::string path) noexcept;
  std::string child_path(std::string_view name) const;

 private:
  void write_numeric_attribute(const std::string& name, hid_t file_type, hid_t memory_type, const void* value);
  void read_numeric_attribute(const std::string& name, hid_t memory_type, void* value) const;

  hid_t id_ = H5I_INVALID_HID;
  std::string file_;
  std::string path_;
};

// A file or group: something that holds groups and datasets.
class Container : public Object {
 public:
  // `name` may be a relative path ("a/b"); every component is checked, so a missing parent is
  // reported as missing, not as an error.
  bool exists(const std::string& name) const;
  ObjectType type_of(const std::string& name) const;
  std::vector<std::string> member_names() const;  // direct members, in name order

  Group create_group(const std::string& name);
  Group open_group(const std::string& name) const;
  Dataset open_dataset(const std::string& name) const;

  // A 1-D variable-length UTF-8 string dataset (chunked, unlimited, so 0 strings is fine).
  Dataset write_strings(const std::string& name, const std::vector<std::string>& values);

  // A chunked, shuffle+deflate, extendible dataset of T with 0 rows. Its shape is
  // [rows, row_shape...]; rows grow by Dataset::append. Chunks are [chunk_rows, row_shape...]
  // (zero extents in row_shape become unlimited with chunk extent 1).
  template <Numeric T>
  Dataset create_dataset(const std::string& name, const std::vector<hsize_t>& row_shape, hsize_t chunk_rows,
                         int deflate_level = 4);

  // Convenience: a 1-D extendible dataset holding `values`.
  template <Numeric T>
  Dataset write_column(const std::string& name, const std::vector<T>& values, hsize_t chunk_rows,
                       int deflate_level = 4);

 protected:
  using Object::Object;

 private:
  Dataset create_dataset_impl(const std::string& name, hid_t file_type, const std::vector<hsize_t>& row_shape,
                              hsize_t chunk_rows, int deflate_level);
};

class File : public Container {
 public:
  File() noexcept = default;
  // Creates (truncating) a new file.
  static File create(const std::filesystem::path& path);
  // Opens an existing HDF5 file; throws ResultsError for a missing or non-HDF5 file.
  static File open(const std::filesystem::path& path, bool writable = false);
  void flush();

 private:
  using Container::Container;
};

class Group : public Container {
 public:
  Group() noexcept = default;

 private:
  friend class Container;
  using Container::Container;
};

class Dataset : public Object {
 public:
  Dataset() noexcept = default;

  std::vector<hsize_t> shape() const;
  std::size_t rank() const;
  hsize_t rows() const;              // extent of dimension 0 (1 for a scalar dataset)
  std::size_t row_elements() const;  // product of the other extents (fails when it overflows)
  Datatype datatype() const;         // the file datatype
  Dataspace dataspace() const;
  PropertyList creation_properties() const;
  bool is_string() const;

  // Appends `rows` rows: values.size() must be rows * row_elements(). The explicit row count
  // matters when a row has 0 elements (e.g. [runs, 0 targets]).
  template <Numeric T>
  void append(std::span<const T> values, hsize_t rows) {
    append_raw(memory_type<T>(), values.data(), values.size(), rows);
  }
  // Appends values.size() / row_elements() rows (values.size() must be a multiple of it).
  template <Numeric T>
  void append(std::span<const T> values) {
    append(values, rows_for(values.size()));
  }
  template <Numeric T>
  void append(const std::vector<T>& values) {
    append(std::span<const T>(values));
  }

  // The whole dataset, row-major, converted to T by HDF5.
  template <Numeric T>
  std::vector<T> read() const {
    return read_rows<T>(0, rows());
  }
  // Rows [first, first + count) of the dataset, row-major.
  template <Numeric T>
  std::vector<T> read_rows(hsize_t first, hsize_t count) const {
    std::vector<T> out;
    const std::size_t elements = elements_in_rows(count, sizeof(T));
    try {
      out.resize(elements);
    } catch (const std::bad_alloc&) {
      fail_memory(count);
    }
    read_rows_raw(memory_type<T>(), first, count, out.data());
    return out;
  }
  // A 1-D string dataset (vlen or fixed length), whole or rows [first, first + count).
  std::vector<std::string> read_strings() const { return read_strings(0, rows()); }
  std::vector<std::string> read_strings(hsize_t first, hsize_t count) const;

  // Reads rows [first, first + count) into `out` with memory type `memory_type` (raw access for
  // generic comparison; `out` must hold count * row_elements() elements of that type).
  void read_rows_raw(hid_t memory_type, hsize_t first, hsize_t count, void* out) const;

  // Dimension scales (H5DS): make this dataset a scale named `dimension_name`, or attach
  // `scale` to dimension `dimension` of this dataset.
  void make_scale(const std::string& dimension_name);
  void attach_scale(const Dataset& scale, unsigned dimension);

  // Appends `rows` rows of `elements` values of `memory_type` (raw counterpart of append).
  void append_raw(hid_t memory_type, const void* data, std::size_t elements, hsize_t rows);
  // Appends all rows of `source` (same row shape) in blocks of about `block_bytes`, so memory
  // holds one block however large the dataset is.
  void append_rows_of(const Dataset& source, std::size_t block_bytes = std::size_t{8} << 20);

 private:
  friend class Container;
  using Object::Object;
  hsize_t rows_for(std::size_t elements) const;
  // The number of elements in `count` rows of `element_size` bytes each, failing (a damaged
  // file's extents) when it overflows; fail_memory: when they cannot be allocated.
  std::size_t elements_in_rows(hsize_t count, std::size_t element_size) const;
  [[noreturn]] void fail_memory(hsize_t count) const;
};

template <Numeric T>
Dataset Container::create_dataset(const std::string& name, const std::vector<hsize_t>& row_shape, hsize_t chunk_rows,
                                  int deflate_level) {
  return create_dataset_impl(name, file_type<T>(), row_shape, chunk_rows, deflate_level);
}

template <Numeric T>
Dataset Container::write_column(const std::string& name, const std::vector<T>& values, hsize_t chunk_rows,
                                int deflate_level) {
  Dataset dataset = create_dataset<T>(name, {}, chunk_rows, deflate_level);
  dataset.append(values);
  return dataset;
}

}  // namespace h5
}  // namespace incubsim::io
