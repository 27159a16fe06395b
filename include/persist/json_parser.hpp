// JSON text read exactly: a stream parser whose every double is the
// correctly rounded value of its text, on every Boost persist supports.
//
// Boost.JSON's own parsers round some 17-digit doubles one ulp wrong by
// default (and Boost 1.81 has no other mode), and turn 1e999 into infinity.
// A value a store wrote must read back bit for bit, so every JSON persist
// reads goes through json_parser. README, "Numbers".
#ifndef PERSIST_JSON_PARSER_HPP
#define PERSIST_JSON_PARSER_HPP

#include <persist/config.hpp>

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <memory>

namespace persist {

/// How deeply arrays and objects may nest: parsers accept this many levels,
/// and find_unrepresentable refuses more, so what a store writes it can read
/// again. (Boost.JSON's own default, 32, is not used.)
inline constexpr std::size_t json_max_depth = 128;

/// Which JSON a parser accepts.
enum class json_syntax {
    /// RFC 8259: what programs write (state files, logs).
    strict,
    /// RFC 8259 plus what people write in files they edit by hand: `//` and
    /// `/* */` comments wherever whitespace may be (a /* comment ends at
    /// the first */ after it), and a trailing comma after the last member
    /// or element (settings files). A UTF-8
    /// byte-order mark is parse_json's concern, not the parser's.
    jsonc,
};

/// The reason json_parser fails a number whose magnitude is too large for a
/// double (1e999): "number is out of range for a double".
PERSIST_DECL boost::system::error_code number_out_of_range() noexcept;

/// The reason json_parser fails JSONC text that ends inside a /* comment:
/// "a /* comment is not closed".
PERSIST_DECL boost::system::error_code unclosed_comment() noexcept;

/// An incremental JSON parser with Boost.JSON's stream_parser interface
/// (write, finish, release, reset) that reads numbers exactly:
///  - an integer that fits int64 or uint64 is that integer;
///  - any other number is the double nearest its text (ties to even), as
///    std::from_chars or Boost's precise mode computes it; a magnitude
///    below the smallest subnormal reads as (signed) zero, one too large
///    for a double fails with number_out_of_range().
/// Strings must be valid UTF-8; nesting deeper than the depth given fails.
class json_parser {
public:
    PERSIST_DECL explicit json_parser(json_syntax syntax = json_syntax::strict,
                                      std::size_t max_depth = json_max_depth);
    PERSIST_DECL json_parser(json_parser&&) noexcept;
    PERSIST_DECL json_parser& operator=(json_parser&&) noexcept;
    PERSIST_DECL ~json_parser();

    /// Forgets any document in progress: the next write starts a new one.
    PERSIST_DECL void reset() noexcept;

    /// Parses the next size bytes of the document. Returns how many were
    /// used; on an error (or bytes after a complete document:
    /// boost::json::error::extra_data) sets ec, and the count is where the
    /// problem is.
    PERSIST_DECL std::size_t write(char const* data, std::size_t size,
                                   boost::system::error_code& ec);

    /// Ends the document: ec = boost::json::error::incomplete if it is not
    /// whole, or unclosed_comment() if it ends inside a /* comment.
    PERSIST_DECL void finish(boost::system::error_code& ec);

    /// After finish() gave unclosed_comment(): where that comment begins
    /// (its '/'), counted in all the bytes written since the last reset.
    PERSIST_DECL std::size_t unclosed_comment_offset() const noexcept;

    /// The parsed value, after a finish that succeeded.
    PERSIST_DECL boost::json::value release();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace persist

#if defined(PERSIST_HEADER_ONLY)
#include <persist/impl/json_parser.ipp>
#endif

#endif
