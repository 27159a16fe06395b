// posix_fs: the Fs model that makes the real system calls.
#ifndef PERSIST_FS_POSIX_FS_HPP
#define PERSIST_FS_POSIX_FS_HPP

#include <persist/fs/fs_policy.hpp>

namespace persist {

/// The real filesystem, through POSIX system calls (and Linux's O_TMPFILE,
/// linkat(AT_EMPTY_PATH) and flock where available).
///
/// - Every call is retried on EINTR; write() loops over short writes.
/// - A failed fsync/fdatasync is returned as is and never retried: Linux may
///   already have dropped the dirty pages (PostgreSQL's "fsyncgate", 2018).
/// - All descriptors are opened with O_CLOEXEC.
/// - sync_full uses F_FULLFSYNC on macOS, where fsync does not flush the
///   drive's cache.
///
/// Thread safety: stateless; any number of threads may use it at once.
class posix_fs {
public:
    struct handle {
        int fd = -1;
        friend bool operator==(handle, handle) = default;
    };

    PERSIST_DECL io_result<handle> open_read(std::filesystem::path const& p,
                                             name_owner owner = name_owner::caller);
    PERSIST_DECL io_result<handle> create_exclusive(std::filesystem::path const& p, mode_t mode);
    PERSIST_DECL io_result<handle> create_anonymous(std::filesystem::path const& dir, mode_t mode);
    PERSIST_DECL io_result<handle> open_append(std::filesystem::path const& p, mode_t mode,
                                               name_owner owner = name_owner::caller);
    PERSIST_DECL io_result<void> write(handle h, std::span<std::byte const> bytes);
    PERSIST_DECL io_result<std::size_t> read(handle h, std::span<std::byte> buffer);
    PERSIST_DECL io_result<void> truncate(handle h, std::uint64_t size);
    PERSIST_DECL io_result<void> sync_data(handle h);
    PERSIST_DECL io_result<void> sync_full(handle h);
    PERSIST_DECL io_result<void> close(handle h);
    PERSIST_DECL io_result<void> rename(std::filesystem::path const& from,
                                        std::filesystem::path const& to);
    PERSIST_DECL io_result<void> link_handle(handle h, std::filesystem::path const& p);
    PERSIST_DECL io_result<void> link(std::filesystem::path const& from,
                                      std::filesystem::path const& to);
    PERSIST_DECL io_result<void> unlink(std::filesystem::path const& p);
    PERSIST_DECL io_result<void> sync_directory(std::filesystem::path const& dir);
    PERSIST_DECL io_result<void> make_directory(std::filesystem::path const& p, mode_t mode);
    PERSIST_DECL io_result<file_status> stat(std::filesystem::path const& p);
    PERSIST_DECL io_result<file_status> lstat(std::filesystem::path const& p);
    PERSIST_DECL io_result<file_status> stat(handle h);
    PERSIST_DECL io_result<void> set_mode(handle h, mode_t mode);
    PERSIST_DECL io_result<void> set_owner(handle h, uid_t owner, gid_t group);
    PERSIST_DECL io_result<std::filesystem::path> read_symlink(std::filesystem::path const& p);
    PERSIST_DECL io_result<std::vector<std::string>> list_directory(
        std::filesystem::path const& dir);
    PERSIST_DECL io_result<handle> lock(std::filesystem::path const& p);
    /// The process umask, read without changing it (from /proc/self/status).
    PERSIST_DECL mode_t umask();
};

static_assert(fs_policy<posix_fs>);

}  // namespace persist

#if defined(PERSIST_HEADER_ONLY)
#include <persist/fs/impl/posix_fs.ipp>
#endif

#endif
