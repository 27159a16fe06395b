// The loops around system calls: retry on EINTR, write until every byte is
// out. posix_fs runs them around the real calls; fault_fs runs the same
// loops around simulated interruptions and short writes, so the tests prove
// the code that production uses.
#ifndef PERSIST_FS_DETAIL_RETRY_HPP
#define PERSIST_FS_DETAIL_RETRY_HPP

#include <persist/error.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdint>
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

/// Fills `buffer` through raw_read, which behaves like pread(2) at the
/// offset it is given: it returns how many bytes it read (0 at the end of
/// the file), or -1 with errno set. Interrupted calls are retried and short
/// reads continued from where they stopped, so fewer bytes than asked come
/// back only at the end of the file.
///
/// Errors: the errno of the first call that failed with anything but EINTR;
/// the bytes read before it are then not reported.
template <class RawRead>
io_result<std::size_t> read_all_at(RawRead raw_read, std::uint64_t offset,
                                   std::span<std::byte> buffer) {
    std::size_t done = 0;
    while (done < buffer.size()) {
        auto const n = retry_eintr([&] { return raw_read(offset + done, buffer.subspan(done)); });
        if (n == -1) return errno_code(errno);
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    return done;
}

}  // namespace persist::detail

#endif
