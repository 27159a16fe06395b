// jsonl_reader: streams the records of a JSON Lines file, one line at a time,
// in constant memory.
#ifndef PERSIST_STORE_JSONL_READER_HPP
#define PERSIST_STORE_JSONL_READER_HPP

#include <persist/error.hpp>
#include <persist/fs/fs_policy.hpp>
#include <persist/json_parser.hpp>
#include <persist/store/detail/jsonl_line.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace persist {

/// One record of a JSON Lines file.
struct jsonl_record {
    boost::json::value value;
    std::uint64_t line = 0;    ///< 1-based line number; 0: unknown (see start_offset)
    std::uint64_t offset = 0;  ///< byte offset of the line's first byte
};

/// One record, converted to T with boost::json::try_value_to<T>.
template <class T>
struct jsonl_typed_record {
    T value;
    std::uint64_t line = 0;
    std::uint64_t offset = 0;
};

/// A line that is not a record: it does not parse as one JSON value (an
/// empty line included), or, for next_as<T>, it does not convert to T.
struct jsonl_bad_line {
    std::uint64_t line = 0;    ///< 1-based line number; 0: unknown (see start_offset)
    std::uint64_t offset = 0;  ///< byte offset of the line's first byte
    std::uint64_t length = 0;  ///< bytes, without the '\n'
    bool terminated = true;    ///< false: the final line, without '\n' (torn)
    std::error_code reason;    ///< errc::corrupt_data, or errc::type_mismatch
    std::string detail;        ///< "line N, byte offset B: <why>" ("byte offset B: <why>")

    friend bool operator==(jsonl_bad_line const&, jsonl_bad_line const&) = default;
};

/// The final line of the input when it has no '\n'.
struct jsonl_unterminated_line {
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    bool is_record = false;  ///< it parses: a whole record that lacks only its '\n'
    std::string bytes;       ///< its raw bytes, if keep_line_bytes was set
};

enum class jsonl_read_mode {
    strict,   ///< the first bad line is an error
    lenient,  ///< bad lines are skipped and reported in bad_lines()
};

struct jsonl_read_options {
    jsonl_read_mode mode = jsonl_read_mode::strict;
    /// Bytes read per call. Memory use is this plus the largest record.
    std::size_t chunk_size = 64 * 1024;
    /// Read only the bytes before this offset (a snapshot of a growing file).
    std::uint64_t byte_limit = std::numeric_limits<std::uint64_t>::max();
    /// Where reading begins, as a byte offset that starts a line (0, or one
    /// past a '\n'). From a non-zero offset the file is read with read_at,
    /// not from the handle's own offset, and the numbers of the lines are
    /// unknown: records and bad lines have line 0, and details name only
    /// the byte offset ("byte offset B: <why>"). Offsets stay the file's.
    std::uint64_t start_offset = 0;
    /// Lenient mode keeps the first this-many bad lines; all are counted.
    std::size_t max_bad_lines_kept = 1000;
    /// Keep the raw bytes of the current line: raw_line() returns those of
    /// the record last returned, and unterminated_line() those of a final
    /// line without '\n' (recovery quarantines them, compaction copies
    /// records verbatim). Memory then grows with the longest line, bad lines
    /// included, not only with the largest record.
    bool keep_line_bytes = false;
    /// How the file is opened: name_owner::persist refuses a symbolic link,
    /// and anything but a regular file, at its name (fs_policy 10).
    name_owner owner = name_owner::caller;
};

/// Reads a JSON Lines file front to back: each line (ended by '\n') holds one
/// JSON value (RFC 8259, valid UTF-8, nesting up to 128 levels). Lines are
/// parsed as they stream in, so memory stays bounded by chunk_size plus the
/// largest record, whatever the file size; a bad line is skipped without
/// being buffered. A final line without '\n' is yielded if it parses (a
/// complete record that lacks only its newline); otherwise it is a torn line.
///
/// Thread safety: one reader is used by one thread at a time; distinct
/// readers of one file may run in parallel (each has its own handle).
///
/// Not guaranteed: a consistent view of a file that others write to while
/// it is read, unless byte_limit marks a point that writers have passed
/// (jsonl_log::read() takes such a snapshot under the log's lock).
template <fs_policy Fs>
class jsonl_reader {
public:
    /// Opens path for reading.
    /// Errors: stage::read with the cause of open (ENOENT, EISDIR, ...).
    [[nodiscard]] static result<jsonl_reader> open(Fs fs, std::filesystem::path path,
                                                   jsonl_read_options options = {});

    /// Takes ownership of `file`, an open readable handle, positioned at the
    /// start of the data unless options.start_offset is set; path is used in
    /// errors.
    jsonl_reader(Fs fs, typename Fs::handle file, std::filesystem::path path,
                 jsonl_read_options options);
    jsonl_reader(jsonl_reader&&) noexcept = default;
    jsonl_reader& operator=(jsonl_reader&&) noexcept = default;
    ~jsonl_reader();

    /// The next record, or an empty optional at the end of the input.
    ///
    /// Errors: stage::read (the cause of the failed read); in strict mode,
    /// stage::parse with errc::corrupt_data and detail "line N, byte offset
    /// B: <why>" at the first bad line. An error is final: later calls
    /// return it again. In lenient mode bad lines are skipped and recorded.
    [[nodiscard]] result<std::optional<jsonl_record>> next();

    /// The next record converted with try_value_to<T>. A record that does
    /// not convert is a bad line with errc::type_mismatch: an error in strict
    /// mode (stage::parse), skipped and recorded in lenient mode.
    template <class T>
    [[nodiscard]] result<std::optional<jsonl_typed_record<T>>> next_as();

    /// Lenient mode: the first max_bad_lines_kept bad lines, in order.
    std::vector<jsonl_bad_line> const& bad_lines() const noexcept;
    /// Every bad line seen so far, kept or not.
    std::uint64_t bad_line_count() const noexcept;
    /// Records returned so far.
    std::uint64_t record_count() const noexcept;
    /// Lines seen so far (records, bad lines and a final unterminated line).
    std::uint64_t line_count() const noexcept;
    /// Offset just past the last '\n' seen: the end of the last whole line.
    std::uint64_t terminated_size() const noexcept;
    /// Once next() has reported the end: the final line if it lacked '\n'.
    std::optional<jsonl_unterminated_line> const& unterminated_line() const noexcept;
    /// With keep_line_bytes: the bytes of the record last returned, without
    /// its '\n'. Empty otherwise.
    std::string_view raw_line() const noexcept;
    std::filesystem::path const& path() const noexcept;

private:
    struct state;

    enum class line_outcome { record, bad, none };
    line_outcome read_line();
    void finish_line(bool terminated);
    void note_bad_line(std::error_code reason, std::string why, bool terminated);
    std::string where() const;

    std::unique_ptr<state> state_;
};

}  // namespace persist

#include <persist/store/impl/jsonl_reader.hpp>

#endif
