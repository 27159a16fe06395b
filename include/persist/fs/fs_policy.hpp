// The Fs policy: how bytes reach the operating system.
//
// persist never calls the OS directly. Every file operation goes through an
// Fs model, so the same algorithm runs on the real kernel (posix_fs), on an
// in-memory disk that can be crashed (memory_fs), or through a decorator that
// injects faults (fault_fs) or counts calls.
#ifndef PERSIST_FS_FS_POLICY_HPP
#define PERSIST_FS_FS_POLICY_HPP

#include <persist/error.hpp>

#include <sys/types.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace persist {

/// The kind of a directory entry.
enum class file_kind { regular, directory, symlink, other };

/// What stat(2) and lstat(2) report, reduced to what persist uses.
struct file_status {
    file_kind kind = file_kind::regular;
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    mode_t mode = 0;  ///< permission bits only (07777)
    uid_t owner = 0;
    gid_t group = 0;
    std::int64_t modified_ns = 0;  ///< mtime, nanoseconds since the epoch
    std::uint64_t links = 1;

    friend bool operator==(file_status const&, file_status const&) = default;
};

/// Who chose a path, and so how an open treats what it finds there.
enum class name_owner {
    /// The caller's own file: opened as open(2) opens it, through a symbolic
    /// link at its name.
    caller,
    /// A name persist makes beside a store (its lock, backup, quarantine
    /// and rotation files): it is never followed and never blocked on. A
    /// symbolic link there fails with ELOOP, a directory with EISDIR, and
    /// anything else that is not a regular file (a FIFO, a device, a
    /// socket) with errc::not_regular_file; nothing is created or changed
    /// anywhere then. README, "Security".
    persist,
};

/// Every operation of an Fs model, once. PERSIST_FS_OPERATIONS(X) expands
/// X(op, member, value, parameters, arguments) per operation: its fs_op
/// enumerator, the member function's name (stat_handle is the overload
/// stat(handle)), the T of its io_result<T>, and its parameter and argument
/// lists, spelled with the names `handle` (the model's handle type) and
/// `path` (std::filesystem::path), which the expanding class declares. The
/// parameter lists carry no default arguments (a requires-expression may
/// not have them): PERSIST_FS_SHORT_CALLS below lists the calls that leave
/// an argument out.
///
/// fs_op, fs_op_name, the fs_policy concept, fs_decorator's forwarding
/// members, the models' declarations and the conformance test's any_fs all
/// follow from it. Adding an operation is a line here; then each model
/// implements it (posix_fs, memory_fs), the conformance test gets a
/// sequence for it, and decorators forward it without an edit.
///
/// umask() is not in the list: it reads a property of the process, changes
/// no file, and no decorator fails or counts it.
// clang-format off
#define PERSIST_FS_OPERATIONS(X)                                                                 \
    X(open_read, open_read, handle, (path const& p, name_owner o), (p, o))                       \
    X(create_exclusive, create_exclusive, handle, (path const& p, mode_t mode), (p, mode))       \
    X(create_anonymous, create_anonymous, handle, (path const& dir, mode_t mode), (dir, mode))   \
    X(open_append, open_append, handle, (path const& p, mode_t mode, name_owner o), (p, mode, o))\
    X(write, write, void, (handle h, std::span<std::byte const> bytes), (h, bytes))              \
    X(read, read, std::size_t, (handle h, std::span<std::byte> buffer), (h, buffer))             \
    X(read_at, read_at, std::size_t,                                                             \
      (handle h, std::uint64_t offset, std::span<std::byte> buffer), (h, offset, buffer))        \
    X(truncate, truncate, void, (handle h, std::uint64_t size), (h, size))                       \
    X(sync_data, sync_data, void, (handle h), (h))                                               \
    X(sync_full, sync_full, void, (handle h), (h))                                               \
    X(close, close, void, (handle h), (h))                                                       \
    X(rename, rename, void, (path const& from, path const& to), (from, to))                      \
    X(link_handle, link_handle, void, (handle h, path const& p), (h, p))                         \
    X(link, link, void, (path const& from, path const& to), (from, to))                          \
    X(unlink, unlink, void, (path const& p), (p))                                                \
    X(sync_directory, sync_directory, void, (path const& dir), (dir))                            \
    X(make_directory, make_directory, void, (path const& p, mode_t mode), (p, mode))             \
    X(stat, stat, file_status, (path const& p), (p))                                             \
    X(lstat, lstat, file_status, (path const& p), (p))                                           \
    X(stat_handle, stat, file_status, (handle h), (h))                                           \
    X(set_mode, set_mode, void, (handle h, mode_t mode), (h, mode))                              \
    X(set_owner, set_owner, void, (handle h, uid_t owner, gid_t group), (h, owner, group))       \
    X(read_symlink, read_symlink, path, (path const& p), (p))                                    \
    X(list_directory, list_directory, std::vector<std::string>, (path const& dir), (dir))        \
    X(lock, lock, handle, (path const& p), (p))

