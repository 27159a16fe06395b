// group_commit: concurrent appenders share one write and one sync.
#ifndef PERSIST_STORE_DETAIL_GROUP_COMMIT_HPP
#define PERSIST_STORE_DETAIL_GROUP_COMMIT_HPP

#include <persist/error.hpp>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

namespace persist::detail {

/// Leader/follower group commit, as LevelDB's DBImpl::Write does it. Each
/// caller of submit() queues its batch and waits. The caller at the front
/// of the queue is the leader: it takes its own batch and the batches queued
/// behind it (up to max_group_bytes, and never fewer than its own), joins
/// them in queue order, and calls commit(bytes) once, without holding the
/// queue's mutex: the log writes the bytes with one write(2) and syncs once.
/// Then it hands the result to every member of the group and wakes the next
/// leader. While a commit runs (an fsync takes milliseconds), the next
/// group gathers, so the number of commits falls as more threads append.
///
/// A caller returns only after the commit that carried its batch has
/// finished, and that commit started after the batch was queued: its bytes
/// were written, and synced, after submit() was called. Batches of one
/// thread are committed in the order it submitted them.
///
/// Thread safety: submit() may be called from any number of threads at
/// once; one commit runs at a time.
class group_commit {
public:
    /// Groups stop growing at this size (unless one batch alone is larger).
    static constexpr std::size_t max_group_bytes = 1 << 20;

    /// Commits batch, alone or with others, through commit(std::string_view)
    /// -> result<void>, and returns that commit's result. If commit throws,
    /// the exception reaches the caller that ran it (the leader); the other
    /// members of its group get errc::writer_failed.
    template <class Commit>
    result<void> submit(std::string_view batch, Commit&& commit) {
        waiter self{batch};
        std::unique_lock lock(mutex_);
        queue_.push_back(&self);
        while (!self.done && queue_.front() != &self)
            self.turn.wait(lock);
        if (self.done) return std::move(self.outcome);

        // Leader: gather the group.
        std::size_t members = 1;
        std::size_t bytes = batch.size();
        while (members < queue_.size() &&
               bytes + queue_[members]->batch.size() <= max_group_bytes) {
            bytes += queue_[members]->batch.size();
            ++members;
        }
        std::string joined;
        result<void> outcome;
        try {
            if (members > 1) {
                joined.reserve(bytes);
                for (std::size_t i = 0; i < members; ++i)
                    joined += queue_[i]->batch;
            }
            lock.unlock();
            outcome = commit(members > 1 ? std::string_view(joined) : batch);
        } catch (...) {
            // Whether the bytes reached the file is unknown: the followers
            // learn that the commit failed; the leader gets the exception.
            if (!lock.owns_lock()) lock.lock();
            finish_group(
                members, &self,
                error(stage::append, make_error_code(errc::writer_failed), {}, {},
                      "the thread that wrote this batch's group failed with an exception"));
            throw;
        }
        lock.lock();
        finish_group(members, &self, outcome);
        return outcome;
    }

    /// How many commits ran, and how many batches they carried.
    std::uint64_t commits() const {
        std::lock_guard const lock(mutex_);
        return commits_;
    }
    std::uint64_t submissions() const {
        std::lock_guard const lock(mutex_);
        return submissions_;
    }

private:
    struct waiter;

    /// Hands outcome to the first `members` waiters (the leader excepted),
    /// removes them from the queue and wakes the next leader.
    /// REQUIRES: mutex_ is held; leader is the queue's front.
    void finish_group(std::size_t members, waiter* leader, result<void> const& outcome) {
        ++commits_;
        submissions_ += members;
        for (std::size_t i = 0; i < members; ++i) {
            waiter* member = queue_.front();
            queue_.pop_front();
            if (member == leader) continue;
            member->outcome = outcome;
            member->done = true;
            member->turn.notify_one();
        }
        if (!queue_.empty()) queue_.front()->turn.notify_one();
    }

    struct waiter {
        explicit waiter(std::string_view b) : batch(b) {}
        std::string_view batch;
        bool done = false;
        result<void> outcome;
        std::condition_variable turn;
    };

    mutable std::mutex mutex_;
    std::deque<waiter*> queue_;
    std::uint64_t commits_ = 0;
    std::uint64_t submissions_ = 0;
};

}  // namespace persist::detail

#endif
