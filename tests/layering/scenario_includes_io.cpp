// Must not compile: scenarios are read from TOML, never from results files.
#include "io/results_reader.hpp"
