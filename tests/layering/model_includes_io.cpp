// Must not compile: the model knows nothing of results files (CMakeLists.txt, layers).
#include "io/results_writer.hpp"
