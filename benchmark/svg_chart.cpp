// Drawing bar charts as SVG, by hand.
#include "svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace persist::bench {

namespace {

constexpr double page_width = 960;
constexpr double chart_header = 92;  // title, subtitle, legend
constexpr double plot_height = 300;
constexpr double axis_left = 78;    // room for the y label and tick labels
constexpr double axis_bottom = 44;  // room for the group labels
constexpr double panel_gap = 28;
constexpr double margin_right = 16;
constexpr char const* series_colors[] = {"#4e79a7", "#f28e2b", "#59a14f",
                                         "#b07aa1", "#76b7b2", "#edc948"};
constexpr std::size_t color_count = sizeof series_colors / sizeof series_colors[0];

std::string escaped(std::string const& text) {
    std::string out;
    for (char const c : text) {
        if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '&')
            out += "&amp;";
        else
            out += c;
    }
    return out;
}

std::string number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", v);
    return text;
}

std::string tick_label(double v) {
    char text[32];
    if (v >= 1000)
        std::snprintf(text, sizeof text, "%g ms", v / 1000);
    else
        std::snprintf(text, sizeof text, "%g µs", v);
    return text;
}

/// Maps values to y coordinates of a plot, on a log or linear scale.
struct y_scale {
    double low, high;  // the value range shown
    bool log;
    double top, bottom;  // pixel rows

    double operator()(double v) const {
        auto const f = [&](double x) { return log ? std::log10(std::max(x, 1e-12)) : x; };
        double const t = (f(std::clamp(v, low, high)) - f(low)) / (f(high) - f(low));
        return bottom - t * (bottom - top);
    }
};

/// Tick values: 1-2-5 per decade on a log scale, about six steps on a linear one.
std::vector<double> ticks_for(double low, double high, bool log) {
    std::vector<double> ticks;
    if (log) {
        for (double decade = std::pow(10, std::floor(std::log10(low))); decade <= high;
             decade *= 10) {
            for (double const m : {1.0, 2.0, 5.0}) {
                if (m * decade >= low * 0.999 && m * decade <= high * 1.001)
                    ticks.push_back(m * decade);
            }
        }
        return ticks;
    }
    double const step = std::pow(10, std::floor(std::log10((high - low) / 6)));
    for (double v = std::ceil(low / step) * step; v <= high; v += step)
        ticks.push_back(v);
    return ticks;
}

/// The 1-2-5 step nearest to v from below (down) or from above (up).
double round_125(double v, bool up) {
    double const decade = std::pow(10, std::floor(std::log10(v)));
    double const steps[] = {1, 2, 5, 10};
    if (up) {
        for (double const s : steps) {
            if (s * decade >= v) return s * decade;
        }
        return 10 * decade;
    }
    for (auto it = std::rbegin(steps); it != std::rend(steps); ++it) {
        if (*it * decade <= v) return *it * decade;
    }
    return decade;
}

/// The range shown: every bar, whisker and floor fits, with round ends.
std::pair<double, double> value_range(bar_chart const& chart) {
    double low = 1e300, high = 0;
    for (auto const& panel : chart.panels) {
        for (auto const& group : panel.groups) {
            for (auto const& bar : group.bars) {
                low = std::min(low, bar.value);
                high = std::max({high, bar.value, bar.high});
            }
            if (group.floor) {
                low = std::min(low, *group.floor);
                high = std::max(high, *group.floor);
            }
        }
    }
    if (high <= 0) return {1, 10};
    if (!chart.log_scale) return {0, high * 1.1};
    return {round_125(low * 0.6, false), round_125(high * 1.1, true)};
}

void draw_legend(bar_chart const& chart, double y, std::ostream& out) {
    double x = axis_left;
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        out << "<rect x='" << number(x) << "' y='" << number(y - 10)
            << "' width='14' height='12' fill='" << series_colors[i % color_count] << "'/>\n";
        out << "<text x='" << number(x + 19) << "' y='" << number(y) << "'>"
            << escaped(chart.series[i]) << "</text>\n";
        x += 34 + 7.5 * static_cast<double>(chart.series[i].size());
    }
    out << "<line x1='" << number(x) << "' y1='" << number(y - 4) << "' x2='" << number(x + 24)
        << "' y2='" << number(y - 4) << "' stroke='#111' stroke-width='2.5'/>\n";
    out << "<text x='" << number(x + 30) << "' y='" << number(y) << "'>"
        << escaped(chart.floor_meaning) << "</text>\n";
}

