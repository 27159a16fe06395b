// Format-preserving writes of JSONC documents: the text of a new value
// written over an old document, changing only the bytes of what changed.
#ifndef PERSIST_JSON_EDIT_HPP
#define PERSIST_JSON_EDIT_HPP

#include <persist/detail/jsonc_layout.hpp>
#include <persist/error.hpp>

#include <boost/json/value.hpp>

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace persist {

/// The text of `target` written over `original`, a JSONC document (// and
/// /* */ comments, trailing commas, an optional UTF-8 byte-order mark).
/// The result parses (as JSONC) to a value equal to `target`. It is
/// computed as a diff of the old document's value against `target`, so
/// every write of a settings store is one call, whatever it changed:
///
///  - A member or element whose value is unchanged keeps every byte, and
///    so does everything between members: comments, blank lines, key
///    order, whitespace, line endings, the byte-order mark.
///  - A changed scalar (or a value whose type changed) has only its
///    value's bytes replaced; two objects, or two arrays, are compared
///    member by member.
///  - Object members missing from `target` are erased; members new in
///    `target` are appended after the object's last member, in `target`'s
///    order. Arrays keep their equal first and last elements and change
///    the ones between: an append or one erase touches one element. (An
///    insertion before the first element rewrites that element.)
///  - An erased member takes its line or lines with it, with the comments
///    on those lines; comments on other lines stay. When a member shares
///    its line with others, only its own bytes go.
///  - Commas are fixed so that the document stays valid. A trailing comma
///    after the last member stays only where the document had one there,
///    so a document without comments and trailing commas stays strict JSON.
///  - New text follows its neighbours: the members' indentation (spaces or
///    tabs; two spaces if nothing shows it), the line ending (CRLF if the
///    first line ends so), commas before or after members, a trailing
///    comma, and the text between a key and its value (": "). New objects
///    and arrays are laid out as format_json does, one member per line,
///    with that indent unit; in a container written on one line, new
///    members are written on that line, compactly.
///  - A first member can be added to {} or [] (also with a comment inside),
///    and erasing the last member leaves an empty container.
///  - A root of another type than `target` (or a scalar root) is replaced
///    as a whole value; the text around it (comments, the mark) stays.
///
/// Errors (no output then): stage::parse, errc::corrupt_data, path =
/// `source`, when `original` does not parse as JSONC (detail "line L,
/// column C: <reason>", counting from after a byte-order mark), or when
/// one of its objects holds a key twice (detail "line L, column C:
/// duplicate key in this object", at the object's opening brace): which of the two a reader sees
/// differs between parsers, so the editor refuses to guess.
///
/// Not checked: that `target` can be written as JSON (see
/// find_unrepresentable); a NaN is written as the serializer writes it.
///
/// Cost: one parse of `original`, and time linear in its size for each
/// level of nesting on the path to a change.
PERSIST_DECL result<std::string> edit_json_text(std::string_view original,
                                                boost::json::value const& target,
                                                std::filesystem::path const& source);

/// Refuses a JSONC document with an object that holds a key twice: which of
/// the two a reader sees differs between parsers. `parsed` is the value
/// parse_json(original, source, json_syntax::jsonc) gave.
/// Errors: stage::parse, errc::corrupt_data, path = `source`, detail "line
/// L, column C: duplicate key in this object", at the object's opening
/// brace (counting from after a byte-order mark).
PERSIST_DECL result<void> check_unique_keys(std::string_view original,
                                            boost::json::value const& parsed,
                                            std::filesystem::path const& source);

/// edit_json_text for a change in one place, without parsing `original`:
/// the same text, at the cost of scanning the containers on `path` alone.
/// For a store that keeps the document it last read or wrote, and changes
/// one member of it.
///
/// `path` holds reference tokens, as parse_json_pointer gives them. Before
/// the change, `original` parsed to a value equal to `target` but at path,
/// where it held `*before`, or nothing if `before` is null (then path's
/// last token names a member new in an object, and the members above it
/// may be new too). A null target at path is not "nothing": an erased
/// member is one that `target` lacks. An array element that changed is
/// given as a change of its whole array (path names the array).
///
/// REQUIRES: `original` parses as JSONC and passed check_unique_keys, and
/// `target` and `before` are as above; otherwise the text is unspecified
/// (but every offset stays within `original`).
PERSIST_DECL std::string edit_json_text_at(std::string_view original,
                                           boost::json::value const& target,
                                           std::span<std::string const> path,
                                           boost::json::value const* before);

namespace detail {

/// edit_json_text_at for a caller that keeps, beside `original`, the
/// layout of its top-level container: scanning it is what a change deep in
/// a big file costs. `root_layout`, if set, is that layout (as
/// jsonc_scanner::scan_container gives it); on return it is the layout in
/// the text returned, or nullopt if the edit did not keep it.
PERSIST_DECL std::string edit_json_text_at(std::string_view original,
                                           boost::json::value const& target,
                                           std::span<std::string const> path,
                                           boost::json::value const* before,
                                           std::optional<jsonc_container>& root_layout);

}  // namespace detail

}  // namespace persist

#if defined(PERSIST_HEADER_ONLY)
#include <persist/impl/json_edit.ipp>
#endif

#endif
