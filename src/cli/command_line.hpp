// The `persist` command's argument parsing and exit conventions.
#ifndef PERSIST_CLI_COMMAND_LINE_HPP
#define PERSIST_CLI_COMMAND_LINE_HPP

#include <persist/error.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace persist::cli {

/// Exit codes, the same for every subcommand.
enum exit_code : int {
    exit_success = 0,  ///< the operation succeeded
    exit_failure = 1,  ///< it failed: I/O error, corrupt data, lock, missing key
    exit_usage = 2,    ///< the command line or the input was invalid
};

/// Thrown for a malformed command line; main() prints it and exits 2.
struct usage_error {
    std::string message;
};

/// The words after the subcommand: `--name value`, `--name=value`, `--flag`,
/// and positional words (everything after `--` is positional).
class arguments {
public:
    /// REQUIRES: value_options and flags name options without the dashes.
    arguments(std::span<char const* const> words, std::vector<std::string_view> value_options,
              std::vector<std::string_view> flags);

    std::optional<std::string> value(std::string_view name) const;
    bool flag(std::string_view name) const;
    std::vector<std::string> const& positional() const noexcept { return positional_; }

    /// The positional words, exactly `count` of them, or a usage_error that
    /// names what is missing or extra, e.g. "expects FILE".
    std::vector<std::string> expect(std::size_t count, std::string_view what) const;

private:
    std::vector<std::pair<std::string, std::string>> values_;
    std::vector<std::string> flags_;
    std::vector<std::string> positional_;
};

/// Prints "persist: <message>" on stderr.
void print_error(std::string_view message);

/// Prints the error and returns the exit code its stage calls for:
/// exit_usage for a rejected input (stage::validate, errc::invalid_input),
/// exit_failure for everything else.
int report(error const& e);

/// All of standard input. Errors: stage::read on "<stdin>".
result<std::string> read_standard_input();

/// Parses an octal file mode such as "600" or "0644" (at most 07777).
mode_t parse_mode(std::string_view text);

}  // namespace persist::cli

#endif
