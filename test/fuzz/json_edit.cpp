// Fuzzes edit_json_text: a random JSONC document and one random edit. The
// input is three parts cut at NUL bytes: the document, a command (its
// first byte: 'e' erases, anything else sets; the rest is a JSON Pointer,
// so "s/list/-" appends), and the value to set (JSON text; otherwise the
// part itself as a JSON string). Checked:
//  - a document that parses as JSONC is edited (unless it holds a key
//    twice, which is refused); one that does not is refused;
//  - the output parses as JSONC to the edited value;
//  - no byte outside the edited member changed, so every comment outside
//    it survives: the bytes before and after it are the same in the output
//    (for a new member, its container's last member and closing bracket
//    bound it);
//  - a document that was strict JSON is still strict JSON.
#include "fuzz/fuzz_support.hpp"

#include <persist/detail/jsonc_layout.hpp>
#include <persist/json_edit.hpp>
#include <persist/json_pointer.hpp>
#include <persist/json_text.hpp>

#include <boost/json/parse.hpp>

#include <optional>

namespace {

using namespace persist;
using namespace persist::fuzz;
namespace json = boost::json;

std::string_view without_bom(std::string_view text) {
    return text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text;
}

std::optional<json::value> parse_jsonc(std::string_view text) {
    auto parsed = parse_json(text, "fuzz", json_syntax::jsonc);
    if (!parsed) return std::nullopt;
    return std::move(*parsed);
}

/// The bytes [lo, hi) of a document outside which an edit may change nothing.
struct edit_region {
    std::size_t lo = 0;
    std::size_t hi = 0;
};

/// Where the edit at `tokens` may change doc: the value it names; for an
/// erase, the member with the space to its neighbours (an array erases the
/// last of equal elements); for a member that does not exist yet, the end
/// of the deepest container on the way.
edit_region region_of(std::string_view doc, json::value const& old,
                      std::vector<std::string> const& tokens, bool erase) {
    detail::jsonc_scanner const scan(doc);
    auto begin = scan.skip_trivia(doc.size() - without_bom(doc).size());
    edit_region region{begin, scan.skip_value(begin)};
    json::value const* at = &old;
    for (std::size_t t = 0; t < tokens.size() && (at->is_object() || at->is_array()); ++t) {
        auto const layout = scan.scan_container(begin);
        auto const& members = layout.members;
        std::size_t i = members.size();
        if (auto const* object = at->if_object()) {
            auto const found = object->find(tokens[t]);
            if (found != object->end()) i = static_cast<std::size_t>(found - object->begin());
        } else if (auto const index =
                       find_at_pointer(*at, "/" + escape_json_pointer_token(tokens[t]))) {
            i = static_cast<std::size_t>(*index - at->get_array().data());
        }
        if (i == members.size()) {  // a new member
            return {members.empty() ? layout.open + 1 : members.back().value_end, layout.close};
        }
        auto const* next =
            at->is_object() ? &(at->get_object().begin() + i)->value() : &at->get_array()[i];
        if (erase && t + 1 == tokens.size()) {
            auto last = i;
            while (at->is_array() && last + 1 < members.size() &&
                   at->get_array()[last + 1] == *next)
                ++last;
            return {i > 0 ? members[i - 1].value_end : layout.open + 1,
                    last + 1 < members.size() ? members[last + 1].begin : layout.close};
        }
        at = next;
        begin = members[i].value_begin;
        region = {begin, members[i].value_end};
    }
    return region;
}

void check_edit(std::string_view doc, json::value const& old, std::string_view pointer, bool erase,
                json::value const& v) {
    auto tokens = parse_json_pointer(pointer);
    if (!tokens) return;
    auto target = old;
    if (erase) {
        auto erased = erase_at_pointer(target, pointer);
        if (!erased || !*erased) return;
    } else if (!set_at_pointer(target, pointer, v) || find_unrepresentable(target)) {
        return;
    }
    auto edited = edit_json_text(doc, target, "fuzz");
    if (!edited) {
        require(edited.error().detail().ends_with("duplicate key in this object"),
                "edit_json_text refused a document that parses", edited.error().message());
        return;
    }
    auto const again = parse_jsonc(*edited);
    require(again.has_value(), "the edited text does not parse", *edited);
    require(same_json(*again, target),
            "the edited text parses to another value", expected_got(target, *again));
    auto const region = region_of(doc, old, *tokens, erase);
    std::string_view const out = *edited;
    require(out.size() >= region.lo + (doc.size() - region.hi) &&
                out.starts_with(doc.substr(0, region.lo)) && out.ends_with(doc.substr(region.hi)),
            "bytes outside the edited member changed", expected_got(doc, out));
    json::parse_options strict;
    strict.max_depth = json_max_depth;
    boost::system::error_code ec;
    (void)json::parse(doc, ec, {}, strict);
    if (!ec) {
        (void)json::parse(out, ec, {}, strict);
        require(!ec, "a strict JSON document is no longer strict JSON", std::string(out));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto const parts = split_at_nul(input_bytes(data, size), 3);
    std::string_view const doc = parts[0];
    std::string_view const command = parts.size() > 1 ? parts[1] : "";
    std::string_view const value_text = parts.size() > 2 ? parts[2] : "";

    auto const old = parse_jsonc(doc);
    if (!old) {
        require(!edit_json_text(doc, json::object(), "fuzz"),
                "edit_json_text accepted a document that does not parse");
        return 0;
    }
    auto parsed_value = parse_json(value_text, "fuzz");
    json::value const v = parsed_value ? std::move(*parsed_value) : json::value(value_text);
    bool const erase = !command.empty() && command.front() == 'e';
    check_edit(doc, *old, command.empty() ? command : command.substr(1), erase, v);
    return 0;
}
