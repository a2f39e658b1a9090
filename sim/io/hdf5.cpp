#include "io/hdf5.hpp"

#include <H5DSpublic.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <memory>

#include "io/read_watchdog.hpp"

namespace incubsim::io::h5 {

namespace {

// The most specific message on HDF5's error stack (then clears the stack).
std::string innermost_error() {
  std::string message;
  auto walk = [](unsigned n, const H5E_error2_t* error, void* data) -> herr_t {
    auto* out = static_cast<std::string*>(data);
    if (n == 0 && error != nullptr && error->desc != nullptr) *out = error->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk, &message);
  H5Eclear2(H5E_DEFAULT);
  return message;
}

PropertyList untimed(hid_t plist_class, const Object& owner, std::string_view what) {
  PropertyList plist(owner.check(H5Pcreate(plist_class), what));
  // No modification times in object headers: identical inputs give identical bytes.
  owner.check(H5Pset_obj_track_times(plist.id(), 0), what);
  return plist;
}

// A transfer property list whose type-conversion buffer fits `elements` values. HDF5's default
// is a zero-filled 1 MiB buffer per H5Dread/H5Dwrite, which dominates small string writes.
PropertyList transfer_properties(hsize_t elements, const Object& owner) {
  PropertyList dxpl(owner.check(H5Pcreate(H5P_DATASET_XFER), "cannot create transfer properties"));
  const hsize_t bytes = std::clamp<hsize_t>(elements * 32, 4096, hsize_t{1} << 20);
  owner.check(H5Pset_buffer(dxpl.id(), static_cast<std::size_t>(bytes), nullptr, nullptr),
              "cannot set transfer buffer");
  return dxpl;
}

void close_id(hid_t id) noexcept {
  switch (H5Iget_type(id)) {
    case H5I_FILE:
      H5Fclose(id);
      break;
    case H5I_GROUP:
      H5Gclose(id);
      break;
    case H5I_DATASET:
      H5Dclose(id);
      break;
    default:
      H5Oclose(id);
      break;
  }
}

}  // namespace

// The library is built thread-safe on Debian, where the automatic error printing is a per-thread
// setting: every entry point of this layer turns it off for the calling thread.
void silence_errors() noexcept { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

namespace {

// HDF5's message for a failed system call spans lines ("file write failed: time = ..., filename =
// ..., errno = 28, error message = 'No space left on device', buf = ..."): keep its first words
// and the system's reason.
std::string tidy_detail(const std::string& detail) {
  const std::string marker = "error message = '";
  const std::size_t reason = detail.find(marker);
  if (reason == std::string::npos) return detail;
  const std::size_t start = reason + marker.size();
  const std::size_t end = detail.find('\'', start);
  const std::size_t colon = detail.find(':');
  return detail.substr(0, std::min(colon, detail.size())) + ": " + detail.substr(start, end == std::string::npos ? end : end - start);
}

}  // namespace

void fail(std::string_view file, std::string_view object, std::string_view what) {
  std::string message(file);
  message += ": ";
  message += object;
  message += ": ";
  message += what;
  const std::string detail = tidy_detail(innermost_error());
  if (!detail.empty()) message += " (HDF5: " + detail + ")";
  throw ResultsError(message);
}

Datatype vlen_string_type() {
  Datatype type(H5Tcopy(H5T_C_S1));
  if (!type.valid() || H5Tset_size(type.id(), H5T_VARIABLE) < 0 || H5Tset_cset(type.id(), H5T_CSET_UTF8) < 0)
    fail("(memory)", "(datatype)", "cannot create a variable-length string type");
  return type;
}

// ---------------------------------------------------------------------------------- Object

Object::Object(hid_t id, std::string file, std::string path) noexcept
    : id_(id), file_(std::move(file)), path_(std::move(path)) {}

Object::Object(Object&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), file_(std::move(other.file_)), path_(std::move(other.path_)) {}

Object& Object::operator=(Object&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0) close_id(id_);
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    file_ = std::move(other.file_);
    path_ = std::move(other.path_);
  }
  return *this;
}

Object::~Object() {
  if (id_ >= 0) close_id(id_);
}

void Object::close() {
  silence_errors();
  if (id_ < 0) return;
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  herr_t status = -1;
  switch (H5Iget_type(id)) {
    case H5I_FILE:
      status = H5Fclose(id);
      break;
    case H5I_GROUP:
      status = H5Gclose(id);
      break;
    case H5I_DATASET:
      status = H5Dclose(id);
      break;
    default:
      status = H5Oclose(id);
      break;
  }
  if (status < 0) h5::fail(file_, path_, "cannot close");
}

