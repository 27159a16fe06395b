// Which version of a file a store last saw, and when an equal stat(2)
// proves that the file still holds it: git's "racy clean" rule.
#ifndef PERSIST_STORE_DETAIL_FILE_IDENTITY_HPP
#define PERSIST_STORE_DETAIL_FILE_IDENTITY_HPP

#include <persist/fs/fs_policy.hpp>

#include <chrono>
#include <cstdint>

namespace persist::detail {

/// How much older than the moment it is read a version of a file must be
/// for an equal stat(2) later to prove it unchanged: above every common
/// filesystem's mtime granularity (FAT's is 2 s).
inline constexpr std::chrono::nanoseconds racy_window = std::chrono::seconds(3);

/// A version of a file, as stat(2) tells it from others: device, inode,
/// size and mtime (ns).
struct file_identity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t modified_ns = 0;
    friend bool operator==(file_identity const&, file_identity const&) = default;
};

inline file_identity identity_of(file_status const& s) noexcept {
    return {s.device, s.inode, s.size, s.modified_ns};
}

/// Whether the version with status s, read at read_at (system_clock time
/// since the epoch, taken before the read began), is settled: its mtime is
/// at least racy_window older than read_at, so a later equal identity
/// proves that the file still holds the bytes read.
///
/// A version that is not settled ("racily clean", in git's words) proves
/// nothing by its identity: within the filesystem's timestamp granularity
/// (a scheduler tick on Linux, a second or two elsewhere) a later change
/// can keep the mtime, and written in place it keeps the inode and can keep
/// the size; a replaced file's inode number is free for the next one. Once
/// the mtime's tick is over, any change stamps a later mtime. Not proof
/// against a writer that sets the mtime back, nor a clock that stamps
/// mtimes (a network filesystem's server) more than racy_window behind
/// this machine's.
inline bool is_settled(file_status const& s, std::chrono::nanoseconds read_at) noexcept {
    return read_at - std::chrono::nanoseconds(s.modified_ns) >= racy_window;
}

}  // namespace persist::detail

#endif
