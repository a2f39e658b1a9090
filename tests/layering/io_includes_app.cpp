// Must not compile: the results layer knows nothing of the command line.
#include "app/commands.hpp"