void Object::fail(std::string_view what) const { h5::fail(file_, path_, what); }

std::string Object::child_path(std::string_view name) const {
  if (!name.empty() && name.front() == '/') return std::string(name);
  if (path_ == "/" || path_.empty()) return "/" + std::string(name);
  return path_ + "/" + std::string(name);
}

bool Object::has_attribute(const std::string& name) const {
  silence_errors();
  return check(H5Aexists(id_, name.c_str()), "cannot check attribute '" + name + "'") > 0;
}

std::vector<std::string> Object::attribute_names() const {
  silence_errors();
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  hsize_t index = 0;
  check(H5Aiterate2(id_, H5_INDEX_NAME, H5_ITER_INC, &index, collect, &names), "cannot list attributes");
  std::sort(names.begin(), names.end());
  return names;
}

void Object::write_attribute(const std::string& name, std::string_view value) {
  silence_errors();
  const std::string what = "cannot write attribute '" + name + "'";
  if (has_attribute(name)) check(H5Adelete(id_, name.c_str()), what);
  const Datatype type = vlen_string_type();
  const Dataspace space(check(H5Screate(H5S_SCALAR), what));
  const Attribute attribute(
      check(H5Acreate2(id_, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), what));
  const std::string text(value);
  const char* pointer = text.c_str();
  check(H5Awrite(attribute.id(), type.id(), static_cast<const void*>(&pointer)), what);
}

void Object::write_numeric_attribute(const std::string& name, hid_t file_type, hid_t memory_type, const void* value) {
  silence_errors();
  const std::string what = "cannot write attribute '" + name + "'";
  if (has_attribute(name)) check(H5Adelete(id_, name.c_str()), what);
  const Dataspace space(check(H5Screate(H5S_SCALAR), what));
  const Attribute attribute(
      check(H5Acreate2(id_, name.c_str(), file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT), what));
  check(H5Awrite(attribute.id(), memory_type, value), what);
}

std::string Object::read_string_attribute(const std::string& name) const {
  silence_errors();
  const std::string what = "cannot read string attribute '" + name + "'";
  if (!has_attribute(name)) fail("no attribute '" + name + "'");
  const Attribute attribute(check(H5Aopen(id_, name.c_str(), H5P_DEFAULT), what));
  const Datatype type(check(H5Aget_type(attribute.id()), what));
  const Dataspace space(check(H5Aget_space(attribute.id()), what));
  if (H5Tget_class(type.id()) != H5T_STRING) fail("attribute '" + name + "' is not a string");
  if (check(H5Sget_simple_extent_npoints(space.id()), what) != 1)
    fail("attribute '" + name + "' is not a single string");
  const H5T_cset_t cset = H5Tget_cset(type.id());
  if (check(H5Tis_variable_str(type.id()), what) > 0) {
    const Datatype memory = vlen_string_type();
    check(H5Tset_cset(memory.id(), cset), what);
    char* pointer = nullptr;
    {
      const StringReadWatch watch(file_);  // libhdf5 may loop forever on a damaged string heap
      check(H5Aread(attribute.id(), memory.id(), static_cast<void*>(&pointer)), what);
    }
    std::string result = pointer != nullptr ? std::string(pointer) : std::string();
    H5Dvlen_reclaim(memory.id(), space.id(), H5P_DEFAULT, static_cast<void*>(&pointer));
    return result;
  }
  const std::size_t size = H5Tget_size(type.id());
  std::string buffer(size, '\0');
  const Datatype memory(check(H5Tcopy(type.id()), what));
  check(H5Aread(attribute.id(), memory.id(), buffer.data()), what);
  buffer.resize(std::strlen(buffer.c_str()));
  // Space-padded fixed strings: drop the padding.
  if (H5Tget_strpad(type.id()) == H5T_STR_SPACEPAD) buffer.erase(buffer.find_last_not_of(' ') + 1);
  return buffer;
}

