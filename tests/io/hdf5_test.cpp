#include "io/hdf5.hpp"

#include <H5DSpublic.h>

#include <atomic>
#include <catch2/catch.hpp>

#include "support/temp_dir.hpp"
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
namespace h5 = incubsim::io::h5;
using incubsim::io::ResultsError;

namespace {

using incubsim::testing::TempDir;

ssize_t open_hdf5_objects() { return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL); }

template <typename T>
std::vector<T> sample_values() {
  using limits = std::numeric_limits<T>;
  return {limits::lowest(), static_cast<T>(0), static_cast<T>(1), static_cast<T>(42), limits::max(), static_cast<T>(7)};
}

}  // namespace

TEMPLATE_TEST_CASE("h5: extendible 1-D datasets round-trip every numeric type", "[io]", std::uint8_t, std::int8_t,
                   std::uint16_t, std::int16_t, std::uint32_t, std::int32_t, std::uint64_t, std::int64_t, float,
                   double) {
  TempDir dir;
  const fs::path path = dir.path / "numeric.h5";
  const std::vector<TestType> values = sample_values<TestType>();
  const std::vector<TestType> first(values.begin(), values.begin() + 2);
  const std::vector<TestType> rest(values.begin() + 2, values.end());
  {
    h5::File file = h5::File::create(path);
    h5::Group group = file.create_group("g");
    h5::Dataset dataset = group.create_dataset<TestType>("x", {}, 4);
    CHECK(dataset.shape() == std::vector<hsize_t>{0});
    dataset.append(first);
    dataset.append(rest);  // crosses a chunk boundary (chunk of 4 rows)
    CHECK(dataset.rows() == values.size());
  }
  const h5::File file = h5::File::open(path);
  const h5::Dataset dataset = file.open_dataset("/g/x");
  CHECK(dataset.path() == "/g/x");
  CHECK(dataset.shape() == std::vector<hsize_t>{values.size()});
  CHECK(dataset.read<TestType>() == values);
  CHECK(dataset.read_rows<TestType>(2, 3) == std::vector<TestType>(values.begin() + 2, values.begin() + 5));
  CHECK(H5Tequal(dataset.datatype().id(), h5::file_type<TestType>()) > 0);
}

TEST_CASE("h5: 3-D extendible dataset appends rows and reads them back", "[io]") {
  TempDir dir;
  const fs::path path = dir.path / "cube.h5";
  std::vector<double> values(2 * 3 * 4);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = 0.25 * static_cast<double>(i);
  {
    h5::File file = h5::File::create(path);
    h5::Dataset cube = file.create_dataset<double>("cube", {3, 4}, 1);
    cube.append(std::vector<double>(values.begin(), values.begin() + 12));
    cube.append(std::vector<double>(values.begin() + 12, values.end()));
    CHECK_THROWS_AS(cube.append(std::vector<double>(5, 1.0)), ResultsError);  // not whole rows
  }
  const h5::File file = h5::File::open(path);
  const h5::Dataset cube = file.open_dataset("cube");
  CHECK(cube.shape() == std::vector<hsize_t>{2, 3, 4});
  CHECK(cube.row_elements() == 12);
  CHECK(cube.read<double>() == values);
  CHECK(cube.read_rows<double>(1, 1) == std::vector<double>(values.begin() + 12, values.end()));
  // HDF5 converts on read.
  CHECK(cube.read<float>()[5] == 1.25F);
}

