#include "io/schema.hpp"

#include <stdexcept>
#include <type_traits>

namespace incubsim::io::schema {

namespace {

using enum CsvView;  // the tables below read as the columns' CSV views: run, month, stage, ...

// Columns are stored, read back and exported in this order; append new ones at the end of a
// table (docs/output-format.md, "Version rule").

constexpr Column<RunOutput> runs[] = {
    {"run", &RunOutput::run, "", "run id, `0, 1, 2, ...`"},
    {"scenario", &RunOutput::scenario, "", "index into `/scenarios/names`"},
    {"point", &RunOutput::point, "",
     "`sweep`: the run's design point, a row of `/design/value` (run // replications); `run` and `compare`: the "
     "same as `scenario`",
     CsvView::value, 3},  // files of format versions 1 and 2 lack it
    {"replication", &RunOutput::replication, "", "replication number within its scenario (or sweep point), from 0"},
    {"seed", &RunOutput::seed, "", "the run's own seed (derived from `base_seed`)"},
    {"venture_months", &RunOutput::venture_months, "venture-months", "active ventures summed over months"},
    {"ventures", &RunOutput::ventures, "ventures", "ventures that ever existed in the run"},
};

constexpr Column<EventRecord> events[] = {
    {"run", &EventRecord::run, "", "run id", run},
    {"month", &EventRecord::month, "", "month index", month},
    {"venture", &EventRecord::venture, "",
     "venture id within the run; `4294967295` (0xFFFFFFFF) for events of a carrier (`carrier_opened`, "
     "`carrier_level_changed`); for `market_fill` the sector's index (its place among the scenario's `[[sector]]` blocks)",
     venture_or_none},
    {"kind", &EventRecord::kind, "", "index into `/labels/event_kinds` (table below)", event_kind},
    {"from_stage", &EventRecord::from_stage, "", "stage before, index into `/labels/stages`; `-1` when not applicable",
     stage},
    {"to_stage", &EventRecord::to_stage, "", "stage after, index into `/labels/stages`; `-1` when not applicable",
     stage},
    {"carrier", &EventRecord::carrier, "",
     "carrier involved: index among the carriers of the run's scenario (the `k`-th row of `/carriers` whose "
     "`scenario` is the run's scenario name); `-1`: none",
     carrier},
    {"value", &EventRecord::value, "", "kind-specific number (table below), `0` when unused; see `docs/odd.md`"},
};

constexpr Column<TrajectoryRecord> trajectories[] = {
    {"run", &TrajectoryRecord::run, "", "run id", run},
    {"month", &TrajectoryRecord::month, "", "month index", month},
    {"venture", &TrajectoryRecord::venture, "", "venture id within the run"},
    {"stage", &TrajectoryRecord::stage, "", "index into `/labels/stages`", stage},
    {"status", &TrajectoryRecord::status, "",
     "index into `/labels/statuses`; a venture that exits appears once more, in its exit month, with status "
     "`failed`, `relocated`, `acquired` or `listed`",
     status},
    {"carrier", &TrajectoryRecord::carrier, "", "carrier index as in `/events/carrier`; `-1`: none", carrier},
    {"headcount", &TrajectoryRecord::headcount, "persons", "people employed"},
    {"revenue", &TrajectoryRecord::revenue, "RMB per month", "revenue this month"},
    {"cash", &TrajectoryRecord::cash, "RMB", "cash at month end"},
    {"skill", &TrajectoryRecord::skill, "0..1", "founder skill"},
    {"technology", &TrajectoryRecord::technology, "0..1", "technology level"},
    {"patents", &TrajectoryRecord::patents, "patents", "patents held", CsvView::value, 4},
    {"belief", &TrajectoryRecord::belief, "sd of latent quality",
     "the founders' expected latent quality (posterior mean, docs/odd.md §7.10); they close below "
     "`dynamics.closing_threshold`",
     CsvView::value, 4},
};

constexpr Column<VentureRecord> ventures[] = {
    {"run", &VentureRecord::run, "", "run id", run},
    {"venture", &VentureRecord::venture, "", "the venture's id within the run, as in `/events/venture` and `/trajectories/venture`"},
    {"id", &VentureRecord::id, "",
     "stable identity: `stream_kind` × 2³² + the venture's stream number (for potential entrants: source index × 2²⁸ + "
     "the source's entrant number). The same potential entrant has the same `id` in every scenario of a `compare` "
     "and every point of a `sweep`, in the same replication"},
    {"stream_kind", &VentureRecord::stream_kind, "",
     "index into `/labels/stream_kinds`: `potential_entrant`, `initial_venture` (firms present at the start) or "
     "`programme_talent` (founders brought by the talent programme)"},
    {"source", &VentureRecord::source, "", "index of the scenario's `[[source]]` it came from; `255` for firms present at the start"},
    {"sector", &VentureRecord::sector, "", "index of the scenario's `[[sector]]`"},
    {"entry_month", &VentureRecord::entry_month, "", "month index of entry; negative for firms founded before the start"},
    {"quality", &VentureRecord::quality, "sd", "latent quality (never observed in the model; standard normal scale)"},
    {"skill", &VentureRecord::skill, "0..1", "founder skill at entry"},
    {"rd_intensity", &VentureRecord::rd_intensity, "share of revenue", "R&D spending as a share of revenue"},
    {"production", &VentureRecord::production, "", "`1` when it needs production space (may enter factory space)"},
    {"status", &VentureRecord::status, "", "index into `/labels/statuses` at its exit, or `active` at the horizon", status},
    {"exit_month", &VentureRecord::exit_month, "", "month index of its exit; `-1` when active at the horizon"},
    {"highest_stage", &VentureRecord::highest_stage, "", "the furthest stage it reached, index into `/labels/stages`", stage},
    {"ever_in_base", &VentureRecord::ever_in_base, "", "`1` when it was ever resident in a base carrier"},
    {"headcount", &VentureRecord::headcount, "persons", "at its exit, or at the horizon"},
    {"revenue", &VentureRecord::revenue, "RMB per month", "at its exit, or at the horizon"},
    {"patents", &VentureRecord::patents, "patents", "at its exit, or at the horizon"},
    {"funding", &VentureRecord::funding, "RMB", "raised from investors and the guidance fund"},
};

constexpr Column<TargetInfo> targets[] = {
    {"scenario", &TargetInfo::scenario, "", "scenario the target belongs to"},
    {"id", &TargetInfo::id, "", "target id"},
    {"indicator", &TargetInfo::indicator, "", "indicator name it is judged on"},
    {"threshold", &TargetInfo::threshold, "the indicator's", "value to reach"},
    {"deadline", &TargetInfo::deadline, "", "`\"YYYY-MM\"`, inclusive"},
    {"deadline_month", &TargetInfo::deadline_month, "", "month index of the deadline"},
    {"scope", &TargetInfo::scope, "", "`base` or `county`, as for indicators"},
    {"measure", &TargetInfo::measure, "", "`stock`, `flow` or `cumulative`, as for indicators"},
    {"kind", &TargetInfo::kind, "", "`outcome` or `input-driven`"},
    {"text", &TargetInfo::text, "", "the plan's words or a citation"},
};

constexpr Column<CarrierInfo> carriers[] = {
    {"scenario", &CarrierInfo::scenario, "", "scenario the carrier belongs to"},
    {"id", &CarrierInfo::id, "", "identifier"},
    {"name", &CarrierInfo::name, "", "display name"},
    {"kind", &CarrierInfo::kind, "", "`nursery`, `incubator`, `accelerator` or `park`"},
    {"operator", &CarrierInfo::operator_id, "", "operator id"},
    {"capacity", &CarrierInfo::capacity, "ventures", "places"},
    {"opening", &CarrierInfo::opening, "",
     "planned opening month `\"YYYY-MM\"` (the realised month, after a construction delay or on demand, is that "
     "of its `carrier_opened` event)"},
    {"in_base", &CarrierInfo::in_base, "", "`1` when the carrier counts for the `base` scope"},
};

constexpr Column<UncertaintyInfo> uncertainty[] = {
    {"scenario", &UncertaintyInfo::scenario, "", "scenario that declares the range"},
    {"key", &UncertaintyInfo::key, "",
     "the parameter, as `--set` writes it (`integration.reserved_share`, `operator.<id>.service_quality`)"},
    {"low", &UncertaintyInfo::low, "the parameter's", "lower end of the range"},
    {"high", &UncertaintyInfo::high, "the parameter's", "upper end of the range"},
    {"scale", &UncertaintyInfo::scale, "", "`linear` or `log` (sample uniformly in log(value))"},
    {"value", &UncertaintyInfo::value, "the parameter's", "the scenario's own value (inside the range)"},
    {"source", &UncertaintyInfo::source, "", "why this range: a publication, `calibrated` or `assumption: ...`"},
};

constexpr Column<TargetAttainment> target_attainment[] = {
    {"trials", &TargetAttainment::trials, "runs", "runs that judged the target (runs of its scenario)"},
    {"met", &TargetAttainment::met, "runs", "of those, runs that met it"},
    {"share", &TargetAttainment::share, "", "`met / trials` (0 when no trials)"},
    {"share_low", &TargetAttainment::low, "", "lower end of the 95% Wilson score interval of the share"},
    {"share_high", &TargetAttainment::high, "", "upper end of the 95% Wilson score interval of the share"},
};

constexpr Column<OutcomeSummary> outcomes[] = {
    {"scenario", &OutcomeSummary::scenario, "", "index into `/scenarios/names`"},
    {"indicator", &OutcomeSummary::indicator, "", "indicator name"},
    {"mean", &OutcomeSummary::mean, "the indicator's", "mean over the scenario's runs at the last month"},
    {"mean_low", &OutcomeSummary::low, "the indicator's",
     "lower end of the 95% interval of the mean (mean − 1.96 standard errors)"},
    {"mean_high", &OutcomeSummary::high, "the indicator's",
     "upper end of the 95% interval of the mean (mean + 1.96 standard errors)"},
    {"public_spending", &OutcomeSummary::public_spending, "RMB",
     "the scenario's mean `public_spending_cumulative` at the last month"},
    {"per_million_public", &OutcomeSummary::per_million_public, "per million RMB",
     "`mean / (public_spending / 1e6)`: the outcome per million RMB of public spending; NaN when nothing was spent"},
};

constexpr Column<ComparisonRow> comparison[] = {
    {"scenario", &ComparisonRow::scenario, "", "index into `/scenarios/names`"},
    {"kind", &ComparisonRow::kind, "", "`target` (met: 1 or 0 per run) or `outcome` (an indicator's value)"},
    {"name", &ComparisonRow::name, "", "target id or indicator name"},
    {"month", &ComparisonRow::month, "",
     "`\"YYYY-MM\"` the metric is read at: the target's deadline, or the deadline or horizon of the outcome row"},
    {"mean", &ComparisonRow::mean, "the metric's",
     "mean over the scenario's replications (for a target: the share of replications that met it)"},
    {"mean_low", &ComparisonRow::low, "the metric's",
     "lower end of the 95% Student-t interval of the mean (t with n − 1 degrees of freedom; with one "
     "replication, the mean itself). For targets this is a t-interval on 0/1 values and can leave [0, 1]; the "
     "Wilson interval of the same share is in `/summary/targets`"},
    {"mean_high", &ComparisonRow::high, "the metric's", "upper end of that interval"},
    {"difference", &ComparisonRow::difference, "the metric's",
     "paired difference against the reference: the mean over replications *r* of (value of this scenario in "
     "replication *r* − value of the reference in replication *r*); `0` in the reference's rows; NaN when "
     "either scenario lacks the metric"},
    {"difference_low", &ComparisonRow::difference_low, "the metric's",
     "lower end of the 95% Student-t interval of the paired difference; `0` (with `difference_high`) when the "
     "two scenarios give the same value in every replication"},
    {"difference_high", &ComparisonRow::difference_high, "the metric's", "upper end of that interval"},
    {"public_spending", &ComparisonRow::public_spending, "RMB", "mean `public_spending_cumulative` at `month`"},
    {"per_million_public", &ComparisonRow::per_million_public, "per million RMB",
     "`mean / (public_spending / 1e6)`: the metric per million RMB of public spending; NaN when nothing was "
     "spent by `month`"},
    {"difference_per_million", &ComparisonRow::difference_per_million, "per million RMB",
     "`difference / ((public_spending − reference's public_spending) / 1e6)`: the extra outcome per million RMB "
     "of extra spending (both signs kept: spending less and achieving less is positive); NaN when the two spend "
     "the same (within 1 RMB), so always NaN in the reference's rows"},
};

constexpr Column<RobustnessRow> robustness_summary[] = {
    {"scenario", &RobustnessRow::scenario, "", "the alternative, index into `/scenarios/names` (never 0)"},
    {"kind", &RobustnessRow::kind, "", "the metric's kind, as in `/compare`"},
    {"name", &RobustnessRow::name, "", "the metric's name, as in `/compare`"},
    {"month", &RobustnessRow::month, "", "the metric's month, as in `/compare`"},
    {"points", &RobustnessRow::points, "points", "points where the paired difference is not NaN"},
    {"beats", &RobustnessRow::beats, "points",
     "points where the paired difference is > 0 and its 95% interval lies above 0"},
    {"ties", &RobustnessRow::ties, "points", "points where the interval holds 0 (or touches it)"},
    {"loses", &RobustnessRow::loses, "points",
     "points where the paired difference is < 0 and its interval lies below 0"},
    {"deciding_key", &RobustnessRow::deciding_key, "",
     "the key with the largest \\|`correlation[s, m, k]`\\| (the first in `key` order on a tie): the assumption "
     "that decides this comparison; `\"\"` when no key has a defined, non-zero correlation"},
    {"correlation", &RobustnessRow::correlation, "",
     "that key's Spearman correlation; `0` when `deciding_key` is `\"\"`"},
};

template <typename Value>
constexpr std::string_view stored_type_name() {
  if constexpr (std::is_same_v<Value, std::string>)
    return "string";
  else if constexpr (std::is_same_v<Value, bool> || std::is_same_v<Value, std::uint8_t>)
    return "uint8";
  else if constexpr (std::is_same_v<Value, std::int8_t>)
    return "int8";
  else if constexpr (std::is_same_v<Value, std::uint16_t>)
    return "uint16";
  else if constexpr (std::is_same_v<Value, std::int16_t>)
    return "int16";
  else if constexpr (std::is_same_v<Value, std::uint32_t>)
    return "uint32";
  else if constexpr (std::is_same_v<Value, std::int32_t>)
    return "int32";
  else if constexpr (std::is_same_v<Value, std::uint64_t>)
    return "uint64";
  else if constexpr (std::is_same_v<Value, float>)
    return "float32";
  else {
    static_assert(std::is_same_v<Value, double>);
    return "float64";
  }
}

// A cell of a markdown table: a `|` inside would end the cell.
std::string markdown_cell(std::string_view text) {
  std::string cell;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '|' && (i == 0 || text[i - 1] != '\\')) cell += '\\';
    cell += text[i];
  }
  return cell;
}

