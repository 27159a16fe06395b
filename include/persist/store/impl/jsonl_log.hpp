// Template bodies of <persist/store/jsonl_log.hpp>.
#ifndef PERSIST_STORE_IMPL_JSONL_LOG_HPP
#define PERSIST_STORE_IMPL_JSONL_LOG_HPP

#include <persist/detail/create_parents.hpp>
#include <persist/detail/owned_name.hpp>
#include <persist/detail/path_text.hpp>
#include <persist/detail/read_file.hpp>
#include <persist/detail/validate_path.hpp>
#include <persist/store/detail/file_lock.hpp>
#include <persist/store/detail/jsonl_line.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <string>
#include <utility>

namespace persist {

namespace detail {

/// Serializes records into out, one line each, after checking all of them.
inline result<void> serialize_batch(std::string& out, std::span<boost::json::value const> records,
                                    std::filesystem::path const& log, char const* what) {
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (auto why = unwritable_reason(records[i]); !why.empty()) {
            return error(stage::validate, errc::invalid_input, log, {},
                         "record " + std::to_string(i + 1) + what + ": " + why);
        }
    }
    for (auto const& record : records)
        append_jsonl_line(out, record);
    return {};
}

/// n if name is `<base>.<n>` with n a positive decimal number, else 0.
inline std::uint64_t rotation_number(std::string_view name, std::string_view base) {
    if (name.size() <= base.size() + 1 || !name.starts_with(base) || name[base.size()] != '.')
        return 0;
    auto const digits = name.substr(base.size() + 1);
    std::uint64_t n = 0;
    auto const [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size()) return 0;
    return n;
}

}  // namespace detail

template <atomic_file_type AtomicFile>
struct basic_jsonl_log<AtomicFile>::state {
    state(AtomicFile a, std::filesystem::path p, jsonl_log_options o)
        : af(std::move(a)), path(std::move(p)), options(o) {}

    AtomicFile af;  // creates new files with mode 0600 unless told otherwise
    /// Who owns the log's name: persist under symlink_mode::replace.
    name_owner owner() const noexcept { return owner_of_target(af.options().symlinks); }
    std::filesystem::path path;
    jsonl_log_options options;
    jsonl_recovery_report report;
    detail::group_commit commit;  // gathers concurrent appends into one write and one sync
    std::atomic<std::uint64_t> syncs{0};
    std::mutex write_mutex;  // serializes this process's writes; guards the two below
    file_pointer file;       // where appends go; followed when the log is replaced
    std::optional<std::error_code> poisoned;  // a failed sync (final) or an unremovable torn write
};

template <atomic_file_type AtomicFile>
basic_jsonl_log<AtomicFile>::basic_jsonl_log(std::unique_ptr<state> s) noexcept
    : state_(std::move(s)) {}

template <atomic_file_type AtomicFile>
basic_jsonl_log<AtomicFile>::~basic_jsonl_log() = default;

template <atomic_file_type AtomicFile>
auto basic_jsonl_log<AtomicFile>::open_file_at(fs_type& fs, std::filesystem::path const& path,
                                               mode_t new_file_mode, name_owner owner,
                                               bool& created) -> result<file_pointer> {
    auto before = fs.stat(path);
    if (before && before->kind == file_kind::directory) {
        return error(stage::validate, std::make_error_code(std::errc::is_a_directory), path);
    }
    if (!before && before.error() != std::errc::no_such_file_or_directory) {
        return error(stage::append, before.error(), path, {}, "cannot inspect the log");
    }
    created = !before;
    auto opened = fs.open_append(path, new_file_mode, owner);
    if (!opened) {
        std::string why = "cannot open the log for appending";
        if (detail::refused_at_owned_name(opened.error()))
            why += ": " + detail::what_is_at(fs, path, "log");
        return error(stage::append, opened.error(), path, {}, std::move(why));
    }
    auto file =
        std::make_shared<open_file>(open_file{detail::unique_handle<fs_type>(fs, *opened), 0, 0});
    if (created) {
        // open(2) masked the mode with the umask; the store's mode is exact.
        if (auto set = fs.set_mode(file->handle.get(), new_file_mode); !set) {
            return error(stage::append, set.error(), path, {}, "cannot set the new log's mode");
        }
        auto const dir = detail::directory_of(path);
        if (auto synced = durability_type::sync_directory(fs, dir); !synced) {
            return error(stage::sync_directory, synced.error(), path, dir,
                         "cannot sync the new log's directory");
        }
    }
    auto status = fs.stat(file->handle.get());
    if (!status) return error(stage::append, status.error(), path, {}, "cannot inspect the log");
    file->device = status->device;
    file->inode = status->inode;
    return file;
}

