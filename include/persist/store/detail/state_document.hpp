// The envelope state_file writes around a state: version, time, state.
#ifndef PERSIST_STORE_DETAIL_STATE_DOCUMENT_HPP
#define PERSIST_STORE_DETAIL_STATE_DOCUMENT_HPP

#include <persist/detail/utc_time.hpp>
#include <persist/error.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace persist::detail {

/// A state file's content, parsed.
struct state_document {
    std::uint64_t version = 0;
    std::optional<std::chrono::sys_seconds> last_updated;  ///< empty if missing or malformed
    boost::json::value state;
};

/// Parses text as a state document: a JSON object with a positive integer
/// "version" and a "state" of any type; "last_updated" is informational
/// and may be missing. Other members are ignored.
/// Errors: stage::parse, errc::corrupt_data, path = source, detail = the
/// reason: "line 3, column 8: syntax error", "\"version\" is missing", ...
PERSIST_DECL result<state_document> parse_state_document(std::string_view text,
                                                         std::filesystem::path const& source);

/// The document save() writes, with format_json's layout: the text
/// format_json gives for {"version", "last_updated", "state"}, written
/// around `state` without copying it into such an object.
PERSIST_DECL std::string format_state_document(std::uint64_t version, std::chrono::sys_seconds time,
                                               boost::json::value const& state);

}  // namespace persist::detail

#if defined(PERSIST_HEADER_ONLY)
#include <persist/store/detail/impl/state_document.ipp>
#endif

#endif
