// settings_store: JSON settings in two scopes (a global file per user and a
// local file per project), merged on read, written crash-safely, with no
// update lost when several processes write at once.
#ifndef PERSIST_STORE_SETTINGS_STORE_HPP
#define PERSIST_STORE_SETTINGS_STORE_HPP

#include <persist/atomic_file.hpp>
#include <persist/default_file.hpp>
#include <persist/detail/jsonc_layout.hpp>
#include <persist/error.hpp>
#include <persist/json_parser.hpp>
#include <persist/store/detail/file_identity.hpp>
#include <persist/sweep.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

namespace persist {

/// Which file a setting lives in. The merged view takes local over global.
enum class settings_scope {
    global,  ///< per user, e.g. ~/.config/app/settings.json
    local,   ///< per project, e.g. ./.app/settings.json
};

constexpr std::string_view to_string(settings_scope s) noexcept {
    return s == settings_scope::global ? "global" : "local";
}

/// Checks a scope's new content before it is written. Return {} to accept,
/// or an error (see reject_settings) to refuse: the store then writes
/// nothing and reports errc::validation_failed with the hook's reason.
///
/// If the hook throws, the exception propagates from the write, and nothing
/// is written.
///
/// REQUIRES: the hook does not write through any settings store to the
/// same file: it runs while the store holds that file's lock, so it would
/// wait for itself forever.
using settings_validator = std::function<result<void>(settings_scope, boost::json::object const&)>;

/// The error a validator returns to refuse content, with its reason.
inline error reject_settings(std::string reason) {
    return error(stage::validate, errc::validation_failed, {}, {}, std::move(reason));
}

/// What a settings store does beyond its atomic_file. To keep each file's
/// previous version as `<file>.bak`, set keep_backup in the atomic_file's
/// options, which convert to the store's atomic_file:
/// `settings_store(global, local, {}, with_backup)`.
struct settings_options {
    /// Runs on the new content of a scope before every write; empty: none.
    settings_validator validator;
    /// What the files may hold: JSONC (comments, trailing commas, a UTF-8
    /// byte-order mark; README, "settings_store"), or json_syntax::strict
    /// to refuse all three as malformed.
    json_syntax syntax = json_syntax::jsonc;
    /// The constructor removes the stale temps that writes of killed
    /// processes left next to either file (see sweep_stale_temps_for).
    open_sweep_options stale_temps;
};

/// How much older than the moment it is read a version of a settings file
/// must be for the cache to trust an equal stat(2) later: above every
/// common filesystem's mtime granularity (FAT's is 2 s). state_file's save
/// uses the same window.
inline constexpr std::chrono::nanoseconds settings_racy_window = detail::racy_window;

/// Scoped JSON settings. Each scope is one file holding a JSON object; a
/// missing file is an empty object, created on the first write, and so is
/// a file that holds no value: blank, or (JSONC) only comments, which the
/// first write keeps above the object it adds. Keys are
/// RFC 6901 JSON Pointers ("/ui/font/size"; "~1" for '/', "~0" for '~').
///
/// Reading: get(pointer) reads the merged view, where local wins over
/// global, objects merge key by key at every depth, and arrays and scalars
/// of local replace global's. get(scope, pointer) reads one scope. Reads are
/// served from a cache, checked against the file at most once per file per
/// call: one stat(2), comparing device, inode, size and mtime (ns). As in
/// git's "racy clean" rule, a version whose mtime is less than
/// settings_racy_window older than the moment it was read is never trusted
/// on that comparison, and is read again: within the filesystem's timestamp
/// granularity (a scheduler tick on Linux, a second or two elsewhere), a
/// later version can have the same mtime, size, and even inode, since a
/// replaced file's inode number is free for the next one.
///
/// Writing: every write (save, set, erase, add_unique, ...) is one
/// read-modify-write of one scope's file. It takes the advisory lock on
/// `<file>.lock`, reads the file, applies the change, runs the validator,
/// and replaces the file through AtomicFile, then releases the lock: the
/// lock is held from the read until the rename, so writers in any number of
/// threads and processes lose no update. A new file is written as
/// format_json does (2-space indent, key order kept, trailing newline); an
/// existing one is edited in place (edit_json_text), which changes only the
/// bytes of the member that changed and keeps comments, layout and line
/// endings (files are JSONC unless settings_options::syntax says strict).
///
/// Cost of a write: the cache keeps the bytes it last read or wrote with
/// their parsed content. A write trusts the cached version as a get()
/// does: by one stat(2) when it is settled, else by reading the file and
/// comparing its bytes; it parses the file only when they differ. The edit scans only the containers on
/// the path to its change (edit_json_text_at), and the cache also keeps
/// where the top-level members lie, carried from one write to the next
/// while each changes the inside of one member; so a write scans the whole
/// file only after a member was added or erased at the top. A program that
/// writes its settings often pays for a read and a comparison, not a
/// parse: a set on a 64 KiB file costs little more than the replace itself
/// (README, "Benchmark"). A get() after a write reads the file once, for the same
/// comparison, until the file is older than settings_racy_window.
///
/// A file that does not parse, or whose top level is not an object, is
/// never overwritten: reading it and every write to its scope fail with
/// stage::parse, naming the file (and for a syntax error, the line and
/// column), until someone fixes or removes it by hand.
///
/// A new settings file gets mode 0600 unless the atomic_file's options say
/// otherwise; an existing one keeps its mode and owner. A symlinked settings
/// file is written through (dotfile managers keep working) unless the
/// atomic_file's options say to replace links.
///
/// Thread safety: every member function may be called from several threads
/// at once (a mutex guards the cache; the file lock orders the writers).
///
/// Not guaranteed:
/// - Readers take no lock: get() sees each file's last whole version, and
///   the merged view may combine a global and a local file that were not
///   current at the same instant.
/// - A change made in place (not by rename) that keeps the inode and size
///   and sets the mtime back to the cached version's can go unnoticed by
///   the cache until the next change. So can any change where the clock
///   that stamps mtimes (a network filesystem's server) runs more than
///   settings_racy_window behind this machine's.
/// - The lock is advisory and keyed on the path as given: a program that
///   does not take `<file>.lock`, or reaches the file through another name
///   (a different symlink), is not excluded.
/// - Durability is the AtomicFile's (full_sync by default).
template <atomic_file_type AtomicFile = default_atomic_file>
class basic_settings_store {
public:
    using atomic_file_type = AtomicFile;
    using fs_type = typename AtomicFile::fs_type;

