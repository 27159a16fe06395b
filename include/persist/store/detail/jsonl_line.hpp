// One JSON Lines record as bytes: the checks that make it read back as
// itself, and its compact serialization.
#ifndef PERSIST_STORE_DETAIL_JSONL_LINE_HPP
#define PERSIST_STORE_DETAIL_JSONL_LINE_HPP

#include <persist/config.hpp>
#include <persist/json_text.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace persist::detail {

/// How deeply records may nest (arrays and objects). The reader accepts
/// exactly what the writer may write.
inline constexpr std::size_t jsonl_max_depth = json_max_depth;

/// Why v cannot be written as a JSONL record that reads back as the same
/// value, or an empty string if it can: find_unrepresentable's reason (a
/// non-finite number, a string or key that is not valid UTF-8, with its
/// path; nesting deeper than jsonl_max_depth).
PERSIST_DECL std::string unwritable_reason(boost::json::value const& v);

/// Appends v to out as compact JSON followed by '\n'. The output contains
/// no other '\n': JSON escapes every control character inside strings.
PERSIST_DECL void append_jsonl_line(std::string& out, boost::json::value const& v);

}  // namespace persist::detail

#if defined(PERSIST_HEADER_ONLY)
#include <persist/store/detail/impl/jsonl_line.ipp>
#endif

#endif
