// counting_fs: an Fs decorator that records every call.
#ifndef PERSIST_TESTING_COUNTING_FS_HPP
#define PERSIST_TESTING_COUNTING_FS_HPP

#include <persist/fs/fs_decorator.hpp>
#include <persist/fs/posix_fs.hpp>

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace persist {

/// Forwards every call to Inner and records it: how many of each operation,
/// in which order, and how many bytes read and read_at returned. Tests use it to prove what a
/// durability tier really does (an fsync before the rename, a directory fsync after it); callers
/// can use it to audit their own I/O.
///
/// Copies share one record, like copies of any Fs share one filesystem.
/// Thread safety: any number of threads may call it and read the record.
template <fs_policy Inner = posix_fs>
class counting_fs : public fs_decorator<counting_fs<Inner>, Inner> {
    using base = fs_decorator<counting_fs<Inner>, Inner>;

public:
    using handle = typename Inner::handle;

    explicit counting_fs(Inner inner = Inner{})
        : base(std::move(inner)), record_(std::make_shared<record>()) {}

    io_result<std::size_t> read(handle h, std::span<std::byte> buffer) {
        return counted(base::read(h, buffer));
    }
    io_result<std::size_t> read_at(handle h, std::uint64_t offset, std::span<std::byte> buffer) {
        return counted(base::read_at(h, offset, buffer));
    }

    /// How many times op was called since construction or reset().
    std::size_t count(fs_op op) const {
        return record_->counts[static_cast<std::size_t>(op)].load();
    }

    /// Every call, in order.
    std::vector<fs_op> calls() const {
        std::lock_guard const lock(record_->mutex);
        return record_->calls;
    }

    /// The bytes that read and read_at returned, together.
    std::uint64_t bytes_read() const { return record_->bytes_read.load(); }

    void reset() {
        std::lock_guard const lock(record_->mutex);
        for (auto& c : record_->counts)
            c = 0;
        record_->calls.clear();
        record_->bytes_read = 0;
    }

private:
    friend base;

    io_result<std::size_t> counted(io_result<std::size_t> got) {
        if (got) record_->bytes_read.fetch_add(*got);
        return got;
    }

    std::optional<std::error_code> intercept(fs_op op) {
        record_->counts[static_cast<std::size_t>(op)].fetch_add(1);
        std::lock_guard const lock(record_->mutex);
        record_->calls.push_back(op);
        return std::nullopt;
    }

    struct record {
        std::array<std::atomic<std::size_t>, fs_op_count> counts{};
        std::mutex mutex;
        std::vector<fs_op> calls;
        std::atomic<std::uint64_t> bytes_read{0};
    };
    std::shared_ptr<record> record_;
};

static_assert(fs_policy<counting_fs<>>);

}  // namespace persist

#endif
