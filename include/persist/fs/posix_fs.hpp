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

    using path = std::filesystem::path;

    // Every operation of PERSIST_FS_OPERATIONS (fs_policy.hpp). lock() takes
    // flock(2) on the file it opens (creating it 0600, never through a link).
    PERSIST_FS_OPERATIONS(PERSIST_FS_DECLARE_OPERATION)
    PERSIST_FS_SHORT_CALLS(PERSIST_FS_DEFINE_SHORT_CALL)
    /// The process umask, read without changing it (from /proc/self/status).
    PERSIST_DECL mode_t umask();
};

static_assert(fs_policy<posix_fs>);

}  // namespace persist

#if defined(PERSIST_HEADER_ONLY)
#include <persist/fs/impl/posix_fs.ipp>
#endif

#endif
