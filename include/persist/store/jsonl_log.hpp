// jsonl_log: an append-only JSON Lines log with real appends, group commit
// and torn-tail recovery.
#ifndef PERSIST_STORE_JSONL_LOG_HPP
#define PERSIST_STORE_JSONL_LOG_HPP

#include <persist/atomic_file.hpp>
#include <persist/default_file.hpp>
#include <persist/detail/unique_handle.hpp>
#include <persist/store/detail/group_commit.hpp>
#include <persist/store/jsonl_reader.hpp>
#include <persist/store/jsonl_recovery.hpp>
#include <persist/sweep.hpp>

#include <boost/json/value.hpp>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

namespace persist {

/// How append() reaches the file.
enum class append_mode {
    /// One write(2) of the batch on an O_APPEND descriptor, then a sync per
    /// the tier, shared among concurrent appenders (group commit). O(batch).
    append,
    /// Reads the whole log, adds the batch and replaces the file through
    /// atomic_file: O(log size) per append. The naive design, kept so the
    /// benchmark can show the difference.
    rewrite,
};

struct jsonl_log_options {
    append_mode mode = append_mode::append;
    /// How much of the log opening checks: its end (the default, O(tail)),
    /// or every line (jsonl_open_check::full, O(log size)).
    jsonl_open_check check = jsonl_open_check::tail;
    /// What opening does about malformed lines among those it checks.
    jsonl_corruption corruption = jsonl_corruption::report;
    /// Opening removes the stale temps that compactions and rewrites of
    /// killed processes left (see sweep_stale_temps_for).
    open_sweep_options stale_temps;
};

/// What compact() kept and removed.
struct jsonl_compact_report {
    std::uint64_t kept = 0;
    std::uint64_t removed = 0;
};

/// An append-only log of JSON values, one per line (JSON Lines).
///
/// Appends. append_batch() checks every value, serializes the batch compactly,
/// one line per value, each ended by '\n', and writes it with a single
/// write(2) on an O_APPEND descriptor while holding `<log>.lock`; then it
/// syncs the log per the tier (Durability::sync_file). On a regular file an
/// O_APPEND write is placed at the end atomically with respect to other
/// appenders, and Linux does not cut it short except on ENOSPC, EFBIG
/// (RLIMIT_FSIZE), EIO or a fatal signal; if the write fails, the bytes it
/// may have written are truncated away before the error is returned. So
/// records of several threads or processes never interleave within a line.
///
/// Group commit: appenders in one process share writes and syncs. While one
/// thread's write and sync run, the batches of other threads queue up; the
/// next of them writes the whole queue (up to 1 MiB) with one write(2) and
/// syncs once (detail::group_commit, LevelDB's scheme). Each append returns
/// only after the sync that followed the write of its own records. Every
/// batch stays contiguous; batches of one thread stay in order. A failed
/// write or sync fails every batch of its group.
///
/// Opening recovers the log (see recover_jsonl): a torn final line is moved
/// to `<log>.torn-<UTC timestamp>` and cut off, a final record without '\n'
/// gets one, and corrupt lines among those checked are reported in
/// recovery(). By default opening checks only the end of the log
/// (jsonl_open_check::tail): the lines that begin in its last 64 KiB, or
/// the last line alone if it is longer, so an open takes the same time for
/// a log of any size. The torn-tail repair needs no more: it is the same as
/// a full check's. A corrupt line before those is not reported by such an
/// open; every reader, read_all() and compact() find it, with its line
/// number, and so does an open with check = jsonl_open_check::full, which
/// reads and parses every line (`persist repair` does). The lock that
/// recovery holds is the one every append holds around its write, so
/// recovery never mistakes a cooperating process's in-flight append for a
/// torn tail.
///
/// Durability after a power cut, once append() returned OK: full_sync: the
/// records are durable (and the log's name, synced when the log was
/// created); data_sync and file_sync: the records are durable if the name
/// is (it is, unless the log was created, compacted, rewritten or rotated
/// since the directory was last synced); no_sync: nothing is promised.
/// A crash in the middle of a batch may leave a prefix of its records, each
/// whole; the rest of its last line is a torn tail for the next open.
///
/// Files it creates (the log, quarantine files, rewritten logs) get mode
/// 0600 unless the atomic_file's options set new_file_mode; a replaced log
/// keeps its mode.
///
/// Thread safety: every member function may be called from any number of
/// threads at once. Any number of processes may open and append to one log.
/// Moving from a log leaves it usable only for destruction or assignment.
///
/// Not guaranteed:
/// - After a sync failure (fsync errors are final), this object refuses
///   further appends; reopen the log.
/// - If another process dies in the middle of its write(2) (kill -9 during
///   a large batch), this process's next append follows its torn bytes: the
///   glued line is corruption that the next open and every reader report
///   with its line number; it is never dropped silently.
/// - Unsynced bytes that a power cut turns into garbage containing a '\n'
///   split into a corrupt line (reported, kept) and a torn tail: recovery
///   never guesses where a damaged region ends. (Only a record that was not
///   acknowledged under a syncing tier can be damaged that way.)
/// - The log is followed through a symbolic link for appends and reads
///   under symlink_mode::follow (the default), but rotate() renames the link
///   itself. Under symlink_mode::replace a symbolic link at the log's name
///   is refused (ELOOP), as is anything but a regular file (fs_policy 10).
/// - Processes that write the file without persist's lock are not
///   coordinated with.
template <atomic_file_type AtomicFile = default_atomic_file>
class basic_jsonl_log {
public:
    using atomic_file_type = AtomicFile;
    using fs_type = typename AtomicFile::fs_type;
    using durability_type = typename AtomicFile::durability_type;

