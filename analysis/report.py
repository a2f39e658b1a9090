"""An HTML report with figures from one results file of `run`, `compare` or `sweep`.

    /usr/bin/python3 -m analysis.report FILE.h5 -o output/report/ [--force]
            [--counterfactual NAME] [--dpi N]

It writes DIR/index.html (one self-contained page: the figures are embedded, no network, no
scripts) and the same figures as DIR/figures/*.png for papers and slides, plus the tables behind
them as DIR/tables/*.csv. Sections, each present when the file holds what it needs:

1. at a glance: per scenario, targets met, public spending, jobs, cost per job, robustness;
2. target attainment with 95% Wilson intervals (input-driven targets marked);
3. key indicators over time, median and 90% band over replications;
4. stage flows: admissions, graduations, exits by cause (record level `events`);
5. survival: landmark Kaplan–Meier curves by stage at 12 and 24 months of age, and the paired
   survival effect of each scenario against the no-programme counterfactual (analysis.survival);
6. public cost per job and per high-tech enterprise, and per extra job against the counterfactual;
7. robustness (`compare --robustness`): how often each alternative beats the reference, and
   where in the assumptions the ranking flips;
8. sensitivity (sweeps): Sobol' S1/ST with bootstrap intervals, Morris mu*/sigma, and every key
   outcome against every factor.

The output directory is written under a temporary name and renamed when complete; an existing
non-empty directory is refused (exit 2) unless --force, and then replaced only on success.
Exit codes: 0 written, 1 failed while writing, 2 bad input (missing, truncated, foreign or newer
results file; bad option; existing output).
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import stats
from analysis.results import MissingTable, Results, ResultsError

#: Indicators drawn over time, when present (docs/odd.md §7.15).
SERIES = ("jobs", "jobs_net", "jobs_base", "ventures_base", "incubator_residents_base", "tech_sme_cumulative_base",
          "high_tech_cumulative_base", "talents_cultivated_base", "public_spending_cumulative")
#: Outcomes where more is better: the robustness map reads "beats" as "higher than the reference".
BETTER_HIGHER = ("jobs", "jobs_net", "jobs_base", "ventures_base", "ventures_active", "graduations_cumulative",
                 "tech_sme_cumulative", "high_tech_cumulative", "high_tech_cumulative_base",
                 "talents_cultivated_base", "funding_raised_cumulative")
SENSITIVITY_OUTCOMES = ("jobs", "ventures_base", "high_tech_cumulative_base", "talents_cultivated_base",
                        "graduations_cumulative", "ventures_active")
COUNTERFACTUAL_NAMES = ("no-programme", "no-program", "counterfactual")


class BadInput(Exception):
    """Bad command-line input: exit 2."""


@dataclass
class Section:
    title: str
    anchor: str
    body: list[str] = field(default_factory=list)


class Report:
    """Collects sections and figures; writes them into a directory."""

    def __init__(self, results: Results, directory: Path, dpi: int, counterfactual: str | None):
        self.results = results
        self.directory = directory
        self.dpi = dpi
        self.sections: list[Section] = []
        self.figures: list[str] = []
        self.names = results.scenario_names
        self.reference = self.names[0]
        self.counterfactual = self._find_counterfactual(counterfactual)
        (directory / "figures").mkdir(parents=True)
        (directory / "tables").mkdir()
        self.runs = results.runs()
        self.colours = _colours(self.names, self.counterfactual)

    def _find_counterfactual(self, name: str | None) -> str | None:
        if name is not None:
            if name not in self.names:
                raise BadInput(f"--counterfactual {name}: no such scenario in {self.results.path} "
                               f"(it has {', '.join(self.names)})")
            return name
        for candidate in self.names:
            if candidate in COUNTERFACTUAL_NAMES or candidate.startswith("no-programme"):
                return candidate
        return None

    # -- output helpers -----------------------------------------------------------------------

    def figure(self, fig, name: str, alt: str, caption: str) -> str:
        """Saves a matplotlib figure as figures/NAME.png and returns its HTML (embedded PNG)."""
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=self.dpi, bbox_inches="tight")
        plt.close(fig)
        data = buffer.getvalue()
        (self.directory / "figures" / f"{name}.png").write_bytes(data)
        self.figures.append(name)
        encoded = base64.b64encode(data).decode("ascii")
        return (f'<figure id="fig-{name}"><img src="data:image/png;base64,{encoded}" alt="{html.escape(alt)}">'
                f'<figcaption>{caption} <a href="figures/{name}.png">PNG</a></figcaption></figure>')

    def table(self, frame: pd.DataFrame, name: str, formats: dict | None = None, index: bool = False) -> str:
        """Writes tables/NAME.csv and returns an HTML table."""
        frame.to_csv(self.directory / "tables" / f"{name}.csv", index=index)
        shown = frame.copy()
        for column, fmt in (formats or {}).items():
            if column in shown:
                shown[column] = shown[column].map(lambda v, f=fmt: "–" if _missing(v) else f.format(v))
        return (shown.to_html(index=index, escape=True, border=0, classes="data", na_rep="–")
                + f'<p class="small"><a href="tables/{name}.csv">{name}.csv</a></p>')

    def add(self, section: Section) -> None:
        self.sections.append(section)

    # -- sections -------------------------------------------------------------------------------

    def build(self, progress) -> None:
        steps = [("targets", self.targets), ("indicators", self.indicators), ("flows", self.flows),
                 ("survival", self.survival), ("cost", self.cost), ("robustness", self.robustness),
                 ("sensitivity", self.sensitivity)]
        for name, step in steps:
            started = time.monotonic()
            step()
            progress(f"{name} ({time.monotonic() - started:.1f} s)")
        self.sections.insert(0, self.glance())

    def targets(self) -> None:
        import matplotlib.pyplot as plt

        section = Section("Target attainment", "targets")
        targets = self.results.targets()
        if len(targets) == 0:
            section.body.append("<p>The scenarios declare no targets.</p>")
            self.add(section)
            return
        if "share" not in targets:
            section.body.append("<p>No /summary in this file (a part file or shard): attainment is "
                                "computed from /targets/met.</p>")
            attainment = self.results.attainment().groupby("target")["met"].agg(["sum", "count"])
            targets["runs_met"] = attainment["sum"].reindex(targets["target"]).fillna(0).to_numpy()
            targets["trials"] = attainment["count"].reindex(targets["target"]).fillna(0).to_numpy()
            from analysis.stats import wilson_interval
            targets["share"] = targets["runs_met"] / targets["trials"].where(targets["trials"] > 0)
            low, high = wilson_interval(targets["runs_met"].to_numpy(), targets["trials"].to_numpy())
            targets["share_low"], targets["share_high"] = low, high
        reference_ids = list(dict.fromkeys(targets.loc[targets["scenario"] == self.reference, "id"]))
        ids = reference_ids or list(dict.fromkeys(targets["id"]))
        columns = 2 if len(ids) > 1 else 1
        rows = int(np.ceil(len(ids) / columns))
        height = max(1.2, 0.28 * len(self.names) + 0.8)
        fig, axes = plt.subplots(rows, columns, figsize=(6.2 * columns, height * rows), squeeze=False,
                                 sharex=True)
        for i, target_id in enumerate(ids):
            ax = axes[i // columns][i % columns]
            chosen = targets[targets["id"] == target_id].set_index("scenario")
            first = chosen.iloc[0]
            y = np.arange(len(self.names))[::-1]
            for position, name in zip(y, self.names):
                if name not in chosen.index:
                    ax.text(0.5, position, "no such target", va="center", ha="center", fontsize=7, color="grey")
                    continue
                row = chosen.loc[name]
                ax.errorbar(row["share"], position, xerr=[[row["share"] - row["share_low"]],
                                                          [row["share_high"] - row["share"]]],
                            fmt="o", color=self.colours[name], capsize=2, markersize=4)
            ax.set_yticks(y)
            ax.set_yticklabels(self.names, fontsize=7)
            ax.set_xlim(-0.03, 1.03)
            ax.axvline(0.5, color="#cccccc", lw=0.6, zorder=0)
            driven = first["kind"] == "input-driven"
            title = f"{target_id}: {first['indicator']} ≥ {first['threshold']:g} by {first['deadline']}"
            ax.set_title(title + ("  [input-driven]" if driven else ""), fontsize=8,
                         color="#7a4f00" if driven else "black", loc="left")
            if driven:
                ax.set_facecolor("#fbf5e6")
        for j in range(len(ids), rows * columns):
            axes[j // columns][j % columns].set_visible(False)
        for ax in axes[-1]:
            ax.set_xlabel("share of replications meeting the target")
        fig.tight_layout()
        section.body.append(self.figure(
            fig, "targets", "Target attainment per scenario",
            "Share of replications that meet each of the plan's targets, with 95% Wilson intervals. "
            "Shaded panels marked [input-driven] are targets that follow mostly from the plan's own "
            "inputs (openings, levels), not from how ventures behave: meeting them says little about "
            "the operating model."))
        shown = targets[["scenario", "id", "indicator", "threshold", "deadline", "kind", "share",
                         "share_low", "share_high", "trials"]]
        section.body.append(self.table(shown, "targets", {"share": "{:.2f}", "share_low": "{:.2f}",
                                                            "share_high": "{:.2f}", "threshold": "{:g}"}))
        self.attainment = targets
        self.add(section)

    def indicators(self) -> None:
        import matplotlib.pyplot as plt

        section = Section("Key indicators over time", "indicators")
        names = [n for n in SERIES if n in self.results.indicator_names]
        frame = self.results.indicators(names)
        grouped = frame.groupby(["scenario_name", "month"])
        median = grouped[names].median()
        low = grouped[names].quantile(0.05)
        high = grouped[names].quantile(0.95)
        dates = pd.to_datetime(pd.Series(self.results.month_labels), format="%Y-%m").to_numpy()
        targets = self.results.targets()
        columns = 2
        rows = int(np.ceil(len(names) / columns))
        fig, axes = plt.subplots(rows, columns, figsize=(12, 2.9 * rows), squeeze=False, sharex=True)
        for i, name in enumerate(names):
            ax = axes[i // columns][i % columns]
            scale, unit = _scale(name, self.results)
            for scenario in self.names:
                if scenario not in median.index.get_level_values(0):
                    continue
                m = median.loc[scenario, name].to_numpy() / scale
                ax.plot(dates[:len(m)], m, color=self.colours[scenario], lw=1.6 if scenario == self.reference else 1.0,
                        ls="--" if scenario == self.counterfactual else "-", label=scenario)
                ax.fill_between(dates[:len(m)], low.loc[scenario, name].to_numpy() / scale,
                                high.loc[scenario, name].to_numpy() / scale, color=self.colours[scenario],
                                alpha=0.12, lw=0)
            for _, target in targets[(targets["indicator"] == name) & (targets["scenario"] == self.reference)].iterrows():
                when = pd.to_datetime(target["deadline"], format="%Y-%m")
                ax.plot([when], [target["threshold"] / scale], marker="*", color="black", markersize=10, ls="none")
                ax.annotate(target["id"], (when, target["threshold"] / scale), fontsize=6,
                            xytext=(-4, 5), textcoords="offset points", ha="right")
            ax.set_title(f"{name} ({unit})", fontsize=9, loc="left")
            ax.tick_params(labelsize=7)
        for j in range(len(names), rows * columns):
            axes[j // columns][j % columns].set_visible(False)
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=min(5, len(labels)), fontsize=8, frameon=False,
                   bbox_to_anchor=(0.5, -0.02 - 0.02 * (len(labels) // 5)))
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        what = ("replications" if self.results.command != "sweep" else
                "all runs of the sweep (the band spans the design as well as the replications)")
        section.body.append(self.figure(
            fig, "indicators", "Key indicators over time per scenario",
            f"Median over {what} (line) and the 5–95% band (90% of runs inside). Stars: the "
            f"reference scenario's targets on that indicator, at their deadline. Definitions of every "
            f"indicator: docs/odd.md §7.15."))
        last = frame[frame["month"] == frame["month"].max()]
        summary = last.groupby("scenario_name")[names].median().reindex(
            [n for n in self.names if n in set(last["scenario_name"])])
        section.body.append("<p>Medians at the last month:</p>" + self.table(
            summary.reset_index(), "indicators_last_month", {n: "{:,.0f}" for n in names}))
        self.add(section)

    def _events(self):
        if not hasattr(self, "_event_cache"):
            self._event_cache = None
            if self.results.has("events"):
                from analysis import calibration
                self._event_cache = calibration.read_events(self.results.path)
        return self._event_cache

    def flows(self) -> None:
        section = Section("Stage flows", "flows")
        events = self._events()
        if events is None:
            section.body.append(f"<p>The file was recorded at level <code>{self.results.record_level}</code>: "
                                f"stage flows need <code>--record events</code>.</p>")
            self.add(section)
            return
        table = flow_table(events, self.runs)
        section.body.append(self.figure(
            flow_diagram(table, self.names), "flows", "Stage flows per scenario",
            "Mean number of ventures per replication moving along each path over the whole horizon. "
            "Arrows between stages are admissions from outside and graduations to the next carrier; "
            "arrows down are exits by cause (failure, relocation out of the county, acquisition); "
            "'left' counts graduates and evicted ventures that leave a carrier for the outside. "
            "Arrow width grows with the flow."))
        wide = table.pivot_table(index=["path"], columns="scenario_name", values="per_replication",
                                 aggfunc="sum").reindex(columns=[n for n in self.names if n in set(table["scenario_name"])])
        section.body.append(self.table(wide.reset_index(), "flows", {n: "{:,.1f}" for n in self.names}))
        self.add(section)

    def survival(self) -> None:
        import matplotlib.pyplot as plt

        from analysis import survival

        section = Section("Survival", "survival")
        events = self._events()
        if events is None:
            section.body.append(f"<p>Survival needs <code>--record events</code> (this file: "
                                f"<code>{self.results.record_level}</code>).</p>")
            self.add(section)
            return
        history = survival.entrant_history(events)
        section.body.append(
            "<p>Curves by <em>highest stage reached</em> are not shown on purpose: a venture has to "
            "survive to reach a later stage, so such curves show an effect even when the carriers do "
            "nothing. Instead, a landmark analysis keeps the entrants alive at an age of 12 (or 24) "
            "months, groups them by the stage they are in at that age and follows them from there; "
            "and the effect of a programme is measured replication by replication against the "
            "no-programme counterfactual, which draws the same entrants and random numbers.</p>")
        horizon = events.horizon
        curves = []
        for name in self.names:
            runs = self.runs.loc[self.runs["scenario_name"] == name, "run"].to_numpy()
            for landmark in survival.LANDMARKS:
                if landmark >= horizon - 1:
                    continue
                table = survival.landmark_curves(history, landmark, runs)
                if len(table):
                    table.insert(0, "scenario_name", name)
                    curves.append(table)
        if curves:
            curves = pd.concat(curves, ignore_index=True)
            shown = [n for n in (self.reference, self.names[1] if len(self.names) > 1 else None) if n]
            shown = [n for n in dict.fromkeys(shown) if n != self.counterfactual] or [self.reference]
            landmarks = sorted(curves["landmark"].unique())
            fig, axes = plt.subplots(len(shown), len(landmarks), figsize=(5.6 * len(landmarks), 3.4 * len(shown)),
                                     squeeze=False, sharey=True)
            # Colours are presentation; the stages and their order are the file's (/labels/stages).
            stage_colours = {"outside": "#777777", "nursery": "#1b9e77", "incubator": "#d95f02",
                             "accelerator": "#7570b3", "park": "#e7298a"}
            for r, name in enumerate(shown):
                for c, landmark in enumerate(landmarks):
                    ax = axes[r][c]
                    part = curves[(curves["scenario_name"] == name) & (curves["landmark"] == landmark)]
                    for stage in history.events.stages:
                        curve = part[part["stage"] == stage]
                        if len(curve) == 0 or curve["ventures"].iloc[0] < 10:
                            continue
                        ax.step(curve["time"], curve["survival"], where="post", color=stage_colours.get(stage),
                                label=f"{stage} at {landmark} months (n={curve['ventures'].iloc[0]:,})")
                        ax.fill_between(curve["time"], curve["lower"], curve["upper"], step="post",
                                        color=stage_colours.get(stage), alpha=0.15, lw=0)
                    ax.set_title(f"{name}: landmark {landmark} months", fontsize=9, loc="left")
                    ax.set_xlabel(f"months after the landmark (age {landmark})", fontsize=8)
                    ax.set_ylabel("share not failed", fontsize=8)
                    ax.legend(fontsize=7, frameon=False)
                    ax.tick_params(labelsize=7)
            fig.tight_layout()
            section.body.append(self.figure(
                fig, "survival_landmark", "Landmark Kaplan-Meier survival by stage",
                "Kaplan–Meier survival of entrants alive at the landmark age, by the stage they are in at "
                "that age (stage as a time-varying state), with 95% intervals (Greenwood, log-log). "
                "Failure ends a life; relocation, acquisition and the horizon censor. These curves "
                "describe who survives in each stage; they are not causal effects of the stage "
                "(ventures are selected into carriers)."))
            at = curves.groupby(["scenario_name", "landmark", "stage"]).apply(
                lambda c: pd.Series({"ventures": int(c["ventures"].iloc[0]),
                                     "survival_12_months_later": _survival_at(c, 12)})).reset_index()
            section.body.append(self.table(at, "survival_landmark", {"survival_12_months_later": "{:.3f}"}))
        if self.counterfactual is None:
            section.body.append("<p>No no-programme counterfactual in this file (a scenario named "
                                "<code>no-programme</code>, or <code>--counterfactual NAME</code>): "
                                "paired survival effects are not shown.</p>")
            self.add(section)
            return
        ages = tuple(a for a in survival.EFFECT_AGES if a < horizon)
        effects = survival.paired_effects(history, self.runs, self.counterfactual, ages)
        effects = effects[effects["scenario_name"] != self.counterfactual]
        fig, axes = plt.subplots(1, len(ages), figsize=(4.2 * len(ages), 0.35 * len(self.names) + 1.2),
                                 squeeze=False, sharey=True)
        order = [n for n in self.names if n != self.counterfactual]
        for c, age in enumerate(ages):
            ax = axes[0][c]
            part = effects[effects["age"] == age].set_index("scenario_name").reindex(order)
            y = np.arange(len(order))[::-1]
            for position, name in zip(y, order):
                row = part.loc[name]
                if _missing(row["effect"]):
                    continue
                ax.errorbar(row["effect"], position, xerr=[[row["effect"] - row["low"]], [row["high"] - row["effect"]]],
                            fmt="o", color=self.colours[name], capsize=2, markersize=4)
            ax.axvline(0, color="black", lw=0.7)
            ax.set_yticks(y)
            ax.set_yticklabels(order, fontsize=7)
            ax.set_title(f"survival to {age} months", fontsize=9, loc="left")
            ax.set_xlabel(f"difference vs {self.counterfactual} (share)", fontsize=8)
            ax.tick_params(labelsize=7)
        fig.tight_layout()
        section.body.append(self.figure(
            fig, "survival_effect", "Paired survival effect against the counterfactual",
            f"Effect of each scenario on the share of entrants surviving 12, 24 and 36 months from entry "
            f"(Kaplan–Meier per replication), as the mean paired difference against "
            f"<code>{html.escape(self.counterfactual)}</code> over replications on the same random streams, "
            f"with 95% Student-t intervals. An interval crossing 0: no detectable effect."))
        section.body.append(self.table(effects, "survival_effect", {"survival": "{:.3f}", "counterfactual": "{:.3f}",
                                                                    "effect": "{:+.3f}", "low": "{:+.3f}",
                                                                    "high": "{:+.3f}"}))
        self.add(section)

    def cost(self) -> None:
        import matplotlib.pyplot as plt

        section = Section("Public cost", "cost")
        wanted = [n for n in ("public_spending_cumulative", "cost_per_job", "cost_per_high_tech", "jobs", "jobs_net",
                              "jobs_base", "high_tech_cumulative_base") if n in self.results.indicator_names]
        last = self.results.final_values(wanted)
        last = last.replace({"cost_per_job": {0.0: np.nan}, "cost_per_high_tech": {0.0: np.nan}})
        rows = []
        for name in self.names:
            mine = last[last["scenario_name"] == name]
            if len(mine) == 0:
                continue
            row = {"scenario_name": name, "public_spending_million": mine["public_spending_cumulative"].mean() / 1e6,
                   "jobs_base": mine["jobs_base"].mean(), "cost_per_job": mine["cost_per_job"].mean(),
                   "cost_per_high_tech": mine["cost_per_high_tech"].mean(),
                   "high_tech_base": mine["high_tech_cumulative_base"].mean()}
            if self.counterfactual is not None and name != self.counterfactual:
                base = last[last["scenario_name"] == self.counterfactual].set_index("replication")
                paired = mine.set_index("replication").join(base, rsuffix="_cf", how="inner")
                extra_spending = (paired["public_spending_cumulative"] - paired["public_spending_cumulative_cf"]).mean()
                extra_jobs = (paired["jobs"] - paired["jobs_cf"]).mean()
                row["extra_jobs_vs_counterfactual"] = extra_jobs
                row["cost_per_extra_job"] = extra_spending / extra_jobs if extra_jobs > 0 else np.nan
                # Gross (venture jobs) and net (incumbents' lost jobs counted) effects on county
                # jobs, paired over replications, with their 95% t intervals.
                for column, label in (("jobs", "gross"), ("jobs_net", "net")):
                    if column in paired:
                        effect = stats.paired_difference(paired[column], paired[column + "_cf"])
                        row[f"{label}_jobs_effect"] = effect["mean"]
                        row[f"{label}_jobs_effect_interval"] = f"[{effect['low']:,.0f}, {effect['high']:,.0f}]"
            rows.append(row)
        table = pd.DataFrame(rows)
        panels = [("cost_per_job", "public RMB per job in the base"),
                  ("cost_per_high_tech", "public RMB per high-tech enterprise (base)")]
        if "cost_per_extra_job" in table:
            panels.append(("cost_per_extra_job", f"public RMB per extra county job vs {self.counterfactual}"))
        fig, axes = plt.subplots(1, len(panels), figsize=(4.4 * len(panels), 0.35 * len(table) + 1.3),
                                 squeeze=False, sharey=True)
        y = np.arange(len(table))[::-1]
        for c, (column, title) in enumerate(panels):
            ax = axes[0][c]
            values = table[column].to_numpy(dtype=float)
            divisor, unit, suffix = (1e6, "million RMB", "M") if np.nanmax(np.r_[values, 0]) > 2e6 else (1e3, "thousand RMB", "k")
            values = values / divisor
            ax.barh(y, np.nan_to_num(values), color=[self.colours[n] for n in table["scenario_name"]])
            for position, value in zip(y, values):
                ax.text(0 if np.isnan(value) else value, position,
                        " n/a" if np.isnan(value) else f" {value:,.1f}{suffix}" if suffix == "M" else f" {value:,.0f}{suffix}",
                        va="center", fontsize=7)
            ax.set_yticks(y)
            ax.set_yticklabels(table["scenario_name"], fontsize=7)
            ax.set_title(title, fontsize=9, loc="left")
            ax.set_xlabel(unit, fontsize=8)
            ax.tick_params(labelsize=7)
            ax.margins(x=0.25)
        fig.tight_layout()
        section.body.append(self.figure(
            fig, "cost", "Public cost per job and per high-tech enterprise",
            "At the last month, mean over replications: cumulative public spending (every budget line) "
            "per job in the base and per high-tech enterprise incubated in the base (n/a where none "
            "was certified or nothing was spent), and the extra public spending per extra county job "
            "against the no-programme counterfactual (ratio of the mean paired differences; n/a "
            "when the scenario creates no extra jobs). The table adds the programme's effect on county "
            "jobs against the counterfactual, paired over replications with a 95% interval: gross "
            "(<code>jobs</code>, the ventures' jobs) and net (<code>jobs_net</code>: the incumbents' "
            "jobs lost to displacement counted, docs/odd.md §7.5a)."))
        section.body.append(self.table(table, "cost", {
            "public_spending_million": "{:,.1f}", "jobs_base": "{:,.0f}", "cost_per_job": "{:,.0f}",
            "cost_per_high_tech": "{:,.0f}", "high_tech_base": "{:,.1f}", "extra_jobs_vs_counterfactual": "{:,.0f}",
            "cost_per_extra_job": "{:,.0f}", "gross_jobs_effect": "{:+,.0f}", "net_jobs_effect": "{:+,.0f}"}))
        self.cost_table = table
        self.add(section)

    def robustness(self) -> None:
        if not self.results.has("robustness"):
            if self.results.command == "compare":
                section = Section("Robustness", "robustness")
                section.body.append("<p>This comparison was run without <code>--robustness M</code>: "
                                    "the ranking is only known at the scenarios' own values.</p>")
                self.add(section)
            return
        import matplotlib.pyplot as plt

        section = Section("Robustness over the assumptions", "robustness")
        summary = self.results.robustness_summary()
        points = int(summary["points"].max()) if len(summary) else 0
        horizon = summary["month"].max()
        metrics = summary[(summary["kind"] == "target") |
                          ((summary["kind"] == "outcome") & (summary["month"] == horizon) &
                           summary["name"].isin(BETTER_HIGHER))]
        labels = list(dict.fromkeys(metrics["name"] + np.where(metrics["kind"] == "outcome", " @" + metrics["month"], "")))
        alternatives = [n for n in self.names[1:]]
        score = np.full((len(alternatives), len(labels)), np.nan)
        text = [["" for _ in labels] for _ in alternatives]
        for _, row in metrics.iterrows():
            label = row["name"] + (f" @{row['month']}" if row["kind"] == "outcome" else "")
            i, j = alternatives.index(row["scenario_name"]), labels.index(label)
            if row["points"] > 0:
                score[i, j] = (row["beats"] - row["loses"]) / row["points"]
            text[i][j] = f"{row['beats']}/{row['ties']}/{row['loses']}"
        fig, ax = plt.subplots(figsize=(0.62 * len(labels) + 2.5, 0.42 * len(alternatives) + 2.4))
        image = ax.imshow(score, cmap="RdYlGn", vmin=-1, vmax=1, aspect="auto")
        for i in range(len(alternatives)):
            for j in range(len(labels)):
                ax.text(j, i, text[i][j], ha="center", va="center", fontsize=6)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(len(alternatives)))
        ax.set_yticklabels(alternatives, fontsize=7)
        target_count = int((metrics.drop_duplicates("name")["kind"] == "target").sum())
        if 0 < target_count < len(labels):
            ax.axvline(target_count - 0.5, color="black", lw=1)
        fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01, label="(beats − loses) / points")
        ax.set_title(f"Each alternative against {self.reference} at {points} points of the assumptions' ranges",
                     fontsize=9, loc="left")
        fig.tight_layout()
        section.body.append(self.figure(
            fig, "robustness", "How often each alternative beats the reference",
            f"Cells: beats/ties/loses — at how many of the {points} Latin-hypercube points of the declared "
            f"[uncertainty] ranges the alternative is significantly better than {html.escape(self.reference)} "
            f"(paired difference with its 95% interval above 0), indistinguishable, or worse. Left of the line: "
            f"the plan's targets (share of replications meeting them); right: key outcomes at the horizon, "
            f"where more is better. Green: the alternative wins under most assumptions; red: "
            f"{html.escape(self.reference)} wins; mixed cells: the ranking depends on the assumptions (see the "
            f"flip maps)."))
        flips = self._flip_maps(summary)
        if flips:
            section.body.append(flips)
        shown = summary[["scenario_name", "kind", "name", "month", "points", "beats", "ties", "loses",
                         "deciding_key", "correlation"]]
        section.body.append(self.table(shown, "robustness", {"correlation": "{:+.2f}"}))
        self.add(section)

    def _flip_maps(self, summary: pd.DataFrame) -> str:
        """Scatter maps over the two assumptions that most move a comparison whose ranking flips."""
        import matplotlib.pyplot as plt
        from matplotlib.colors import TwoSlopeNorm

        horizon = summary["month"].max()
        relevant = (summary["kind"] == "target") | ((summary["kind"] == "outcome") & (summary["month"] == horizon)
                                                   & summary["name"].isin(BETTER_HIGHER))
        candidates = summary[relevant & (summary["beats"] > 0) & (summary["loses"] > 0)]
        kind_order = {"target": 0, "outcome": 1}
        candidates = candidates.assign(order=candidates["kind"].map(kind_order),
                                       mixed=np.minimum(candidates["beats"], candidates["loses"]))
        candidates = candidates.sort_values(["order", "mixed"], ascending=[True, False]).head(6)
        if len(candidates) == 0:
            return ("<p>No ranking flips: for every alternative and metric, the alternative either never "
                    "significantly beats or never significantly loses to the reference across the ranges.</p>")
        long = self.results.robustness()
        correlation = self.results.robustness_correlation()
        design = self.results.robustness_keys()
        columns = min(3, len(candidates))
        rows = int(np.ceil(len(candidates) / columns))
        fig, axes = plt.subplots(rows, columns, figsize=(4.6 * columns, 3.9 * rows), squeeze=False)
        for i, (_, row) in enumerate(candidates.iterrows()):
            ax = axes[i // columns][i % columns]
            mine = correlation[(correlation["scenario_name"] == row["scenario_name"]) & (correlation["name"] == row["name"])
                               & (correlation["month"] == row["month"]) & (correlation["kind"] == row["kind"])]
            mine = mine.dropna(subset=["correlation"]).reindex(
                mine["correlation"].abs().sort_values(ascending=False).index).dropna(subset=["correlation"])
            keys = list(mine["key"].head(2))
            if len(keys) < 2:
                every = [c for c in design.columns if c != "point" and not c.startswith("u:")]
                keys = (keys + [k for k in every if k not in keys])[:2]
            part = long[(long["scenario_name"] == row["scenario_name"]) & (long["name"] == row["name"])
                        & (long["month"] == row["month"]) & (long["kind"] == row["kind"])]
            x = design[f"u:{keys[0]}"].to_numpy()
            y = design[f"u:{keys[1]}"].to_numpy()
            d = part.set_index("point")["difference"].reindex(design["point"]).to_numpy()
            bound = np.nanmax(np.abs(d)) if np.isfinite(d).any() and np.nanmax(np.abs(d)) > 0 else 1.0
            scatter = ax.scatter(x, y, c=d, cmap="RdYlGn", norm=TwoSlopeNorm(0, -bound, bound), s=36,
                                 edgecolors="black", linewidths=0.4)
            fig.colorbar(scatter, ax=ax, fraction=0.05, pad=0.02).ax.tick_params(labelsize=6)
            rho = mine.set_index("key")["correlation"]
            ax.set_xlabel(f"{keys[0]} (quantile; ρ={rho.get(keys[0], np.nan):+.2f})", fontsize=7)
            ax.set_ylabel(f"{keys[1]} (quantile; ρ={rho.get(keys[1], np.nan):+.2f})", fontsize=7)
            metric = row["name"] + (f" @{row['month']}" if row["kind"] == "outcome" else "")
            ax.set_title(f"{row['scenario_name']} − {self.reference}\n{metric}: "
                         f"beats {row['beats']}, ties {row['ties']}, loses {row['loses']}", fontsize=8, loc="left")
            ax.tick_params(labelsize=7)
        for j in range(len(candidates), rows * columns):
            axes[j // columns][j % columns].set_visible(False)
        fig.tight_layout()
        return self.figure(
            fig, "robustness_flips", "Where the ranking flips",
            "Flip maps: for comparisons whose ranking changes across the ranges (the alternative wins at some "
            "points and loses at others), each point of the robustness design placed by its quantile of the "
            "two assumptions most correlated with the paired difference (Spearman ρ), coloured by the "
            "difference (alternative − reference; green: the alternative is ahead). A colour boundary "
            "across the map marks the value of an assumption where the ranking flips.")

    def sensitivity(self) -> None:
        if self.results.command != "sweep":
            return
        import matplotlib.pyplot as plt

        section = Section("Sensitivity to the swept factors", "sensitivity")
        attributes = self.results.design_attributes()
        design = self.results.design()
        factors = attributes["factors"]
        outcomes = [n for n in SENSITIVITY_OUTCOMES if n in self.results.indicator_names]
        last = self.results.final_values(outcomes)
        per_point = last.groupby("point")[outcomes].mean().reindex(design["point"])
        kind = attributes.get("kind", "")
        section.body.append(f"<p>Design <code>{html.escape(str(kind))}</code>: {len(design)} points × "
                            f"{self.results.replications} replications, factors "
                            f"{', '.join('<code>' + html.escape(f) + '</code>' for f in factors)}. The output of a "
                            f"point is the mean over its replications at the last month.</p>")
        indices = self._sensitivity_indices(kind, attributes, design, per_point, outcomes, factors)
        if indices is not None and kind == "sobol_saltelli":
            columns = min(3, len(outcomes))
            rows = int(np.ceil(len(outcomes) / columns))
            fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns + 1.5, (0.45 * len(factors) + 1.2) * rows),
                                     squeeze=False, sharey=True)
            for c, outcome in enumerate(outcomes):
                ax = axes[c // columns][c % columns]
                part = indices[indices["indicator"] == outcome].set_index("factor").reindex(factors)
                y = np.arange(len(factors))[::-1]
                for offset, column, colour in ((0.17, "first_order", "#1f77b4"), (-0.17, "total", "#ff7f0e")):
                    values = part[column].to_numpy(dtype=float)
                    error = np.vstack([values - part[f"{column}_low"].to_numpy(dtype=float),
                                       part[f"{column}_high"].to_numpy(dtype=float) - values])
                    ax.barh(y + offset, np.nan_to_num(values), height=0.32, color=colour,
                            label="first order S1" if column == "first_order" else "total ST")
                    ax.errorbar(values, y + offset, xerr=np.nan_to_num(np.abs(error)), fmt="none", ecolor="black",
                                elinewidth=0.7, capsize=1.5)
                ax.set_yticks(y)
                ax.set_yticklabels(factors, fontsize=7)
                ax.set_title(outcome, fontsize=8, loc="left")
                ax.axvline(0, color="black", lw=0.5)
                ax.tick_params(labelsize=7)
            axes[0][0].legend(fontsize=7, frameon=False)
            fig.tight_layout()
            section.body.append(self.figure(
                fig, "sobol", "Sobol first-order and total indices",
                "Sobol' indices of key outcomes at the horizon: first order S1 (the share of the outcome's "
                "variance a factor explains alone) and total ST (including its interactions), with 95% "
                "percentile bootstrap intervals. Estimates can leave [0, 1] when N is small; wide intervals "
                "call for more base points."))
        if indices is not None and kind == "morris":
            columns = min(3, len(outcomes))
            rows = int(np.ceil(len(outcomes) / columns))
            fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.4 * rows), squeeze=False)
            for c, outcome in enumerate(outcomes):
                ax = axes[c // columns][c % columns]
                part = indices[indices["indicator"] == outcome]
                ax.scatter(part["mu_star"], part["sigma"], s=22, color="#1f77b4")
                for _, row in part.iterrows():
                    ax.annotate(_short_factor(row["factor"]), (row["mu_star"], row["sigma"]), fontsize=6,
                                xytext=(3, 2), textcoords="offset points")
                top = np.nanmax(np.r_[part["mu_star"].to_numpy(dtype=float), part["sigma"].to_numpy(dtype=float), 1e-12])
                ax.plot([0, top], [0, top], color="#bbbbbb", lw=0.7, ls="--")
                ax.set_xlabel("μ* (mean |elementary effect|)", fontsize=7)
                ax.set_ylabel("σ", fontsize=7)
                ax.set_title(outcome, fontsize=8, loc="left")
                ax.tick_params(labelsize=7)
            fig.tight_layout()
            section.body.append(self.figure(
                fig, "morris", "Morris mu-star against sigma",
                "Morris screening: μ* (mean absolute elementary effect, per unit of the factor's coordinate in "
                "[0, 1]) against σ (their standard deviation). Far right: influential factors; above the dashed "
                "line (σ > μ*): effects that depend on the other factors (interaction or non-linearity)."))
        if indices is not None:
            section.body.append(self.table(indices, "sensitivity", {c: "{:.3f}" for c in indices.columns
                                                                    if c not in ("indicator", "factor")}))
        fig, axes = plt.subplots(len(outcomes), len(factors), figsize=(2.6 * len(factors) + 0.6, 2.1 * len(outcomes)),
                                 squeeze=False, sharey="row")
        for r, outcome in enumerate(outcomes):
            for c, factor in enumerate(factors):
                ax = axes[r][c]
                x = design[factor]
                if x.dtype == object:
                    categories = list(dict.fromkeys(x))
                    x = x.map({v: i for i, v in enumerate(categories)}).to_numpy(dtype=float)
                    ax.set_xticks(range(len(categories)))
                    ax.set_xticklabels(categories, fontsize=6, rotation=20)
                ax.scatter(x, per_point[outcome], s=6, alpha=0.6, color="#1f77b4")
                if r == len(outcomes) - 1:
                    ax.set_xlabel(_short_factor(factor), fontsize=7)
                if c == 0:
                    ax.set_ylabel(outcome, fontsize=7)
                ax.tick_params(labelsize=6)
        fig.tight_layout()
        section.body.append(self.figure(
            fig, "sweep_scatter", "Outcomes against each factor",
            "Every design point: the mean over its replications of a key outcome at the horizon (rows) "
            "against the value of each factor (columns). A clear trend: a factor that matters alone; a "
            "cloud: a factor that does not, or acts through interactions."))
        self.add(section)

    def _sensitivity_indices(self, kind, attributes, design, per_point, outcomes, factors):
        """The file's /sensitivity, or (part files, merged shards without it) recomputed here."""
        if kind not in ("sobol_saltelli", "morris"):
            return None
        if self.results.has("sensitivity"):
            frame = self.results.sensitivity()
            frame = frame[frame["indicator"].isin(outcomes)]
            keep = ["indicator", "factor"] + ([c for c in ("first_order", "first_order_low", "first_order_high",
                                                           "total", "total_low", "total_high")]
                                              if kind == "sobol_saltelli" else ["mu", "mu_star", "sigma"])
            return frame[keep].reset_index(drop=True)
        frames = []
        for outcome in outcomes:
            y = per_point[outcome].to_numpy(dtype=float)
            if kind == "sobol_saltelli":
                table = stats.sobol_saltelli(y, int(attributes["base_samples"]), factors,
                                             seed=int(attributes.get("seed", 0)))
            else:
                unit = design[[f"u:{f}" for f in factors]].to_numpy(dtype=float)
                table = stats.morris(y, unit, len(y) // (len(factors) + 1), factors)
            table.insert(0, "indicator", outcome)
            frames.append(table)
        return pd.concat(frames, ignore_index=True)

    def glance(self) -> Section:
        """The answer first: per scenario, targets met, spending, jobs, cost, robustness."""
        section = Section("At a glance", "glance")
        rows = []
        targets = getattr(self, "attainment", None)
        robustness = self.results.robustness_summary() if self.results.has("robustness/summary") else None
        cost = getattr(self, "cost_table", pd.DataFrame()).set_index("scenario_name") if hasattr(self, "cost_table") else None
        for name in self.names:
            row = {"scenario": name}
            if targets is not None and len(targets):
                mine = targets[targets["scenario"] == name]
                outcome = mine[mine["kind"] == "outcome"]
                row["outcome targets met (share ≥ 0.5)"] = f"{int((outcome['share'] >= 0.5).sum())} of {len(outcome)}"
                row["all targets met"] = f"{int((mine['share'] >= 0.5).sum())} of {len(mine)}"
            if cost is not None and name in cost.index:
                row["public spending (M RMB)"] = cost.loc[name, "public_spending_million"]
                row["jobs in the base"] = cost.loc[name, "jobs_base"]
                row["RMB per base job"] = cost.loc[name, "cost_per_job"]
                for label in ("gross", "net"):
                    if f"{label}_jobs_effect" in cost.columns and not pd.isna(cost.loc[name, f"{label}_jobs_effect"]):
                        row[f"{label} county jobs vs {self.counterfactual} (95%)"] = (
                            f"{cost.loc[name, f'{label}_jobs_effect']:+,.0f} {cost.loc[name, f'{label}_jobs_effect_interval']}")
            if robustness is not None and name != self.reference:
                mine = robustness[(robustness["scenario_name"] == name) & (robustness["kind"] == "target")]
                row[f"targets: beats/ties/loses {self.reference} (points)"] = (
                    f"{int(mine['beats'].sum())}/{int(mine['ties'].sum())}/{int(mine['loses'].sum())}")
            rows.append(row)
        frame = pd.DataFrame(rows)
        if robustness is not None:
            section.body.append(self._headline(robustness))
        attributes = self.results.attributes()
        provenance = self.results.provenance()
        labels = self.results.month_labels
        section.body.append(
            f"<p><code>{html.escape(str(self.results.path))}</code>: <code>incubsim {html.escape(self.results.command)}</code>, "
            f"{len(self.names)} scenario(s), {attributes.get('replications')} replications each, "
            f"{labels[0]} to {labels[-1]}, seed {attributes.get('base_seed')}, record level "
            f"<code>{html.escape(self.results.record_level)}</code>; incubsim {html.escape(str(provenance.get('incubsim_version', '?')))} "
            f"({html.escape(str(provenance.get('git_commit', '?')))}), finished {html.escape(str(provenance.get('finished_utc', '?')))}. "
            f"Reference: <strong>{html.escape(self.reference)}</strong>"
            + (f"; counterfactual: <strong>{html.escape(self.counterfactual)}</strong>." if self.counterfactual else ".")
            + "</p>")
        section.body.append(self.table(frame, "glance", {"public spending (M RMB)": "{:,.1f}", "jobs in the base": "{:,.0f}",
                                                          "RMB per base job": "{:,.0f}"}))
        section.body.append("<p>Every number is conditional on the scenarios' assumptions (each value in the "
                            "scenario files cites a source or says <em>assumption</em>); the robustness section shows "
                            "whether the ranking survives their declared ranges, not only the random seeds.</p>")
        return section

    def _headline(self, robustness: pd.DataFrame) -> str:
        """One sentence per alternative: its record against the reference on the plan's targets."""
        targets = robustness[robustness["kind"] == "target"]
        items = []
        for name in self.names[1:]:
            mine = targets[targets["scenario_name"] == name]
            if len(mine) == 0:
                continue
            beats, ties, loses = int(mine["beats"].sum()), int(mine["ties"].sum()), int(mine["loses"].sum())
            won = list(mine.loc[mine["beats"] > 0, "name"])
            lost = list(mine.loc[mine["loses"] > 0, "name"])
            verdict = ("never beats" if beats == 0 else "sometimes beats") + f" {html.escape(self.reference)}"
            detail = f"beats on {', '.join(won)}" if won else ""
            if lost:
                detail += ("; " if detail else "") + f"loses on {', '.join(lost)}"
            items.append(f"<li><strong>{html.escape(name)}</strong> {verdict} on the plan's targets "
                         f"({beats} wins, {ties} ties, {loses} losses over {len(mine)} targets × "
                         f"{int(mine['points'].max())} points of the assumptions)"
                         + (f": {html.escape(detail)}" if detail else "") + ".</li>")
        return ("<p>Does the reference beat the alternatives on the plan's targets, across the declared "
                "ranges of the assumptions?</p><ul>" + "".join(items) + "</ul>")

    def write_html(self) -> Path:
        style = """
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:1300px;margin:1.5em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85em;color:#444;max-width:1000px}table.data{border-collapse:collapse;font-size:.8em;margin:.5em 0}
table.data td,table.data th{border:1px solid #ddd;padding:2px 6px;text-align:right}
table.data th{background:#f3f3f3}.small{font-size:.75em;color:#666}nav a{margin-right:1em}code{font-size:.95em}
"""
        navigation = " ".join(f'<a href="#{s.anchor}">{html.escape(s.title)}</a>' for s in self.sections)
        body = "\n".join(f'<section id="{s.anchor}"><h2>{html.escape(s.title)}</h2>\n' + "\n".join(s.body) + "</section>"
                         for s in self.sections)
        title = f"incubsim report: {self.results.path.name}"
        page = (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
                f"<style>{style}</style></head><body>\n<h1>{html.escape(title)}</h1>\n<nav>{navigation}</nav>\n{body}\n"
                f"<p class=\"small\">Written by <code>/usr/bin/python3 -m analysis.report</code> "
                f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}). File layout: docs/output-format.md; "
                f"how to read each figure: docs/user-guide.md.</p></body></html>\n")
        path = self.directory / "index.html"
        path.write_text(page, encoding="utf-8")
        return path


