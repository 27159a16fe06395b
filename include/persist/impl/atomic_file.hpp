// Template bodies of <persist/atomic_file.hpp>.
#ifndef PERSIST_IMPL_ATOMIC_FILE_HPP
#define PERSIST_IMPL_ATOMIC_FILE_HPP

#include <persist/detail/create_parents.hpp>
#include <persist/detail/link_support.hpp>
#include <persist/detail/read_file.hpp>
#include <persist/detail/validate_path.hpp>
#include <persist/naming/detail/naming_steps.hpp>

#include <unistd.h>

#include <functional>
#include <type_traits>
#include <vector>

namespace persist {

namespace detail {

/// Owns the temporary file of one replace: on every way out that did not
/// commit it (an error or an exception), closes its handle and then removes
/// it (closed first, as Windows needs).
template <class Fs>
class temp_guard {
public:
    temp_guard(Fs& fs, temp_file<Fs> temp)
        : fs_(fs), handle_(fs, temp.handle), temp_(std::move(temp)) {}
    temp_guard(temp_guard const&) = delete;
    temp_guard& operator=(temp_guard const&) = delete;
    ~temp_guard() {
        handle_.reset();
        if (!temp_.path.empty()) (void)fs_.unlink(temp_.path);
    }

    temp_file<Fs>& file() noexcept { return temp_; }
    io_result<void> close() { return handle_.close(); }

private:
    Fs& fs_;
    unique_handle<Fs> handle_;
    temp_file<Fs> temp_;
};

/// replace()'s writer: the whole content at once. replace_with writes it
/// straight to the temp file, without the sink and its 64 KiB buffer.
struct whole_content {
    std::span<std::byte const> bytes;
    void operator()(sink& out) const { out.write(bytes); }
};

inline constexpr int max_symlink_depth = 40;  // Linux's own limit (ELOOP)

}  // namespace detail

template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
struct atomic_file<Fs, Durability, Naming>::resolved_target {
    std::filesystem::path const* target;  ///< what the caller passed
    std::filesystem::path followed;       ///< where its symlinks led; empty: not a symlink
    std::optional<file_status> existing;  ///< the file's status, when it exists

