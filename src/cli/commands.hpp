// The subcommands of `persist`; each takes the words after its name and
// returns an exit code (see command_line.hpp).
#ifndef PERSIST_CLI_COMMANDS_HPP
#define PERSIST_CLI_COMMANDS_HPP

#include "command_line.hpp"

#include <boost/json/value.hpp>

namespace persist::cli {

int write_command(std::span<char const* const> words);
int append_command(std::span<char const* const> words);
int read_command(std::span<char const* const> words);
int repair_command(std::span<char const* const> words);
int settings_command(std::span<char const* const> words);
int state_command(std::span<char const* const> words);

/// Parses a JSON argument; a usage_error names it if it is not one value.
boost::json::value parse_json_argument(std::string const& text);

/// Prints v pretty (format_json) on stdout, or reports the error.
int print_json(result<boost::json::value> const& v);

}  // namespace persist::cli

#endif
