// The advisory lock the stores hold around a read-modify-write.
#ifndef PERSIST_STORE_DETAIL_FILE_LOCK_HPP
#define PERSIST_STORE_DETAIL_FILE_LOCK_HPP

#include <persist/detail/owned_name.hpp>
#include <persist/detail/path_text.hpp>
#include <persist/detail/unique_handle.hpp>

namespace persist::detail {

/// Blocks until this handle holds the exclusive advisory lock on
/// `<file>.lock`; the lock is released when the returned handle is closed
/// or destroyed. The lock file is created (mode 0600) if it is missing, and
/// never through a symbolic link (fs_policy 9). REQUIRES: file's directory
/// exists.
/// Errors: stage::lock, with the lock file as other_path: ELOOP (a symbolic
/// link at the lock's name), EISDIR, errc::not_regular_file (a FIFO, device
/// or socket there), each with a detail that says what was found; or the
/// cause of the failed open or flock.
template <class Fs>
result<unique_handle<Fs>> lock_file(Fs& fs, std::filesystem::path const& file) {
    auto const lock = lock_path_of(file);
    auto locked = fs.lock(lock);
    if (!locked)
        return error(stage::lock, locked.error(), file, lock, what_is_at(fs, lock, "lock file"));
    return unique_handle<Fs>(fs, *locked);
}

}  // namespace persist::detail

#endif
