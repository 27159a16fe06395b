// Recovery of a JSON Lines log after a crash: a torn final line is moved to
// a quarantine file, a final record without its newline gets one, and
// corrupt lines in the middle are reported, never removed.
#ifndef PERSIST_STORE_JSONL_RECOVERY_HPP
#define PERSIST_STORE_JSONL_RECOVERY_HPP

#include <persist/atomic_file.hpp>
#include <persist/store/jsonl_reader.hpp>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace persist {

/// What opening (or recovering) a log found and did.
struct jsonl_recovery_report {
    bool created = false;                   ///< the log did not exist; an empty one was created
    std::uint64_t records = 0;              ///< whole records found (after the repair)
    std::uint64_t size = 0;                 ///< the log's size after recovery, in bytes
    bool added_newline = false;             ///< the final record lacked its '\n'; it was appended
    std::uint64_t torn_offset = 0;          ///< where the torn tail began (the new size), if any
    std::uint64_t torn_bytes = 0;           ///< how many bytes were quarantined (0: none)
    std::filesystem::path quarantine_path;  ///< `<log>.torn-<UTC timestamp>[-N]`, if any
    /// Malformed lines that end in '\n': left in place, never truncated past.
    std::uint64_t corrupt_line_count = 0;
    std::vector<jsonl_bad_line> corrupt_lines;  ///< the first 1000 of them

    bool repaired() const noexcept { return added_newline || torn_bytes != 0; }
    bool clean() const noexcept { return !repaired() && corrupt_line_count == 0; }
};

/// How recovery treats malformed lines that end in '\n' (corruption).
enum class jsonl_corruption {
    report,  ///< list them in the report; the log stays usable
    fail,    ///< fail with the first one, before repairing anything
};

/// Recovers the JSON Lines file `log` in place, holding its lock
/// (`<log>.lock`) so that no append of a cooperating process is in flight:
///  - the whole file is read once, in chunks (constant memory, except that
///    a final line without '\n' is held in memory), and every line parsed;
///  - a final line without '\n' that parses is a whole record: "\n" is
///    appended (O_APPEND) and the file synced per the tier;
///  - a final line without '\n' that does not parse (garbage, NUL bytes, a
///    cut UTF-8 sequence, a cut record) is a torn tail: its bytes are written
///    through af to `<log>.torn-<UTC timestamp>` (a new name, `-1`, `-2`...
///    if taken; mode 0600 unless af sets new_file_mode), then the log is
///    truncated to the end of its last whole line and synced per the tier;
///  - malformed lines that end in '\n' are reported with line number and
///    byte offset and left in place.
///
/// Idempotent: recovering a recovered log changes nothing. A crash during
/// recovery leaves either the old file or the repaired one, which the next
/// recovery handles; a crash between writing the quarantine file and the
/// truncation quarantines the same bytes again, under a second name.
///
/// A missing log is not created: the report is clean and empty.
///
/// Errors: stage::validate (invalid path); stage::lock; stage::read (the
/// log cannot be read); stage::parse with errc::corrupt_data and "line N,
/// byte offset B: ..." when `corruption` is fail and a line is corrupt;
/// stage::recover with the failing call's cause when the quarantine file
/// cannot be written (the log is untouched) or the log cannot be extended,
/// truncated or synced (the quarantine file, if named in other_path, holds
/// the tail; the log may still hold it too).
///
/// Not guaranteed: a final line that is a bare number cut short ("12" of
/// "123") parses, so it is kept as a record. Records written by jsonl_log
/// are objects or arrays in practice; a cut object or array never parses.
template <atomic_file_type AtomicFile>
[[nodiscard]] result<jsonl_recovery_report> recover_jsonl(
    AtomicFile const& af, std::filesystem::path const& log,
    jsonl_corruption corruption = jsonl_corruption::report);

namespace detail {

/// recover_jsonl's work. REQUIRES: the caller holds `<log>.lock`, and
/// `append_handle` is open on log for appending (it is used to add the
/// newline or truncate).
template <atomic_file_type AtomicFile>
result<jsonl_recovery_report> recover_locked(AtomicFile const& af, std::filesystem::path const& log,
                                             typename AtomicFile::fs_type::handle append_handle,
                                             jsonl_corruption corruption);

}  // namespace detail

}  // namespace persist

#include <persist/store/impl/jsonl_recovery.hpp>

#endif