    /// Touches no file but the stale temps it sweeps (options.stale_temps).
    /// Missing files are empty settings.
    /// REQUIRES: global_file and local_file name different files.
    basic_settings_store(std::filesystem::path global_file, std::filesystem::path local_file,
                         settings_options options = {}, AtomicFile file = AtomicFile());

    basic_settings_store(basic_settings_store const&) = delete;
    basic_settings_store& operator=(basic_settings_store const&) = delete;

    std::filesystem::path const& file_of(settings_scope scope) const noexcept;

    // ---- Reading -----------------------------------------------------------

    /// A copy of the value at pointer in the merged view; "" gives the
    /// whole merged object.
    /// Errors: stage::read with errc::not_found (nothing there),
    /// errc::type_mismatch (the pointer walks through a scalar) or
    /// errc::invalid_input (a malformed pointer or array index), with the
    /// pointer in detail and the local file as path; stage::read with an
    /// errno, or stage::parse (errc::corrupt_data with "line L, column C" in
    /// detail; errc::type_mismatch for a top level that is not an object),
    /// for the file that could not be loaded. An error changes nothing.
    [[nodiscard]] result<boost::json::value> get(std::string_view pointer) const;

    /// As get(pointer), within one scope's file alone.
    [[nodiscard]] result<boost::json::value> get(settings_scope scope,
                                                 std::string_view pointer) const;

    /// The value at pointer converted by boost::json::try_value_to<T>.
    /// Errors: as get(); a value that does not convert is stage::read,
    /// errc::type_mismatch, with the pointer, the value and T in detail.
    template <class T>
    [[nodiscard]] result<T> get_as(std::string_view pointer) const;
    template <class T>
    [[nodiscard]] result<T> get_as(settings_scope scope, std::string_view pointer) const;

