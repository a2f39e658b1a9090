#include "app/options.hpp"

#include "app/commands.hpp"

namespace incubsim::app {

namespace po = boost::program_options;

po::variables_map parse_options(const std::vector<std::string>& arguments, const po::options_description& options,
                                const po::positional_options_description& positional) {
  po::variables_map values;
  try {
    const po::parsed_options parsed = po::command_line_parser(arguments).options(options).positional(positional).run();
    // Boost reads "-3" for an unsigned option as 4294967293: refuse a negative count or seed.
    for (const po::option& option : parsed.options) {
      const po::option_description* description = options.find_nothrow(option.string_key, false);
      if (description == nullptr || dynamic_cast<const po::typed_value<std::uint32_t>*>(description->semantic().get()) == nullptr) continue;
      for (const std::string& value : option.value) {
        if (!value.empty() && value.front() == '-') throw UsageError("--" + option.string_key + " must be a whole number of 0 or more, got '" + value + "'");
      }
    }
    po::store(parsed, values);
    po::notify(values);
  } catch (const po::error& error) {
    throw UsageError(error.what());
  }
  return values;
}

std::optional<po::variables_map> parse_command(const std::vector<std::string>& arguments, const po::options_description& options,
                                               const char* positional_name, int count, std::ostream& out) {
  po::positional_options_description positional;
  positional.add(positional_name, count);
  po::variables_map values = parse_options(arguments, options, positional);
  if (values.count("help")) {
    out << options << "\n";
    return std::nullopt;
  }
  return values;
}

}  // namespace incubsim::app
