// The subcommands of `persist`; each takes the words after its name and
// returns an exit code (see command_line.hpp).
#ifndef PERSIST_CLI_COMMANDS_HPP
#define PERSIST_CLI_COMMANDS_HPP

#include "command_line.hpp"

namespace persist::cli {

int write_command(std::span<char const* const> words);

}  // namespace persist::cli

#endif