    /// The file to replace, symlinks resolved (without copying the target).
    std::filesystem::path const& path() const noexcept {
        return followed.empty() ? *target : followed;
    }
};

template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
auto atomic_file<Fs, Durability, Naming>::prepare(std::filesystem::path const& target,
                                                  atomic_file_options const& options) const
    -> result<resolved_target> {
    if (auto valid = detail::validate_file_path(target); !valid) return valid.error();
    resolved_target resolved{&target, {}, std::nullopt};
    auto status = fs_.lstat(target);
    for (int depth = 0;
         status && status->kind == file_kind::symlink && options.symlinks == symlink_mode::follow;
         ++depth) {
        if (depth == detail::max_symlink_depth) {
            return error(stage::validate,
                         std::make_error_code(std::errc::too_many_symbolic_link_levels), target);
        }
        auto const& at = resolved.path();
        auto link = fs_.read_symlink(at);
        if (!link)
            return error(stage::read, link.error(), target, at, "cannot read the symbolic link");
        resolved.followed =
            link->is_absolute() ? std::move(*link) : detail::directory_of(at) / *link;
        status = fs_.lstat(resolved.followed);
    }
    if (status) {
        if (status->kind == file_kind::directory) {
            return error(stage::validate, std::make_error_code(std::errc::is_a_directory), target,
                         resolved.path(), "the target is a directory");
        }
        resolved.existing = *status;
        return resolved;
    }
    if (status.error() == std::errc::not_a_directory) {
        return error(stage::validate, status.error(), target, resolved.path(),
                     "a parent of the target is not a directory");
    }
    if (status.error() != std::errc::no_such_file_or_directory) {
        return error(stage::read, status.error(), target, resolved.path(),
                     "cannot inspect the target");
    }
    if (options.create_parents) {
        auto created =
            detail::create_parents<Durability>(fs_, target, detail::directory_of(resolved.path()));
        if (!created) return created.error();
    }
    return resolved;
}

template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
result<void> atomic_file<Fs, Durability, Naming>::keep_backup(
    std::filesystem::path const& target) const {
    // link(2) cannot replace an existing .bak, so link to a fresh name first
    // and rename that over the old backup: either step failing leaves the
    // previous backup in place.
    // Where link(2) is not supported (FAT, some FUSE and network
    // filesystems) or the file has too many links, the backup is a copy,
    // synced like the new content, so that a backup that exists is whole.
    auto const backup = detail::backup_path_of(target);
    auto const staging =
        detail::directory_of(target) / detail::make_temp_name(backup.filename().string());
    if (auto linked = fs_.link(target, staging); !linked) {
        if (!detail::link_is_unsupported(linked.error()))
            return error(stage::backup, linked.error(), target, backup);
        if (auto copied = copy_for_backup(target, staging); !copied) {
            (void)fs_.unlink(staging);
            return error(stage::backup, copied.error(), target, backup,
                         "link(2) is not supported here; copying failed");
        }
    }
    if (auto renamed = fs_.rename(staging, backup); !renamed) {
        (void)fs_.unlink(staging);
        return error(stage::backup, renamed.error(), target, backup);
    }
    return {};
}

template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
io_result<void> atomic_file<Fs, Durability, Naming>::copy_for_backup(
    std::filesystem::path const& target, std::filesystem::path const& copy) const {
    auto opened = fs_.open_read(target);
    if (!opened) return opened.error();
    detail::unique_handle<Fs> source(fs_, *opened);
    auto created = fs_.create_exclusive(copy, 0600);
    if (!created) return created.error();
    detail::unique_handle<Fs> file(fs_, *created);
    auto copied = detail::copy_into<Durability>(fs_, source.get(), file, copy);
    if (!copied) return copied.error().cause;
    return {};
}

template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
mode_t atomic_file<Fs, Durability, Naming>::final_mode(std::optional<file_status> const& existing,
                                                       atomic_file_options const& options) const {
    if (existing && options.keep_mode) return existing->mode;
    if (options.new_file_mode) return *options.new_file_mode;
    return 0666 & ~fs_.umask();
}

// 1. Content: the whole bytes straight to the temp file, or a writer through
// a sink. Returns the writer's refusal or the first write error.
template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
template <class Writer>
std::error_code atomic_file<Fs, Durability, Naming>::write_content(handle temp,
                                                                   Writer& writer) const {
    if constexpr (std::is_same_v<std::remove_cvref_t<Writer>, detail::whole_content>) {
        if (writer.bytes.empty()) return {};
        auto written = fs_.write(temp, writer.bytes);
        return written ? std::error_code() : written.error();
    } else {
        struct write_context {
            Fs* fs;
            handle file;
        } context{&fs_, temp};
        sink out(
            [](void* c, std::span<std::byte const> bytes) -> std::error_code {
                auto* w = static_cast<write_context*>(c);
                auto written = w->fs->write(w->file, bytes);
                return written ? std::error_code() : written.error();
            },
            &context);
        if constexpr (std::is_convertible_v<std::invoke_result_t<Writer&, sink&>,
                                            std::error_code>) {
            if (std::error_code const refused = std::invoke(writer, out)) return refused;
        } else {
            std::invoke(writer, out);
        }
        return out.flush();
    }
}

// 2. Metadata, before the sync, so that file_sync makes it durable too. The
// mode is always set: the temp was created 0600 & ~umask, which is not 0600
// under a umask such as 0222. A chown the process may not make is skipped.
template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
io_result<void> atomic_file<Fs, Durability, Naming>::set_metadata(
    handle temp, std::optional<file_status> const& existing,
    atomic_file_options const& options) const {
    if (auto set = fs_.set_mode(temp, final_mode(existing, options)); !set) return set;
    if (existing && options.keep_owner &&
        (existing->owner != ::geteuid() || existing->group != ::getegid())) {
        auto owned = fs_.set_owner(temp, existing->owner, existing->group);
        if (!owned && owned.error() != std::errc::operation_not_permitted) return owned;
    }
    return {};
}

// 4. The switch: backup, rename, directory sync.
template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
result<void> atomic_file<Fs, Durability, Naming>::switch_in(
    temp_file<Fs>& temp, resolved_target const& resolved,
    atomic_file_options const& options) const {
    auto const& path = resolved.path();
    if (resolved.existing && options.keep_backup) {
        if (auto kept = keep_backup(path); !kept) return kept.error();
    }
    if (auto committed = naming_.template commit<Durability>(fs_, temp, path); !committed) {
        auto const& f = committed.error();
        return error(f.stage, f.cause, *resolved.target, f.path);
    }
    auto const dir = detail::directory_of(path);
    if (auto synced = Durability::sync_directory(fs_, dir); !synced)
        return error(stage::sync_directory, synced.error(), *resolved.target, dir);
    return {};
}

template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
template <class Writer>
result<void> atomic_file<Fs, Durability, Naming>::replace_using(atomic_file_options const& options,
                                                                std::filesystem::path const& target,
                                                                Writer&& writer) const {
    auto prepared = prepare(target, options);
    if (!prepared) return prepared.error();
    auto const& path = prepared->path();
    auto fail = [&](stage where, std::error_code cause,
                    std::filesystem::path const& other) -> result<void> {
        return error(where, cause, target, other);
    };
    auto fail_naming = [&](naming_failure const& f) { return fail(f.stage, f.cause, f.path); };

    auto created = naming_.create(fs_, path);
    if (!created) return fail_naming(created.error());
    detail::temp_guard<Fs> temp(fs_, std::move(*created));
    auto const temp_name = [&] {
        return temp.file().path.empty() ? detail::directory_of(path) : temp.file().path;
    };
    auto const file = temp.file().handle;
    if (auto const failed = write_content(file, writer))
        return fail(stage::write_temp, failed, temp_name());
    if (auto set = set_metadata(file, prepared->existing, options); !set)
        return fail(stage::set_metadata, set.error(), temp_name());
    // 3. Durability of the content, then a name for an anonymous temp.
    if (auto synced = Durability::sync_file(fs_, file); !synced)
        return fail(stage::sync_temp, synced.error(), temp_name());
    if (auto published = naming_.publish(fs_, temp.file(), path); !published)
        return fail_naming(published.error());
    if (auto closed = temp.close(); !closed)
        return fail(stage::write_temp, closed.error(), temp_name());
    return switch_in(temp.file(), *prepared, options);
}

// clang-format 14 joins a requires-clause to the declaration after it.
// clang-format off
template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
template <class Writer>
    requires std::invocable<Writer&, sink&>
result<void> atomic_file<Fs, Durability, Naming>::replace_with(std::filesystem::path const& target,
                                                               Writer&& writer) const {
    // clang-format on
    return replace_using(options_, target, std::forward<Writer>(writer));
}

template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
result<void> atomic_file<Fs, Durability, Naming>::replace(std::filesystem::path const& target,
                                                          std::span<std::byte const> bytes) const {
    return replace_using(options_, target, detail::whole_content{bytes});
}

template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
result<void> atomic_file<Fs, Durability, Naming>::replace(
    std::filesystem::path const& target, std::string_view bytes,
    atomic_file_options const& options) const {
    return replace_using(
        options, target,
        detail::whole_content{std::as_bytes(std::span(bytes.data(), bytes.size()))});
}

template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
result<void> atomic_file<Fs, Durability, Naming>::replace(std::filesystem::path const& target,
                                                          std::string_view bytes) const {
    return replace(target, std::as_bytes(std::span(bytes.data(), bytes.size())));
}

template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
result<std::string> atomic_file<Fs, Durability, Naming>::read(std::filesystem::path const& path,
                                                              name_owner owner,
                                                              file_status* opened_status) const {
    if (auto valid = detail::validate_file_path(path); !valid) return valid.error();
    if (owner_of_target(options_.symlinks) == name_owner::persist) owner = name_owner::persist;
    auto content = detail::read_whole_file(fs_, path, opened_status, owner);
    if (!content) return error(stage::read, content.error(), path);
    return std::move(*content);
}

}  // namespace persist

#endif
