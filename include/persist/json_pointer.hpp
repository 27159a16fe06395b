// RFC 6901 JSON Pointers over boost::json::value: look a value up, set one
// (creating the objects on the way), erase one, and merge two documents.
//
// Boost.JSON 1.81 has value::find_pointer for lookups, but nothing that
// writes through a pointer and no merge; the stores need both.
#ifndef PERSIST_JSON_POINTER_HPP
#define PERSIST_JSON_POINTER_HPP

#include <persist/error.hpp>

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace persist {

// Every error below names the pointer in its detail, and leaves path()
// empty: these functions know no file. A caller that works on a file (the
// settings store) attaches it.
//
// Pointer syntax (RFC 6901): "" is the whole document; otherwise every
// reference token is preceded by '/', and inside a token "~1" stands for
// '/' and "~0" for '~'. An array index is "0" or a decimal number without
// leading zeros; "-" names the position after the last element.

/// The reference tokens of pointer, unescaped: "/a~1b/m~0n" gives
/// {"a/b", "m~n"}, and "" gives none.
/// Errors: stage::validate, errc::invalid_input when pointer is not empty
/// and does not start with '/', or has a '~' not followed by '0' or '1'.
[[nodiscard]] PERSIST_DECL result<std::vector<std::string>> parse_json_pointer(
    std::string_view pointer);

/// One reference token escaped for a pointer: "a/b~" gives "a~1b~0".
PERSIST_DECL std::string escape_json_pointer_token(std::string_view token);

/// The value that pointer names in root.
/// Errors, all stage::read:
/// - errc::not_found: an object lacks the member, an array index is past
///   the end, or the index is "-";
/// - errc::type_mismatch: the pointer walks through a string, number,
///   boolean or null;
/// - errc::invalid_input: the pointer is malformed, or a token applied to an
///   array is not an index.
[[nodiscard]] PERSIST_DECL result<boost::json::value const*> find_at_pointer(
    boost::json::value const& root, std::string_view pointer);
[[nodiscard]] PERSIST_DECL result<boost::json::value*> find_at_pointer(boost::json::value& root,
                                                                       std::string_view pointer);

/// Makes the value at pointer equal to v. Missing object members on the way
/// are created as empty objects. In an array, an existing index replaces that
/// element and "-" (as the last token only) appends. "" replaces root.
/// Errors, all stage::validate, and root is unchanged after any of them:
/// - errc::type_mismatch: the pointer walks through a string, number,
///   boolean or null (nothing is created to replace it);
/// - errc::invalid_input: the pointer is malformed; a token applied to an
///   array is not an index, is past the end, or is "-" before the last token.
[[nodiscard]] PERSIST_DECL result<void> set_at_pointer(boost::json::value& root,
                                                       std::string_view pointer,
                                                       boost::json::value v);

/// Removes the value at pointer, keeping the order of the other object
/// members (later array elements move down by one). Returns whether there
/// was a value to remove: a pointer that find_at_pointer reports as
/// errc::not_found is no error here, and changes nothing.
/// Errors: as find_at_pointer's other errors, with stage::validate; also
/// errc::invalid_input for "" (the root cannot be removed). root is
/// unchanged after an error.
[[nodiscard]] PERSIST_DECL result<bool> erase_at_pointer(boost::json::value& root,
                                                         std::string_view pointer);

/// How messages name v's kind: "an object", "an array", "a string",
/// "a number", "a boolean" or "null".
PERSIST_DECL std::string_view json_kind_phrase(boost::json::value const& v) noexcept;

/// Merges overlay into base, the way the settings store merges its scopes:
/// where both hold an object, their members merge recursively (base keeps
/// its key order, members new to it are appended in overlay's order); any
/// other value of overlay (an array, a scalar, or an object over a
/// non-object) replaces base's.
PERSIST_DECL void merge_json(boost::json::value& base, boost::json::value const& overlay);

}  // namespace persist

#if defined(PERSIST_HEADER_ONLY)
#include <persist/impl/json_pointer.ipp>
#endif

#endif