template <atomic_file_type AtomicFile>
result<basic_jsonl_log<AtomicFile>> basic_jsonl_log<AtomicFile>::open(std::filesystem::path path,
                                                                      jsonl_log_options options,
                                                                      AtomicFile af) {
    if (auto valid = detail::validate_file_path(path); !valid) return valid.error();
    auto s = std::make_unique<state>(detail::with_private_new_files(std::move(af)), std::move(path),
                                     options);
    auto& fs = s->af.fs();
    if (s->af.options().create_parents) {
        auto made =
            detail::create_parents<durability_type>(fs, s->path, detail::directory_of(s->path));
        if (!made) return made.error();
    }
    (void)sweep_stale_temps_for(s->af, s->path, options.stale_temps);
    auto lock = detail::lock_file(fs, s->path);
    if (!lock) return lock.error();
    bool created = false;
    auto file = open_file_at(fs, s->path, *s->af.options().new_file_mode, s->owner(), created);
    if (!file) return file.error();
    auto report = detail::recover_locked(s->af, s->path, (*file)->handle.get(), options.corruption,
                                         options.check);
    if (!report) return report.error();
    s->report = std::move(*report);
    s->report.created = created;
    s->file = std::move(*file);
    return basic_jsonl_log(std::move(s));
}

template <atomic_file_type AtomicFile>
auto basic_jsonl_log<AtomicFile>::current_file_locked() -> result<current_file> {
    auto& st = *state_;
    auto& fs = st.af.fs();
    auto status = fs.stat(st.path);
    if (status && status->device == st.file->device && status->inode == st.file->inode) {
        return current_file{st.file, status->size};
    }
    if (!status && status.error() != std::errc::no_such_file_or_directory) {
        return error(stage::append, status.error(), st.path, {}, "cannot inspect the log");
    }
    // The log was replaced (compacted, rewritten or rotated, here or by
    // another process) or removed: follow the name. A commit still syncing
    // the old file holds it open through its own file_pointer.
    bool created = false;
    auto file = open_file_at(fs, st.path, *st.af.options().new_file_mode, st.owner(), created);
    if (!file) return file.error();
    st.file = std::move(*file);
    auto now = fs.stat(st.file->handle.get());
    if (!now) return error(stage::append, now.error(), st.path, {}, "cannot inspect the log");
    return current_file{st.file, now->size};
}

