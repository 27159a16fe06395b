// persist's error model: what failed (the stage), why (a std::error_code),
// and where (the path or paths involved).
//
// Every fallible persist function returns persist::result<T>. Calling
// .value() on a failed result throws persist::exception, so callers who prefer
// exceptions write `af.replace(p, bytes).value();`.
#ifndef PERSIST_ERROR_HPP
#define PERSIST_ERROR_HPP

#include <persist/config.hpp>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace persist {

/// The step of an operation that failed. Each public function documents the
/// stages it can report.
enum class stage {
    validate,          ///< the input was rejected before anything was touched
    create_directory,  ///< a missing parent directory could not be created
    create_temp,       ///< the temporary file could not be created
    write_temp,        ///< writing (or closing) the temporary file failed
    sync_temp,         ///< forcing the temporary file to stable storage failed
    set_metadata,      ///< copying mode or owner to the temporary file failed
    backup,            ///< keeping the `.bak` copy of the old content failed
    rename,            ///< moving the temporary file onto the target failed
    sync_directory,    ///< syncing the directory after the rename failed
    cleanup,           ///< removing a leftover file failed
    lock,              ///< taking an advisory lock failed
    read,              ///< reading an existing file failed
    parse,             ///< an existing file's content is not what it must be
    recover,           ///< repairing or quarantining a damaged file failed
    append,            ///< appending to a log failed
};

/// A short, stable, human-readable name: "sync_temp" for stage::sync_temp.
inline std::string_view to_string(stage s) noexcept;

inline std::ostream& operator<<(std::ostream& out, stage s) { return out << to_string(s); }

/// persist's own error codes, for causes that are not an errno.
enum class errc {
    invalid_input = 1,  ///< a path or argument is malformed
    corrupt_data,       ///< a file's content does not parse or is torn
    validation_failed,  ///< a user validation hook rejected the content
    version_too_new,    ///< a file was written by a newer schema version
    type_mismatch,      ///< a value exists but has a different type
    not_found,          ///< a key or record does not exist
    writer_failed,      ///< a replace_with writer reported failure
    no_migration,       ///< no upgrade step from a file's older schema version
    not_regular_file,   ///< a FIFO, device or socket where persist keeps a regular file
};

/// The category of persist::errc codes.
inline std::error_category const& persist_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), persist_category()};
}

/// The one place errno values become error codes.
inline std::error_code errno_code(int errno_value) noexcept {
    return {errno_value, std::generic_category()};
}

/// What failed, why, and where.
///
/// Thread safety: a value type; distinct objects may be used concurrently.
class error {
public:
    error() = default;
    error(persist::stage where, std::error_code cause, std::filesystem::path path,
          std::filesystem::path other_path = {}, std::string detail = {})
        : stage_(where),
          cause_(cause),
          path_(std::move(path)),
          other_path_(std::move(other_path)),
          detail_(std::move(detail)) {}

    persist::stage stage() const noexcept { return stage_; }
    std::error_code const& code() const noexcept { return cause_; }
    /// The file the caller named (the target of a replace, the log, ...).
    std::filesystem::path const& path() const noexcept { return path_; }
    /// A second file involved: the temporary file, the backup, the directory.
    std::filesystem::path const& other_path() const noexcept { return other_path_; }
    /// Extra context, such as "line 3, column 7" for a parse error.
    std::string const& detail() const noexcept { return detail_; }

    /// One readable line, e.g. "cannot sync temporary file '/a/.b.tmp-…' for
    /// '/a/b': Input/output error".
    inline std::string message() const;

    friend bool operator==(error const&, error const&) = default;

private:
    persist::stage stage_ = persist::stage::validate;
    std::error_code cause_;
    std::filesystem::path path_;
    std::filesystem::path other_path_;
    std::string detail_;
};

/// Writes e.message().
inline std::ostream& operator<<(std::ostream& out, error const& e) { return out << e.message(); }

/// Thrown by result<T>::value() when the result holds an error.
class exception : public std::system_error {
public:
    explicit exception(persist::error e)
        : std::system_error(e.code(), e.message()), error_(std::move(e)) {}
    persist::error const& error() const noexcept { return error_; }

private:
    persist::error error_;
};

