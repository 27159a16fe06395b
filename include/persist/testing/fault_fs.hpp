// fault_fs: an Fs decorator that makes chosen calls fail.
#ifndef PERSIST_TESTING_FAULT_FS_HPP
#define PERSIST_TESTING_FAULT_FS_HPP

#include <persist/fs/detail/retry.hpp>
#include <persist/fs/fs_decorator.hpp>

#include <array>
#include <cerrno>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace persist {

/// A type Fs models drops_dirty_data if fs.drop_dirty_data(h) forgets the
/// unsynced writes of h's file without making them durable, as Linux does
/// when writeback fails, so that the next sync succeeds (memory_fs).
template <class Fs>
concept drops_dirty_data = requires(Fs& fs, typename Fs::handle h) {
    { fs.drop_dirty_data(h) } -> std::same_as<io_result<void>>;
};

/// One planned failure: the nth call of `op` made after the fault is
/// armed fails with `code` without reaching the inner model; if
/// `persistent`, every later call of `op` fails too.
struct fault {
    fs_op op = fs_op::write;
    std::size_t nth = 1;
    std::error_code code = errno_code(EIO);
    bool persistent = false;
};

namespace detail {

/// The shared, non-template state of a fault_fs.
/// Thread safety: every member function may be called concurrently.
class fault_plan {
public:
    struct hit {
        std::error_code code;
        bool fsyncgate = false;
    };

    /// Counts and logs a call of op; returns the fault to inject, if any.
    PERSIST_DECL std::optional<hit> on_call(fs_op op);
    PERSIST_DECL void arm(fault f, bool fsyncgate);
    PERSIST_DECL void disarm();
    PERSIST_DECL void reset();
    PERSIST_DECL std::size_t count(fs_op op) const;
    PERSIST_DECL std::vector<fs_op> calls() const;
    PERSIST_DECL std::size_t injected() const;

    PERSIST_DECL void set_short_writes(bool on);
    PERSIST_DECL void set_interruptions(bool on);
    PERSIST_DECL bool short_writes() const;
    PERSIST_DECL bool interruptions() const;
    /// In interruption mode, every other call is interrupted.
    PERSIST_DECL bool interrupt_now();

private:
    struct armed {
        fault planned;
        bool fsyncgate = false;
        std::size_t counted_before = 0;  // calls of planned.op before it was armed
        bool spent = false;
    };

    mutable std::mutex mutex_;
    std::array<std::size_t, fs_op_count> counts_{};
    std::vector<fs_op> calls_;
    std::vector<armed> faults_;
    std::size_t injected_ = 0;
    bool short_writes_ = false;
    bool interruptions_ = false;
    std::uint64_t interruption_toggle_ = 0;
};

/// The size of the next piece a short write gets through: half of what is
/// left, rounded up, so n bytes take about log2(n) + 1 calls.
inline std::size_t short_write_piece(std::size_t remaining) noexcept { return (remaining + 1) / 2; }

}  // namespace detail

/// Forwards every call to Inner, except the ones a planned fault fails.
///
/// - arm(fault{op, n, errno_code(E)}) fails the nth call of op after now
///   with E, once, or for good with `persistent`. A failed call never
///   reaches Inner (close is the exception: it still releases the handle).
/// - arm_fsyncgate(sync_op, n): the nth sync_data or sync_full fails with
///   EIO and Inner drops that file's unsynced data first, so the next sync
///   reports success over lost data, as Linux did before 4.13 and still
///   does for a second fsync (PostgreSQL's "fsyncgate", 2018).
/// - set_short_writes(true): write() reaches Inner in pieces (half of what
///   is left each time), under detail::write_all, the loop posix_fs uses.
/// - set_interruptions(true): every call except the syncs and close is
///   first interrupted with EINTR and retried by detail::retry_eintr, and
///   every other piece of a write is interrupted the same way, so the
///   retry loops that production uses are exercised on every call.
/// Both modes are transparent: callers never see a short write or EINTR.
///
/// count(op) and calls() record every call made through it, failed ones
/// included, since construction or reset().
///
/// Copies share one plan and one record, as copies of any Fs share one
/// filesystem. Thread safety: as Inner's; the plan is guarded by a mutex.
template <fs_policy Inner>
class fault_fs : public fs_decorator<fault_fs<Inner>, Inner> {
    using base = fs_decorator<fault_fs<Inner>, Inner>;

public:
    using handle = typename Inner::handle;

