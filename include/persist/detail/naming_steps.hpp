// Steps the naming policies share: creating a named temp, renaming it.
#ifndef PERSIST_DETAIL_NAMING_STEPS_HPP
#define PERSIST_DETAIL_NAMING_STEPS_HPP

#include <persist/detail/temp_name.hpp>
#include <persist/naming/naming_policy.hpp>

#include <cerrno>

namespace persist::detail {

/// The directory that holds p: its parent, or "." for a bare file name.
inline std::filesystem::path directory_of(std::filesystem::path const& p) {
    auto parent = p.parent_path();
    return parent.empty() ? std::filesystem::path(".") : parent;
}

/// How often a fresh random name is tried when the previous one exists.
/// A collision of 64 random bits means someone planted the name (or a link
/// at it); giving up after a few is better than looping.
inline constexpr int temp_name_attempts = 8;

/// Creates `.<target name>.tmp-…` in dir with O_EXCL|O_NOFOLLOW, mode 0600.
template <class Fs>
naming_result<temp_file<Fs>> create_named_temp(Fs& fs, std::filesystem::path const& dir,
                                               std::filesystem::path const& target) {
    std::error_code cause;
    for (int attempt = 0; attempt < temp_name_attempts; ++attempt) {
        auto path = dir / make_temp_name(target.filename().string());
        auto created = fs.create_exclusive(path, 0600);
        if (created) return temp_file<Fs>{*created, std::move(path)};
        cause = created.error();
        if (cause != std::errc::file_exists) break;
    }
    return naming_failure{stage::create_temp, cause, dir};
}

/// Gives the open anonymous temp t a fresh visible name in dir.
template <class Fs>
naming_result<void> link_anonymous_temp(Fs& fs, temp_file<Fs>& t, std::filesystem::path const& dir,
                                        std::filesystem::path const& target) {
    std::error_code cause;
    for (int attempt = 0; attempt < temp_name_attempts; ++attempt) {
        auto path = dir / make_temp_name(target.filename().string());
        auto linked = fs.link_handle(t.handle, path);
        if (linked) {
            t.path = std::move(path);
            return {};
        }
        cause = linked.error();
        if (cause != std::errc::file_exists) break;
    }
    return naming_failure{stage::rename, cause, dir};
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
