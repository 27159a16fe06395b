// Looking at files through any Fs model, for assertions.
#ifndef PERSIST_TEST_SUPPORT_FS_INSPECT_HPP
#define PERSIST_TEST_SUPPORT_FS_INSPECT_HPP

#include <persist/detail/read_file.hpp>
#include <persist/detail/temp_name.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace persist::test {

/// The content of p, or "<unreadable: reason>" so that a failed comparison
/// prints why.
template <class Fs>
std::string content_of(Fs fs, std::filesystem::path const& p) {
    auto content = detail::read_whole_file(fs, p);
    if (!content) return "<unreadable: " + content.error().message() + ">";
    return std::move(*content);
}

/// The names in dir, sorted.
template <class Fs>
std::vector<std::string> entries_of(Fs fs, std::filesystem::path const& dir) {
    auto names = fs.list_directory(dir);
    if (!names) return {};
    std::sort(names->begin(), names->end());
    return std::move(*names);
}

/// The names in dir that persist's naming policies use for temp files.
template <class Fs>
std::vector<std::string> temp_files_in(Fs fs, std::filesystem::path const& dir) {
    auto names = entries_of(fs, dir);
    std::erase_if(names, [](std::string const& n) {
        return n.find(detail::temp_marker) == std::string::npos;
    });
    return names;
}

/// The permission bits of p (following symlinks); 0 if p is missing.
template <class Fs>
mode_t mode_of(Fs fs, std::filesystem::path const& p) {
    auto status = fs.stat(p);
    return status ? status->mode : 0;
}

/// Sets the permission bits of an existing file.
template <class Fs>
void set_mode_of(Fs fs, std::filesystem::path const& p, mode_t mode) {
    auto opened = fs.open_read(p);
    if (!opened) return;
    (void)fs.set_mode(*opened, mode);
    (void)fs.close(*opened);
}

}  // namespace persist::test

#endif