template <atomic_file_type AtomicFile>
result<void> basic_jsonl_log<AtomicFile>::commit_group(std::string_view bytes) {
    auto& st = *state_;
    auto& fs = st.af.fs();
    file_pointer file;
    {
        std::lock_guard const guard(st.write_mutex);
        if (st.poisoned) {
            return error(
                stage::append, *st.poisoned, st.path, {},
                "an earlier sync or repair of this log failed; reopen the log to recover it");
        }
        auto lock = detail::lock_file(fs, st.path);
        if (!lock) return lock.error();
        auto current = current_file_locked();
        if (!current) return current.error();
        file = current->file;
        auto const handle = file->handle.get();
        if (auto written = fs.write(handle, std::as_bytes(std::span(bytes.data(), bytes.size())));
            !written) {
            // Take back whatever part reached the file, so that the next
            // append does not glue onto a torn line. We hold the lock: no
            // cooperating process wrote after us.
            if (auto cut = fs.truncate(handle, current->size); !cut) {
                st.poisoned = written.error();
                return error(stage::append, written.error(), st.path, {},
                             "the write failed and its partial bytes could not be removed (" +
                                 cut.error().message() + "); reopen the log to recover it");
            }
            return error(stage::append, written.error(), st.path, {},
                         "the write failed; the log is unchanged");
        }
    }
    if constexpr (durability_type::promise != power_loss_promise::none) {
        st.syncs.fetch_add(1);
        if (auto synced = durability_type::sync_file(fs, file->handle.get()); !synced) {
            std::lock_guard const guard(st.write_mutex);
            st.poisoned = synced.error();
            return error(
                stage::append, synced.error(), st.path, {},
                "the records were written but could not be synced: their durability is unknown, "
                "and this log refuses further appends (a failed fsync is final); reopen the log");
        }
    }
    return {};
}

template <atomic_file_type AtomicFile>
result<void> basic_jsonl_log<AtomicFile>::append_by_rewrite(std::string const& bytes) {
    auto& st = *state_;
    auto& fs = st.af.fs();
    std::lock_guard const guard(st.write_mutex);
    auto lock = detail::lock_file(fs, st.path);
    if (!lock) return lock.error();
    auto content = detail::read_whole_file(fs, st.path);
    if (!content && content.error() != std::errc::no_such_file_or_directory) {
        return error(stage::read, content.error(), st.path);
    }
    std::string whole = content ? std::move(*content) : std::string();
    whole += bytes;
    return st.af.replace(st.path, whole);
}

template <atomic_file_type AtomicFile>
result<void> basic_jsonl_log<AtomicFile>::append(boost::json::value const& record) {
    return append_batch(std::span(&record, 1));
}

template <atomic_file_type AtomicFile>
result<void> basic_jsonl_log<AtomicFile>::append_batch(
    std::span<boost::json::value const> records) {
    if (records.empty()) return {};
    std::string bytes;
    if (auto serialized = detail::serialize_batch(bytes, records, state_->path, " of the batch");
        !serialized) {
        return serialized.error();
    }
    if (state_->options.mode == append_mode::rewrite) return append_by_rewrite(bytes);
    return state_->commit.submit(bytes,
                                 [this](std::string_view group) { return commit_group(group); });
}

template <atomic_file_type AtomicFile>
auto basic_jsonl_log<AtomicFile>::read(jsonl_read_options options) const
    -> result<jsonl_reader<fs_type>> {
    auto& st = *state_;
    auto& fs = st.af.fs();
    // Under the lock no cooperating append is half-way: the size marks the
    // end of the last whole batch.
    auto lock = detail::lock_file(fs, st.path);
    if (!lock) return lock.error();
    auto opened = fs.open_read(st.path, st.owner());
    if (!opened) return error(stage::read, opened.error(), st.path);
    auto status = fs.stat(*opened);
    if (!status) {
        (void)fs.close(*opened);
        return error(stage::read, status.error(), st.path);
    }
    options.byte_limit = std::min(options.byte_limit, status->size);
    return jsonl_reader<fs_type>(fs, *opened, st.path, options);  // owns the handle from here
}

template <atomic_file_type AtomicFile>
result<std::vector<boost::json::value>> basic_jsonl_log<AtomicFile>::read_all() const {
    auto reader = read();
    if (!reader) return reader.error();
    std::vector<boost::json::value> records;
    for (;;) {
        auto record = reader->next();
        if (!record) return record.error();
        if (!*record) return records;
        records.push_back(std::move((*record)->value));
    }
}