void Object::read_numeric_attribute(const std::string& name, hid_t memory_type, void* value) const {
  silence_errors();
  const std::string what = "cannot read attribute '" + name + "'";
  if (!has_attribute(name)) fail("no attribute '" + name + "'");
  const Attribute attribute(check(H5Aopen(id_, name.c_str(), H5P_DEFAULT), what));
  const Datatype type(check(H5Aget_type(attribute.id()), what));
  const H5T_class_t type_class = H5Tget_class(type.id());
  if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) fail("attribute '" + name + "' is not numeric");
  const Dataspace space(check(H5Aget_space(attribute.id()), what));
  if (check(H5Sget_simple_extent_npoints(space.id()), what) != 1)
    fail("attribute '" + name + "' is not a single value");
  check(H5Aread(attribute.id(), memory_type, value), what);
}

namespace {
std::atomic<std::size_t> memory_limit{0};  // 0: not set yet (physical memory)
}  // namespace

void limit_read_memory(std::size_t bytes) { memory_limit.store(bytes); }

std::size_t read_memory_limit() noexcept {
  static const std::size_t physical = [] {  // asked once: every read checks against it
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page_size = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page_size <= 0) return std::numeric_limits<std::size_t>::max();
    return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size);
  }();
  const std::size_t set = memory_limit.load();
  return set != 0 ? set : physical;
}

// ------------------------------------------------------------------------------- Container

bool Container::exists(const std::string& name) const {
  silence_errors();
  if (name.empty() || name == "/" || name == ".") return true;
  std::size_t position = name.front() == '/' ? 1 : 0;
  while (true) {
    const std::size_t slash = name.find('/', position);
    const std::string prefix = name.substr(0, slash);
    if (!prefix.empty() && prefix != "/") {
      if (check(H5Lexists(id(), prefix.c_str(), H5P_DEFAULT), "cannot look up '" + name + "'") <= 0) return false;
    }
    if (slash == std::string::npos) return true;
    position = slash + 1;
  }
}

ObjectType Container::type_of(const std::string& name) const {
  silence_errors();
  if (!exists(name)) return ObjectType::missing;
  const hid_t object = check(H5Oopen(id(), name.c_str(), H5P_DEFAULT), "cannot open '" + name + "'");
  const H5I_type_t type = H5Iget_type(object);
  H5Oclose(object);
  if (type == H5I_GROUP) return ObjectType::group;
  if (type == H5I_DATASET) return ObjectType::dataset;
  return ObjectType::other;
}

std::vector<std::string> Container::member_names() const {
  silence_errors();
  H5G_info_t info{};
  check(H5Gget_info(id(), &info), "cannot list members");
  std::vector<std::string> names;
  names.reserve(info.nlinks);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t length = check(H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT),
                                 "cannot list members");
    std::string name(static_cast<std::size_t>(length) + 1, '\0');
    check(H5Lget_name_by_idx(id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT),
          "cannot list members");
    name.resize(static_cast<std::size_t>(length));
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Group Container::create_group(const std::string& name) {
  silence_errors();
  const std::string path = child_path(name);
  const PropertyList gcpl = untimed(H5P_GROUP_CREATE, *this, "cannot create group '" + name + "'");
  const hid_t group = H5Gcreate2(id(), name.c_str(), H5P_DEFAULT, gcpl.id(), H5P_DEFAULT);
  if (group < 0) h5::fail(file_path(), path, "cannot create group");
  return Group(group, file_path(), path);
}

Group Container::open_group(const std::string& name) const {
  silence_errors();
  const std::string path = child_path(name);
  if (type_of(name) != ObjectType::group) h5::fail(file_path(), path, "no such group");
  const hid_t group = H5Gopen2(id(), name.c_str(), H5P_DEFAULT);
  if (group < 0) h5::fail(file_path(), path, "cannot open group");
  return Group(group, file_path(), path);
}

Dataset Container::open_dataset(const std::string& name) const {
  silence_errors();
  const std::string path = child_path(name);
  if (type_of(name) != ObjectType::dataset) h5::fail(file_path(), path, "no such dataset");
  const hid_t dataset = H5Dopen2(id(), name.c_str(), H5P_DEFAULT);
  if (dataset < 0) h5::fail(file_path(), path, "cannot open dataset");
  return Dataset(dataset, file_path(), path);
}

