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
    bool created = false;           ///< the log did not exist; an empty one was created
    std::uint64_t records = 0;      ///< whole records among the lines checked (after the repair)
    std::uint64_t size = 0;         ///< the log's size after recovery, in bytes
    bool added_newline = false;     ///< the final record lacked its '\n'; it was appended
    std::uint64_t torn_offset = 0;  ///< where the torn tail began (the new size), if any
    std::uint64_t torn_bytes = 0;   ///< how many bytes were quarantined (0: none)
    std::filesystem::path quarantine_path;  ///< `<log>.torn-<UTC timestamp>[-N]`, if any
    /// Where the check began: 0, every line was checked; else the byte
    /// offset of the first line a tail check (jsonl_open_check::tail)
    /// looked at. `records` and the corrupt lines count only the lines
    /// checked; the lines before are not read.
    std::uint64_t checked_offset = 0;
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

/// How much of a log recovery reads and checks. The repair of the end is
/// the same either way; what differs is which corrupt lines are found.
enum class jsonl_open_check {
    /// The end only, in O(tail) time and memory: the lines that begin in
    /// the last jsonl_tail_block bytes of the log, or, if none does, the
    /// last line, read whole however long. A log of at most
    /// jsonl_tail_block bytes is checked whole. Corrupt lines before the
    /// checked ones are not found here; readers, read_all(), compact() and
    /// a full check report them. The lines checked have unknown numbers
    /// (line 0, "byte offset B: ..."), unless checked_offset is 0.
    tail,
    /// Every line, read once front to back: the whole log's corrupt lines,
    /// with their numbers, and corruption = fail on any of them.
    full,
};

/// The last bytes a tail check looks at for lines that begin there.
inline constexpr std::size_t jsonl_tail_block = 64 * 1024;

/// Recovers the JSON Lines file `log` in place, holding its lock
/// (`<log>.lock`) so that no append of a cooperating process is in flight:
///  - with check = full, the whole file is read once, in chunks (constant
///    memory, except that a final line without '\n' is held in memory),
///    and every line parsed; with check = tail, only the lines at its end
///    (jsonl_open_check::tail), read backwards from the end with read_at
///    to the first of them, then forwards;
///  - a final line without '\n' that parses is a whole record: "\n" is
///    appended (O_APPEND) and the file synced per the tier;
///  - a final line without '\n' that does not parse (garbage, NUL bytes, a
///    cut UTF-8 sequence, a cut record) is a torn tail: its bytes are written
///    through af to `<log>.torn-<UTC timestamp>` (a new name, `-1`, `-2`...
///    if taken; mode 0600 unless af sets new_file_mode), then the log is
///    truncated to the end of its last whole line and synced per the tier;
///  - malformed lines that end in '\n', among those checked, are reported
///    with line number (if known) and byte offset and left in place.
///
/// The torn-tail repair looks only at the bytes after the last '\n', which
/// both checks read, so it is the same under both.
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
/// byte offset B: ..." when `corruption` is fail and a checked line is corrupt;
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
    jsonl_corruption corruption = jsonl_corruption::report,
    jsonl_open_check check = jsonl_open_check::full);

namespace detail {

/// recover_jsonl's work. REQUIRES: the caller holds `<log>.lock`, and
/// `append_handle` is open on log for appending (it is used to add the
/// newline or truncate).
template <atomic_file_type AtomicFile>
result<jsonl_recovery_report> recover_locked(AtomicFile const& af, std::filesystem::path const& log,
                                             typename AtomicFile::fs_type::handle append_handle,
                                             jsonl_corruption corruption, jsonl_open_check check);

}  // namespace detail

}  // namespace persist

#include <persist/store/impl/jsonl_recovery.hpp>

#endif
