// `incubsim merge OUT.h5 SHARD.h5...`: joins the shards of a sweep (engine/merge.hpp).

#include <chrono>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "app/report.hpp"
#include "app/simulating.hpp"
#include "engine/merge.hpp"

namespace incubsim::app {

namespace po = boost::program_options;

int merge_command(const std::vector<std::string>& arguments, const std::string& command_line, std::ostream& out) {
  po::options_description options("incubsim merge OUT.h5 SHARD.h5... [--force]");
  options.add_options()("help,h", "show this help")("files", po::value<std::vector<std::string>>(), "output, then shard files")(
      "force", "overwrite an existing output file");
  const std::optional<po::variables_map> parsed = parse_command(arguments, options, "files", -1, out);
  if (!parsed) return exit_success;  // --help
  const po::variables_map& values = *parsed;
  const std::vector<std::string> files = values.count("files") ? values["files"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (files.size() < 2) throw UsageError("merge needs an output file and at least one shard: incubsim merge OUT.h5 SHARD.h5...");
  const auto start = std::chrono::steady_clock::now();
  const std::filesystem::path output = files.front();
  const engine::MergeResult merged = engine::merge_shards(output, std::vector<std::string>(files.begin() + 1, files.end()),
                                                          values.count("force") > 0, command_line, read_guarded);
  print_merge(out, output, merged, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return exit_success;
}

}  // namespace incubsim::app