TEST_CASE("h5: numeric datasets are chunked with shuffle and deflate level 4", "[io]") {
  TempDir dir;
  const fs::path path = dir.path / "filters.h5";
  {
    h5::File file = h5::File::create(path);
    file.create_dataset<std::uint32_t>("column", {}, 128).append(std::vector<std::uint32_t>(1000, 3));
    file.create_dataset<double>("cube", {5, 7}, 1);
  }
  const h5::File file = h5::File::open(path);
  for (const char* name : {"column", "cube"}) {
    INFO(name);
    const h5::PropertyList dcpl = file.open_dataset(name).creation_properties();
    REQUIRE(H5Pget_layout(dcpl.id()) == H5D_CHUNKED);
    REQUIRE(H5Pget_nfilters(dcpl.id()) == 2);
    unsigned flags = 0;
    std::size_t count = 4;
    unsigned options[4] = {};
    CHECK(H5Pget_filter2(dcpl.id(), 0, &flags, &count, options, 0, nullptr, nullptr) == H5Z_FILTER_SHUFFLE);
    count = 4;
    CHECK(H5Pget_filter2(dcpl.id(), 1, &flags, &count, options, 0, nullptr, nullptr) == H5Z_FILTER_DEFLATE);
    REQUIRE(count >= 1);
    CHECK(options[0] == 4);
  }
  hsize_t chunk[3] = {};
  const h5::PropertyList cube = file.open_dataset("cube").creation_properties();
  REQUIRE(H5Pget_chunk(cube.id(), 3, chunk) == 3);
  CHECK(chunk[0] == 1);
  CHECK(chunk[1] == 5);
  CHECK(chunk[2] == 7);
  const h5::PropertyList column = file.open_dataset("column").creation_properties();
  REQUIRE(H5Pget_chunk(column.id(), 1, chunk) == 1);
  CHECK(chunk[0] == 128);
}

TEST_CASE("h5: empty datasets are creatable, including rows of zero width", "[io]") {
  TempDir dir;
  const fs::path path = dir.path / "empty.h5";
  {
    h5::File file = h5::File::create(path);
    file.create_dataset<float>("none", {}, 64);
    h5::Dataset wide = file.create_dataset<std::uint8_t>("zero_width", {0}, 16);
    wide.append(std::span<const std::uint8_t>(), 3);  // 3 rows of no elements
    CHECK_THROWS_AS(wide.append(std::vector<std::uint8_t>{1}), ResultsError);
    file.write_strings("no_strings", {});
    file.create_dataset<double>("no_months", {0, 4}, 1);
  }
  const h5::File file = h5::File::open(path);
  CHECK(file.open_dataset("none").shape() == std::vector<hsize_t>{0});
  CHECK(file.open_dataset("none").read<float>().empty());
  CHECK(file.open_dataset("zero_width").shape() == std::vector<hsize_t>{3, 0});
  CHECK(file.open_dataset("no_strings").read_strings().empty());
  CHECK(file.open_dataset("no_months").shape() == std::vector<hsize_t>{0, 0, 4});
  const h5::PropertyList dcpl = file.open_dataset("no_strings").creation_properties();
  CHECK(H5Pget_layout(dcpl.id()) == H5D_CHUNKED);
}

TEST_CASE("h5: variable-length string datasets round-trip", "[io]") {
  TempDir dir;
  const fs::path path = dir.path / "strings.h5";
  const std::vector<std::string> values = {"base", "", "苏州工业园区 孵化器", std::string(5000, 'x'),
                                           "line\nbreak\ttab"};
  {
    h5::File file = h5::File::create(path);
    file.create_group("scenarios").write_strings("names", values);
  }
  const h5::File file = h5::File::open(path);
  const h5::Dataset names = file.open_dataset("scenarios/names");
  CHECK(names.is_string());
  CHECK(names.read_strings() == values);
  CHECK(names.read_strings(2, 2) == std::vector<std::string>(values.begin() + 2, values.begin() + 4));
  CHECK_THROWS_AS(names.read<double>(), ResultsError);
}

