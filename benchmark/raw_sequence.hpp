// The raw floor: each durability tier's syscall sequence, written directly
// against the OS with no library, to measure what persist adds on top.
#ifndef PERSIST_BENCH_RAW_SEQUENCE_HPP
#define PERSIST_BENCH_RAW_SEQUENCE_HPP

#include <persist/durability/data_sync.hpp>
#include <persist/durability/file_sync.hpp>
#include <persist/durability/full_sync.hpp>
#include <persist/durability/no_sync.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace persist::bench {

/// The system calls of one tier's replace, the least a careful programmer
/// writes by hand:
///
///     open(temp, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0666)
///     write(all bytes)
///     [fdatasync | fsync]
///     close
///     rename(temp, target)
///     [open(dir, O_RDONLY|O_DIRECTORY) + fsync(dir) + close]
struct raw_sequence {
    enum class file_sync { none, fdatasync, fsync };

    file_sync sync_temp = file_sync::none;
    bool sync_directory = false;

    int syncs_per_op() const {
        return (sync_temp == file_sync::none ? 0 : 1) + (sync_directory ? 1 : 0);
    }
};

/// The raw sequence that does what Durability does.
template <class Durability>
constexpr raw_sequence raw_sequence_of();
template <>
constexpr raw_sequence raw_sequence_of<no_sync>() {
    return {raw_sequence::file_sync::none, false};
}
template <>
constexpr raw_sequence raw_sequence_of<data_sync>() {
    return {raw_sequence::file_sync::fdatasync, false};
}
template <>
constexpr raw_sequence raw_sequence_of<file_sync>() {
    return {raw_sequence::file_sync::fsync, false};
}
template <>
constexpr raw_sequence raw_sequence_of<full_sync>() {
    return {raw_sequence::file_sync::fsync, true};
}

/// Replaces one target, over and over, with the raw sequence. The temp file is
/// a fixed sibling name: no randomness, no stat of the target, no chmod.
///
/// Errors: a failed system call throws std::system_error naming the call and
/// the path; the benchmark stops there.
/// Thread safety: none; one replacer per thread.
class raw_replacer {
public:
    raw_replacer(raw_sequence sequence, std::filesystem::path target, std::string_view payload);

    void replace() const;

private:
    raw_sequence sequence_;
    std::string target_;
    std::string temp_;
    std::string directory_;
    std::string_view payload_;
};

}  // namespace persist::bench

#endif