    explicit fault_fs(Inner inner = Inner{})
        : base(std::move(inner)), plan_(std::make_shared<detail::fault_plan>()) {}

    void arm(fault f) { plan_->arm(f, false); }
    /// REQUIRES: sync_op is fs_op::sync_data or fs_op::sync_full.
    void arm_fsyncgate(fs_op sync_op, std::size_t nth = 1) requires drops_dirty_data<Inner> {
        plan_->arm(fault{sync_op, nth, errno_code(EIO), false}, true);
    }
    /// Removes every planned fault; the record and the modes stay.
    void disarm() { plan_->disarm(); }
    /// Removes every planned fault, clears the record, turns the modes off.
    void reset() { plan_->reset(); }
    void set_short_writes(bool on) { plan_->set_short_writes(on); }
    void set_interruptions(bool on) { plan_->set_interruptions(on); }

    std::size_t count(fs_op op) const { return plan_->count(op); }
    std::vector<fs_op> calls() const { return plan_->calls(); }
    /// How many calls a planned fault has failed.
    std::size_t injected() const { return plan_->injected(); }

    io_result<void> write(handle h, std::span<std::byte const> bytes);
    io_result<void> sync_data(handle h) { return sync(fs_op::sync_data, h); }
    io_result<void> sync_full(handle h) { return sync(fs_op::sync_full, h); }

private:
    friend base;

    std::optional<std::error_code> intercept(fs_op op);
    io_result<void> sync(fs_op op, handle h);

    std::shared_ptr<detail::fault_plan> plan_;
};

template <fs_policy Inner>
std::optional<std::error_code> fault_fs<Inner>::intercept(fs_op op) {
    if (auto hit = plan_->on_call(op)) return hit->code;
    if (op != fs_op::close && plan_->interruptions()) {
        // An interrupted call has no effect; the loop must try it again.
        bool interrupted = false;
        (void)detail::retry_eintr([&] {
            if (interrupted) return 0;
            interrupted = true;
            errno = EINTR;
            return -1;
        });
    }
    return std::nullopt;
}

template <fs_policy Inner>
io_result<void> fault_fs<Inner>::write(handle h, std::span<std::byte const> bytes) {
    if (auto injected = intercept(fs_op::write)) return *injected;
    if (!plan_->short_writes() && !plan_->interruptions()) return this->inner_.write(h, bytes);
    // Behave like write(2), which may be interrupted or write less than
    // asked, under the loop posix_fs runs around the real call.
    std::error_code inner_failure;
    auto written = detail::write_all(
        [&](std::span<std::byte const> rest) -> long {
            if (plan_->interruptions() && plan_->interrupt_now()) {
                errno = EINTR;
                return -1;
            }
            auto const piece =
                plan_->short_writes() ? detail::short_write_piece(rest.size()) : rest.size();
            if (auto put = this->inner_.write(h, rest.first(piece)); !put) {
                inner_failure = put.error();
                errno = EIO;
                return -1;
            }
            return static_cast<long>(piece);
        },
        bytes);
    if (!written && inner_failure) return inner_failure;
    return written;
}

template <fs_policy Inner>
io_result<void> fault_fs<Inner>::sync(fs_op op, handle h) {
    // Syncs are never interrupted here: an interrupted sync is an error to
    // report, not a call to retry (arm one with EINTR to test that).
    if (auto hit = plan_->on_call(op)) {
        if constexpr (drops_dirty_data<Inner>) {
            if (hit->fsyncgate) (void)this->inner_.drop_dirty_data(h);
        }
        return hit->code;
    }
    return op == fs_op::sync_data ? this->inner_.sync_data(h) : this->inner_.sync_full(h);
}

}  // namespace persist

#if defined(PERSIST_HEADER_ONLY)
#include <persist/testing/impl/fault_fs.ipp>
#endif

#endif
