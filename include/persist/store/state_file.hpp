// state_file<T>: a program's crash-recovery state in one JSON file, kept or
// explained, never silently thrown away.
//
// The usual way to keep such state fails twice: the file is written in
// place, so a crash truncates it, and the next start "recovers" by falling
// back to defaults, which discards the very state the file exists to keep.
// state_file writes through atomic_file, keeps the previous good version as
// `<file>.bak`, moves a corrupt file aside instead of deleting it, and says
// in a load_report what it found and what it did.
//
// On disk:
//
//     {
//       "version": 3,
//       "last_updated": "2026-11-21T21:40:03Z",
//       "state": { ...T, as tolerant_value_from writes it... }
//     }
#ifndef PERSIST_STORE_STATE_FILE_HPP
#define PERSIST_STORE_STATE_FILE_HPP

#include <persist/atomic_file.hpp>
#include <persist/default_file.hpp>
#include <persist/error.hpp>
#include <persist/store/state_migration.hpp>
#include <persist/sweep.hpp>
#include <persist/tolerant_conversion.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace persist {

/// What load() found, and so where the state it returns came from.
enum class load_outcome {
    loaded,                 ///< the file was read (and migrated, if it was older)
    missing,                ///< there was no file: T's defaults
    recovered_from_backup,  ///< the file was corrupt: it was quarantined, and `<file>.bak` was used
                            ///< and put back in its place
    corrupt_used_defaults,  ///< the file was corrupt and no backup was usable: both were
                            ///< quarantined; T's defaults
};

/// "loaded", "missing", "recovered_from_backup", "corrupt_used_defaults".
PERSIST_DECL std::string_view to_string(load_outcome outcome) noexcept;

/// A corrupt file that was moved aside. Its bytes are unchanged.
struct quarantined_file {
    std::filesystem::path from;  ///< `<file>` or `<file>.bak`
    std::filesystem::path
        to;  ///< `<from>.corrupt-20261121T214003Z`, or with `-1`, `-2`, ... if that was taken
    std::string reason;  ///< "line 3, column 8: syntax error", "\"version\" is missing", ...
};

/// What load() found and did. Nothing in it is optional reading: a program
/// that logs summary() for every outcome other than `loaded` never loses
/// state without a trace.
struct load_report {
    load_outcome outcome = load_outcome::missing;
    /// The file the state came from: `<file>`, `<file>.bak`, or empty for defaults.
    std::filesystem::path source;
    /// The file's schema version, when it was older than the program's and
    /// was migrated.
    std::optional<std::uint64_t> migrated_from;
    /// When that file was saved, if it says so.
    std::optional<std::chrono::sys_seconds> last_updated;
    /// The corrupt files moved aside, the file before its backup.
    std::vector<quarantined_file> quarantined;

    bool migrated() const noexcept { return migrated_from.has_value(); }
    /// One line for a log: what happened, with every path and reason.
    PERSIST_DECL std::string summary() const;
};

/// The state and the report of how it was obtained.
template <class T>
struct loaded {
    T state;
    load_report report;
};

struct state_file_options {
    /// The schema version this program writes and reads. A file with an
    /// older version is migrated; a newer one is refused. REQUIRES: >= 1.
    std::uint64_t version = 1;
    /// The upgrade chain, one step per version, in any order. REQUIRES:
    /// distinct from_version values, each below `version`.
    std::vector<migration> migrations;
    /// The time stamped into last_updated and quarantine names. Empty:
    /// std::chrono::system_clock::now.
    std::function<std::chrono::system_clock::time_point()> clock;
    /// The constructor removes the stale temps that saves of killed
    /// processes left (see sweep_stale_temps_for).
    open_sweep_options stale_temps;
};