template <typename Row>
std::string markdown(Columns<Row> columns) {
  std::string text = "| dataset | type | meaning | units |\n| --- | --- | --- | --- |\n";
  for (const Column<Row>& column : columns) {
    text += "| `" + std::string(column.name) + "` | " + std::string(type_name(column)) + " | " +
            markdown_cell(column.description);
    if (column.since_version > 1) text += " (version " + std::to_string(column.since_version) + " on)";
    text += " | " + (column.unit.empty() ? std::string("–") : markdown_cell(column.unit)) + " |\n";
  }
  return text;
}

}  // namespace

Columns<RunOutput> run_columns() { return runs; }
Columns<EventRecord> event_columns() { return events; }
Columns<TrajectoryRecord> trajectory_columns() { return trajectories; }
Columns<VentureRecord> venture_columns() { return ventures; }
Columns<TargetInfo> target_columns() { return targets; }
Columns<CarrierInfo> carrier_columns() { return carriers; }
Columns<UncertaintyInfo> uncertainty_columns() { return uncertainty; }
Columns<TargetAttainment> target_attainment_columns() { return target_attainment; }
Columns<OutcomeSummary> outcome_columns() { return outcomes; }
Columns<ComparisonRow> comparison_columns() { return comparison; }
Columns<RobustnessRow> robustness_summary_columns() { return robustness_summary; }