TEST_CASE("h5: a read whose rows need more memory than one read may take is refused, naming the dataset", "[io]") {
  TempDir dir;
  const fs::path path = dir.path / "limit.h5";
  {
    h5::File file = h5::File::create(path);
    file.create_dataset<double>("cube", {10}, 16).append(std::vector<double>(1000, 1.5));  // 100 rows of 80 bytes
    file.create_group("scenarios").write_strings("names", std::vector<std::string>(100, "name"));
  }
  const h5::File file = h5::File::open(path);
  const h5::Dataset cube = file.open_dataset("cube");
  const h5::Dataset names = file.open_dataset("scenarios/names");
  CHECK(h5::read_memory_limit() > (std::size_t{1} << 20));  // the default: this machine's memory
  struct Restore {
    ~Restore() { h5::limit_read_memory(0); }
  } restore;
  h5::limit_read_memory(2400);
  CHECK(cube.read_rows<double>(0, 30).size() == 300);  // 2,400 bytes: just fits
  CHECK_THROWS_WITH(cube.read<double>(), Catch::Contains("/cube: reading 100 rows of 10 values needs 8000 bytes") &&
                                             Catch::Contains("the file is damaged or too large for this machine"));
  CHECK_THROWS_WITH(names.read_strings(), Catch::Contains("/scenarios/names: reading 100 rows"));
  CHECK(names.read_strings(0, 10).size() == 10);  // (a std::string and a pointer each, at least)
  CHECK_THROWS_WITH(names.read_strings(95, 10), Catch::Contains("cannot read rows 95..105 of 100"));
  h5::limit_read_memory(0);
  CHECK(cube.read<double>().size() == 1000);
  CHECK(names.read_strings().size() == 100);
}

TEST_CASE("h5: string and numeric attributes round-trip and can be replaced", "[io]") {
  TempDir dir;
  const fs::path path = dir.path / "attributes.h5";
  {
    h5::File file = h5::File::create(path);
    file.write_attribute("format", "incubsim-results");
    file.write_attribute("format_version", std::int32_t{1});
    file.write_attribute("base_seed", std::uint64_t{18446744073709551615ULL});
    file.write_attribute("wall_seconds", 12.5);
    file.write_attribute("command", std::string("run"));
    file.write_attribute("command", "compare");  // replaces
    h5::Group group = file.create_group("provenance");
    group.write_attribute("threads", std::int32_t{2});
  }
  const h5::File file = h5::File::open(path);
  CHECK(file.read_string_attribute("format") == "incubsim-results");
  CHECK(file.read_string_attribute("command") == "compare");
  CHECK(file.read_attribute<std::int32_t>("format_version") == 1);
  CHECK(file.read_attribute<std::uint64_t>("base_seed") == 18446744073709551615ULL);
  CHECK(file.read_attribute<double>("wall_seconds") == 12.5);
  CHECK(file.open_group("provenance").read_attribute<std::int32_t>("threads") == 2);
  CHECK(file.attribute_names() ==
        std::vector<std::string>{"base_seed", "command", "format", "format_version", "wall_seconds"});
  CHECK_FALSE(file.has_attribute("missing"));
  CHECK_THROWS_AS(file.read_string_attribute("missing"), ResultsError);
  CHECK_THROWS_AS(file.read_string_attribute("wall_seconds"), ResultsError);
  CHECK_THROWS_AS(file.read_attribute<double>("format"), ResultsError);
}

TEST_CASE("h5: handles close on destruction and move cleanly", "[io]") {
  TempDir dir;
  const fs::path path = dir.path / "raii.h5";
  const ssize_t before = open_hdf5_objects();
  {
    h5::File file = h5::File::create(path);
    h5::Group group = file.create_group("g");
    h5::Dataset dataset = group.create_dataset<std::int32_t>("d", {}, 8);
    CHECK(open_hdf5_objects() == before + 3);
    h5::Dataset moved = std::move(dataset);
    CHECK_FALSE(dataset.is_open());  // NOLINT(bugprone-use-after-move): testing the moved-from state
    CHECK(moved.is_open());
    CHECK(open_hdf5_objects() == before + 3);
    h5::Dataspace space = moved.dataspace();
    CHECK(space.valid());
    h5::Dataspace other = std::move(space);
    CHECK_FALSE(space.valid());  // NOLINT(bugprone-use-after-move)
  }
  CHECK(open_hdf5_objects() == before);
  {
    const h5::File file = h5::File::open(path);
    CHECK(file.type_of("g") == h5::ObjectType::group);
    CHECK(file.type_of("g/d") == h5::ObjectType::dataset);
    CHECK(file.type_of("g/nothing") == h5::ObjectType::missing);
    CHECK(file.type_of("nothing/d") == h5::ObjectType::missing);
    CHECK(file.member_names() == std::vector<std::string>{"g"});
  }
  CHECK(open_hdf5_objects() == before);
}