/// The calls of an operation that leave out its last argument, once.
/// PERSIST_FS_SHORT_CALLS(X) expands X(op, member, value, parameters,
/// arguments, omitted) per short call: the operation of PERSIST_FS_OPERATIONS
/// it makes, the short call's parameter and argument lists, and the value
/// the left-out argument takes. open_read(p) and open_append(p, mode) open
/// a name the caller owns (fs_policy 10).
#define PERSIST_FS_SHORT_CALLS(X)                                                                \
    X(open_read, open_read, handle, (path const& p), (p), name_owner::caller)                    \
    X(open_append, open_append, handle, (path const& p, mode_t mode), (p, mode), name_owner::caller)
// clang-format on

/// `(arguments..., omitted)`: the whole argument list of a short call.
#define PERSIST_FS_WHOLE_ARGUMENTS(arguments, omitted) \
    (PERSIST_FS_UNPARENTHESIZE arguments, omitted)
#define PERSIST_FS_UNPARENTHESIZE(...) __VA_ARGS__

/// In a model's class, declares each operation of PERSIST_FS_OPERATIONS as
/// a member defined out of line (PERSIST_DECL): posix_fs and memory_fs. The
/// class declares `handle` and `using path = std::filesystem::path;`.
#define PERSIST_FS_DECLARE_OPERATION(op, member, value, parameters, arguments) \
    PERSIST_DECL io_result<value> member parameters;

/// In a model's class, defines each short call of PERSIST_FS_SHORT_CALLS as
/// the whole call with the left-out argument filled in.
#define PERSIST_FS_DEFINE_SHORT_CALL(op, member, value, parameters, arguments, omitted) \
    io_result<value> member parameters {                                                \
        return member PERSIST_FS_WHOLE_ARGUMENTS(arguments, omitted);                   \
    }

/// The operations of an Fs model, by name. Fault injection and call counting
/// use these to say which call to fail or count.
enum class fs_op {
#define PERSIST_FS_OP_ENUMERATOR(op, member, value, parameters, arguments) op,
    PERSIST_FS_OPERATIONS(PERSIST_FS_OP_ENUMERATOR)
#undef PERSIST_FS_OP_ENUMERATOR
};

inline constexpr std::size_t fs_op_count = 0
#define PERSIST_FS_OP_ONE(op, member, value, parameters, arguments) +1
    PERSIST_FS_OPERATIONS(PERSIST_FS_OP_ONE)
#undef PERSIST_FS_OP_ONE
    ;

/// "rename" for fs_op::rename, "stat_handle" for fs_op::stat_handle: the
/// enumerator's name, for messages and reports.
constexpr std::string_view fs_op_name(fs_op op) noexcept {
    switch (op) {
#define PERSIST_FS_OP_CASE(op, member, value, parameters, arguments) \
    case fs_op::op: return #op;
        PERSIST_FS_OPERATIONS(PERSIST_FS_OP_CASE)
#undef PERSIST_FS_OP_CASE
    }
    return "unknown fs_op";
}

namespace detail {

#define PERSIST_FS_WITH_MODEL(...) (Fs & fs, __VA_ARGS__)

/// fs_has_open_read<Fs>, ..., fs_has_lock<Fs>: Fs has the operation of
/// PERSIST_FS_OPERATIONS, with its signature. One concept per operation, so
/// that a model which lacks one is told which.
#define PERSIST_FS_OPERATION_CONCEPT(op, member, value, parameters, arguments)                  \
    template <class Fs, class handle = typename Fs::handle, class path = std::filesystem::path> \
    concept fs_has_##op = requires PERSIST_FS_WITH_MODEL parameters {                           \
        { fs.member arguments } -> std::same_as<io_result<value>>;                              \
    };
PERSIST_FS_OPERATIONS(PERSIST_FS_OPERATION_CONCEPT)
#undef PERSIST_FS_OPERATION_CONCEPT

/// fs_has_short_open_read<Fs>, fs_has_short_open_append<Fs>: Fs takes the
/// short call of PERSIST_FS_SHORT_CALLS.
#define PERSIST_FS_SHORT_CALL_CONCEPT(op, member, value, parameters, arguments, omitted)        \
    template <class Fs, class handle = typename Fs::handle, class path = std::filesystem::path> \
    concept fs_has_short_##op = requires PERSIST_FS_WITH_MODEL parameters {                     \
        { fs.member arguments } -> std::same_as<io_result<value>>;                              \
    };
