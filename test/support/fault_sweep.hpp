// The fault sweep of atomic_file::replace: fail every call of a replace,
// one at a time, with every relevant errno, and check what is left.
//
// For each call index N of a successful dry run, and each errno in EIO,
// ENOSPC, EACCES, EDQUOT, EROFS (and EXDEV when call N is a rename), a
// fresh memory_fs runs the same replace with call N failing. Then:
//  - the result is an error with the stage of that call, its errno, and
//    the target as path();
//  - the target is intact in the live view (content and mode, or still
//    missing), and no temp file is left, in its directory or in /tmp;
//  - except after the rename: a failed directory sync reports
//    stage::sync_directory with the new content in place;
//  - and except where the design recovers: temp_dir turns EXDEV at the
//    rename into a copy (so the replace succeeds), and then the copy path
//    is swept the same way.
// The sweep logic is not a template; only the replace function is.
#ifndef PERSIST_TEST_SUPPORT_FAULT_SWEEP_HPP
#define PERSIST_TEST_SUPPORT_FAULT_SWEEP_HPP

#include <persist/atomic_file.hpp>
#include <persist/naming/temp_dir.hpp>
#include <persist/testing/fault_fs.hpp>
#include <persist/testing/memory_fs.hpp>

#include <functional>
#include <optional>
#include <string>
#include <type_traits>

namespace persist::test {

using faulty_fs = fault_fs<memory_fs>;

/// Replaces target's content on fs with some policy combination.
using faulty_replace =
    std::function<result<void>(faulty_fs& fs, atomic_file_options const& options,
                               std::filesystem::path const& target, std::string const& content)>;

/// replace() through atomic_file<faulty_fs, Durability, Naming>; temp_dir
/// uses /tmp on the same memory_fs.
template <class Durability, class Naming>
faulty_replace faulty_replace_with_policies() {
    return [](faulty_fs& fs, atomic_file_options const& options,
              std::filesystem::path const& target, std::string const& content) {
        Naming naming = [] {
            if constexpr (std::is_same_v<Naming, temp_dir>)
                return temp_dir("/tmp");
            else
                return Naming{};
        }();
        return atomic_file<faulty_fs, Durability, Naming>(fs, options, naming)
            .replace(target, content);
    };
}

/// What one sweep replaces, starting from what.
struct sweep_case {
    std::string name;
    std::filesystem::path target;
    std::optional<std::string> before;  ///< the target's content before; empty: it does not exist
    atomic_file_options options;
};

/// A replace over an existing 0644 file.
sweep_case existing_file();
/// A replace of a new file whose two parent directories are missing.
sweep_case new_file_in_new_parents();
/// A replace over an existing file that keeps a .bak.
sweep_case existing_file_with_backup();

struct sweep_report {
    std::size_t calls = 0;  ///< calls of the dry run (and of the copy path)
    std::size_t runs = 0;   ///< faulted replaces checked
};

/// Runs the sweep described at the top of this file, with Boost.Test
/// assertions. `copies_across_devices`: the naming is temp_dir.
sweep_report sweep_faults(std::string_view combination, faulty_replace const& replace,
                          sweep_case const& c, bool copies_across_devices);

}  // namespace persist::test

#endif