# ---------------------------------------------------------------------------------------------
# Stage flows
# ---------------------------------------------------------------------------------------------

EXIT_NODES = {"failure_cash": "failed", "failure_closure": "failed", "failure_hazard": "failed",
              "relocation": "relocated", "acquisition": "acquired", "listing": "listed"}


def flow_table(events, runs: pd.DataFrame) -> pd.DataFrame:
    """Mean count per replication of every path between stages and exits, per scenario.

    Paths: `entrants` (entry events) into outside; admission from outside into a carrier stage;
    graduation to the next stage; graduation or eviction to outside (`left`); exits by cause from
    each stage (`failed`, `relocated`, `acquired`)."""
    stages = list(events.stages)
    kinds = {code: name for name, code in events.kinds.items()}
    kind = np.array([kinds[k] for k in range(len(kinds))], dtype=object)[events.kind]
    source = np.array(stages + [""], dtype=object)[events.from_stage]
    target = np.array(stages + [""], dtype=object)[events.to_stage]
    frame = pd.DataFrame({"run": events.run, "kind": kind, "source": source, "target": target})
    entry = frame["kind"] == "entry"
    moves = ((frame["kind"] == "admission") & (frame["source"] == "outside")) | \
            (frame["kind"].isin(["graduation", "eviction"]) & (frame["source"] != frame["target"]))
    exits = frame["kind"].isin(list(EXIT_NODES))
    paths = pd.concat([
        pd.DataFrame({"run": frame.loc[entry, "run"], "source": "entrants", "target": "outside"}),
        pd.DataFrame({"run": frame.loc[moves, "run"], "source": frame.loc[moves, "source"],
                      "target": frame.loc[moves, "target"].where(frame.loc[moves, "target"] != "outside", "left")}),
        pd.DataFrame({"run": frame.loc[exits, "run"], "source": frame.loc[exits, "source"],
                      "target": frame.loc[exits, "kind"].map(EXIT_NODES)}),
    ], ignore_index=True)
    paths = paths[~((paths["source"] == "outside") & (paths["target"] == "left"))]
    paths["scenario_name"] = runs["scenario_name"].to_numpy()[paths["run"].to_numpy()]
    counts = paths.groupby(["scenario_name", "source", "target"]).size().rename("count").reset_index()
    replications = runs.groupby("scenario_name").size()
    counts["per_replication"] = counts["count"] / replications.reindex(counts["scenario_name"]).to_numpy()
    counts["path"] = counts["source"] + " → " + counts["target"]
    return counts