PERSIST_FS_SHORT_CALLS(PERSIST_FS_SHORT_CALL_CONCEPT)
#undef PERSIST_FS_SHORT_CALL_CONCEPT

#undef PERSIST_FS_WITH_MODEL

}  // namespace detail

#define PERSIST_FS_REQUIRE_OPERATION(op, member, value, parameters, arguments) \
    &&detail::fs_has_##op<Fs>
#define PERSIST_FS_REQUIRE_SHORT_CALL(op, member, value, parameters, arguments, omitted) \
    &&detail::fs_has_short_##op<Fs>

/// A type Fs models fs_policy if:
///  1. Fs is a cheap handle to one filesystem: copies of an Fs refer to the
///     same files, so an atomic_file and a test can share one memory_fs.
///  2. Fs::handle names an open file. It is a regular value; a handle is
///     valid from the call that returned it until close(h), on every path,
///     including after another operation on it failed. close(h) releases it
///     even when it reports an error.
///  3. Every operation returns io_result: either its value, or the errno the
///     real system call would have failed with (as errno_code(E)), with the
///     same meaning: ENOENT, EEXIST, ENOTDIR, EISDIR, ENOSPC, EIO, ...
///     An operation that fails changes nothing observable, except write,
///     which may have written a prefix.
///  4. write(h, bytes) writes all bytes or fails: short writes and EINTR are
///     retried inside, never surfaced. read(h, buffer) reads from h's
///     offset and advances it. read_at(h, offset, buffer) reads from the
///     given offset and leaves h's offset alone (pread(2)); it returns
///     fewer bytes than asked only at the end of the file (0 at or past
///     it): short reads and EINTR are retried inside. Both fail as read(2)
///     does, with EBADF on a handle not open for reading and EISDIR on a
///     directory, and both see the file's current content, whoever wrote it.
///  5. sync_data(h) makes h's content durable (fdatasync); sync_full(h) also
///     its metadata (fsync, or F_FULLFSYNC on macOS). Neither makes the
///     file's directory entry durable: only sync_directory(dir) does that.
///     A failed sync is reported once and never retried: after it the dirty
///     data may be gone (fsyncgate), and the caller must not report success.
///  6. create_exclusive(p, mode) creates a new regular file with O_EXCL and
///     O_NOFOLLOW: it fails with EEXIST if anything, even a dangling symlink,
///     is at p, and never follows a symlink.
///  7. create_anonymous(dir, mode) creates an unnamed file in dir (O_TMPFILE)
///     that vanishes if it is closed or the machine crashes before
///     link_handle(h, p) gives it a name; where that is not supported it
///     fails with EOPNOTSUPP (or EISDIR / EINVAL, as Linux does).
///  8. rename(from, to) atomically replaces to: at every instant `to` names
///     either the old or the new file, for every process.
///  9. lock(p) creates p (mode 0600) if nothing is there and blocks until
///     the process holds an exclusive advisory lock on it; close(h)
///     releases it. Locks exclude other handles, in this process and in
///     others. p is a name persist owns (name_owner::persist): a symbolic
///     link, even a dangling one, fails with ELOOP, a directory with
///     EISDIR, a FIFO, device or socket with errc::not_regular_file; none is
///     followed, opened so as to block, or changed, and nothing is created.
/// 10. open_read(p, owner) and open_append(p, mode, owner) with
///     name_owner::persist treat p as lock(p) does: only a regular file is
///     opened (open_append may create one), and never through a link.
///     With name_owner::caller they open as open(2) does; open_read(p) and
///     open_append(p, mode) are the calls with name_owner::caller.
/// 11. Fs is safe to use from several threads at once.
// clang-format off
template <class Fs>
concept fs_policy = std::copy_constructible<Fs> && std::regular<typename Fs::handle>
    // 3-10: every operation, and every short call, with its signature.
    PERSIST_FS_OPERATIONS(PERSIST_FS_REQUIRE_OPERATION)
    PERSIST_FS_SHORT_CALLS(PERSIST_FS_REQUIRE_SHORT_CALL)
    // umask() is outside the lists (see PERSIST_FS_OPERATIONS).
    && requires(Fs& fs) {
    { fs.umask() } -> std::same_as<mode_t>;
};
// clang-format on
#undef PERSIST_FS_REQUIRE_OPERATION
#undef PERSIST_FS_REQUIRE_SHORT_CALL

}  // namespace persist

#endif
