// Out-of-line definitions for <persist/detail/validate_path.hpp>.
#ifndef PERSIST_DETAIL_IMPL_VALIDATE_PATH_IPP
#define PERSIST_DETAIL_IMPL_VALIDATE_PATH_IPP

#include <persist/detail/validate_path.hpp>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace persist::detail {

PERSIST_DECL result<void> validate_file_path(std::filesystem::path const& p) {
    auto const& text = p.native();
    auto reject = [&](std::error_code cause, char const* why) -> result<void> {
        return error(stage::validate, cause, p, {}, why);
    };
    if (text.empty()) return reject(errc::invalid_input, "the path is empty");
    if (std::all_of(text.begin(), text.end(),
                    [](unsigned char c) { return std::isspace(c) != 0; })) {
        return reject(errc::invalid_input, "the path is only whitespace");
    }
    if (text.find('\0') != std::string::npos)
        return reject(errc::invalid_input, "the path contains a NUL byte");
    // p.filename(), from the text: a path and a comparison of paths cost
    // more than the rest of this check.
    auto const slash = text.find_last_of('/');
    auto const name = slash == std::string::npos ? std::string_view(text)
                                                 : std::string_view(text).substr(slash + 1);
    if (name.empty() || name == "." || name == "..") {
        return reject(std::make_error_code(std::errc::is_a_directory),
                      "the path names a directory");
    }
    return {};
}

}  // namespace persist::detail

#endif
