#pragma once
// Command-line parsing shared by the subcommands (Boost.Program_options).

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace incubsim::app {

// Parses `arguments` against `options` and `positional`; a Boost parse error becomes a
// UsageError (exit 2) carrying Boost's one-line message.
boost::program_options::variables_map parse_options(const std::vector<std::string>& arguments,
                                                    const boost::program_options::options_description& options,
                                                    const boost::program_options::positional_options_description& positional);

// A subcommand's options with one positional option, `positional_name` (`count` values; -1: any
// number). Prints the help to `out` and returns nothing when --help was asked.
std::optional<boost::program_options::variables_map> parse_command(const std::vector<std::string>& arguments,
                                                                   const boost::program_options::options_description& options,
                                                                   const char* positional_name, int count, std::ostream& out);

}  // namespace incubsim::app
