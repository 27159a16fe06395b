// The paths persist derives from a file's path: its directory, its name, and
// the names it makes beside it. Read off the path's text, without going
// through std::filesystem's component parsing: a replace needs them on
// every call.
#ifndef PERSIST_DETAIL_PATH_TEXT_HPP
#define PERSIST_DETAIL_PATH_TEXT_HPP

#include <filesystem>
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

/// `<file>.lock`: the lock file next to file. It is never removed, because
/// removing a lock file races with a process that just opened it.
inline std::filesystem::path lock_path_of(std::filesystem::path const& file) {
    auto lock = file;
    lock += ".lock";
    return lock;
}

/// `<file>.bak`: where keep_backup keeps the previous content of file.
inline std::filesystem::path backup_path_of(std::filesystem::path const& file) {
    auto backup = file;
    backup += ".bak";
    return backup;
}

}  // namespace persist::detail

#endif