template <atomic_file_type AtomicFile>
template <class Keep>
    requires std::predicate<Keep&, boost::json::value const&> result<jsonl_compact_report>
    basic_jsonl_log<AtomicFile>::compact(Keep keep) {
        auto& st = *state_;
        auto& fs = st.af.fs();
        std::lock_guard const guard(st.write_mutex);
        auto lock = detail::lock_file(fs, st.path);
        if (!lock) return lock.error();
        jsonl_read_options options;
        options.keep_line_bytes = true;
        auto reader = jsonl_reader<fs_type>::open(fs, st.path, options);
        if (!reader) return reader.error();
        jsonl_compact_report report;
        std::optional<error> read_failure;
        auto replaced = st.af.replace_with(st.path, [&](sink& out) -> std::error_code {
            for (;;) {
                auto record = reader->next();
                if (!record) {
                    read_failure = record.error();
                    return record.error().code();
                }
                if (!*record) return {};
                if (!keep(std::as_const((*record)->value))) {
                    ++report.removed;
                    continue;
                }
                ++report.kept;
                out.write(reader->raw_line());
                out.write("\n");
            }
        });
        if (read_failure) return *read_failure;
        if (!replaced) return replaced.error();
        return report;
    }

template <atomic_file_type AtomicFile>
result<void> basic_jsonl_log<AtomicFile>::rewrite(std::span<boost::json::value const> records) {
    auto& st = *state_;
    std::string bytes;
    if (auto serialized = detail::serialize_batch(bytes, records, st.path, ""); !serialized)
        return serialized.error();
    std::lock_guard const guard(st.write_mutex);
    auto lock = detail::lock_file(st.af.fs(), st.path);
    if (!lock) return lock.error();
    return st.af.replace(st.path, bytes);
}

template <atomic_file_type AtomicFile>
result<std::filesystem::path> basic_jsonl_log<AtomicFile>::rotate() {
    auto& st = *state_;
    auto& fs = st.af.fs();
    std::lock_guard const guard(st.write_mutex);
    auto lock = detail::lock_file(fs, st.path);
    if (!lock) return lock.error();
    // A commit that wrote to the old file before this point syncs it through
    // its own file_pointer, whatever its name is by then.
    auto const dir = detail::directory_of(st.path);
    auto names = fs.list_directory(dir);
    if (!names)
        return error(stage::read, names.error(), st.path, dir, "cannot list the log's directory");
    auto const base = st.path.filename().string();
    std::uint64_t largest = 0;
    for (auto const& name : *names)
        largest = std::max(largest, detail::rotation_number(name, base));
    auto rotated = st.path;
    rotated += "." + std::to_string(largest + 1);

    if (auto renamed = fs.rename(st.path, rotated); !renamed) {
        return error(stage::rename, renamed.error(), st.path, rotated, "cannot rotate the log");
    }
    bool created = false;
    auto file = open_file_at(fs, st.path, *st.af.options().new_file_mode, st.owner(), created);
    if (!file) {
        auto e = file.error();
        return error(e.stage(), e.code(), st.path, rotated,
                     "the log was rotated, but the new log could not be created: " + e.detail());
    }
    st.file = std::move(*file);
    // Creating the new log synced the directory, which made the rename
    // durable too; unless someone ignoring the lock created it first.
    if (!created) {
        if (auto synced = durability_type::sync_directory(fs, dir); !synced) {
            return error(stage::sync_directory, synced.error(), st.path, dir,
                         "cannot sync the rotated log's directory");
        }
    }
    return rotated;
}

template <atomic_file_type AtomicFile>
jsonl_recovery_report const& basic_jsonl_log<AtomicFile>::recovery() const noexcept {
    return state_->report;
}

template <atomic_file_type AtomicFile>
std::filesystem::path const& basic_jsonl_log<AtomicFile>::path() const noexcept {
    return state_->path;
}

template <atomic_file_type AtomicFile>
append_mode basic_jsonl_log<AtomicFile>::mode() const noexcept {
    return state_->options.mode;
}

template <atomic_file_type AtomicFile>
std::uint64_t basic_jsonl_log<AtomicFile>::sync_count() const noexcept {
    return state_->syncs.load();
}

}  // namespace persist

#endif
