// atomic_file: replace a file's content all-or-nothing.
#ifndef PERSIST_ATOMIC_FILE_HPP
#define PERSIST_ATOMIC_FILE_HPP

#include <persist/durability/durability_policy.hpp>
#include <persist/error.hpp>
#include <persist/fs/fs_policy.hpp>
#include <persist/naming/naming_policy.hpp>
#include <persist/sink.hpp>

#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace persist {

/// What to do when the target is a symbolic link.
enum class symlink_mode {
    follow,   ///< write through the link to the file it names (dotfile managers keep working)
    replace,  ///< replace the link itself with a regular file
};

/// How persist opens the caller's own file: through a symbolic link at its
/// name under symlink_mode::follow; as a name it owns (never through a link,
/// only a regular file; fs_policy 10) under symlink_mode::replace.
constexpr name_owner owner_of_target(symlink_mode symlinks) noexcept {
    return symlinks == symlink_mode::replace ? name_owner::persist : name_owner::caller;
}

struct atomic_file_options {
    symlink_mode symlinks = symlink_mode::follow;
    /// Mode of a newly created file. Empty: 0666 masked by the umask, as
    /// open(2) would. A value is applied exactly, without the umask.
    std::optional<mode_t> new_file_mode;
    /// An existing file keeps its mode, and its owner and group where the
    /// process may set them (chown fails with EPERM otherwise, silently).
    bool keep_mode = true;
    bool keep_owner = true;
    /// Before replacing, hard-link the previous content to `<name>.bak`
    /// (atomically, through a temporary link and a rename). Where link(2)
    /// is not supported, the backup is a copy, synced as Durability syncs.
    bool keep_backup = false;
    /// Create missing parent directories (mode 0777 masked by the umask).
    bool create_parents = true;
};

template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
class atomic_file;

namespace detail {
template <class T>
inline constexpr bool is_atomic_file = false;
template <class Fs, class Durability, class Naming>
inline constexpr bool is_atomic_file<atomic_file<Fs, Durability, Naming>> = true;
}  // namespace detail

/// A type A models atomic_file_type if it is atomic_file<Fs, Durability,
/// Naming> for some policies: what every store is built on. A store reaches
/// its policies through A::fs_type, A::durability_type and A::naming_type.
template <class A>
concept atomic_file_type = detail::is_atomic_file<std::remove_cv_t<A>>;

/// Replaces files all-or-nothing: readers and crashes see the old content or
/// the new, whole, never a mix. Fs says how bytes reach the OS, Durability
/// when they are forced to disk (and so what survives a power cut), and
/// Naming where the temporary file lives.
///
/// Thread safety: const member functions may be called from many threads at
/// once. Concurrent replaces of one path, from threads or processes, each
/// leave a whole version; the last rename wins.
template <fs_policy Fs, durability_policy<Fs> Durability, naming_policy<Fs> Naming>
class atomic_file {
public:
    using fs_type = Fs;
    using durability_type = Durability;
    using naming_type = Naming;

    explicit atomic_file(Fs fs = Fs{}, atomic_file_options options = {}, Naming naming = Naming{})
        : fs_(std::move(fs)), options_(options), naming_(std::move(naming)) {}

    /// Default-constructed Fs and Naming with these options. Not explicit, so
    /// that a store's last argument can be just its atomic_file_options:
    /// `settings_store(global, local, {}, with_backup)`, with_backup being
    /// atomic_file_options with keep_backup set.
    atomic_file(atomic_file_options options)  // NOLINT(google-explicit-constructor)
        : atomic_file(Fs{}, options) {}

