// Out-of-line definitions for <persist/detail/validate_path.hpp>.
#ifndef PERSIST_DETAIL_IMPL_VALIDATE_PATH_IPP
#define PERSIST_DETAIL_IMPL_VALIDATE_PATH_IPP

#include <persist/detail/validate_path.hpp>

#include <algorithm>
#include <cctype>

namespace persist::detail {

PERSIST_DECL result<void> validate_file_path(std::filesystem::path const& p) {
    auto const& text = p.native();
    auto reject = [&](std::error_code cause, char const* why) -> result<void> {
        return error(stage::validate, cause, p, {}, why);
    };
    if (text.empty()) return reject(errc::invalid_input, "the path is empty");
    if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; })) {
        return reject(errc::invalid_input, "the path is only whitespace");
    }
    if (text.find('\0') != std::string::npos) return reject(errc::invalid_input, "the path contains a NUL byte");
    auto const name = p.filename();
    if (name.empty() || name == "." || name == "..") {
        return reject(std::make_error_code(std::errc::is_a_directory), "the path names a directory");
    }
    return {};
}

}  // namespace persist::detail

#endif
