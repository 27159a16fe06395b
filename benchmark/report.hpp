// What a run found, and how it is written out: a text table, JSON, markdown.
// Sections fill a report; main writes it. The SVG chart is in svg_chart.hpp.
#ifndef PERSIST_BENCH_REPORT_HPP
#define PERSIST_BENCH_REPORT_HPP

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace persist::bench {

/// v with `decimals` digits after the point: fixed(1.2345, 2) is "1.23".
inline std::string fixed(double v, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

/// A table for people. A row with no cells prints as a blank separator line.
struct text_table {
    std::string title;
    std::vector<std::string> columns;
    std::vector<bool> numeric;  ///< per column: right-aligned if true
    std::vector<std::vector<std::string>> rows;
};

/// A goal from the issue tracker, checked on this run: met if measured <= limit.
struct goal {
    std::string name;
    double measured = 0;
    double limit = 0;
    bool met = false;
    std::string caveat;  ///< why this check may not mean much (a busy machine); empty if none
};

inline goal at_most(std::string name, double measured, double limit) {
    return {std::move(name), measured, limit, measured <= limit, {}};
}

/// A grouped bar chart with a log or linear y axis. Each group (a tier) has
/// one bar per series (a naming policy): the bar is the typical value (p50),
/// the whisker reaches `high` (p99). A group's `floor` (the raw sequence) is
/// drawn as a marked line across it.
struct chart_bar {
    double value = 0;
    double high = 0;
    std::string label;  ///< printed at the foot of the bar, if not empty
};
struct chart_group {
    std::string label;
    std::vector<chart_bar> bars;  ///< one per series, in series order
    std::optional<double> floor;
};
struct chart_panel {
    std::string title;
    std::vector<chart_group> groups;
};
struct bar_chart {
    std::string title;
    std::string subtitle;
    std::string y_label;
    bool log_scale = true;
    std::vector<std::string> series;
    std::string bar_meaning;    ///< legend text for a bar and its whisker
    std::string floor_meaning;  ///< legend text for the floor line
    std::vector<chart_panel> panels;
};

/// One section's findings.
struct section_report {
    std::string name;
    std::vector<std::string> notes;  ///< printed above its tables
    std::vector<text_table> tables;
    std::vector<std::string> footnotes;  ///< printed below its tables
    boost::json::object data;            ///< the figures, for tools
};

/// Where and how a run measured.
struct run_facts {
    std::string mode;       ///< "quick" or "full"
    std::string directory;  ///< the directory measured in (--dir, or the system temp dir)
    std::string started;    ///< UTC, ISO 8601
    unsigned cores = 0;
    std::string kernel;
    std::string filesystem;   ///< of the directory measured in
    std::string scheduling;   ///< "normal", "nice 5", "SCHED_FIFO 10", ...
    double load_before = -1;  ///< 1-minute load average; negative if unknown
    double load_after = -1;
    double seconds = 0;

    /// Other work competed for the CPU: more runnable tasks than cores.
    bool busy() const { return std::max(load_before, load_after) > static_cast<double>(cores); }
};

/// On a busy machine both sides of a ratio can wait the same whole ticks,
/// which makes a ratio of 1.00 say little.
inline constexpr std::string_view busy_machine_caveat =
    "on a busy machine: a ratio near 1.00 may only mean that both sides waited the same "
    "scheduler ticks";

/// Everything one run of persist-bench found.
struct report {
    run_facts run;
    std::vector<section_report> sections;
    std::vector<goal> goals;
    std::vector<bar_chart> charts;

    section_report& add_section(std::string name) {
        sections.push_back({std::move(name), {}, {}, {}, {}});
        return sections.back();
    }
};

/// What run_facts say, as lines of text: the machine, and a warning if it was busy.
std::vector<std::string> describe_run(run_facts const& run);

/// The tables, notes and goals, for a terminal.
void print_text(report const& r, std::ostream& out);

/// The tables as GitHub markdown, for the README.
void print_markdown(report const& r, std::ostream& out);

/// {"run": ..., "sections": {name: data}, "goals": [{name, measured, limit, met}]};
/// a goal with a caveat also has "caveat".
boost::json::value to_json(report const& r);

/// Writes v indented by two spaces, with a final newline.
void print_json(boost::json::value const& v, std::ostream& out);

}  // namespace persist::bench

#endif
