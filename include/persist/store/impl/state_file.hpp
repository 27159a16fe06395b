// Template bodies of <persist/store/state_file.hpp>.
#ifndef PERSIST_STORE_IMPL_STATE_FILE_HPP
#define PERSIST_STORE_IMPL_STATE_FILE_HPP

#include <persist/detail/create_parents.hpp>
#include <persist/detail/link_support.hpp>
#include <persist/detail/owned_name.hpp>
#include <persist/detail/path_text.hpp>
#include <persist/json_text.hpp>
#include <persist/store/detail/file_identity.hpp>
#include <persist/store/detail/file_lock.hpp>
#include <persist/store/detail/private_files.hpp>
#include <persist/store/detail/quarantine_name.hpp>
#include <persist/store/detail/state_document.hpp>

#include <boost/assert.hpp>
#include <boost/json/monotonic_resource.hpp>

#include <algorithm>
#include <type_traits>
#include <utility>

namespace persist {

namespace detail {

/// The AtomicFile state_file writes with: the caller's, keeping the
/// previous version as `.bak` on every save, new files 0600 unless the
/// caller chose a mode. Built once; a write that must not touch `.bak`
/// turns keep_backup off for that one call (replace_leaving_backup).
template <atomic_file_type AtomicFile>
AtomicFile state_atomic_file(AtomicFile const& atomic) {
    auto options = with_private_new_file_mode(atomic.options());
    options.keep_backup = true;
    return AtomicFile(atomic.fs(), options, atomic.naming());
}

/// One try at putting path's file at the quarantine name `to`: false if the
/// name is taken. link(2) never replaces a name, so a quarantine never
/// overwrites an earlier one, even one another process just made; where
/// link(2) is not supported it renames, after lstat found the name free.
/// With keep_in_place (and link(2)), path keeps its name too.
template <class Fs>
result<bool> quarantine_at(Fs& fs, std::filesystem::path const& path,
                           std::filesystem::path const& to, bool keep_in_place) {
    auto linked = fs.link(path, to);
    if (linked) {
        if (keep_in_place) return true;
        if (auto removed = fs.unlink(path); !removed) {
            return error(stage::recover, removed.error(), path, to,
                         "linked to its quarantine name, but cannot remove the corrupt name");
        }
        return true;
    }
    if (linked.error() == std::errc::file_exists) return false;
    if (!link_is_unsupported(linked.error())) {
        return error(stage::recover, linked.error(), path, to,
                     "cannot link it to its quarantine name");
    }
    if (fs.lstat(to)) return false;
    if (auto renamed = fs.rename(path, to); !renamed) {
        return error(stage::recover, renamed.error(), path, to,
                     "cannot rename it to its quarantine name");
    }
    return true;
}

}  // namespace detail

/// One file as read: missing, corrupt (with the reason), or an intact document.
template <class T, atomic_file_type AtomicFile>
struct basic_state_file<T, AtomicFile>::file_read {
    enum class kind { missing, corrupt, intact };
    kind what = kind::missing;
    std::string bytes;
    std::string reason;
    detail::state_document document;
    /// Intact because it is the version this object last wrote or loaded
    /// (read_current): not parsed, so document is empty.
    bool known = false;
    file_status status;                  ///< fstat(2) of what was read
    std::chrono::nanoseconds read_at{};  ///< system_clock time, before the open
};

/// The version of `<file>` this object last wrote or loaded (and found
/// intact, at a version save() may replace), for save() to recognise.
template <class T, atomic_file_type AtomicFile>
struct basic_state_file<T, AtomicFile>::known_version {
    detail::file_identity identity;
    /// detail::is_settled when it was read; never for a version written here.
    bool settled = false;
    /// Its bytes, while it is not settled: an equal identity then proves
    /// nothing, equal bytes do.
    std::shared_ptr<std::string const> bytes;
};

/// Shared by copies of a state_file, which name the same file.
template <class T, atomic_file_type AtomicFile>
struct basic_state_file<T, AtomicFile>::known_file {
    std::mutex mutex;
    std::optional<known_version> last;