template <typename Row>
std::string_view type_name(const Column<Row>& column) {
  return std::visit([](auto member) { return stored_type_name<MemberValue<decltype(member)>>(); }, column.field);
}

template <typename Row>
std::size_t row_bytes(Columns<Row> columns) {
  std::size_t bytes = 0;
  for (const Column<Row>& column : columns) {
    bytes += std::visit(
        [](auto member) -> std::size_t {
          using Value = MemberValue<decltype(member)>;
          if constexpr (std::is_same_v<Value, std::string>)
            return 0;
          else
            return sizeof(Value);
        },
        column.field);
  }
  return bytes;
}

#define INCUBSIM_SCHEMA_ROW(Row)                                  \
  template std::string_view type_name(const Column<Row>& column); \
  template std::size_t row_bytes(Columns<Row> columns);
INCUBSIM_SCHEMA_ROW(RunOutput)
INCUBSIM_SCHEMA_ROW(EventRecord)
INCUBSIM_SCHEMA_ROW(TrajectoryRecord)
INCUBSIM_SCHEMA_ROW(VentureRecord)
INCUBSIM_SCHEMA_ROW(TargetInfo)
INCUBSIM_SCHEMA_ROW(CarrierInfo)
INCUBSIM_SCHEMA_ROW(UncertaintyInfo)
INCUBSIM_SCHEMA_ROW(TargetAttainment)
INCUBSIM_SCHEMA_ROW(OutcomeSummary)
INCUBSIM_SCHEMA_ROW(ComparisonRow)
INCUBSIM_SCHEMA_ROW(RobustnessRow)
#undef INCUBSIM_SCHEMA_ROW

