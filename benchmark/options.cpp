// Parsing the command line of persist-bench.
#include "options.hpp"

#include <algorithm>

namespace persist::bench {

namespace {

/// Splits "--name=value" into its parts; a plain "--name" has no value.
std::pair<std::string_view, std::optional<std::string_view>> split_option(
    std::string_view argument) {
    auto const equals = argument.find('=');
    if (equals == std::string_view::npos) return {argument, std::nullopt};
    return {argument.substr(0, equals), argument.substr(equals + 1)};
}

}  // namespace

options parse_options(std::span<char const* const> arguments,
                      std::span<std::string_view const> known_sections) {
    options parsed;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        auto const [name, inline_value] = split_option(arguments[i]);
        auto value = [&, name = name, inline_value = inline_value]() -> std::string {
            if (inline_value) {
                if (inline_value->empty())
                    throw options_error("option '" + std::string(name) + "' needs a value");
                return std::string(*inline_value);
            }
            if (i + 1 >= arguments.size() || std::string_view(arguments[i + 1]).empty()) {
                throw options_error("option '" + std::string(name) + "' needs a value");
            }
            return arguments[++i];
        };
        auto flag = [&, name = name, inline_value = inline_value] {
            if (inline_value)
                throw options_error("option '" + std::string(name) + "' takes no value");
            return true;
        };
        if (name == "--help" || name == "-h")
            parsed.help = flag();
        else if (name == "--quick")
            parsed.quick = flag();
        else if (name == "--dir")
            parsed.directory = value();
        else if (name == "--json")
            parsed.json_file = value();
        else if (name == "--svg")
            parsed.svg_file = value();
        else if (name == "--markdown")
            parsed.markdown_file = value();
        else if (name == "--section") {
            auto section = value();
            if (std::find(known_sections.begin(), known_sections.end(), section) ==
                known_sections.end()) {
                throw options_error("unknown section '" + section + "'");
            }
            parsed.sections.push_back(std::move(section));
        } else if (name.starts_with("-")) {
            throw options_error("unknown option '" + std::string(name) + "'");
        } else {
            throw options_error("unexpected argument '" + std::string(arguments[i]) + "'");
        }
    }
    return parsed;
}

std::string usage(std::span<std::string const> sections) {
    std::string text =
        "usage: persist-bench [--quick] [--dir DIR] [--json FILE] [--svg FILE] [--markdown FILE]\n"
        "                     [--section NAME]...\n"
        "\n"
        "Measures what each durability tier of persist costs, against the raw system\n"
        "calls of the same tier, and what each tier survives.\n"
        "\n"
        "  --quick           a short run (under a minute); the default is the full run\n"
        "                    (under ten minutes), with more rounds and longer batches\n"
        "  --dir DIR         measure the disk that holds DIR: the benchmark works in a\n"
        "                    fresh subdirectory of DIR and removes it at the end\n"
        "                    (default: the system temp directory)\n"
        "  --json FILE       write every figure and the goal checks as JSON\n"
        "  --svg FILE        write a chart of the latency per tier and naming policy\n"
        "  --markdown FILE   write the tables as GitHub markdown\n"
        "  --section NAME    run only this section (may be repeated)\n"
        "  -h, --help        show this help\n"
        "\n"
        "The tables go to stdout; while it runs, a progress line goes to stderr if\n"
        "stderr is a terminal. Exit status: 0 after a run (goals are reported, not\n"
        "enforced), 1 if a measurement failed, 2 for a bad command line, 130 after\n"
        "Ctrl-C.\n"
        "\n"
        "sections:\n";
    for (auto const& line : sections)
        text += "  " + line + "\n";
    return text;
}

}  // namespace persist::bench