    std::optional<known_version> get() {
        std::lock_guard const guard(mutex);
        return last;
    }
    void set(std::optional<known_version> version) {
        std::lock_guard const guard(mutex);
        last = std::move(version);
    }
};

template <class T, atomic_file_type AtomicFile>
basic_state_file<T, AtomicFile>::basic_state_file(std::filesystem::path file,
                                                  state_file_options options, AtomicFile atomic)
    : file_(std::move(file)),
      options_(std::move(options)),
      atomic_(detail::state_atomic_file(atomic)),
      known_(std::make_shared<known_file>()) {
    BOOST_ASSERT(options_.version >= 1);
    BOOST_ASSERT(std::all_of(
        options_.migrations.begin(), options_.migrations.end(),
        [&](migration const& m) { return m.from_version < options_.version && m.upgrade; }));
    (void)sweep_stale_temps_for(atomic_, file_, options_.stale_temps);
}

template <class T, atomic_file_type AtomicFile>
std::filesystem::path basic_state_file<T, AtomicFile>::backup_file() const {
    return detail::backup_path_of(file_);
}

template <class T, atomic_file_type AtomicFile>
std::chrono::sys_seconds basic_state_file<T, AtomicFile>::now() const {
    auto const time = options_.clock ? options_.clock() : std::chrono::system_clock::now();
    return std::chrono::floor<std::chrono::seconds>(time);
}

template <class T, atomic_file_type AtomicFile>
auto basic_state_file<T, AtomicFile>::read_document(std::filesystem::path const& path,
                                                    name_owner owner,
                                                    std::string const* known_bytes) const
    -> result<file_read> {
    file_read read;
    read.read_at = std::chrono::system_clock::now().time_since_epoch();
    auto bytes = atomic_.read(path, owner, &read.status);
    if (!bytes) {
        auto const cause = bytes.error().code();  // error() returns a copy
        if (cause == std::errc::no_such_file_or_directory) return read;
        if (owner == name_owner::persist && detail::refused_at_owned_name(cause)) {
            // Not ours: unusable, as a corrupt backup is (README, "Security").
            read.what = file_read::kind::corrupt;
            read.reason = detail::what_is_at(atomic_.fs(), path, "backup");
            return read;
        }
        return bytes.error();
    }
    read.bytes = std::move(*bytes);
    if (known_bytes != nullptr && read.bytes == *known_bytes) {
        read.what = file_read::kind::intact;
        read.known = true;
        return read;
    }
    auto document = detail::parse_state_document(read.bytes, path);
    if (!document) {
        read.what = file_read::kind::corrupt;
        read.reason = document.error().detail();
    } else {
        read.what = file_read::kind::intact;
        read.document = std::move(*document);
    }
    return read;
}

template <class T, atomic_file_type AtomicFile>
auto basic_state_file<T, AtomicFile>::read_current() const -> result<file_read> {
    // REQUIRES: the lock is held, so no persist writer changes the file
    // until the caller's replace; only a writer that ignores the lock can,
    // and the identity check below is against it.
    //
    // The rule is git's "racy clean" (detail/file_identity.hpp), as the
    // settings cache applies it:
    // - A version this object loaded is settled when its mtime was
    //   racy_window older than the moment it was read. Any change since,
    //   in place or by rename, stamps a later mtime (or a new inode), so an
    //   equal identity proves the file unchanged, and one stat(2) replaces
    //   the read and the parse.
    // - A version this object wrote is never settled. Its mtime is the
    //   moment of the write, so a writer in place within the same mtime
    //   tick can keep size, inode and mtime; and its identity comes from a
    //   stat(2) after the rename, when a writer that ignores the lock may
    //   already have put its own file there, even an old one (settled by
    //   its mtime). So its identity is not even looked at: the file is
    //   read, and if its bytes are the ones written (or loaded) here, they
    //   are not parsed again. As in git, which compares the
    //   content of a racily clean entry, the read stays and the parse goes.
    // For a settled version, any other identity (or a failed stat) takes
    // the full read and check.
    auto const known = known_->get();
    if (known && !known->settled)  // its stat would prove nothing: compare the bytes
        return read_document(file_, name_owner::caller, known->bytes.get());
    if (known) {
        auto const status = atomic_.fs().stat(file_);
        if (status && detail::identity_of(*status) == known->identity) {
            file_read read;
            read.what = file_read::kind::intact;
            read.known = true;
            return read;
        }
    }
    return read_document(file_);
}

template <class T, atomic_file_type AtomicFile>
void basic_state_file<T, AtomicFile>::remember_loaded(file_read& read) const {
    bool const settled = detail::is_settled(read.status, read.read_at);
    known_->set(known_version{
        detail::identity_of(read.status), settled,
        settled ? nullptr : std::make_shared<std::string const>(std::move(read.bytes))});
}

template <class T, atomic_file_type AtomicFile>
void basic_state_file<T, AtomicFile>::remember_written(std::string bytes) const {
    // REQUIRES: the lock is held, and bytes were just renamed to file_.
    auto const status = atomic_.fs().stat(file_);
    if (!status) return known_->set(std::nullopt);
    known_->set(known_version{detail::identity_of(*status), false,
                              std::make_shared<std::string const>(std::move(bytes))});
}

template <class T, atomic_file_type AtomicFile>
result<T> basic_state_file<T, AtomicFile>::to_state(file_read& read,
                                                    std::filesystem::path const& path,
                                                    load_report& report) const {
    auto& document = read.document;
    auto const program = options_.version;
    if (document.version > program) {
        return error(stage::parse, errc::version_too_new, path, {},
                     "version " + std::to_string(document.version) +
                         " is newer than this program's version " + std::to_string(program));
    }
    auto state =
        migrate_state(std::move(document.state), document.version, program, options_.migrations);
    if (!state)
        return error(state.error().stage(), state.error().code(), path, {}, state.error().detail());
    auto converted = tolerant_value_to<T>(*state, "state");
    if (!converted)
        return error(stage::parse, errc::type_mismatch, path, {}, converted.error().detail());
    report.source = path;
    report.last_updated = document.last_updated;
    if (document.version < program) report.migrated_from = document.version;
    return std::move(*converted);
}

template <class T, atomic_file_type AtomicFile>
result<std::filesystem::path> basic_state_file<T, AtomicFile>::quarantine(
    std::filesystem::path const& path, bool keep_in_place) const {
    auto& fs = atomic_.fs();
    auto const time = now();
    for (unsigned attempt = 0; attempt < detail::quarantine_name_attempts; ++attempt) {
        auto const to = detail::quarantine_path_of(path, "corrupt", time, attempt);
        auto moved = detail::quarantine_at(fs, path, to, keep_in_place);
        if (!moved) return moved.error();
        if (!*moved) continue;
        // Synced on every tier, even no_sync: quarantines are rare, and the
        // new name must not be lost while the replace that follows persists.
        auto const dir = detail::directory_of(path);
        if (auto synced = fs.sync_directory(dir); !synced) {
            return error(stage::recover, synced.error(), path, dir,
                         "quarantined, but cannot sync the directory");
        }
        return to;
    }
    return error(stage::recover, std::make_error_code(std::errc::file_exists), path, {},
                 "every quarantine name for this second is taken");
}

template <class T, atomic_file_type AtomicFile>
result<loaded<T>> basic_state_file<T, AtomicFile>::load() const {
    return load_with(false);
}

template <class T, atomic_file_type AtomicFile>
result<loaded<T>> basic_state_file<T, AtomicFile>::load_with(bool locked) const {
    auto main = read_document(file_);
    if (!main) return main.error();
    std::optional<detail::unique_handle<fs_type>> lock;
    if (main->what == file_read::kind::corrupt && !locked) {
        // Recover under the lock, after reading again: another process may
        // have recovered (or saved) in the meantime.
        auto taken = detail::lock_file(atomic_.fs(), file_);
        if (!taken) return taken.error();
        lock.emplace(std::move(*taken));
        main = read_document(file_);
        if (!main) return main.error();
    }
    loaded<T> result{T{}, load_report{}};
    switch (main->what) {
        case file_read::kind::missing:
            known_->set(std::nullopt);
            result.report.outcome = load_outcome::missing;
            return result;
        case file_read::kind::intact: {
            auto state = to_state(*main, file_, result.report);
            if (!state) return state.error();
            remember_loaded(*main);
            result.state = std::move(*state);
            result.report.outcome = load_outcome::loaded;
            return result;
        }
        case file_read::kind::corrupt: break;
    }
    known_->set(std::nullopt);
    return recover(*main);
}

template <class T, atomic_file_type AtomicFile>
result<loaded<T>> basic_state_file<T, AtomicFile>::recover(file_read const& main) const {
    // REQUIRES: the lock is held. Everything that can refuse (reading and
    // converting the backup) happens before the first change on disk.
    auto const backup_path = backup_file();
    auto backup = read_document(backup_path, name_owner::persist);
    if (!backup) return backup.error();
    loaded<T> result{T{}, load_report{}};
    if (backup->what == file_read::kind::intact) {
        auto state = to_state(*backup, backup_path, result.report);
        if (!state) return state.error();
        // Link first and replace second, so there is a state file at every
        // instant: a crash in between finds the corrupt file again, and
        // recovers again.
        auto quarantined = quarantine(file_, true);
        if (!quarantined) return quarantined.error();
        result.report.quarantined.push_back({file_, *quarantined, main.reason});
        if (auto restored = replace_leaving_backup(backup->bytes); !restored)
            return restored.error();
        result.state = std::move(*state);
        result.report.outcome = load_outcome::recovered_from_backup;
        return result;
    }
    auto quarantined = quarantine(file_, false);
    if (!quarantined) return quarantined.error();
    result.report.quarantined.push_back({file_, *quarantined, main.reason});
    if (backup->what == file_read::kind::corrupt) {
        auto backup_quarantined = quarantine(backup_path, false);
        if (!backup_quarantined) return backup_quarantined.error();
        result.report.quarantined.push_back({backup_path, *backup_quarantined, backup->reason});
    }
    result.report.outcome = load_outcome::corrupt_used_defaults;
    return result;
}

template <class T, atomic_file_type AtomicFile>
result<std::string> basic_state_file<T, AtomicFile>::render(T const& state) const {
    auto write = [&](boost::json::value const& value) -> result<std::string> {
        // The document holds the state one level down: {"version", ..., "state"}.
        if (auto unwritable = find_unrepresentable(value, "state", 1)) {
            return error(stage::validate, errc::invalid_input, file_, {}, *unwritable);
        }
        return detail::format_state_document(options_.version, now(), value);
    };
    if constexpr (std::is_same_v<T, boost::json::value>) {
        return write(state);  // already a tree: a copy would cost more than the writing
    } else {
        boost::json::monotonic_resource memory;  // one arena for the whole tree, freed at once
        return write(tolerant_value_from(state, &memory));
    }
}

template <class T, atomic_file_type AtomicFile>
result<void> basic_state_file<T, AtomicFile>::save(T const& state) const {
    auto bytes = render(state);
    if (!bytes) return bytes.error();
    if (auto created = create_directory(); !created) return created.error();
    auto lock = detail::lock_file(atomic_.fs(), file_);
    if (!lock) return lock.error();
    return save_document(std::move(*bytes));
}

template <class T, atomic_file_type AtomicFile>
result<void> basic_state_file<T, AtomicFile>::save_document(std::string bytes) const {
    // REQUIRES: the lock is held. bytes are written as they are: the state
    // was serialized once, by render().
    auto current = read_current();
    if (!current) return current.error();
    known_->set(std::nullopt);  // until the replace succeeds, the file may be either version
    auto replaced = replace_checked(*current, bytes);
    if (!replaced) return replaced.error();
    remember_written(std::move(bytes));
    return {};
}

template <class T, atomic_file_type AtomicFile>
result<void> basic_state_file<T, AtomicFile>::replace_checked(file_read const& current,
                                                              std::string_view bytes) const {
    switch (current.what) {
        case file_read::kind::missing: break;
        case file_read::kind::intact:
            if (!current.known && current.document.version > options_.version) {
                return error(stage::parse, errc::version_too_new, file_, {},
                             "version " + std::to_string(current.document.version) +
                                 " is newer than this program's version " +
                                 std::to_string(options_.version) + ": not overwriting it");
            }
            break;
        case file_read::kind::corrupt: {
            // The corrupt file must not become the backup: keep it under its
            // quarantine name, and replace it without a backup step, so
            // `.bak` keeps the last good version.
            auto quarantined = quarantine(file_, true);
            if (!quarantined) return quarantined.error();
            return replace_leaving_backup(bytes);
        }
    }
    return atomic_.replace(file_, bytes);
}

template <class T, atomic_file_type AtomicFile>
result<void> basic_state_file<T, AtomicFile>::replace_leaving_backup(std::string_view bytes) const {
    auto options = atomic_.options();
    options.keep_backup = false;
    return atomic_.replace(file_, bytes, options);
}

template <class T, atomic_file_type AtomicFile>
result<void> basic_state_file<T, AtomicFile>::create_directory() const {
    if (!atomic_.options().create_parents) return {};
    return detail::create_parents<typename AtomicFile::durability_type>(
        atomic_.fs(), file_, detail::directory_of(file_));
}

// clang-format 14 joins a requires-clause to the declaration after it.
// clang-format off
template <class T, atomic_file_type AtomicFile>
template <class Fn>
    requires std::invocable<Fn&, T&>
result<loaded<T>> basic_state_file<T, AtomicFile>::update(Fn&& fn) const {
    // clang-format on
    if (auto created = create_directory(); !created) return created.error();
    auto lock = detail::lock_file(atomic_.fs(), file_);
    if (!lock) return lock.error();
    auto current = load_with(true);
    if (!current) return current.error();
    if constexpr (std::is_convertible_v<std::invoke_result_t<Fn&, T&>, result<void>>) {
        result<void> changed = fn(current->state);
        if (!changed) return changed.error();
    } else {
        fn(current->state);
    }
    auto bytes = render(current->state);
    if (!bytes) return bytes.error();
    if (auto saved = save_document(std::move(*bytes)); !saved) return saved.error();
    return std::move(*current);
}

template <class T, atomic_file_type AtomicFile>
result<std::chrono::sys_seconds> basic_state_file<T, AtomicFile>::last_updated() const {
    auto read = read_document(file_);
    if (!read) return read.error();
    switch (read->what) {
        case file_read::kind::missing:
            return error(stage::read, std::make_error_code(std::errc::no_such_file_or_directory),
                         file_);
        case file_read::kind::corrupt:
            return error(stage::parse, errc::corrupt_data, file_, {}, read->reason);
        case file_read::kind::intact: break;
    }
    if (!read->document.last_updated) {
        return error(stage::parse, errc::corrupt_data, file_, {},
                     "\"last_updated\" is missing or not a UTC time such as 2026-11-21T21:40:03Z");
    }
    return *read->document.last_updated;
}

}  // namespace persist

#endif
