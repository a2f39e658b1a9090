// Must not compile: the results layer stores what the engine hands it; it runs nothing.
#include "engine/runner.hpp"
