// The command line of persist-bench.
#ifndef PERSIST_BENCH_OPTIONS_HPP
#define PERSIST_BENCH_OPTIONS_HPP

#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace persist::bench {

struct options {
    bool help = false;
    bool quick = false;
    std::optional<std::filesystem::path> directory;  ///< --dir: where to measure
    std::optional<std::filesystem::path> json_file;
    std::optional<std::filesystem::path> svg_file;
    std::optional<std::filesystem::path> markdown_file;
    std::vector<std::string> sections;  ///< --section: empty means all
};

/// A command line that cannot be run; what() says why, for the user.
struct options_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Parses argv[1..]. Accepts "--opt VALUE" and "--opt=VALUE".
/// Errors: throws options_error for an unknown option, a missing or empty
/// value, a stray argument, or a --section not in known_sections.
options parse_options(std::span<char const* const> arguments,
                      std::span<std::string_view const> known_sections);

/// The --help text; `sections` lines list each section with its summary.
std::string usage(std::span<std::string const> sections);

}  // namespace persist::bench

#endif