Dataset Container::write_strings(const std::string& name, const std::vector<std::string>& values) {
  silence_errors();
  const std::string path = child_path(name);
  auto must = [&](auto result) {
    if (result < 0) h5::fail(file_path(), path, "cannot write string dataset");
    return result;
  };
  const hsize_t count = values.size();
  const hsize_t max_dims = H5S_UNLIMITED;
  const hsize_t chunk = std::clamp<hsize_t>(count, 1, 1024);
  const Dataspace space(must(H5Screate_simple(1, &count, &max_dims)));
  const Datatype type = vlen_string_type();
  PropertyList dcpl(must(H5Pcreate(H5P_DATASET_CREATE)));
  must(H5Pset_obj_track_times(dcpl.id(), 0));
  must(H5Pset_chunk(dcpl.id(), 1, &chunk));
  Dataset dataset(must(H5Dcreate2(id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT)),
                  file_path(), path);
  if (count > 0) {
    std::vector<const char*> pointers;
    pointers.reserve(values.size());
    for (const std::string& value : values) pointers.push_back(value.c_str());
    const PropertyList dxpl = transfer_properties(count, dataset);
    must(H5Dwrite(dataset.id(), type.id(), H5S_ALL, H5S_ALL, dxpl.id(), pointers.data()));
  }
  return dataset;
}

Dataset Container::create_dataset_impl(const std::string& name, hid_t file_type, const std::vector<hsize_t>& row_shape,
                                       hsize_t chunk_rows, int deflate_level) {
  silence_errors();
  const std::string path = child_path(name);
  auto must = [&](auto result, const char* what) {
    if (result < 0) h5::fail(file_path(), path, what);
    return result;
  };
  const int rank = static_cast<int>(row_shape.size()) + 1;
  std::vector<hsize_t> dims(rank, 0);
  std::vector<hsize_t> max_dims(rank, H5S_UNLIMITED);
  std::vector<hsize_t> chunk(rank, 1);
  chunk[0] = std::max<hsize_t>(chunk_rows, 1);
  for (int i = 1; i < rank; ++i) {
    const hsize_t extent = row_shape[static_cast<std::size_t>(i - 1)];
    dims[i] = extent;
    max_dims[i] = extent == 0 ? H5S_UNLIMITED : extent;
    chunk[i] = std::max<hsize_t>(extent, 1);
  }
  const Dataspace space(must(H5Screate_simple(rank, dims.data(), max_dims.data()), "cannot create dataspace"));
  PropertyList dcpl(must(H5Pcreate(H5P_DATASET_CREATE), "cannot create property list"));
  must(H5Pset_obj_track_times(dcpl.id(), 0), "cannot set dataset properties");
  must(H5Pset_chunk(dcpl.id(), rank, chunk.data()), "cannot set chunking");
  if (deflate_level > 0) {
    must(H5Pset_shuffle(dcpl.id()), "cannot set the shuffle filter");
    must(H5Pset_deflate(dcpl.id(), static_cast<unsigned>(deflate_level)), "cannot set the deflate filter");
  }
  const hid_t dataset = H5Dcreate2(id(), name.c_str(), file_type, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT);
  must(dataset, "cannot create dataset");
  return Dataset(dataset, file_path(), path);
}

// ------------------------------------------------------------------------------------ File

File File::create(const std::filesystem::path& path) {
  silence_errors();
  const std::string name = path.string();
  const hid_t file = H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) h5::fail(name, "/", "cannot create file");
  return File(file, name, "/");
}

File File::open(const std::filesystem::path& path, bool writable) {
  silence_errors();
  const std::string name = path.string();
  std::error_code error;
  if (!std::filesystem::exists(path, error)) h5::fail(name, "/", "no such file");
  if (std::filesystem::is_directory(path, error)) h5::fail(name, "/", "is a directory");
  if (H5Fis_hdf5(name.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw ResultsError(name + ": not an HDF5 file");
  }
  const hid_t file = H5Fopen(name.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) h5::fail(name, "/", "cannot open file");
  return File(file, name, "/");
}

void File::flush() {
  silence_errors();
  check(H5Fflush(id(), H5F_SCOPE_LOCAL), "cannot flush");
}

// --------------------------------------------------------------------------------- Dataset

Dataspace Dataset::dataspace() const {
  silence_errors();
  return Dataspace(check(H5Dget_space(id()), "cannot get dataspace"));
}

Datatype Dataset::datatype() const {
  silence_errors();
  return Datatype(check(H5Dget_type(id()), "cannot get datatype"));
}

PropertyList Dataset::creation_properties() const {
  silence_errors();
  return PropertyList(check(H5Dget_create_plist(id()), "cannot get creation properties"));
}

std::vector<hsize_t> Dataset::shape() const {
  silence_errors();
  const Dataspace space = dataspace();
  const int rank = check(H5Sget_simple_extent_ndims(space.id()), "cannot get shape");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  check(H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr), "cannot get shape");
  return dims;
}