/// T's state in one file, written through an AtomicFile.
///
/// T is default-constructible and converts with tolerant_value_to and
/// tolerant_value_from: typically a BOOST_DESCRIBE_STRUCT, or a type with
/// its own tag_invoke. Its default value is what load() returns when there
/// is no state to load.
///
/// Files it creates: `<file>` and `<file>.bak` (mode 0600 unless the
/// AtomicFile's options set new_file_mode; an existing file keeps its mode),
/// `<file>.lock` (for update(), and for recovery; never removed), and
/// quarantined files `<file>.corrupt-<UTC time>` and
/// `<file>.bak.corrupt-<UTC time>`, which it never removes either.
///
/// "Corrupt" means the bytes are not a state document: not JSON, or not an
/// object with a positive integer "version" and a "state". A document that
/// is intact but that this program cannot use (a newer version, a state
/// whose fields have the wrong types, a migration that fails) is not
/// corrupt: it is an error, and the file is left exactly as it is, because
/// another program (or the next release) may read it.
///
/// Thread safety: all member functions are const and may be called from
/// several threads, and several processes, at once. Concurrent save()s
/// each leave a whole document (the last one wins); update()s are
/// serialized by an advisory lock on `<file>.lock`. The options' clock and
/// migration steps may then run on several threads at once.
///
/// Not guaranteed:
/// - durability beyond what AtomicFile's Durability promises;
/// - that a foreign writer damaging the file between save()'s check of it
///   and its rename does not reach `.bak` (persist's own writers cannot);
/// - save() replaces `<file>.bak` without reading it, so a `.bak` damaged
///   from outside is overwritten by the next save instead of quarantined;
/// - when `<file>` is missing, load() uses defaults even if `<file>.bak`
///   exists: deleting the file is how a user resets the state;
/// - if `<file>` is a symbolic link, quarantining moves the link, not the
///   file it names;
/// - on a filesystem that refuses hard links (FAT, some FUSE mounts), save()
///   over an existing file fails with stage::backup, because atomic_file
///   keeps the backup with link(2). Recovery itself falls back to rename.
template <class T, atomic_file_type AtomicFile = default_atomic_file>
class basic_state_file {
public:
    using value_type = T;
    using atomic_file_type = AtomicFile;
    using fs_type = typename AtomicFile::fs_type;

    /// REQUIRES: options as state_file_options says. The AtomicFile's Fs,
    /// naming and options are used, except that keep_backup is managed here
    /// and new_file_mode defaults to 0600.
    explicit basic_state_file(std::filesystem::path file, state_file_options options = {},
                              AtomicFile atomic = AtomicFile());

    /// Reads the state.
    ///
    /// - `<file>` missing: T's defaults (outcome missing).
    /// - `<file>` intact: its state, migrated if older (outcome loaded).
    /// - `<file>` corrupt, `<file>.bak` intact: `<file>` is hard-linked to
    ///   its quarantine name, then replaced by the backup's bytes, so at no
    ///   point is there no state file; the backup's state is returned
    ///   (outcome recovered_from_backup).
    /// - `<file>` corrupt and `<file>.bak` corrupt or missing: each corrupt
    ///   file is moved to its quarantine name; T's defaults
    ///   (corrupt_used_defaults).
    /// Recovery runs under the lock on `<file>.lock`, so two processes
    /// starting at once recover once. Where the filesystem refuses hard
    /// links, the corrupt file is renamed instead (and is absent for a
    /// moment). The directory is synced after every quarantine, on every
    /// tier, before anything else changes.
    ///
    /// Errors, after which no file has been changed:
    /// - stage::read: a file exists but cannot be read (EACCES, EIO, EISDIR);
    /// - stage::parse, errc::version_too_new: the file (or the backup load()
    ///   fell back to) was written by a newer version; detail says both;
    /// - stage::parse, errc::type_mismatch: the state does not convert to T;
    ///   detail names the field ("state.window.width: expected ...");
    /// - stage::parse, errc::no_migration: no migration step from some version;
    /// - stage::parse, a step's own code: a migration step refused.
    /// Errors during recovery: stage::lock; stage::recover (a quarantine
    /// link, rename or unlink failed, or the directory sync after it); and
    /// atomic_file's stages while putting the backup in place. After any of
    /// them every byte is still on disk: the corrupt file at its name or its
    /// quarantine name (or both), the backup untouched.
    [[nodiscard]] result<loaded<T>> load() const;

