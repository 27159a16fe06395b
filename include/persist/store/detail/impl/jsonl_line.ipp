// Out-of-line definitions for <persist/store/detail/jsonl_line.hpp>.
#ifndef PERSIST_STORE_DETAIL_IMPL_JSONL_LINE_IPP
#define PERSIST_STORE_DETAIL_IMPL_JSONL_LINE_IPP

#include <persist/store/detail/jsonl_line.hpp>

#include <persist/json_text.hpp>

namespace persist::detail {

PERSIST_DECL std::string unwritable_reason(boost::json::value const& v) {
    if (auto why = find_unrepresentable(v)) return std::move(*why);
    return {};
}

PERSIST_DECL void append_jsonl_line(std::string& out, boost::json::value const& v) {
    out += format_json_line(v);
    out += '\n';
}

}  // namespace persist::detail

#endif
