// Creates the missing directories above a file, durably per tier.
#ifndef PERSIST_DETAIL_CREATE_PARENTS_HPP
#define PERSIST_DETAIL_CREATE_PARENTS_HPP

#include <persist/detail/path_text.hpp>
#include <persist/error.hpp>
#include <persist/fs/fs_policy.hpp>

#include <filesystem>
#include <vector>

namespace persist::detail {

/// Makes sure `dir` exists as a directory, creating what is missing (mode
/// 0777 masked by the umask). Under a tier that syncs directories, each new
/// directory's parent is synced after it is created, so the new chain of
/// names survives a power cut.
///
/// Errors (reported against `target`, the file the caller works on):
/// stage::validate with ENOTDIR if an existing ancestor is not a directory;
/// stage::create_directory with the failed call's cause. Directories created
/// before a failure are left in place (they are harmless and may be shared).
template <class Durability, class Fs>
result<void> create_parents(Fs& fs, std::filesystem::path const& target,
                            std::filesystem::path const& dir) {
    std::vector<std::filesystem::path> missing;
    for (auto d = dir;; d = directory_of(d)) {
        auto status = fs.stat(d);
        if (status) {
            if (status->kind != file_kind::directory) {
                return error(stage::validate, std::make_error_code(std::errc::not_a_directory),
                             target, d, "a parent of the target is not a directory");
            }
            break;
        }
        if (status.error() != std::errc::no_such_file_or_directory || d == directory_of(d)) {
            return error(stage::create_directory, status.error(), target, d);
        }
        missing.push_back(d);
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (auto made = fs.make_directory(*it, 0777);
            !made && made.error() != std::errc::file_exists) {
            return error(stage::create_directory, made.error(), target, *it);
        }
        auto const parent = directory_of(*it);
        if (auto synced = Durability::sync_directory(fs, parent); !synced) {
            return error(stage::create_directory, synced.error(), target, parent,
                         "cannot sync the new directory's parent");
        }
    }
    return {};
}

}  // namespace persist::detail

#endif