    /// Writes state as the whole new document, stamped with the version and
    /// the current time; the previous document becomes `<file>.bak`.
    ///
    /// Before replacing, save() reads the current file: if it is corrupt it
    /// is quarantined first (and does not become the backup, so `.bak`
    /// keeps the last good version); if it is from a newer version, save()
    /// refuses.
    ///
    /// Errors: stage::validate, errc::invalid_input: the state holds a NaN,
    /// an infinity or a string that is not UTF-8, which JSON cannot hold
    /// (detail names the field); stage::read; stage::parse,
    /// errc::version_too_new; stage::lock and stage::recover (quarantining);
    /// atomic_file's stages. After an error the file and its backup are as
    /// they were (each a whole, good document), except: a corrupt file may
    /// already be quarantined, and after stage::sync_directory the new
    /// document is in place with its durability unknown.
    [[nodiscard]] result<void> save(T const& state) const;

    /// Read-modify-write under the advisory lock on `<file>.lock`: loads
    /// (with recovery, as load()), calls fn(state), and saves the result.
    /// N processes calling update() at once lose no update.
    ///
    /// fn returns void, or result<void> to refuse: its error is returned and
    /// nothing is saved. An exception from fn propagates; nothing is saved.
    /// Returns the new state and the report of the load.
    /// Errors: load()'s, then save()'s; stage::lock.
    template <class Fn>
        requires std::invocable<Fn&, T&>
    [[nodiscard]] result<loaded<T>> update(Fn&& fn) const;

    /// When `<file>` was last saved, read without converting the state and
    /// without recovery.
    /// Errors: stage::read (ENOENT when there is no file); stage::parse,
    /// errc::corrupt_data when the file is not a state document or has no
    /// valid "last_updated".
    [[nodiscard]] result<std::chrono::sys_seconds> last_updated() const;

    std::filesystem::path const& file() const noexcept { return file_; }
    std::filesystem::path backup_file() const;
    state_file_options const& options() const noexcept { return options_; }

private:
    struct file_read;
    struct known_version;
    struct known_file;

    result<loaded<T>> load_with(bool locked) const;
    result<loaded<T>> recover(file_read const& main) const;
    result<std::string> render(T const& state) const;
    result<void> save_document(std::string bytes) const;  // REQUIRES: the lock is held
    result<void> replace_checked(file_read const& current, std::string_view bytes) const;
    result<file_read> read_document(std::filesystem::path const& path,
                                    name_owner owner = name_owner::caller,
                                    std::string const* known_bytes = nullptr) const;
    result<file_read> read_current() const;  // REQUIRES: the lock is held
    void remember_loaded(file_read& read) const;
    void remember_written(std::string bytes) const;
    result<T> to_state(file_read& read, std::filesystem::path const& path,
                       load_report& report) const;
    result<std::filesystem::path> quarantine(std::filesystem::path const& path,
                                             bool keep_in_place) const;
    result<void> create_directory() const;
    std::chrono::sys_seconds now() const;
    result<void> replace_leaving_backup(std::string_view bytes) const;

    std::filesystem::path file_;
    state_file_options options_;
    AtomicFile atomic_;                  // keep_backup on, new files private
    std::shared_ptr<known_file> known_;  // the version last written or loaded; shared by copies
};

/// The default: the real filesystem, fsync and directory fsync, a sibling
/// temporary file.
template <class T>
using state_file = basic_state_file<T>;

}  // namespace persist

#include <persist/store/impl/state_file.hpp>

#if defined(PERSIST_HEADER_ONLY)
#include <persist/store/impl/state_file.ipp>
#endif

#endif
