// fail_nth_fs: an Fs decorator that fails the Nth call of one operation,
// for the stores' error-path tests (until fault_fs covers them).
#ifndef PERSIST_TEST_SUPPORT_FAIL_NTH_FS_HPP
#define PERSIST_TEST_SUPPORT_FAIL_NTH_FS_HPP

#include <persist/fs/fs_decorator.hpp>
#include <persist/fs/posix_fs.hpp>

#include <atomic>
#include <memory>

namespace persist::test {

/// Fails call number `nth` (1-based, counted from arm()) of `op` with
/// `errno_value`, and, with `persistent`, every later call of op too. With
/// `write_half_first`, a failing write first forwards the first half of its
/// bytes, as a write cut short by ENOSPC would leave them. Copies share one
/// plan. Thread safety: arm() before use; calls may come from any thread.
template <fs_policy Inner = posix_fs>
class fail_nth_fs : public fs_decorator<fail_nth_fs<Inner>, Inner> {
public:
    explicit fail_nth_fs(Inner inner = Inner{})
        : fs_decorator<fail_nth_fs<Inner>, Inner>(std::move(inner)),
          plan_(std::make_shared<plan>()) {}

    void arm(fs_op op, int errno_value, std::size_t nth = 1, bool persistent = false,
             bool write_half_first = false) {
        plan_->op = op;
        plan_->errno_value = errno_value;
        plan_->nth = nth;
        plan_->persistent = persistent;
        plan_->write_half_first = write_half_first;
        plan_->seen = 0;
        plan_->armed = true;
    }
    void disarm() { plan_->armed = false; }
    /// How many times the armed operation was called since arm().
    std::size_t calls() const { return plan_->seen.load(); }

    io_result<void> write(typename Inner::handle h, std::span<std::byte const> bytes) {
        if (auto injected = intercept(fs_op::write)) {
            if (plan_->write_half_first) (void)this->inner_.write(h, bytes.first(bytes.size() / 2));
            return *injected;
        }
        return this->inner_.write(h, bytes);
    }

private:
    friend class fs_decorator<fail_nth_fs<Inner>, Inner>;

    std::optional<std::error_code> intercept(fs_op op) {
        if (!plan_->armed || op != plan_->op) return std::nullopt;
        auto const call = ++plan_->seen;
        if (call == plan_->nth || (plan_->persistent && call > plan_->nth))
            return errno_code(plan_->errno_value);
        return std::nullopt;
    }

    struct plan {
        std::atomic<bool> armed{false};
        fs_op op = fs_op::write;
        int errno_value = 0;
        std::size_t nth = 1;
        bool persistent = false;
        bool write_half_first = false;
        std::atomic<std::size_t> seen{0};
    };
    std::shared_ptr<plan> plan_;
};

static_assert(fs_policy<fail_nth_fs<>>);

}  // namespace persist::test

#endif
