// Steps the naming policies share: creating a named temp, renaming it.
#ifndef PERSIST_DETAIL_NAMING_STEPS_HPP
#define PERSIST_DETAIL_NAMING_STEPS_HPP

#include <persist/detail/temp_name.hpp>
#include <persist/naming/naming_policy.hpp>

#include <cerrno>
#include <string>
#include <string_view>

namespace persist::detail {

/// The text of the directory that holds p: its parent, or "." for a bare
/// file name. The same as p.parent_path() (then "." for empty), read off
/// p's text without going through its components: a replace needs it on
/// every call. A view into p (or a literal).
inline std::string_view directory_text_of(std::filesystem::path const& p) noexcept {
    std::string_view const text = p.native();
    if (!text.empty() && text.find_first_not_of('/') == std::string_view::npos)
        return text;  // a root
    auto const slash = text.find_last_of('/');
    if (slash == std::string_view::npos) return ".";
    auto const last = text.find_last_not_of('/', slash);
    if (last == std::string_view::npos) return text.substr(0, 1);  // "/name": the root
    return text.substr(0, last + 1);
}

/// The directory that holds p, as a path (see directory_text_of).
inline std::filesystem::path directory_of(std::filesystem::path const& p) {
    return std::filesystem::path(directory_text_of(p));
}

/// p's last component as text: p.filename().native() without building a path.
inline std::string_view file_name_of(std::filesystem::path const& p) noexcept {
    std::string_view const text = p.native();
    auto const slash = text.find_last_of('/');
    return slash == std::string_view::npos ? text : text.substr(slash + 1);
}

/// dir / name for a relative name without a separator, parsed once.
inline std::filesystem::path path_in(std::string_view dir, std::string_view name) {
    std::string text;
    text.reserve(dir.size() + 1 + name.size());
    text = dir;
    if (!text.empty() && text.back() != '/') text += '/';
    text += name;
    return std::filesystem::path(std::move(text));
}

/// How often a fresh random name is tried when the previous one exists.
/// A collision of 64 random bits means someone planted the name (or a link
/// at it); giving up after a few is better than looping.
inline constexpr int temp_name_attempts = 8;

/// Creates `.<target name>.tmp-…` in dir with O_EXCL|O_NOFOLLOW, mode 0600.
template <class Fs>
naming_result<temp_file<Fs>> create_named_temp(Fs& fs, std::string_view dir,
                                               std::filesystem::path const& target) {
    std::error_code cause;
    for (int attempt = 0; attempt < temp_name_attempts; ++attempt) {
        auto path = path_in(dir, make_temp_name(file_name_of(target)));
        auto created = fs.create_exclusive(path, 0600);
        if (created) return temp_file<Fs>{*created, std::move(path)};
        cause = created.error();
        if (cause != std::errc::file_exists) break;
    }
    return naming_failure{stage::create_temp, cause, std::filesystem::path(dir)};
}

/// Gives the open anonymous temp t a fresh visible name in dir.
template <class Fs>
naming_result<void> link_anonymous_temp(Fs& fs, temp_file<Fs>& t, std::string_view dir,
                                        std::filesystem::path const& target) {
    std::error_code cause;
    for (int attempt = 0; attempt < temp_name_attempts; ++attempt) {
        auto path = path_in(dir, make_temp_name(file_name_of(target)));
        auto linked = fs.link_handle(t.handle, path);
        if (linked) {
            t.path = std::move(path);
            return {};
        }
        cause = linked.error();
        if (cause != std::errc::file_exists) break;
    }
    return naming_failure{stage::rename, cause, std::filesystem::path(dir)};
}

/// rename(t.path, target); on success t has no name left to clean up.
template <class Fs>
naming_result<void> rename_temp(Fs& fs, temp_file<Fs>& t, std::filesystem::path const& target) {
    if (auto renamed = fs.rename(t.path, target); !renamed) {
        return naming_failure{stage::rename, renamed.error(), t.path};
    }
    t.path.clear();
    return {};
}

}  // namespace persist::detail

#endif