std::size_t Dataset::rank() const { return shape().size(); }

hsize_t Dataset::rows() const {
  const std::vector<hsize_t> dims = shape();
  return dims.empty() ? 1 : dims[0];
}

std::size_t Dataset::row_elements() const {
  const std::vector<hsize_t> dims = shape();
  std::size_t elements = 1;
  for (std::size_t i = 1; i < dims.size(); ++i)
    if (__builtin_mul_overflow(elements, dims[i], &elements)) fail("its extents overflow memory sizes; the file is damaged");
  return elements;
}

std::size_t Dataset::elements_in_rows(hsize_t count, std::size_t element_size) const {
  const std::size_t per_row = row_elements();
  std::size_t elements = 0;
  std::size_t bytes = 0;
  if (__builtin_mul_overflow(count, per_row, &elements) || __builtin_mul_overflow(elements, element_size, &bytes) ||
      bytes > static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()))
    fail("its extents (" + std::to_string(count) + " rows) overflow memory sizes; the file is damaged");
  if (const std::size_t limit = read_memory_limit(); bytes > limit)
    fail("reading " + std::to_string(count) + " rows of " + std::to_string(per_row) + " values needs " +
         std::to_string(bytes) + " bytes, more than the " + std::to_string(limit) +
         " bytes of memory one read may take; the file is damaged or too large for this machine");
  return elements;
}

void Dataset::fail_memory(hsize_t count) const {
  fail("its extents (" + std::to_string(count) + " rows of " + std::to_string(row_elements()) +
       " values) do not fit in memory; the file is damaged or too large for this machine");
}

bool Dataset::is_string() const { return H5Tget_class(datatype().id()) == H5T_STRING; }

hsize_t Dataset::rows_for(std::size_t elements) const {
  const std::size_t per_row = row_elements();
  if (per_row == 0) {
    if (elements != 0) fail("cannot append values to rows of 0 elements");
    return 0;
  }
  if (elements % per_row != 0)
    fail("cannot append " + std::to_string(elements) + " values: not a multiple of the row size " +
         std::to_string(per_row));
  return elements / per_row;
}

void Dataset::append_raw(hid_t memory_type, const void* data, std::size_t elements, hsize_t rows) {
  silence_errors();
  std::vector<hsize_t> dims = shape();
  if (dims.empty()) fail("cannot append to a scalar dataset");
  std::size_t per_row = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) per_row *= static_cast<std::size_t>(dims[i]);
  if (elements != static_cast<std::size_t>(rows) * per_row)
    fail("cannot append " + std::to_string(rows) + " rows from " + std::to_string(elements) + " values (row size " +
         std::to_string(per_row) + ")");
  if (rows == 0) return;
  const hsize_t first = dims[0];
  dims[0] += rows;
  check(H5Dset_extent(id(), dims.data()), "cannot extend");
  if (elements == 0) return;
  const Dataspace file_space = dataspace();
  std::vector<hsize_t> start(dims.size(), 0);
  std::vector<hsize_t> count = dims;
  start[0] = first;
  count[0] = rows;
  check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
        "cannot select rows to append");
  const hsize_t memory_elements = elements;
  const Dataspace memory_space(check(H5Screate_simple(1, &memory_elements, nullptr), "cannot append"));
  check(H5Dwrite(id(), memory_type, memory_space.id(), file_space.id(), H5P_DEFAULT, data), "cannot append rows");
}

void Dataset::read_rows_raw(hid_t memory_type, hsize_t first, hsize_t count, void* out) const {
  silence_errors();
  const std::vector<hsize_t> dims = shape();
  std::size_t elements = static_cast<std::size_t>(count);
  for (std::size_t i = 1; i < dims.size(); ++i) elements *= static_cast<std::size_t>(dims[i]);
  const PropertyList dxpl = transfer_properties(elements, *this);
  if (dims.empty()) {
    if (first != 0 || count != 1) fail("a scalar dataset has one row");
    check(H5Dread(id(), memory_type, H5S_ALL, H5S_ALL, dxpl.id(), out), "cannot read");
    return;
  }
  if (first + count > dims[0])
    fail("cannot read rows " + std::to_string(first) + ".." + std::to_string(first + count) + " of " +
         std::to_string(dims[0]));
  if (elements == 0) return;
  const Dataspace file_space = dataspace();
  std::vector<hsize_t> start(dims.size(), 0);
  std::vector<hsize_t> extent = dims;
  start[0] = first;
  extent[0] = count;
  check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, extent.data(), nullptr),
        "cannot select rows to read");
  const hsize_t memory_elements = elements;
  const Dataspace memory_space(check(H5Screate_simple(1, &memory_elements, nullptr), "cannot read"));
  check(H5Dread(id(), memory_type, memory_space.id(), file_space.id(), dxpl.id(), out), "cannot read");
}

