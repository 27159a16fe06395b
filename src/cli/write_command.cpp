// persist write: replace a file with standard input, all or nothing.
#include "commands.hpp"
#include "tiers.hpp"

#include <persist/persist.hpp>

#include <cerrno>
#include <cstdio>

namespace persist::cli {
namespace {

constexpr std::string_view naming_names[] = {"sibling", "anonymous", "tmpdir"};

// Streams standard input into the temp file; a read error aborts the replace.
std::error_code copy_standard_input(sink& out) {
    char buffer[64 * 1024];
    for (;;) {
        std::size_t const got = std::fread(buffer, 1, sizeof buffer, stdin);
        out.write(std::string_view(buffer, got));
        if (got < sizeof buffer) break;
    }
    return std::ferror(stdin) ? errno_code(errno) : std::error_code();
}

template <class Durability, class Naming>
int write_with(std::filesystem::path const& file, atomic_file_options const& options,
               Naming naming) {
    atomic_file<posix_fs, Durability, Naming> af(posix_fs{}, options, std::move(naming));
    if (auto written = af.replace_with(file, copy_standard_input); !written)
        return report(written.error());
    return exit_success;
}

}  // namespace

int write_command(std::span<char const* const> words) {
    arguments const args(words, {"durability", "temp", "temp-dir", "mode"},
                         {"backup", "no-follow"});
    std::filesystem::path const file = args.expect(1, "FILE")[0];
    // --temp-dir alone implies --temp tmpdir.
    std::size_t const naming = choose(
        args.value("temp"), args.value("temp-dir") ? "tmpdir" : "sibling", naming_names, "temp");
    if (args.value("temp-dir") && naming != 2)
        throw usage_error{"--temp-dir goes with --temp tmpdir"};

    atomic_file_options options;
    options.keep_backup = args.flag("backup");
    options.symlinks = args.flag("no-follow") ? symlink_mode::replace : symlink_mode::follow;
    if (auto const mode = args.value("mode")) {
        options.new_file_mode = parse_mode(*mode);
        options.keep_mode = false;  // an explicit mode applies to an existing file too
    }
    return with_tier(args, [&]<class durability>() {
        switch (naming) {
            case 0: return write_with<durability>(file, options, sibling_temp{});
            case 1: return write_with<durability>(file, options, anonymous_temp{});
            default: {
                auto const dir = args.value("temp-dir");
                return write_with<durability>(file, options, dir ? temp_dir(*dir) : temp_dir());
            }
        }
    });
}

}  // namespace persist::cli
