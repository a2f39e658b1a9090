#include "engine/provenance.hpp"

#include <unistd.h>

#include <ctime>

#include "incubsim/version.hpp"

namespace incubsim::engine {
namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

}  // namespace

io::Provenance start_provenance(const std::string& command_line, int threads) {
  io::Provenance provenance;
  provenance.incubsim_version = incubsim::version;
  provenance.git_commit = incubsim::git_commit;
  provenance.command_line = command_line;
  provenance.host = host_name();
  provenance.started_utc = utc_now();
  provenance.threads = threads;
  return provenance;
}

void finish_provenance(io::Provenance& provenance, std::chrono::steady_clock::time_point start) {
  provenance.finished_utc = utc_now();
  provenance.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace incubsim::engine
