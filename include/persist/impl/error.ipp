// Out-of-line definitions for <persist/error.hpp>.
#ifndef PERSIST_IMPL_ERROR_IPP
#define PERSIST_IMPL_ERROR_IPP

#include <persist/error.hpp>

namespace persist {

PERSIST_DECL std::string_view to_string(stage s) noexcept {
    switch (s) {
        case stage::validate: return "validate";
        case stage::create_directory: return "create_directory";
        case stage::create_temp: return "create_temp";
        case stage::write_temp: return "write_temp";
        case stage::sync_temp: return "sync_temp";
        case stage::set_metadata: return "set_metadata";
        case stage::backup: return "backup";
        case stage::rename: return "rename";
        case stage::sync_directory: return "sync_directory";
        case stage::cleanup: return "cleanup";
        case stage::lock: return "lock";
        case stage::read: return "read";
        case stage::parse: return "parse";
        case stage::recover: return "recover";
        case stage::append: return "append";
    }
    return "unknown";
}

namespace detail {

class persist_error_category final : public std::error_category {
public:
    char const* name() const noexcept override { return "persist"; }
    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
            case errc::invalid_input: return "invalid input";
            case errc::corrupt_data: return "corrupt data";
            case errc::validation_failed: return "rejected by validation";
            case errc::version_too_new: return "written by a newer version";
            case errc::type_mismatch: return "type mismatch";
            case errc::not_found: return "not found";
            case errc::writer_failed: return "writer failed";
            case errc::no_migration: return "no upgrade step for this version";
            case errc::not_regular_file: return "not a regular file";
        }
        return "unknown persist error";
    }
};

inline std::string quoted(std::filesystem::path const& p) { return "'" + p.string() + "'"; }

}  // namespace detail

PERSIST_DECL std::error_category const& persist_category() noexcept {
    static detail::persist_error_category const category;
    return category;
}

namespace detail {

// How a message names the failed step: "<action> <object> '<other>' <relation>
// '<path>'", or "<action> '<path>'" when no second path is involved.
struct stage_phrase {
    std::string_view action;
    std::string_view object;
    std::string_view relation;
};

inline stage_phrase phrase_of(stage s) noexcept {
    switch (s) {
        case stage::validate: return {"refused", "", ""};
        case stage::create_directory: return {"cannot create", "directory", "for"};
        case stage::create_temp: return {"cannot create temporary file", "in", "for"};
        case stage::write_temp: return {"cannot write", "temporary file", "for"};
        case stage::sync_temp: return {"cannot sync", "temporary file", "for"};
        case stage::set_metadata: return {"cannot set mode or owner of", "temporary file", "for"};
        case stage::backup: return {"cannot keep", "backup", "of"};
        case stage::rename: return {"cannot rename", "temporary file", "to"};
        case stage::sync_directory: return {"cannot sync", "directory", "after replacing"};
        case stage::cleanup: return {"cannot remove", "leftover file", "of"};
        case stage::lock: return {"cannot lock", "lock file", "for"};
        case stage::read: return {"cannot read", "file", "for"};
        case stage::parse: return {"cannot parse", "file", "for"};
        case stage::recover: return {"cannot recover", "file", "for"};
        case stage::append: return {"cannot append to", "file", "for"};
    }
    return {"failed on", "", ""};
}

}  // namespace detail

PERSIST_DECL std::string error::message() const {
    using detail::quoted;
    auto const phrase = detail::phrase_of(stage_);
    std::string line(phrase.action);
    if (!other_path_.empty() && !phrase.object.empty()) {
        line.append(" ").append(phrase.object).append(" ").append(quoted(other_path_));
        line.append(" ").append(phrase.relation);
    }
    line.append(" ").append(quoted(path_));
    if (stage_ == stage::sync_directory) {
        line += ", which now holds the new content whose durability is unknown";
    }
    if (!detail_.empty()) line.append(" (").append(detail_).append(")");
    return line.append(": ").append(cause_.message());
}

}  // namespace persist

#endif
