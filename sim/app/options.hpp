#pragma once
// Command-line parsing shared by the subcommands (Boost.Program_options).

#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace incubsim::app {

// Parses `arguments` against `options` and `positional`; a Boost parse error becomes a
// UsageError (exit 2) carrying Boost's one-line message.
boost::program_options::variables_map parse_options(const std::vector<std::string>& arguments,
                                                    const boost::program_options::options_description& options,
                                                    const boost::program_options::positional_options_description& positional);

}  // namespace incubsim::app
