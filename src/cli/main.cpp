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
     "persist write [--durability none|data|file|full] [--temp sibling|anonymous|tmpdir] [--temp-dir DIR]\n"
     "              [--mode OCTAL] [--backup] [--no-follow] FILE",
     "Replace FILE with standard input, all or nothing.\n"
     "  --durability  when data is forced to disk (default full: fsync, rename, fsync directory)\n"
     "  --temp        where the temporary file lives (default sibling, next to FILE)\n"
     "  --temp-dir    the directory for --temp tmpdir (default $TMPDIR or /tmp); implies it\n"
     "  --mode        the file's mode, new or existing (default: keep, or 0666 & ~umask)\n"
     "  --backup      keep the previous content as FILE.bak\n"
     "  --no-follow   if FILE is a symlink, replace the link instead of the file it names",
     write_command},
};

constexpr std::string_view version = "persist 0.1.0";

void print_help(std::ostream& out) {
    out << "persist: crash-safe files from the shell\n\nUsage:\n";
    for (auto const& s : subcommands) out << "  " << s.usage << "\n";
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
        if (!words.empty() && (std::strcmp(words[0], "--help") == 0 || std::strcmp(words[0], "-h") == 0)) {
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
