// Out-of-line definitions for <persist/store/state_file.hpp>.
#ifndef PERSIST_STORE_IMPL_STATE_FILE_IPP
#define PERSIST_STORE_IMPL_STATE_FILE_IPP

#include <persist/store/detail/state_document.hpp>
#include <persist/store/state_file.hpp>

namespace persist {

PERSIST_DECL std::string_view to_string(load_outcome outcome) noexcept {
    switch (outcome) {
        case load_outcome::loaded: return "loaded";
        case load_outcome::missing: return "missing";
        case load_outcome::recovered_from_backup: return "recovered_from_backup";
        case load_outcome::corrupt_used_defaults: return "corrupt_used_defaults";
    }
    return "unknown";
}

PERSIST_DECL std::string load_report::summary() const {
    auto quoted = [](std::filesystem::path const& p) { return "'" + p.string() + "'"; };
    std::string line;
    switch (outcome) {
        case load_outcome::loaded: line = "loaded " + quoted(source); break;
        case load_outcome::missing: line = "no state file: using defaults"; break;
        case load_outcome::recovered_from_backup:
            line = "recovered from the backup " + quoted(source);
            break;
        case load_outcome::corrupt_used_defaults:
            line = "corrupt, with no usable backup: using defaults";
            break;
    }
    if (last_updated) line += " (saved " + detail::format_utc_time(*last_updated) + ")";
    if (migrated_from) line += ", migrated from version " + std::to_string(*migrated_from);
    for (auto const& q : quarantined) {
        line +=
            "; " + quoted(q.from) + " was corrupt (" + q.reason + ") and is now " + quoted(q.to);
    }
    return line;
}

}  // namespace persist

#endif