TEST_CASE("h5: failures become ResultsError naming file and object, and printing is off", "[io]") {
  TempDir dir;
  const fs::path missing = dir.path / "missing.h5";
  CHECK_THROWS_WITH(h5::File::open(missing), Catch::Contains(missing.string()));

  const fs::path text = dir.path / "not-hdf5.h5";
  std::ofstream(text) << "this is not an HDF5 file\n";
  CHECK_THROWS_AS(h5::File::open(text), ResultsError);
  CHECK_THROWS_WITH(h5::File::open(text), Catch::Contains("not an HDF5 file"));

  const fs::path path = dir.path / "errors.h5";
  h5::File file = h5::File::create(path);
  file.create_group("runs");
  CHECK_THROWS_WITH(file.open_dataset("runs/seed"), Catch::Contains(path.string()) && Catch::Contains("/runs/seed"));
  CHECK_THROWS_AS(file.create_group("runs"), ResultsError);  // exists already
  CHECK_THROWS_WITH(file.create_group("runs"), Catch::Contains("/runs"));
  CHECK_THROWS_AS(file.open_group("nothing"), ResultsError);

  H5E_auto2_t printer = nullptr;
  void* data = nullptr;
  REQUIRE(H5Eget_auto2(H5E_DEFAULT, &printer, &data) >= 0);
  CHECK(printer == nullptr);
}

TEST_CASE("h5: error printing is off on every thread that uses the layer", "[io]") {
  // Debian's HDF5 is built thread-safe, where automatic error printing is per thread: a file
  // opened on this thread and used from a worker (as the TBB pipeline does) must stay quiet.
  TempDir dir;
  const fs::path path = dir.path / "threads.h5";
  h5::File file = h5::File::create(path);
  bool threw = false;
  H5E_auto2_t printer = nullptr;
  std::thread worker([&] {
    try {
      file.open_dataset("missing");
    } catch (const ResultsError&) {
      threw = true;
    }
    void* data = nullptr;
    H5Eget_auto2(H5E_DEFAULT, &printer, &data);
  });
  worker.join();
  CHECK(threw);
  CHECK(printer == nullptr);
}

TEST_CASE("h5: dimension scales are set and attached", "[io]") {
  TempDir dir;
  const fs::path path = dir.path / "scales.h5";
  {
    h5::File file = h5::File::create(path);
    h5::Dataset values = file.create_dataset<double>("values", {2}, 1);
    h5::Dataset run = file.create_dataset<std::uint32_t>("run", {}, 16);
    h5::Dataset kind = file.write_strings("kind", {"a", "b"});
    run.make_scale("run");
    kind.make_scale("kind");
    values.attach_scale(run, 0);
    values.attach_scale(kind, 1);
    values.append(std::vector<double>{1, 2, 3, 4});
    run.append(std::vector<std::uint32_t>{0, 1});
  }
  const h5::File file = h5::File::open(path);
  const h5::Dataset values = file.open_dataset("values");
  const h5::Dataset run = file.open_dataset("run");
  const h5::Dataset kind = file.open_dataset("kind");
  CHECK(H5DSis_scale(run.id()) > 0);
  CHECK(H5DSis_scale(values.id()) == 0);
  CHECK(H5DSis_attached(values.id(), run.id(), 0) > 0);
  CHECK(H5DSis_attached(values.id(), kind.id(), 1) > 0);
  CHECK(H5DSis_attached(values.id(), kind.id(), 0) == 0);
  CHECK(run.read_string_attribute("NAME") == "run");
}
