// persist: atomic writes, JSONL logs, settings and state from the shell.
#include "commands.hpp"

#include <cstring>
#include <iostream>

namespace persist::cli {
namespace {

struct subcommand {
    std::string_view name;
    std::string_view usage;
    std::string_view summary;
    int (*run)(std::span<char const* const>);
};

constexpr subcommand subcommands[] = {
    {"write",
     "persist write [--durability none|data|file|full] [--temp sibling|anonymous|tmpdir] "
     "[--temp-dir DIR]\n"
     "              [--mode OCTAL] [--backup] [--no-follow] FILE",
     "Replace FILE with standard input, all or nothing.\n"
     "  --durability  when data is forced to disk (default full: fsync, rename, fsync directory)\n"
     "  --temp        where the temporary file lives (default sibling, next to FILE)\n"
     "  --temp-dir    the directory for --temp tmpdir (default $TMPDIR or /tmp); implies it\n"
     "  --mode        the file's mode, new or existing (default: keep, or 0666 & ~umask)\n"
     "  --backup      keep the previous content as FILE.bak\n"
     "  --no-follow   if FILE is a symlink, replace the link instead of the file it names",
     write_command},
    {"append", "persist append [--durability none|data|file|full] LOG",
     "Append every non-empty line of standard input to LOG as one batch. Each line must be one "
     "JSON\n"
     "value; all are checked first, and one bad line appends nothing (exit 2). Opening LOG repairs "
     "a\n"
     "torn tail first and says so on stderr.",
     append_command},
    {"read", "persist read [--lenient] LOG",
     "Print every complete record of LOG as compact JSON, one per line; change nothing. A torn "
     "tail\n"
     "is reported on stderr. A corrupt record in the middle exits 1, naming its line; with "
     "--lenient\n"
     "it is reported on stderr and skipped.",
     read_command},
    {"repair", "persist repair [--durability none|data|file|full] LOG",
     "Run LOG's recovery: quarantine a torn tail, add a missing final newline, report corrupt "
     "lines,\n"
     "and remove stale temp files of dead processes from LOG's directory. Says what it did.",
     repair_command},
    {"settings",
     "persist settings [--global FILE] [--local FILE] get [POINTER]\n"
     "  persist settings [--global FILE] [--local FILE] set|add global|local POINTER JSON\n"
     "  persist settings [--global FILE] [--local FILE] erase global|local POINTER",
     "Scoped JSON settings. get prints the merged view (local over global), or the value at "
     "POINTER\n"
     "(RFC 6901); a missing key exits 1. set merges one key; add appends to an array unless "
     "present;\n"
     "erase removes a key. Defaults: --global "
     "${XDG_CONFIG_HOME:-$HOME/.config}/persist/settings.json,\n"
     "--local ./.persist/settings.json. Writers take FILE.lock, so concurrent updates are not "
     "lost.",
     settings_command},
    {"state", "persist state FILE get [POINTER]\n  persist state FILE set POINTER JSON",
     "A state file of free-form JSON ({\"version\", \"last_updated\", \"state\"}). get prints the "
     "state\n"
     "or the value at POINTER; set changes one key under FILE.lock. A corrupt file is quarantined, "
     "never\n"
     "deleted, and any recovery is reported on stderr as 'persist: ' lines.",
     state_command},
};

constexpr std::string_view version = "persist 0.1.0";

void print_help(std::ostream& out) {
    out << "persist: crash-safe files from the shell\n\nUsage:\n";
    for (auto const& s : subcommands)
        out << "  " << s.usage << "\n";
    out << "  persist --version | --help | SUBCOMMAND --help\n\n"
           "Exit status: 0 success, 1 the operation failed, 2 usage error or invalid input.\n";
}

int run(int argc, char const* const* argv) {
    if (argc < 2) {
        print_help(std::cerr);
        return exit_usage;
    }
    std::string_view const first = argv[1];
    if (first == "--help" || first == "-h" || first == "help") {
        print_help(std::cout);
        return exit_success;
    }
    if (first == "--version") {
        std::cout << version << "\n";
        return exit_success;
    }
    for (auto const& s : subcommands) {
        if (s.name != first) continue;
        std::span<char const* const> const words(argv + 2, static_cast<std::size_t>(argc - 2));
        if (!words.empty() &&
            (std::strcmp(words[0], "--help") == 0 || std::strcmp(words[0], "-h") == 0)) {
            std::cout << "Usage: " << s.usage << "\n\n" << s.summary << "\n";
            return exit_success;
        }
        try {
            return s.run(words);
        } catch (usage_error const& e) {
            print_error(std::string(s.name) + ": " + e.message);
            std::cerr << "Usage: " << s.usage << "\n";
            return exit_usage;
        }
    }
    print_error("unknown subcommand '" + std::string(first) + "' (see persist --help)");
    return exit_usage;
}

}  // namespace
}  // namespace persist::cli

int main(int argc, char** argv) {
    try {
        return persist::cli::run(argc, argv);
    } catch (std::exception const& e) {
        persist::cli::print_error(e.what());
        return persist::cli::exit_failure;
    }
}
