// Fuzzes settings parsing, merging and JSON Pointer operations, through the
// free functions and through a settings_store on memory_fs. The input is
// four parts cut at NUL bytes: the global file's bytes, the local file's
// bytes, a JSON Pointer, and a value (JSON text; otherwise the part itself
// as a JSON string, which need not be valid UTF-8). Checked:
//  - parse_json_pointer: a pointer that parses is its tokens, escaped and
//    joined again (format(parse(p)) == p);
//  - merge_json: every member of the merge comes from global or from local
//    where the documented rule says (local wins, objects merge, global's key
//    order first), so no value appears that neither input holds;
//  - format_json: the text parses back to the same value;
//  - set_at_pointer / erase_at_pointer: after success the value is there
//    (or gone); after an error the document is unchanged;
//  - the store: get("") is the merge of the two files; set(local, ...)
//    writes exactly what set_at_pointer computes, and after an error (a
//    corrupt file, a bad pointer, an unrepresentable value) the file's bytes
//    are unchanged.
#include "fuzz/fuzz_support.hpp"

#include <persist/atomic_file.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/json_edit.hpp>
#include <persist/json_pointer.hpp>
#include <persist/json_text.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/store/settings_store.hpp>

#include <algorithm>
#include <optional>

namespace {

using namespace persist;
using namespace persist::fuzz;
namespace json = boost::json;
using memory_store = basic_settings_store<atomic_file<memory_fs, no_sync, sibling_temp>>;

std::filesystem::path const global_path = "/work/global.json";
std::filesystem::path const local_path = "/work/local.json";

bool is_blank(std::string_view bytes) {
    return std::all_of(bytes.begin(), bytes.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

/// Whether bytes hold no JSONC value (only whitespace, whole comments and
/// a byte-order mark), told by the parser rather than by the store's own
/// test: then an object after them is the whole document.
bool holds_no_value(std::string_view bytes) {
    return parse_json(std::string(bytes) + "\n{}", "fuzz", json_syntax::jsonc).has_value();
}

/// What the store makes of a file's bytes: no value is {}, else an object
/// (JSONC, the store's default).
std::optional<json::value> scope_content(std::string_view bytes) {
    if (holds_no_value(bytes)) return json::object();
    auto parsed = parse_json(bytes, "fuzz", json_syntax::jsonc);
    if (!parsed || !parsed->is_object()) return std::nullopt;
    return std::move(*parsed);
}

/// merged == global merged with local, by merge_json's documented rule.
void check_merge(json::value const& merged, json::value const& global, json::value const& local,
                 std::string const& where) {
    if (!global.is_object() || !local.is_object()) {
        require(same_json(merged, local), "merge: a non-object of local does not replace global's",
                where + ": " + expected_got(local, merged));
        return;
    }
    require(merged.is_object(), "merge: two objects did not merge into an object", where);
    auto const& m = merged.get_object();
    auto const& g = global.get_object();
    auto const& l = local.get_object();
    auto it = m.begin();
    for (auto const& [key, value] : g) {  // global's keys first, in its order
        require(it != m.end() && it->key() == key, "merge: global's key order is lost", where);
        auto const in_local = l.find(key);
        if (in_local == l.end()) {
            require(same_json(it->value(), value), "merge: global's value changed",
                    where + "/" + std::string(key));
        } else {
            check_merge(it->value(), value, in_local->value(), where + "/" + std::string(key));
        }
        ++it;
    }
    for (auto const& [key, value] : l) {  // then local's new keys, in its order
        if (g.contains(key)) continue;
        require(it != m.end() && it->key() == key, "merge: local's new key missing or misplaced",
                where);
        require(same_json(it->value(), value), "merge: local's value changed",
                where + "/" + std::string(key));
        ++it;
    }
    require(it == m.end(), "merge: a key neither input has", where);
}

void check_pointer_round_trip(std::string_view pointer) {
    auto tokens = parse_json_pointer(pointer);
    if (!tokens) return;
    std::string formatted;
    for (auto const& token : *tokens)
        formatted += "/" + escape_json_pointer_token(token);
    require(formatted == pointer, "pointer: format(parse(p)) != p",
            expected_got(pointer, formatted));
}

void check_format_round_trip(json::value const& v) {
    if (find_unrepresentable(v)) return;
    auto const text = format_json(v);
    require(!text.empty() && text.back() == '\n', "format_json: no trailing newline");
    auto again = parse_json(text, "fuzz");
    require(again.has_value(), "format_json wrote text that does not parse", text);
    require(same_json(*again, v),
            "format_json: the text parses to another value", expected_got(v, *again));
}

/// Applies set_at_pointer and erase_at_pointer to copies of doc.
void check_pointer_edits(json::value const& doc, std::string_view pointer, json::value const& v) {
    auto tokens = parse_json_pointer(pointer);
    auto set = doc;
    if (auto done = set_at_pointer(set, pointer, v); !done) {
        require(same_json(set, doc), "set_at_pointer changed the document and failed",
                done.error().message());
    } else if (tokens && (tokens->empty() || tokens->back() != "-")) {
        auto found = find_at_pointer(set, pointer);
        require(found && same_json(**found, v), "set_at_pointer: the value is not at the pointer");
    }
    auto erased = doc;
    auto gone = erase_at_pointer(erased, pointer);
    if (!gone || !*gone) {
        require(same_json(erased, doc), "erase_at_pointer changed the document without erasing");
    } else if (tokens && !tokens->empty()) {
        std::string parent_pointer(pointer.substr(0, pointer.rfind('/')));
        auto before = find_at_pointer(doc, parent_pointer);
        auto after = find_at_pointer(erased, parent_pointer);
        require(before && after, "erase_at_pointer: the parent is gone");
        auto size_of = [](json::value const& p) {
            return p.is_object() ? p.get_object().size() : p.get_array().size();
        };
        require(size_of(**after) + 1 == size_of(**before),
                "erase_at_pointer: not exactly one removed");
    }
}

void check_store(std::string_view global_bytes, std::string_view local_bytes,
                 std::optional<json::value> const& global, std::optional<json::value> const& local,
                 std::string_view pointer, json::value const& v) {
    auto fs = fresh_fs();
    put_file(fs, global_path, global_bytes);
    put_file(fs, local_path, local_bytes);
    memory_store store(global_path, local_path, {},
                       atomic_file<memory_fs, no_sync, sibling_temp>(fs));

    auto whole = store.get("");
    require(whole.has_value() == (global && local),
            "store: get(\"\") disagrees on the files' validity");
    if (whole) {
        auto expected = *global;
        merge_json(expected, *local);
        require(same_json(*whole, expected), "store: get(\"\") is not the merge",
                expected_got(expected, *whole));
    }

    auto set = store.set(settings_scope::local, pointer, v);
    auto const local_after = test::content_of(fs, local_path);
    std::optional<json::value> expected;
    if (local) {
        expected = *local;
        if (!set_at_pointer(*expected, pointer, v) || !expected->is_object()) expected.reset();
    }
    if (!set) {
        require(local_after == local_bytes, "store: a failed set changed the file");
        require(!expected || find_unrepresentable(*expected) ||
                    set.error().detail().ends_with("duplicate key in this object"),
                "store: set failed where set_at_pointer works", set.error().message());
        return;
    }
    require(expected.has_value(), "store: set succeeded on a corrupt file or a bad pointer");
    if (local_after != local_bytes) {
        // A new or blank file is formatted, one of comments alone keeps them
        // above the new object, and an existing one is edited in place.
        auto const comments =
            is_blank(local_bytes) ? std::string()
            : local_bytes.ends_with('\n') ? std::string(local_bytes)
                                          : std::string(local_bytes) + "\n";
        auto const written = holds_no_value(local_bytes)
                                 ? comments + format_json(*expected)
                                 : edit_json_text(local_bytes, *expected, local_path).value();
        require(local_after == written, "store: set wrote something else",
                expected_got(written, local_after));
    } else {
        require(same_json(*expected, *local),
                "store: set changed nothing but the value was not there");
    }
    auto read_back = store.get(settings_scope::local, "");
    require(read_back.has_value(), "store: the file set wrote does not read back",
            read_back ? "" : read_back.error().message());
    require(same_json(*read_back, *expected),
            "store: the set value does not read back", expected_got(*expected, *read_back));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto const parts = split_at_nul(input_bytes(data, size), 4);
    std::string_view const global_bytes = parts[0];
    std::string_view const local_bytes = parts.size() > 1 ? parts[1] : "";
    std::string_view const pointer = parts.size() > 2 ? parts[2] : "";
    std::string_view const value_text = parts.size() > 3 ? parts[3] : "";

    auto parsed_value = parse_json(value_text, "fuzz");
    json::value const v = parsed_value ? std::move(*parsed_value) : json::value(value_text);

    auto const global = scope_content(global_bytes);
    auto const local = scope_content(local_bytes);

    check_pointer_round_trip(pointer);
    if (global) check_format_round_trip(*global);
    if (global && local) {
        auto merged = *global;
        merge_json(merged, *local);
        check_merge(merged, *global, *local, "");
        check_pointer_edits(merged, pointer, v);
    }
    check_store(global_bytes, local_bytes, global, local, pointer, v);
    return 0;
}
