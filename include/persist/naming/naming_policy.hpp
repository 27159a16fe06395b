// The Naming policy: where the temporary file lives, and how it becomes the
// target.
#ifndef PERSIST_NAMING_NAMING_POLICY_HPP
#define PERSIST_NAMING_NAMING_POLICY_HPP

#include <persist/fs/fs_policy.hpp>

#include <concepts>
#include <filesystem>
#include <string_view>

namespace persist {

/// A temporary file being written. `path` is its visible name; it is empty
/// while the file is anonymous (O_TMPFILE) and has no name yet.
template <class Fs>
struct temp_file {
    typename Fs::handle handle{};
    std::filesystem::path path;
};

/// Where a naming step failed, and the file it was working on.
struct naming_failure {
    persist::stage stage = persist::stage::create_temp;
    std::error_code cause;
    std::filesystem::path path;  ///< the temp (or copy) involved, or its directory
};

template <class T>
using naming_result = boost::system::result<T, naming_failure>;

namespace detail {

/// Stands for any durability tier where naming_policy checks commit<D>: a
/// naming policy takes whatever tier it is given, so the concept names none
/// (and naming/ needs no durability model).
struct any_durability {};

}  // namespace detail

/// A type N models naming_policy<Fs> if:
///  1. n.create(fs, target) creates a new, empty, writable temporary file
///     with mode 0600 that no other process or thread can have opened, and
///     that is never reached through a symlink. On failure nothing is left.
///  2. n.publish(fs, t, target) gives an anonymous temp a visible name next
///     to target, with t.handle still open (a no-op for named temps). It
///     sets t.path. On failure t.path is empty or names nothing.
///  3. n.template commit<D>(fs, t, target), called after t.handle is closed,
///     atomically makes target name the temp's content: rename(2), or, if
///     that cannot cross devices, a copy into a new sibling temp synced
///     under tier D and renamed. It never writes into target in place. On
///     success no temp is left; on failure target is untouched and
///     t.path names the only file left to clean up, if any.
///  4. A failure names its stage (create_temp, rename, or the copy's
///     write_temp / sync_temp) and the file involved.
///  5. n.temp_directory(target) is the directory where create(fs, target)
///     puts a named temp, so sweep_stale_temps_for knows where a crash may
///     have left one (a commit's cross-device copy goes next to target).
///  6. N::name is a short stable name ("sibling_temp") for reports.
///  7. N is copyable and const-callable from several threads at once.
template <class N, class Fs>
concept naming_policy = fs_policy<Fs> && std::copy_constructible<N> &&
    requires(N const& n, Fs& fs, temp_file<Fs>& t, std::filesystem::path const& target) {
    { n.create(fs, target) } -> std::same_as<naming_result<temp_file<Fs>>>;
    { n.publish(fs, t, target) } -> std::same_as<naming_result<void>>;
    {
        n.template commit<detail::any_durability>(fs, t, target)
        } -> std::same_as<naming_result<void>>;
    { n.temp_directory(target) } -> std::same_as<std::filesystem::path>;
    { N::name } -> std::convertible_to<std::string_view>;
};

}  // namespace persist

#endif
