// Writing a report out: text tables, markdown, JSON.
#include "report.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdio>

namespace persist::bench {

namespace {

/// Columns on a terminal: UTF-8 code points ("µs" is two, not three).
std::size_t display_width(std::string const& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string padded(std::string const& text, std::size_t width, bool right) {
    std::string const fill(width - std::min(width, display_width(text)), ' ');
    return right ? fill + text : text + fill;
}

std::vector<std::size_t> column_widths(text_table const& table) {
    std::vector<std::size_t> widths;
    for (auto const& c : table.columns)
        widths.push_back(display_width(c));
    for (auto const& row : table.rows) {
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    }
    return widths;
}

bool is_numeric(text_table const& table, std::size_t column) {
    return column < table.numeric.size() && table.numeric[column];
}

void print_row(text_table const& table, std::vector<std::string> const& cells,
               std::vector<std::size_t> const& widths, std::ostream& out) {
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i) {
        if (i > 0) line += "  ";
        line += padded(i < cells.size() ? cells[i] : "", widths[i], is_numeric(table, i));
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
}

void print_table(text_table const& table, std::ostream& out) {
    auto const widths = column_widths(table);
    if (!table.title.empty()) out << table.title << '\n';
    print_row(table, table.columns, widths, out);
    std::vector<std::string> rules;
    for (auto const w : widths)
        rules.emplace_back(w, '-');
    print_row(table, rules, widths, out);
    for (auto const& row : table.rows) {
        if (row.empty())
            out << '\n';
        else
            print_row(table, row, widths, out);
    }
}

std::string format_number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", v);  // 1.051, not a misleading 1.05
    return text;
}

void print_indented(boost::json::value const& v, std::ostream& out, std::string& indent) {
    switch (v.kind()) {
        case boost::json::kind::object: {
            auto const& object = v.get_object();
            if (object.empty()) {
                out << "{}";
                return;
            }
            out << "{\n";
            indent += "  ";
            bool first = true;
            for (auto const& [key, member] : object) {
                if (!first) out << ",\n";
                first = false;
                out << indent << boost::json::serialize(boost::json::value(key)) << ": ";
                print_indented(member, out, indent);
            }
            indent.resize(indent.size() - 2);
            out << '\n' << indent << '}';
            return;
        }
        case boost::json::kind::array: {
            auto const& array = v.get_array();
            bool const flat = std::none_of(array.begin(), array.end(),
                                           [](auto const& e) { return e.is_structured(); });
            if (array.empty() || flat) {
                out << boost::json::serialize(v);
                return;
            }
            out << "[\n";
            indent += "  ";
            for (std::size_t i = 0; i < array.size(); ++i) {
                out << (i == 0 ? "" : ",\n") << indent;
                print_indented(array[i], out, indent);
            }
            indent.resize(indent.size() - 2);
            out << '\n' << indent << ']';
            return;
        }
        default: out << boost::json::serialize(v);
    }
}

std::string busy_caveat(run_facts const& run) {
    return run.busy() ? " (" + std::string(busy_machine_caveat) + ")" : "";
}

}  // namespace

std::vector<std::string> describe_run(run_facts const& run) {
    char load[32];
    std::snprintf(load, sizeof load, "%.1f", std::max(run.load_before, run.load_after));
    std::vector<std::string> lines{"persist-bench, " + run.mode + " mode, " + run.started + ": " +
                                   std::to_string(run.cores) + " cores, " + run.kernel +
                                   ", measured in " + run.directory + " (" + run.filesystem +
                                   "), scheduling " + run.scheduling + ", " +
                                   std::to_string(static_cast<int>(run.seconds + 0.5)) + " s"};
    if (run.busy()) {
        lines.push_back(std::string("warning: the machine was busy (load average up to ") + load +
                        " on " + std::to_string(run.cores) +
                        " cores): latencies include waits for a turn on the CPU, often whole "
                        "scheduler ticks (4 ms at HZ=250).");
    }
    return lines;
}

void print_text(report const& r, std::ostream& out) {
    for (auto const& line : describe_run(r.run))
        out << line << '\n';
    out << '\n';
    for (auto const& section : r.sections) {
        out << "== " << section.name << " ==\n";
        for (auto const& note : section.notes)
            out << note << '\n';
        for (auto const& table : section.tables) {
            out << '\n';
            print_table(table, out);
        }
        if (!section.footnotes.empty()) out << '\n';
        for (auto const& note : section.footnotes)
            out << note << '\n';
        out << '\n';
    }
    auto const met =
        std::count_if(r.goals.begin(), r.goals.end(), [](goal const& g) { return g.met; });
    out << "goals: " << met << " of " << r.goals.size() << " met" << busy_caveat(r.run) << "\n";
    for (auto const& g : r.goals) {
        if (!g.met)
            out << "  missed: " << g.name << ": " << format_number(g.measured) << " > "
                << format_number(g.limit) << '\n';
    }
}

void print_markdown(report const& r, std::ostream& out) {
    for (auto const& line : describe_run(r.run))
        out << line << "\n\n";
    for (auto const& section : r.sections) {
        out << "### " << section.name << "\n\n";
        for (auto const& note : section.notes)
            out << note << "\n\n";
        for (auto const& table : section.tables) {
            if (!table.title.empty()) out << "**" << table.title << "**\n\n";
            auto row_line = [&](std::vector<std::string> const& cells) {
                out << '|';
                for (std::size_t i = 0; i < table.columns.size(); ++i)
                    out << ' ' << (i < cells.size() ? cells[i] : "") << " |";
                out << '\n';
            };
            row_line(table.columns);
            out << '|';
            for (std::size_t i = 0; i < table.columns.size(); ++i)
                out << (is_numeric(table, i) ? "---:|" : "---|");
            out << '\n';
            for (auto const& row : table.rows) {
                if (!row.empty()) row_line(row);
            }
            out << '\n';
        }
        for (auto const& note : section.footnotes)
            out << note << "\n\n";
    }
    auto const met =
        std::count_if(r.goals.begin(), r.goals.end(), [](goal const& g) { return g.met; });
    out << "Goals: " << met << " of " << r.goals.size() << " met" << busy_caveat(r.run) << ".\n";
    for (auto const& g : r.goals) {
        if (!g.met)
            out << "- missed: " << g.name << ": " << format_number(g.measured) << " > "
                << format_number(g.limit) << '\n';
    }
}

boost::json::value to_json(report const& r) {
    boost::json::object sections;
    for (auto const& section : r.sections)
        sections[section.name] = section.data;
    boost::json::array goals;
    for (auto const& g : r.goals) {
        boost::json::object goal{
            {"name", g.name}, {"measured", g.measured}, {"limit", g.limit}, {"met", g.met}};
        if (!g.caveat.empty()) goal["caveat"] = g.caveat;
        goals.push_back(std::move(goal));
    }
    boost::json::object const run{{"mode", r.run.mode},
                                  {"directory", r.run.directory},
                                  {"started", r.run.started},
                                  {"cores", r.run.cores},
                                  {"kernel", r.run.kernel},
                                  {"filesystem", r.run.filesystem},
                                  {"scheduling", r.run.scheduling},
                                  {"load_average_before", r.run.load_before},
                                  {"load_average_after", r.run.load_after},
                                  {"busy", r.run.busy()},
                                  {"seconds", r.run.seconds}};
    return boost::json::object{
        {"run", run}, {"sections", std::move(sections)}, {"goals", std::move(goals)}};
}

void print_json(boost::json::value const& v, std::ostream& out) {
    std::string indent;
    print_indented(v, out, indent);
    out << '\n';
}

}  // namespace persist::bench
