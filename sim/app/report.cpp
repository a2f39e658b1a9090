#include "app/report.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>
#include <string>

namespace incubsim::app {
namespace {

std::string with_thousands(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

// A number with a fixed precision, or "-" when it is not a number.
std::string number(double value, int precision) {
  if (!std::isfinite(value)) return "-";
  std::ostringstream text;
  text << std::fixed << std::setprecision(precision) << value;
  return text.str();
}

// A value with its interval: "12.3 [11.9, 12.8]".
std::string with_interval(double mean, double low, double high, int precision) {
  return number(mean, precision) + " [" + number(low, precision) + ", " + number(high, precision) + "]";
}

}  // namespace

void print_targets(std::ostream& out, const io::ResultsHeader& header, const io::ResultsSummary& summary) {
  if (header.targets.empty()) return;
  out << "\nTargets: share of replications meeting each, with 95% Wilson interval\n";
  out << std::left << std::setw(22) << "scenario" << std::setw(30) << "target" << std::setw(10) << "threshold" << std::setw(9)
      << "by" << std::setw(8) << "scope" << std::setw(11) << "measure" << std::setw(14) << "kind" << std::right << std::setw(7)
      << "met" << "   95% interval\n";
  for (std::size_t t = 0; t < header.targets.size(); ++t) {
    const io::TargetInfo& target = header.targets[t];
    const io::TargetAttainment& attainment = summary.targets[t];
    std::ostringstream threshold;
    threshold << ">= " << target.threshold;
    out << std::left << std::setw(22) << target.scenario.substr(0, 21) << std::setw(30) << target.id.substr(0, 29) << std::setw(10)
        << threshold.str() << std::setw(9) << target.deadline << std::setw(8) << target.scope << std::setw(11) << target.measure
        << std::setw(14) << (target.kind == "input-driven" ? "input-driven*" : target.kind) << std::right << std::fixed
        << std::setprecision(2) << std::setw(7) << attainment.share << "   [" << attainment.low << ", " << attainment.high << "]\n";
    out.unsetf(std::ios::fixed);
  }
  out << "* input-driven: follows mostly from the plan's own inputs (openings, levels), not from venture behaviour.\n";
}

void print_outcomes(std::ostream& out, const io::ResultsHeader& header, const io::ResultsSummary& summary) {
  if (summary.outcomes.empty()) return;
  out << "\nKey outcomes at " << header.month_labels.back()
      << ": mean over replications with 95% interval, and per million RMB of cumulative public spending\n";
  out << std::left << std::setw(22) << "scenario" << std::setw(27) << "indicator" << std::right << std::setw(14) << "mean"
      << std::setw(28) << "95% interval" << std::setw(16) << "per M RMB" << "\n";
  std::uint32_t previous = std::numeric_limits<std::uint32_t>::max();
  for (const io::OutcomeSummary& o : summary.outcomes) {
    if (o.scenario != previous) {
      out << std::left << std::setw(22) << header.scenario_names[o.scenario].substr(0, 21) << std::setw(27) << "public spending (M RMB)"
          << std::right << std::setw(14) << number(o.public_spending / 1e6, 2) << "\n";
      previous = o.scenario;
    }
    const int precision = o.mean >= 1e5 ? 0 : 1;
    out << std::left << std::setw(22) << "" << std::setw(27) << o.indicator << std::right << std::setw(14) << number(o.mean, precision)
        << std::setw(28) << ("[" + number(o.low, precision) + ", " + number(o.high, precision) + "]") << std::setw(16)
        << number(o.per_million_public, 2) << "\n";
  }
  if (summary.clamped_runs > 0) {
    out << "\nwarning: a cap of the model bound " << number(summary.clamps_bound, 0) << " times in " << summary.clamped_runs
        << " runs (indicator clamps_bound: headcount or patents at 65,535, funding rounds at 255; docs/odd.md §7.10): "
           "those values are understated\n";
  }
}

void print_comparison(std::ostream& out, const io::ResultsHeader& header, const io::ResultsSummary& summary) {
  const std::string& reference = header.scenario_names.front();
  std::string section;
  for (const io::ComparisonRow& row : summary.comparison) {
    const std::string heading = row.kind == "target" ? "Targets: share of replications meeting each (95% interval), and the paired difference against " + reference
                                                     : "Key outcomes at " + row.month + ": mean (95% interval), paired difference against " + reference + ", and per million RMB of public spending";
    if (heading != section) {
      section = heading;
      out << "\n" << heading << "\n";
      out << std::left << std::setw(38) << (row.kind == "target" ? "target (deadline)" : "indicator") << std::setw(22) << "scenario" << std::right
          << std::setw(30) << "mean [95%]" << std::setw(32) << "difference [95%]";
      if (row.kind == "outcome") out << std::setw(12) << "spent (M)" << std::setw(12) << "per M RMB" << std::setw(16) << "diff per M";
      out << "\n";
    }
    const int precision = row.kind == "target" ? 2 : (std::fabs(row.mean) >= 1e5 ? 0 : 1);
    const std::string label = row.kind == "target" ? row.name + " (" + row.month + ")" : row.name;
    out << std::left << std::setw(38) << (row.scenario == 0 ? label.substr(0, 37) : "") << std::setw(22)
        << header.scenario_names[row.scenario].substr(0, 21) << std::right << std::setw(30)
        << with_interval(row.mean, row.low, row.high, precision) << std::setw(32)
        << (row.scenario == 0 ? std::string("-") : with_interval(row.difference, row.difference_low, row.difference_high, precision));
    if (row.kind == "outcome") {
      out << std::setw(12) << number(row.public_spending / 1e6, 1) << std::setw(12) << number(row.per_million_public, 2) << std::setw(16)
          << number(row.difference_per_million, 2);
    }
    out << "\n";
  }
  bool input_driven = false;
  for (const io::TargetInfo& target : header.targets) input_driven = input_driven || (target.scenario == reference && target.kind == "input-driven");
  if (input_driven) {
    out << "Input-driven targets of " << reference << ":";
    for (const io::TargetInfo& target : header.targets) {
      if (target.scenario == reference && target.kind == "input-driven") out << " " << target.id;
    }
    out << " (they follow mostly from what a scenario builds, not from venture behaviour).\n";
  }
}

void print_robustness(std::ostream& out, const io::ResultsHeader& header, const io::RobustnessResult& result, std::uint32_t points) {
  out << "\nRobustness: " << points << " Latin-hypercube points over " << result.keys.size()
      << " declared assumptions; at each, does the alternative beat " << header.scenario_names.front()
      << "? (paired 95% interval above 0: beats, below: loses, else tie)\n";
  out << std::left << std::setw(38) << "metric" << std::setw(22) << "alternative" << std::right << std::setw(8) << "beats" << std::setw(7)
      << "ties" << std::setw(7) << "loses" << "   deciding assumption (Spearman rho)\n";
  const std::string horizon = header.month_labels.back();
  std::string previous;
  for (const io::RobustnessRow& row : result.rows) {
    if (row.kind == "outcome" && (row.month != horizon || (row.name != "jobs" && row.name != "jobs_net" && row.name != "high_tech_cumulative_base" &&
                                                           row.name != "talents_cultivated_base" && row.name != "ventures_active"))) {
      continue;  // the file holds every metric; the screen shows the targets and five outcomes at the horizon
    }
    const std::string label = row.kind == "target" ? row.name : row.name + " (" + row.month + ")";
    out << std::left << std::setw(38) << (label != previous ? label.substr(0, 37) : "") << std::setw(22)
        << header.scenario_names[row.scenario].substr(0, 21) << std::right << std::setw(8) << row.beats << std::setw(7) << row.ties
        << std::setw(7) << row.loses << "   " << (row.deciding_key.empty() ? "-" : row.deciding_key + " (" + number(row.correlation, 2) + ")")
        << "\n";
    previous = label;
  }
}

void print_sensitivity(std::ostream& out, const io::ResultsSummary& summary) {
  if (summary.sensitivity.empty()) return;
  const bool sobol = !std::isnan(summary.sensitivity.front().first_order);
  out << "\nSensitivity of key outcomes at the horizon (replication means of each point)"
      << (sobol ? ": Sobol' first-order S1 and total ST with 95% bootstrap intervals\n" : ": Morris mu, mu* and sigma (per unit-cube step)\n");
  for (const io::SensitivityRow& row : summary.sensitivity) {
    if (row.indicator != "jobs" && row.indicator != "jobs_net" && row.indicator != "high_tech_cumulative_base" && row.indicator != "ventures_active") continue;
    out << "  " << std::left << std::setw(28) << row.indicator << std::setw(44) << row.factor << std::right;
    if (sobol) {
      out << " S1 " << with_interval(row.first_order, row.first_order_low, row.first_order_high, 3) << "  ST "
          << with_interval(row.total, row.total_low, row.total_high, 3) << "\n";
    } else {
      out << " mu " << number(row.mu, 2) << "  mu* " << number(row.mu_star, 2) << "  sigma " << number(row.sigma, 2) << "\n";
    }
  }
}

void print_throughput(std::ostream& out, const std::string& command, const engine::ExperimentResult& result) {
  const double seconds = result.wall_seconds;
  const std::size_t runs = result.runs_simulated;
  const std::uint64_t venture_months = result.venture_months;
  std::ostringstream line;
  line << std::fixed << std::setprecision(2) << "incubsim " << command << ": " << runs << " runs, " << with_thousands(venture_months)
       << " venture-months, " << seconds << " s wall, "
       << with_thousands(static_cast<std::uint64_t>(venture_months / std::max(seconds, 1e-9))) << " venture-months/s, "
       << static_cast<double>(runs) / std::max(seconds, 1e-9) << " runs/s, " << result.threads << " threads, writing "
       << 100.0 * result.writing_seconds / std::max(seconds, 1e-9) << "% of wall\n";
  out << line.str();
}

void print_merge(std::ostream& out, const std::filesystem::path& output, const engine::MergeResult& merged, double seconds) {
  out << "Merged " << merged.shards << " shards (" << merged.header.total_runs << " runs) into " << output.string() << "\n";
  print_targets(out, merged.header, merged.summary);
  print_sensitivity(out, merged.summary);
  out << "incubsim merge: " << merged.header.total_runs << " runs, 0 venture-months simulated, " << std::fixed << std::setprecision(2)
      << seconds << " s wall\n";
}

}  // namespace incubsim::app