    // ---- Writing -----------------------------------------------------------
    //
    // Errors common to every write, which all leave the file (and its .bak)
    // untouched:
    // - stage::validate: invalid_input for a malformed file path, pointer or
    //   array index, or a value JSON text cannot hold (NaN, invalid UTF-8);
    //   type_mismatch when a pointer walks through a scalar;
    //   validation_failed when the validator refuses, with its reason;
    // - stage::create_directory when the file's directory cannot be made;
    // - stage::lock when `<file>.lock` cannot be opened or locked;
    // - stage::read and stage::parse when the current file cannot be loaded
    //   (see get());
    // - any error of AtomicFile::replace, which says what it leaves.
    // The lock file, and any directories created for it, stay after an error.

    /// Replaces the whole scope with content. Writes even when the content
    /// is unchanged (so it also reformats a hand-edited file).
    [[nodiscard]] result<void> save(settings_scope scope, boost::json::object content);

    /// Makes the value at pointer equal to v, creating missing objects on
    /// the way (see set_at_pointer). "" replaces the scope and needs an
    /// object (errc::type_mismatch otherwise). Writes nothing when the value
    /// is already there.
    [[nodiscard]] result<void> set(settings_scope scope, std::string_view pointer,
                                   boost::json::value v);

    /// Removes the value at pointer. Returns whether there was one; when
    /// there was not, nothing is written. "" is errc::invalid_input.
    [[nodiscard]] result<bool> erase(settings_scope scope, std::string_view pointer);

    /// Appends v to the array at pointer unless an equal element is there,
    /// creating the array (and the objects above it) when nothing is at
    /// pointer. Returns whether v was added; when not, nothing is written.
    /// A value at pointer that is not an array is errc::type_mismatch.
    [[nodiscard]] result<bool> add_unique(settings_scope scope, std::string_view pointer,
                                          boost::json::value v);

    /// add_unique(scope, "/providers", name).
    [[nodiscard]] result<bool> add_provider(settings_scope scope, std::string_view name);

    /// add_unique(scope, "/models/<provider>", model), with provider escaped
    /// as one pointer token.
    [[nodiscard]] result<bool> add_model(settings_scope scope, std::string_view provider,
                                         std::string_view model);

private:
    /// A file's content as loaded; identity is empty when the file is missing.
    struct loaded_file {
        std::optional<detail::file_identity> identity;
        boost::json::value content;  ///< always an object
        /// The file's bytes (empty for a missing file): a reload that finds
        /// the same bytes keeps content, and a write edits them.
        std::string text;
        /// Whether the version was older than settings_racy_window when it
        /// was read, so that an equal identity proves it unchanged.
        bool settled = true;
        /// Whether text passed check_unique_keys (checked by the first write).
        bool unique_keys = false;
        /// Where text's members lie, once a write has scanned it: the next
        /// write below a top-level member does not scan the file again.
        std::optional<detail::jsonc_container> layout;
    };
    struct scope_cache {
        bool valid = false;
        loaded_file file;
    };

    result<void> reload(settings_scope scope) const;        // REQUIRES: mutex_ held
    result<void> refresh(settings_scope scope) const;       // REQUIRES: mutex_ held
    result<boost::json::value const*> merged_view() const;  // REQUIRES: mutex_ held
    error at_file(error e, settings_scope scope) const;

    /// The read-modify-write behind every write. change(root) edits the
    /// scope's content at the pointer `focus` alone (or fails, changing
    /// nothing), and returns whether it changed anything.
    template <class Change>
    result<bool> modify(settings_scope scope, std::string_view focus, bool write_unchanged,
                        Change&& change);

    std::array<std::filesystem::path, 2> files_;
    settings_options options_;
    AtomicFile file_;

    mutable std::mutex mutex_;
    mutable std::array<scope_cache, 2> cache_;
    mutable std::optional<boost::json::value> merged_;  ///< empty: recompute from cache_
};

/// JSON settings on the real filesystem, replaced with fsync of the file and
/// its directory, through a temporary file next to it.
using settings_store = basic_settings_store<default_atomic_file>;

}  // namespace persist

#include <persist/store/impl/settings_store.hpp>

#endif
