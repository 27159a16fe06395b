// Steps the naming policies share: creating a named temp, renaming it.
#ifndef PERSIST_NAMING_DETAIL_NAMING_STEPS_HPP
#define PERSIST_NAMING_DETAIL_NAMING_STEPS_HPP

#include <persist/detail/path_text.hpp>
#include <persist/detail/temp_name.hpp>
#include <persist/detail/unique_handle.hpp>
#include <persist/naming/naming_policy.hpp>

#include <array>
#include <cerrno>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace persist::detail {

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

/// Copies source (from its current offset to its end) into the new file
/// dest, gives dest source's mode, syncs it under Durability and closes it:
/// the steps of a temp's content, for a copy (temp_dir across devices,
/// keep_backup where link(2) is not supported). dest_path is only for the
/// failure, which names the step that failed.
template <class Durability, class Fs>
naming_result<void> copy_into(Fs& fs, typename Fs::handle source, unique_handle<Fs>& dest,
                              std::filesystem::path const& dest_path) {
    auto fail = [&](stage where, std::error_code cause) -> naming_result<void> {
        return naming_failure{where, cause, dest_path};
    };
    std::array<std::byte, 64 * 1024> buffer;
    for (;;) {
        auto got = fs.read(source, buffer);
        if (!got) return fail(stage::write_temp, got.error());
        if (*got == 0) break;
        if (auto put = fs.write(dest.get(), std::span(buffer.data(), *got)); !put)
            return fail(stage::write_temp, put.error());
    }
    auto const status = fs.stat(source);
    if (!status) return fail(stage::set_metadata, status.error());
    if (auto moded = fs.set_mode(dest.get(), status->mode); !moded)
        return fail(stage::set_metadata, moded.error());
    if (auto synced = Durability::sync_file(fs, dest.get()); !synced)
        return fail(stage::sync_temp, synced.error());
    if (auto closed = dest.close(); !closed) return fail(stage::write_temp, closed.error());
    return {};
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
