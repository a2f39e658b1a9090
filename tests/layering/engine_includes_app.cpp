// Must not compile: the engine is called by the command line, never the other way round.
#include "app/commands.hpp"
