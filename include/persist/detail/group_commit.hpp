// group_commit: threads that wrote to one file share the syncs that make
// their writes durable.
#ifndef PERSIST_DETAIL_GROUP_COMMIT_HPP
#define PERSIST_DETAIL_GROUP_COMMIT_HPP

#include <persist/error.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <system_error>
#include <utility>

namespace persist::detail {

/// Leader/follower group commit (the scheme of LevelDB's and PostgreSQL's
/// WAL writers). A writer calls written(file) once its write has completed
/// and gets a sequence number; then wait_durable(seq, sync). The first
/// waiter that finds no sync running becomes the leader: it notes the latest
/// sequence number written so far, syncs the file that write went to
/// (without holding the mutex), and publishes "durable up to N". The others
/// wait on a condition variable. A waiter returns once a sync that *started
/// after its write completed* has succeeded, so one fsync covers every write
/// that finished before it began, and the number of syncs falls as more
/// threads append at once.
///
/// File is what a sync is applied to, a cheap copyable reference such as
/// std::shared_ptr<open_file>; the leader copies it under the mutex, so a
/// file that is swapped out stays open until its sync is done.
///
/// REQUIRES: every write with a sequence number up to N went to the file
/// passed with N, or to an earlier file that a barrier (wait_durable with
/// the latest sequence number, while no write is in progress) made durable
/// before the first write to the next file. The log guarantees this by
/// calling wait_durable(last_written()) under its write mutex before it
/// switches files.
///
/// A failed sync is final (fsyncgate): the error is kept, every waiter not
/// yet covered and every later call receives it. Nothing is retried.
///
/// Thread safety: every member function may be called from any number of
/// threads at once.
template <class File>
class group_commit {
public:
    /// Records that a write to `file` has completed; returns its sequence
    /// number (1, 2, ...).
    std::uint64_t written(File file) {
        std::lock_guard const lock(mutex_);
        latest_file_ = std::move(file);
        return ++written_;
    }

    /// The sequence number of the latest completed write (0 if none).
    std::uint64_t last_written() const {
        std::lock_guard const lock(mutex_);
        return written_;
    }

    /// Blocks until write `seq` is covered by a successful sync that started
    /// after it completed, leading syncs as needed: sync(File&) ->
    /// io_result<void> is called with no lock held. REQUIRES: sync does not
    /// throw. Returns the first sync
    /// failure, now or from before, if seq is not covered.
    template <class Sync>
    io_result<void> wait_durable(std::uint64_t seq, Sync&& sync) {
        std::unique_lock lock(mutex_);
        while (durable_ < seq) {
            if (failure_) return *failure_;
            if (syncing_) {
                synced_.wait(lock);
                continue;
            }
            syncing_ = true;
            std::uint64_t const target = written_;
            File file = latest_file_;
            lock.unlock();
            io_result<void> const result = sync(file);
            lock.lock();
            syncing_ = false;
            ++syncs_;
            if (result) {
                durable_ = std::max(durable_, target);
            } else {
                failure_ = result.error();
            }
            synced_.notify_all();
        }
        return {};
    }

    /// The sync failure that poisoned this group, if any.
    std::optional<std::error_code> failure() const {
        std::lock_guard const lock(mutex_);
        return failure_;
    }

    /// Marks the group failed without a sync (e.g. a write whose torn bytes
    /// could not be removed): later waiters and writers receive `cause`.
    void fail(std::error_code cause) {
        std::lock_guard const lock(mutex_);
        if (!failure_) failure_ = cause;
        synced_.notify_all();
    }

    /// How many syncs were led so far (successful or not).
    std::uint64_t syncs() const {
        std::lock_guard const lock(mutex_);
        return syncs_;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable synced_;
    std::uint64_t written_ = 0;
    std::uint64_t durable_ = 0;
    std::uint64_t syncs_ = 0;
    bool syncing_ = false;
    File latest_file_{};
    std::optional<std::error_code> failure_;
};

}  // namespace persist::detail

#endif