    /// Opens the log at path, creating it (mode 0600, and its missing
    /// parent directories if af's create_parents option is set) if it does
    /// not exist, and recovers it (recover_jsonl) under the lock: the report
    /// is in recovery(). options.check says what is read and parsed: the
    /// end of the log (tail, the default) or all of it (full).
    ///
    /// Errors: stage::validate (invalid path; EISDIR); stage::create_directory;
    /// stage::lock; stage::append (the log cannot be opened for appending);
    /// stage::sync_directory (a new log's name could not be synced); and
    /// recover_jsonl's: stage::read, stage::parse (a checked line is corrupt,
    /// with corruption = fail), stage::recover. On error nothing is left open.
    [[nodiscard]] static result<basic_jsonl_log> open(std::filesystem::path path,
                                                      jsonl_log_options options = {},
                                                      AtomicFile af = AtomicFile());

    basic_jsonl_log(basic_jsonl_log&&) noexcept = default;
    basic_jsonl_log& operator=(basic_jsonl_log&&) noexcept = default;
    ~basic_jsonl_log();

    /// Appends one record; see append_batch.
    [[nodiscard]] result<void> append(boost::json::value const& record);

    /// Appends records in order, contiguously, in one write (possibly shared
    /// with other threads' batches), all or nothing with respect to invalid
    /// input. An empty batch does nothing.
    ///
    /// Errors: stage::validate with errc::invalid_input and detail "record K
    /// of the batch: <why>" when a value cannot be written as a record that
    /// reads back as itself (a non-finite number, a string that is not valid
    /// UTF-8, nesting deeper than 128): nothing is written. stage::lock.
    /// stage::append: the log cannot be inspected or reopened, the write
    /// failed (ENOSPC, EFBIG, EIO: its bytes were removed again, the log is
    /// as before), or the sync failed (the records are in the file but their
    /// durability is unknown; the log refuses further appends). In rewrite
    /// mode: stage::read and atomic_file::replace's errors (log untouched).
    [[nodiscard]] result<void> append_batch(std::span<boost::json::value const> records);

    /// A reader over a snapshot of the log: the records whose appends had
    /// completed when read() took the lock. Later appends are not seen.
    /// Errors: stage::lock; stage::read (open or stat failed).
    [[nodiscard]] result<jsonl_reader<fs_type>> read(jsonl_read_options options = {}) const;

    /// Every record of a snapshot, strictly: the first corrupt line is an
    /// error (stage::parse, errc::corrupt_data, "line N, byte offset B").
    /// Memory grows with the log; use read() to stream.
    [[nodiscard]] result<std::vector<boost::json::value>> read_all() const;

    /// Rewrites the log through atomic_file, keeping the records for which
    /// keep(value) is true, byte for byte, in order. The log is locked
    /// throughout, so no append is lost. A log with a corrupt line is not
    /// compacted (nothing would say what to do with the line).
    ///
    /// Errors: stage::lock; stage::read; stage::parse with errc::corrupt_data
    /// and "line N, byte offset B"; atomic_file::replace_with's errors. On
    /// every error but sync_directory the log is untouched.
    template <class Keep>
        requires std::predicate<Keep&, boost::json::value const&>
    [[nodiscard]] result<jsonl_compact_report> compact(Keep keep);

    /// Replaces the whole log with records, through atomic_file.
    /// Errors: stage::validate ("record K: <why>", nothing written);
    /// stage::lock; atomic_file::replace_with's errors (log untouched, but
    /// for sync_directory).
    [[nodiscard]] result<void> rewrite(std::span<boost::json::value const> records);

    /// Renames the log to `<log>.<n>`, n one more than the largest number in
    /// use (1 for the first), and starts a new, empty log; both names are
    /// synced per the tier. Returns the rotated file's path.
    /// Errors: stage::lock; stage::read (the directory cannot be listed);
    /// stage::rename (nothing changed); stage::append (the log was renamed
    /// but the new one could not be created: the next append creates it);
    /// stage::sync_directory (both names are in place; their durability is
    /// unknown). A failed sync of pending appends: stage::append.
    [[nodiscard]] result<std::filesystem::path> rotate();

    /// What opening found and did.
    jsonl_recovery_report const& recovery() const noexcept;
    std::filesystem::path const& path() const noexcept;
    append_mode mode() const noexcept;
    /// How many syncs appends have made (for tests and benchmarks).
    std::uint64_t sync_count() const noexcept;

private:
    struct open_file {
        detail::unique_handle<fs_type> handle;
        std::uint64_t device = 0;
        std::uint64_t inode = 0;
    };
    using file_pointer = std::shared_ptr<open_file>;
    struct state;
    struct current_file {
        file_pointer file;
        std::uint64_t size = 0;
    };

    explicit basic_jsonl_log(std::unique_ptr<state> s) noexcept;

    static result<file_pointer> open_file_at(fs_type& fs, std::filesystem::path const& path,
                                             mode_t new_file_mode, name_owner owner, bool& created);
    result<current_file> current_file_locked();
    result<void> commit_group(std::string_view bytes);
    result<void> append_by_rewrite(std::string const& bytes);

    std::unique_ptr<state> state_;
};

/// The default log: real files, full_sync, a sibling temporary file for
/// compaction and quarantine.
using jsonl_log = basic_jsonl_log<default_atomic_file>;

}  // namespace persist

#include <persist/store/impl/jsonl_log.hpp>

#endif
