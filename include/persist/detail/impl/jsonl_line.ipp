// Out-of-line definitions for <persist/detail/jsonl_line.hpp>.
#ifndef PERSIST_DETAIL_IMPL_JSONL_LINE_IPP
#define PERSIST_DETAIL_IMPL_JSONL_LINE_IPP

#include <persist/detail/jsonl_line.hpp>

#include <persist/json_text.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace persist::detail {

/// Whether v nests arrays and objects more than `allowed` levels deep.
inline bool nests_deeper_than(boost::json::value const& v, std::size_t allowed) {
    if (auto const* array = v.if_array()) {
        if (allowed == 0) return true;
        return std::any_of(array->begin(), array->end(), [&](boost::json::value const& e) {
            return nests_deeper_than(e, allowed - 1);
        });
    }
    if (auto const* object = v.if_object()) {
        if (allowed == 0) return true;
        return std::any_of(object->begin(), object->end(), [&](auto const& member) {
            return nests_deeper_than(member.value(), allowed - 1);
        });
    }
    return false;
}

PERSIST_DECL std::string unwritable_reason(boost::json::value const& v) {
    if (auto why = find_unrepresentable(v)) return std::move(*why);
    if (nests_deeper_than(v, jsonl_max_depth))
        return "nesting is deeper than " + std::to_string(jsonl_max_depth);
    return {};
}

PERSIST_DECL void append_jsonl_line(std::string& out, boost::json::value const& v) {
    out += boost::json::serialize(v);
    out += '\n';
}

}  // namespace persist::detail

#endif
