// Where a tail check of a JSON Lines log begins: found by reading the log
// backwards from its end, a block at a time, only as far as a line start.
#ifndef PERSIST_STORE_DETAIL_JSONL_TAIL_HPP
#define PERSIST_STORE_DETAIL_JSONL_TAIL_HPP

#include <persist/fs/fs_policy.hpp>

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace persist::detail {

/// Where jsonl_open_check::tail begins on a file of `size` bytes: 0 if
/// size <= block; else the start of the first line that begins in the last
/// `block` bytes, or, if none does, the start of the last line. Reads
/// through read_at on `file`: block + 1 bytes when a line begins in the
/// last block, and then backwards a block at a time to the last line's
/// start, so a last line of any length is found whole.
/// REQUIRES: block > 0; `file` is open for reading on a file of `size`
/// bytes that no cooperating process changes meanwhile.
/// Errors: read_at's.
template <class Fs>
io_result<std::uint64_t> tail_check_start(Fs& fs, typename Fs::handle file, std::uint64_t size,
                                          std::size_t block) {
    if (size <= block) return std::uint64_t{0};
    std::vector<char> buffer(block + 1);
    auto read = [&](std::uint64_t from, std::size_t count) {
        return fs.read_at(file, from, std::as_writable_bytes(std::span(buffer.data(), count)));
    };
    // A line begins in the last block if a '\n' sits in [size - block - 1,
    // size - 1): the one at size - 1, if any, ends the last line.
    std::uint64_t end = size - block - 1;
    auto got = read(end, block + 1);
    if (!got) return got.error();
    if (*got > 1) {
        auto const* first = static_cast<char const*>(std::memchr(buffer.data(), '\n', *got - 1));
        if (first != nullptr) return end + static_cast<std::uint64_t>(first - buffer.data()) + 1;
    }
    // The last line began before the last block: find its start.
    while (end > 0) {
        auto const from = end > block ? end - block : 0;
        auto piece = read(from, static_cast<std::size_t>(end - from));
        if (!piece) return piece.error();
        for (auto i = *piece; i > 0; --i) {
            if (buffer[i - 1] == '\n') return from + i;
        }
        end = from;
    }
    return std::uint64_t{0};
}

}  // namespace persist::detail

#endif