/// Found by ADL from boost::system::result<T, persist::error>::value().
[[noreturn]] inline void throw_exception_from_error(error const& e, boost::source_location const&) {
    throw exception(e);
}

/// The return type of every fallible persist operation.
template <class T>
using result = boost::system::result<T, error>;

/// The return type of filesystem-policy primitives: just the cause; the
/// caller attaches the stage and path.
template <class T>
using io_result = boost::system::result<T, std::error_code>;

}  // namespace persist

template <>
struct std::is_error_code_enum<persist::errc> : std::true_type {};

// --- definitions: inline, so that the bottom layer includes nothing above it

namespace persist {

inline std::string_view to_string(stage s) noexcept {
    switch (s) {
        case stage::validate: return "validate";
        case stage::create_directory: return "create_directory";
        case stage::create_temp: return "create_temp";
        case stage::write_temp: return "write_temp";
        case stage::sync_temp: return "sync_temp";
        case stage::set_metadata: return "set_metadata";
        case stage::backup: return "backup";
        case stage::rename: return "rename";
        case stage::sync_directory: return "sync_directory";
        case stage::cleanup: return "cleanup";
        case stage::lock: return "lock";
        case stage::read: return "read";
        case stage::parse: return "parse";
        case stage::recover: return "recover";
        case stage::append: return "append";
    }
    return "unknown";
}

namespace detail {

class persist_error_category final : public std::error_category {
public:
    char const* name() const noexcept override { return "persist"; }
    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
            case errc::invalid_input: return "invalid input";
            case errc::corrupt_data: return "corrupt data";
            case errc::validation_failed: return "rejected by validation";
            case errc::version_too_new: return "written by a newer version";
            case errc::type_mismatch: return "type mismatch";
            case errc::not_found: return "not found";
            case errc::writer_failed: return "writer failed";
            case errc::no_migration: return "no upgrade step for this version";
            case errc::not_regular_file: return "not a regular file";
        }
        return "unknown persist error";
    }
};

inline std::string quoted(std::filesystem::path const& p) { return "'" + p.string() + "'"; }

}  // namespace detail

inline std::error_category const& persist_category() noexcept {
    static detail::persist_error_category const category;
    return category;
}

namespace detail {

// How a message names the failed step: "<action> <object> '<other>' <relation>
// '<path>'", or "<action> '<path>'" when no second path is involved.
struct stage_phrase {
    std::string_view action;
    std::string_view object;
    std::string_view relation;
};

inline stage_phrase phrase_of(stage s) noexcept {
    switch (s) {
        case stage::validate: return {"refused", "", ""};
        case stage::create_directory: return {"cannot create", "directory", "for"};
        case stage::create_temp: return {"cannot create temporary file", "in", "for"};
        case stage::write_temp: return {"cannot write", "temporary file", "for"};
        case stage::sync_temp: return {"cannot sync", "temporary file", "for"};
        case stage::set_metadata: return {"cannot set mode or owner of", "temporary file", "for"};
        case stage::backup: return {"cannot keep", "backup", "of"};
        case stage::rename: return {"cannot rename", "temporary file", "to"};
        case stage::sync_directory: return {"cannot sync", "directory", "after replacing"};
        case stage::cleanup: return {"cannot remove", "leftover file", "of"};
        case stage::lock: return {"cannot lock", "lock file", "for"};
        case stage::read: return {"cannot read", "file", "for"};
        case stage::parse: return {"cannot parse", "file", "for"};
        case stage::recover: return {"cannot recover", "file", "for"};
        case stage::append: return {"cannot append to", "file", "for"};
    }
    return {"failed on", "", ""};
}

}  // namespace detail

inline std::string error::message() const {
    using detail::quoted;
    auto const phrase = detail::phrase_of(stage_);
    std::string line(phrase.action);
    if (!other_path_.empty() && !phrase.object.empty()) {
        line.append(" ").append(phrase.object).append(" ").append(quoted(other_path_));
        line.append(" ").append(phrase.relation);
    }
    line.append(" ").append(quoted(path_));
    if (stage_ == stage::sync_directory) {
        line += ", which now holds the new content whose durability is unknown";
    }
    if (!detail_.empty()) line.append(" (").append(detail_).append(")");
    return line.append(": ").append(cause_.message());
}

}  // namespace persist

#endif
