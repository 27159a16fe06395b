// The loops around system calls: retry on EINTR, write until every byte is
// out. posix_fs runs them around the real calls; fault_fs runs the same
// loops around simulated interruptions and short writes, so the tests prove
// the code that production uses.
#ifndef PERSIST_FS_DETAIL_RETRY_HPP
#define PERSIST_FS_DETAIL_RETRY_HPP

#include <persist/error.hpp>

#include <cerrno>
#include <cstddef>
#include <span>

namespace persist::detail {

/// Calls f until it stops failing with EINTR. f behaves like a system call:
/// it returns -1 and sets errno when it fails.
///
/// Never wrap fsync, fdatasync or close in it: after an interrupted sync the
/// kernel may have dropped the dirty pages, and on Linux an interrupted
/// close has already released the descriptor.
template <class F>
auto retry_eintr(F f) {
    for (;;) {
        auto const r = f();
        if (r != -1 || errno != EINTR) return r;
    }
}

/// Writes every byte of `bytes` through raw_write, which behaves like
/// write(2): given a non-empty span it returns how many bytes it wrote (as
/// few as one), or -1 with errno set. Interrupted calls are retried and
/// short writes continued from where they stopped.
///
/// Errors: the errno of the first call that failed with anything but EINTR,
/// or EIO if a call wrote nothing (no progress is possible). A prefix of
/// `bytes` may have been written.
template <class RawWrite>
io_result<void> write_all(RawWrite raw_write, std::span<std::byte const> bytes) {
    while (!bytes.empty()) {
        auto const n = retry_eintr([&] { return raw_write(bytes); });
        if (n == -1) return errno_code(errno);
        if (n == 0) return errno_code(EIO);
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
    return {};
}

}  // namespace persist::detail

#endif