std::vector<std::string> Dataset::read_strings(hsize_t first, hsize_t count) const {
  silence_errors();
  const Datatype type = datatype();
  if (H5Tget_class(type.id()) != H5T_STRING) fail("not a string dataset");
  if (rank() != 1) fail("not a 1-D string dataset");
  const bool variable = check(H5Tis_variable_str(type.id()), "cannot read strings") > 0;
  const std::size_t size = variable ? sizeof(char*) : H5Tget_size(type.id());
  elements_in_rows(count, sizeof(std::string) + size);  // the memory the strings need, at least
  std::vector<std::string> result;
  result.reserve(static_cast<std::size_t>(count));
  if (count == 0) {
    read_rows_raw(H5T_NATIVE_UINT8, first, 0, nullptr);  // range check only
    return result;
  }
  if (variable) {
    const Datatype memory = vlen_string_type();
    check(H5Tset_cset(memory.id(), H5Tget_cset(type.id())), "cannot read strings");
    std::vector<char*> pointers(static_cast<std::size_t>(count), nullptr);
    {
      const StringReadWatch watch(file_path());  // libhdf5 may loop forever on a damaged string heap
      read_rows_raw(memory.id(), first, count, pointers.data());
    }
    for (char* pointer : pointers) result.emplace_back(pointer != nullptr ? pointer : "");
    const hsize_t elements = count;
    const Dataspace memory_space(check(H5Screate_simple(1, &elements, nullptr), "cannot read strings"));
    H5Dvlen_reclaim(memory.id(), memory_space.id(), H5P_DEFAULT, pointers.data());
    return result;
  }
  const Datatype memory(check(H5Tcopy(type.id()), "cannot read strings"));
  std::vector<char> buffer(static_cast<std::size_t>(count) * size);
  read_rows_raw(memory.id(), first, count, buffer.data());
  const bool space_padded = H5Tget_strpad(type.id()) == H5T_STR_SPACEPAD;
  for (std::size_t i = 0; i < count; ++i) {
    const char* begin = buffer.data() + i * size;
    std::string value(begin, strnlen(begin, size));
    if (space_padded) value.erase(value.find_last_not_of(' ') + 1);
    result.push_back(std::move(value));
  }
  return result;
}

void Dataset::make_scale(const std::string& dimension_name) {
  silence_errors();
  check(H5DSset_scale(id(), dimension_name.c_str()), "cannot make a dimension scale");
}

void Dataset::attach_scale(const Dataset& scale, unsigned dimension) {
  silence_errors();
  check(H5DSattach_scale(id(), scale.id(), dimension),
        "cannot attach dimension scale " + scale.path() + " to dimension " + std::to_string(dimension));
}

void Dataset::append_rows_of(const Dataset& source, std::size_t block_bytes) {
  if (source.row_elements() != row_elements()) fail("cannot append rows of " + source.path() + ": different row shape");
  const Datatype stored = source.datatype();
  const Datatype native(check(H5Tget_native_type(stored.id(), H5T_DIR_ASCEND), "native type of " + source.path()));
  const std::size_t element_size = H5Tget_size(native.id());
  const std::size_t row_bytes = std::max<std::size_t>(element_size * row_elements(), 1);
  const hsize_t block_rows = std::max<hsize_t>(1, block_bytes / row_bytes);
  const hsize_t total = source.rows();
  std::vector<unsigned char> buffer(static_cast<std::size_t>(std::min(block_rows, total)) * row_bytes);
  for (hsize_t first = 0; first < total; first += block_rows) {
    const hsize_t count = std::min(block_rows, total - first);
    source.read_rows_raw(native.id(), first, count, buffer.data());
    append_raw(native.id(), buffer.data(), static_cast<std::size_t>(count) * row_elements(), count);
  }
}

}  // namespace incubsim::io::h5