void draw_panel(chart_panel const& panel, std::size_t series_count, y_scale const& scale,
                double left, double width, bool y_labels, std::vector<double> const& ticks,
                std::ostream& out) {
    out << "<text x='" << number(left + width / 2) << "' y='" << number(scale.top - 8)
        << "' text-anchor='middle' font-weight='bold'>" << escaped(panel.title) << "</text>\n";
    for (double const t : ticks) {
        out << "<line x1='" << number(left) << "' y1='" << number(scale(t)) << "' x2='"
            << number(left + width) << "' y2='" << number(scale(t)) << "' stroke='#ddd'/>\n";
        if (y_labels) {
            out << "<text x='" << number(left - 6) << "' y='" << number(scale(t) + 4)
                << "' text-anchor='end'>" << escaped(tick_label(t)) << "</text>\n";
        }
    }
    out << "<line x1='" << number(left) << "' y1='" << number(scale.top) << "' x2='" << number(left)
        << "' y2='" << number(scale.bottom) << "' stroke='#333'/>\n";
    out << "<line x1='" << number(left) << "' y1='" << number(scale.bottom) << "' x2='"
        << number(left + width) << "' y2='" << number(scale.bottom) << "' stroke='#333'/>\n";

    double const group_width =
        width / static_cast<double>(std::max<std::size_t>(1, panel.groups.size()));
    double const bar_width =
        group_width * 0.7 / static_cast<double>(std::max<std::size_t>(1, series_count));
    for (std::size_t g = 0; g < panel.groups.size(); ++g) {
        auto const& group = panel.groups[g];
        double const group_left = left + group_width * static_cast<double>(g);
        double const bars_left = group_left + group_width * 0.15;
        for (std::size_t b = 0; b < group.bars.size(); ++b) {
            auto const& bar = group.bars[b];
            double const x = bars_left + bar_width * static_cast<double>(b);
            double const y = scale(bar.value);
            out << "<rect x='" << number(x + 1) << "' y='" << number(y) << "' width='"
                << number(bar_width - 2) << "' height='" << number(scale.bottom - y) << "' fill='"
                << series_colors[b % color_count] << "'><title>" << escaped(group.label) << ": p50 "
                << number(bar.value) << " µs, p99 " << number(bar.high) << " µs</title></rect>\n";
            double const cx = x + bar_width / 2;
            out << "<path d='M" << number(cx) << ' ' << number(y) << " V" << number(scale(bar.high))
                << " M" << number(cx - 4) << ' ' << number(scale(bar.high)) << " H"
                << number(cx + 4) << "' stroke='#333' fill='none'/>\n";
            if (!bar.label.empty()) {
                out << "<text x='" << number(cx) << "' y='" << number(scale.bottom - 6)
                    << "' text-anchor='middle' font-size='10' fill='white'>" << escaped(bar.label)
                    << "</text>\n";
            }
        }
        if (group.floor) {
            double const y = scale(*group.floor);
            out << "<line x1='" << number(bars_left - 6) << "' y1='" << number(y) << "' x2='"
                << number(bars_left + bar_width * static_cast<double>(group.bars.size()) + 6)
                << "' y2='" << number(y)
                << "' stroke='#111' stroke-width='2.5'><title>raw: " << number(*group.floor)
                << " µs</title></line>\n";
        }
        out << "<text x='" << number(group_left + group_width / 2) << "' y='"
            << number(scale.bottom + 18) << "' text-anchor='middle'>" << escaped(group.label)
            << "</text>\n";
    }
}

void draw_chart(bar_chart const& chart, double top, std::ostream& out) {
    out << "<text x='" << number(axis_left) << "' y='" << number(top + 24)
        << "' font-size='17' font-weight='bold'>" << escaped(chart.title) << "</text>\n";
    out << "<text x='" << number(axis_left) << "' y='" << number(top + 44) << "' fill='#555'>"
        << escaped(chart.subtitle) << "</text>\n";
    draw_legend(chart, top + 70, out);

    auto const [low, high] = value_range(chart);
    y_scale const scale{low, high, chart.log_scale, top + chart_header + 20,
                        top + chart_header + 20 + plot_height};
    auto const ticks = ticks_for(low, high, chart.log_scale);
    double const panels = static_cast<double>(std::max<std::size_t>(1, chart.panels.size()));
    double const panel_width =
        (page_width - axis_left - margin_right - panel_gap * (panels - 1)) / panels;
    for (std::size_t p = 0; p < chart.panels.size(); ++p) {
        double const left = axis_left + (panel_width + panel_gap) * static_cast<double>(p);
        draw_panel(chart.panels[p], chart.series.size(), scale, left, panel_width, p == 0, ticks,
                   out);
    }
    double const middle = (scale.top + scale.bottom) / 2;
    out << "<text transform='translate(16 " << number(middle)
        << ") rotate(-90)' text-anchor='middle'>" << escaped(chart.y_label) << "</text>\n";
}

double chart_height() { return chart_header + 20 + plot_height + axis_bottom; }

}  // namespace

void write_svg(std::vector<bar_chart> const& charts, std::ostream& out) {
    double const height =
        chart_height() * static_cast<double>(std::max<std::size_t>(1, charts.size()));
    out << "<?xml version='1.0' encoding='UTF-8'?>\n"
        << "<svg xmlns='http://www.w3.org/2000/svg' width='" << number(page_width) << "' height='"
        << number(height) << "' viewBox='0 0 " << number(page_width) << ' ' << number(height)
        << "' font-family='Helvetica, Arial, sans-serif' font-size='13'>\n"
        << "<rect width='100%' height='100%' fill='white'/>\n";
    for (std::size_t i = 0; i < charts.size(); ++i)
        draw_chart(charts[i], chart_height() * static_cast<double>(i), out);
    out << "</svg>\n";
}

}  // namespace persist::bench
