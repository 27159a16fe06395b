// Out-of-line definitions for <persist/testing/fault_fs.hpp>.
#ifndef PERSIST_TESTING_IMPL_FAULT_FS_IPP
#define PERSIST_TESTING_IMPL_FAULT_FS_IPP

#include <persist/testing/fault_fs.hpp>

namespace persist::detail {

PERSIST_DECL std::optional<fault_plan::hit> fault_plan::on_call(fs_op op) {
    std::lock_guard const lock(mutex_);
    auto const index = static_cast<std::size_t>(op);
    std::size_t const count = ++counts_[index];
    calls_.push_back(op);
    for (auto& f : faults_) {
        if (f.spent || f.planned.op != op) continue;
        std::size_t const nth = count - f.counted_before;
        if (nth == f.planned.nth || (f.planned.persistent && nth > f.planned.nth)) {
            if (!f.planned.persistent) f.spent = true;
            ++injected_;
            return hit{f.planned.code, f.fsyncgate};
        }
    }
    return std::nullopt;
}

PERSIST_DECL void fault_plan::arm(fault f, bool fsyncgate) {
    std::lock_guard const lock(mutex_);
    faults_.push_back(armed{f, fsyncgate, counts_[static_cast<std::size_t>(f.op)], false});
}

PERSIST_DECL void fault_plan::disarm() {
    std::lock_guard const lock(mutex_);
    faults_.clear();
}

PERSIST_DECL void fault_plan::reset() {
    std::lock_guard const lock(mutex_);
    faults_.clear();
    counts_ = {};
    calls_.clear();
    injected_ = 0;
    short_writes_ = false;
    interruptions_ = false;
}

PERSIST_DECL std::size_t fault_plan::count(fs_op op) const {
    std::lock_guard const lock(mutex_);
    return counts_[static_cast<std::size_t>(op)];
}

PERSIST_DECL std::vector<fs_op> fault_plan::calls() const {
    std::lock_guard const lock(mutex_);
    return calls_;
}

PERSIST_DECL std::size_t fault_plan::injected() const {
    std::lock_guard const lock(mutex_);
    return injected_;
}

PERSIST_DECL void fault_plan::set_short_writes(bool on) {
    std::lock_guard const lock(mutex_);
    short_writes_ = on;
}

PERSIST_DECL void fault_plan::set_interruptions(bool on) {
    std::lock_guard const lock(mutex_);
    interruptions_ = on;
}

PERSIST_DECL bool fault_plan::short_writes() const {
    std::lock_guard const lock(mutex_);
    return short_writes_;
}

PERSIST_DECL bool fault_plan::interruptions() const {
    std::lock_guard const lock(mutex_);
    return interruptions_;
}

PERSIST_DECL bool fault_plan::interrupt_now() {
    std::lock_guard const lock(mutex_);
    return (interruption_toggle_++ & 1) == 0;
}

}  // namespace persist::detail

#endif