    /// Replaces the content of target with bytes.
    ///
    /// Steps: validate; resolve the symlink; create missing parents; create
    /// the temp (Naming) and write it; set the mode and owner; sync
    /// (Durability); keep the backup; rename; sync the directory.
    ///
    /// Errors: stage::validate (invalid_input, is_a_directory,
    /// not_a_directory, too_many_symbolic_link_levels), stage::read (the
    /// target or its symlink could not be inspected: EACCES, EIO), create_directory, create_temp,
    /// write_temp, set_metadata, sync_temp, backup, rename, sync_directory; the cause is the errno
    /// of the failed call. After any error except sync_directory, target is untouched and no
    /// temporary file is left. After a sync_directory error the new content is in place, but
    /// whether it survives a power cut is unknown.
    ///
    /// Not guaranteed: what survives a power cut beyond Durability::promise.
    /// A temp file removal that itself fails during cleanup is not reported.
    [[nodiscard]] result<void> replace(std::filesystem::path const& target,
                                       std::string_view bytes) const;
    [[nodiscard]] result<void> replace(std::filesystem::path const& target,
                                       std::span<std::byte const> bytes) const;
    /// As replace(target, bytes), with options in place of options() for
    /// this one call (a store that must skip the backup step once).
    [[nodiscard]] result<void> replace(std::filesystem::path const& target, std::string_view bytes,
                                       atomic_file_options const& options) const;

    /// Like replace(), but the content is streamed: writer(sink&) is called
    /// once and may write any number of pieces of any size. If the writer
    /// returns a non-zero std::error_code (or throws), nothing is replaced:
    /// the error is reported with stage::write_temp (or the exception
    /// propagates) and the temp file is removed.
    ///
    /// REQUIRES: writer is invocable as writer(sink&) and returns void or
    /// std::error_code.
    template <class Writer>
        requires std::invocable<Writer&, sink&>
    [[nodiscard]] result<void> replace_with(std::filesystem::path const& target,
                                            Writer&& writer) const;

    /// The whole content of path. A symbolic link at path is followed,
    /// unless the symlinks option is symlink_mode::replace or owner is
    /// name_owner::persist (a name persist made, such as a `.bak`): then
    /// only a regular file at path is read (fs_policy 10).
    /// If opened_status is given, it receives the fstat(2) of the file the
    /// content was read from, so a caller can tell which version it has.
    /// Errors: stage::validate, stage::read (ENOENT, EISDIR, EACCES; ELOOP
    /// and errc::not_regular_file when not following, ...).
    [[nodiscard]] result<std::string> read(std::filesystem::path const& path,
                                           name_owner owner = name_owner::caller,
                                           file_status* opened_status = nullptr) const;

    /// The filesystem this atomic_file works through, for a store's own
    /// calls (its lock, its appends). Shallow const, as a pointer is: an Fs
    /// is a handle on a filesystem (posix_fs holds nothing; copies of a
    /// memory_fs share one tree), so using it changes the files, never this
    /// atomic_file. That is also why replace() is const.
    Fs& fs() const noexcept { return fs_; }
    atomic_file_options const& options() const noexcept { return options_; }
    Naming const& naming() const noexcept { return naming_; }

private:
    struct resolved_target;
    using handle = typename Fs::handle;

    // The steps of replace_with, in order, each with the call's options.
    template <class Writer>
    result<void> replace_using(atomic_file_options const& options,
                               std::filesystem::path const& target, Writer&& writer) const;
    result<resolved_target> prepare(std::filesystem::path const& target,
                                    atomic_file_options const& options) const;
    template <class Writer>
    std::error_code write_content(handle temp, Writer& writer) const;
    io_result<void> set_metadata(handle temp, std::optional<file_status> const& existing,
                                 atomic_file_options const& options) const;
    result<void> switch_in(temp_file<Fs>& temp, resolved_target const& resolved,
                           atomic_file_options const& options) const;
    result<void> keep_backup(std::filesystem::path const& target) const;
    io_result<void> copy_for_backup(std::filesystem::path const& target,
                                    std::filesystem::path const& copy) const;
    mode_t final_mode(std::optional<file_status> const& existing,
                      atomic_file_options const& options) const;

    mutable Fs fs_;
    atomic_file_options options_;
    Naming naming_;
};

}  // namespace persist

#include <persist/impl/atomic_file.hpp>

#endif