namespace {

// The tables docs/output-format.md shows, by the group name its markers use.
struct DocumentedTable {
  std::string_view group;
  std::string (*markdown)();
};
constexpr DocumentedTable documented_tables[] = {
    {"runs", [] { return markdown(run_columns()); }},
    {"events", [] { return markdown(event_columns()); }},
    {"trajectories", [] { return markdown(trajectory_columns()); }},
    {"ventures", [] { return markdown(venture_columns()); }},
    {"targets", [] { return markdown(target_columns()); }},
    {"carriers", [] { return markdown(carrier_columns()); }},
    {"uncertainty", [] { return markdown(uncertainty_columns()); }},
    {"summary/targets", [] { return markdown(target_attainment_columns()); }},
    {"summary/outcomes", [] { return markdown(outcome_columns()); }},
    {"compare", [] { return markdown(comparison_columns()); }},
    {"robustness/summary", [] { return markdown(robustness_summary_columns()); }},
};

}  // namespace

std::vector<std::string> table_groups() {
  std::vector<std::string> groups;
  for (const DocumentedTable& table : documented_tables) groups.emplace_back(table.group);
  return groups;
}

std::string table_markdown(std::string_view group) {
  for (const DocumentedTable& table : documented_tables)
    if (table.group == group) return table.markdown();
  std::string known;
  for (const DocumentedTable& table : documented_tables)
    known += (known.empty() ? "" : ", ") + std::string(table.group);
  throw std::invalid_argument("no results table '" + std::string(group) + "' (one of: " + known + ")");
}

}  // namespace incubsim::io::schema