def flow_diagram(table: pd.DataFrame, names: list[str]):
    """Small multiples of the stage-flow graph, one panel per scenario."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    position = {"entrants": (0.0, 2.1), "left": (2.6, 2.1), "outside": (0.0, 1.0), "nursery": (1.3, 1.0),
                "incubator": (2.6, 1.0), "accelerator": (3.9, 1.0), "park": (5.2, 1.0),
                "failed": (1.3, -0.2), "relocated": (2.6, -0.2), "acquired": (3.9, -0.2)}
    labels = {"left": "left a carrier", "outside": "outside carriers", "failed": "failed",
              "relocated": "relocated", "acquired": "acquired"}
    colours = {"failed": "#c0392b", "relocated": "#2e86c1", "acquired": "#7d3c98", "left": "#7f8c8d"}
    shown = [n for n in names if n in set(table["scenario_name"])]
    columns = 2 if len(shown) > 1 else 1
    rows = int(np.ceil(len(shown) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(7.4 * columns, 3.3 * rows), squeeze=False)
    largest = table["per_replication"].max() if len(table) else 1.0
    for i, name in enumerate(shown):
        ax = axes[i // columns][i % columns]
        ax.set_xlim(-0.5, 5.7)
        ax.set_ylim(-0.5, 2.4)
        ax.axis("off")
        ax.set_title(name, fontsize=9, loc="left")
        part = table[table["scenario_name"] == name]
        for node, (x, y) in position.items():
            ax.add_patch(FancyBboxPatch((x - 0.42, y - 0.15), 0.84, 0.30, boxstyle="round,pad=0.02",
                                        facecolor=colours.get(node, "#eaf2f8"), edgecolor="#34495e", lw=0.6,
                                        zorder=3))
            ax.text(x, y, labels.get(node, node), ha="center", va="center", fontsize=6.5, zorder=4,
                    color="white" if node in colours else "black")
        for _, row in part.iterrows():
            flow = row["per_replication"]
            # Paths under 0.5% of the largest flow of the figure would only clutter the picture;
            # the table below the figure lists every path.
            if row["source"] not in position or row["target"] not in position or flow < max(0.5, 0.005 * largest):
                continue
            (x0, y0), (x1, y1) = position[row["source"]], position[row["target"]]
            width = 0.5 + 7.0 * np.sqrt(flow / largest)
            if y0 == y1:
                rad = 0.0 if abs(x1 - x0) < 1.5 else -0.3
            elif row["target"] in ("failed", "relocated", "acquired"):
                rad = 0.15 if x1 >= x0 else -0.15
            else:
                rad = 0.0
            arrow = FancyArrowPatch((x0, y0), (x1, y1), connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>",
                                    mutation_scale=5 + width, lw=width, color=colours.get(row["target"], "#2c3e50"),
                                    alpha=0.5, shrinkA=12, shrinkB=12, zorder=2)
            ax.add_patch(arrow)
            # The label sits at the middle of the quadratic curve arc3 draws: M + rad/2 (dy, -dx).
            mx = (x0 + x1) / 2 + rad / 2 * (y1 - y0)
            my = (y0 + y1) / 2 - rad / 2 * (x1 - x0) + (0.1 if y0 == y1 and rad == 0 else 0)
            ax.text(mx, my, f"{flow:,.0f}", fontsize=6, ha="center", va="center", zorder=5,
                    bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none", alpha=0.85))
    for j in range(len(shown), rows * columns):
        axes[j // columns][j % columns].set_visible(False)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

def _colours(names: list[str], counterfactual: str | None) -> dict[str, str]:
    palette = ["#000000", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
               "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896"]
    colours = {}
    others = iter(palette[1:] * 4)
    for i, name in enumerate(names):
        if i == 0:
            colours[name] = palette[0]
        elif name == counterfactual:
            colours[name] = "#7f7f7f"
        else:
            colours[name] = next(others)
    return colours


def _scale(name: str, results: Results) -> tuple[float, str]:
    units = dict(zip(results.indicator_names, results.indicator_table().get("unit", [""] * 200)))
    unit = units.get(name, "")
    if unit == "RMB":
        return 1e6, "million RMB"
    return 1.0, unit


def _missing(value) -> bool:
    try:
        return value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value)
    except (TypeError, ValueError):
        return False


def _survival_at(curve: pd.DataFrame, t: float) -> float:
    before = curve[curve["time"] <= t]
    return float(before["survival"].iloc[-1]) if len(before) else 1.0


def _short_factor(factor: str) -> str:
    parts = factor.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else factor


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def _prepare_output(directory: Path, force: bool) -> Path:
    """Checks the output directory and returns a fresh temporary sibling to write into."""
    if directory.exists() and not directory.is_dir():
        raise BadInput(f"{directory}: exists and is not a directory")
    if directory.exists() and any(directory.iterdir()) and not force:
        raise BadInput(f"{directory}: exists and is not empty; choose another -o or add --force to replace it")
    directory.parent.mkdir(parents=True, exist_ok=True)
    temporary = directory.parent / f".{directory.name}.tmp-{os.getpid()}"
    if temporary.exists():
        shutil.rmtree(temporary)
    temporary.mkdir()
    return temporary


def _publish(temporary: Path, directory: Path) -> None:
    """Moves the finished report into place; an old one is removed only now."""
    if directory.exists():
        old = directory.parent / f".{directory.name}.old-{os.getpid()}"
        directory.rename(old)
        temporary.rename(directory)
        shutil.rmtree(old)
    else:
        temporary.rename(directory)


def write_report(path: str | os.PathLike, directory: str | os.PathLike, force: bool = False, dpi: int = 90,
                 counterfactual: str | None = None, progress=lambda message: None) -> Path:
    """Writes the report of results file `path` into `directory`; returns index.html's path."""
    import matplotlib

    matplotlib.use("Agg")
    directory = Path(directory)
    with Results(path) as results:
        temporary = _prepare_output(directory, force)
        try:
            report = Report(results, temporary, dpi, counterfactual)
            report.build(progress)
            report.write_html()
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    _publish(temporary, directory)
    return directory / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m analysis.report",
                                     description="HTML report with figures from an incubsim results file.")
    parser.add_argument("results", help="results file (.h5) of incubsim run, compare or sweep")
    parser.add_argument("-o", "--output", help="output directory (default: output/<file name>-report)")
    parser.add_argument("--force", action="store_true", help="replace a non-empty output directory")
    parser.add_argument("--counterfactual", help="scenario to measure effects against (default: no-programme)")
    parser.add_argument("--dpi", type=int, default=90, help="resolution of the figures (default 90)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the result")
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit:
        return 2 if exit.code not in (0, None) else 0
    results = Path(arguments.results)
    output = Path(arguments.output) if arguments.output else Path("output") / f"{results.stem}-report"
    if arguments.dpi < 30 or arguments.dpi > 600:
        print(f"analysis.report: --dpi {arguments.dpi}: must be between 30 and 600", file=sys.stderr)
        return 2
    started = time.monotonic()

    def progress(message: str) -> None:
        if not arguments.quiet:
            print(f"analysis.report: {message}", file=sys.stderr, flush=True)

    try:
        index = write_report(results, output, arguments.force, arguments.dpi, arguments.counterfactual, progress)
    except (ResultsError, BadInput) as error:
        print(f"analysis.report: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("analysis.report: interrupted; nothing written", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - one line for the user, details with --debug below
        if os.environ.get("INCUBSIM_DEBUG"):
            raise
        print(f"analysis.report: failed while writing the report: {type(error).__name__}: {error} "
              f"(set INCUBSIM_DEBUG=1 for the traceback); nothing written", file=sys.stderr)
        return 1
    print(f"analysis.report: {index} ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
