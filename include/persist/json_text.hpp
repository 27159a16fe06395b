// JSON text as the stores write and read it: pretty-printed with a trailing
// newline, and parsed with errors that name the line and column.
#ifndef PERSIST_JSON_TEXT_HPP
#define PERSIST_JSON_TEXT_HPP

#include <persist/error.hpp>
#include <persist/json_parser.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace persist {

/// Where in a text a byte offset falls: 1-based line and column (in bytes).
struct text_position {
    std::size_t line = 1;
    std::size_t column = 1;
};

/// The line and column of byte `offset` in text.
PERSIST_DECL text_position position_of(std::string_view text, std::size_t offset) noexcept;

/// The error for text read from source that is malformed at byte `offset`:
/// stage::parse, errc::corrupt_data, detail "line L, column C: <reason>".
PERSIST_DECL error malformed_at(std::string_view text, std::size_t offset,
                                std::filesystem::path const& source, std::string_view reason);

/// Appends d, a finite double, as the shortest JSON number that reads back
/// as exactly d, written as a person would write it: in plain notation with
/// at least one fractional digit (0.85, 1.5, 100.0, -0.0), so that it reads
/// back as a double and not an integer, and with an exponent only below
/// 1e-6 or from 1e21 up (1e-7, 1.5e+300), as JavaScript prints numbers.
PERSIST_DECL void append_json_double(std::string& out, double d);

/// v as indented JSON: 2 spaces per level, object keys in their stored
/// order, one member or element per line, empty containers as {} and [],
/// and a trailing newline. The output is valid JSON for any v that
/// find_unrepresentable accepts.
PERSIST_DECL std::string format_json(boost::json::value const& v);

/// v as one line of JSON with no spaces and no newline: `{"a":[1,2.5]}`,
/// what a JSONL record and `persist ... get` print. Numbers and strings are
/// written as format_json writes them.
PERSIST_DECL std::string format_json_line(boost::json::value const& v);

/// The first string or number in v that JSON text cannot hold, as
/// "<path>: <why>", or nothing when format_json(v) is valid JSON that parses
/// back to v. Boost.JSON serializes such values without complaint, but the
/// text it writes does not parse again: a NaN or an infinity becomes `NaN`
/// or `Infinity`, and a string (or key) that is not valid UTF-8 is written
/// byte for byte, which every conforming parser, parse_json included,
/// rejects. A store that saved either would write a file it cannot read.
/// So is nesting that parse_json refuses: deeper than json_max_depth, less
/// the `enclosing` levels of the document that v is written into (1 for a
/// value inside one object); reported as "<root>: nesting is deeper than N"
/// (without the long path).
///
/// The path starts with root and names object members as `.name` (or
/// `["na.me"]` when the name is not an identifier) and array elements as
/// `[i]`: "state.tabs[2].title: string is not valid UTF-8".
PERSIST_DECL std::optional<std::string> find_unrepresentable(boost::json::value const& v,
                                                             std::string_view root = {},
                                                             std::size_t enclosing = 0);

/// The three bytes a UTF-8 byte-order mark is.
inline constexpr std::string_view utf8_byte_order_mark = "\xEF\xBB\xBF";

/// Parses one JSON document, exactly (see json_parser): RFC 8259 by
/// default (no comments, no trailing commas, no byte-order mark), valid
/// UTF-8, nesting at most json_max_depth levels; json_syntax::jsonc also
/// takes comments, trailing commas and a leading UTF-8 byte-order mark. On
/// failure: stage::parse, errc::corrupt_data, path = source (the file the
/// text came from), detail = "line L, column C: <reason>" (after a
/// byte-order mark, columns count from the first byte after it).
PERSIST_DECL result<boost::json::value> parse_json(std::string_view text,
                                                   std::filesystem::path const& source,
                                                   json_syntax syntax = json_syntax::strict);

}  // namespace persist

#if defined(PERSIST_HEADER_ONLY)
#include <persist/impl/json_text.ipp>
#endif

#endif
