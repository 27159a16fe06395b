// Out-of-line definitions for <persist/store/detail/state_document.hpp>.
#ifndef PERSIST_STORE_DETAIL_IMPL_STATE_DOCUMENT_IPP
#define PERSIST_STORE_DETAIL_IMPL_STATE_DOCUMENT_IPP

#include <persist/impl/json_text.ipp>  // format_json_into, append_scalar
#include <persist/json_text.hpp>
#include <persist/store/detail/state_document.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serializer.hpp>

#include <string>

namespace persist::detail {

PERSIST_DECL result<state_document> parse_state_document(std::string_view text,
                                                         std::filesystem::path const& source) {
    auto parsed = parse_json(text, source);
    if (!parsed) return parsed.error();
    auto corrupt = [&](std::string reason) {
        return error(stage::parse, errc::corrupt_data, source, {}, std::move(reason));
    };
    auto* object = parsed->if_object();
    if (object == nullptr) return corrupt("the document is not a JSON object");
    state_document document;
    auto const* version = object->if_contains("version");
    if (version == nullptr) return corrupt("\"version\" is missing");
    if (version->is_uint64()) {
        document.version = version->get_uint64();
    } else if (version->is_int64() && version->get_int64() > 0) {
        document.version = static_cast<std::uint64_t>(version->get_int64());
    }
    if (document.version == 0) return corrupt("\"version\" is not a positive integer");
    auto* state = object->if_contains("state");
    if (state == nullptr) return corrupt("\"state\" is missing");
    document.state = std::move(*state);
    if (auto const* time = object->if_contains("last_updated");
        time != nullptr && time->is_string()) {
        document.last_updated = parse_utc_time(time->get_string());
    }
    return document;
}

PERSIST_DECL std::string format_state_document(std::uint64_t version, std::chrono::sys_seconds time,
                                               boost::json::value const& state) {
    std::string out = "{\n  \"version\": " + std::to_string(version) + ",\n  \"last_updated\": ";
    boost::json::serializer sr;
    append_scalar(out, sr, boost::json::value(format_utc_time(time)));
    out += ",\n  \"state\": ";
    format_json_into(out, sr, state, true, 1);
    out += "\n}\n";
    return out;
}

}  // namespace persist::detail

#endif
